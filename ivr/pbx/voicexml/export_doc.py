"""The document-wide parts of an export: handlers by count, links, variables, notes.

ivr's built-in escalation (VoiceXML has none: 5.2.5's defaults only reprompt)
is written out as handlers by count: the apology and the short prompt
(``<reprompt/>``: the prompt counter is then 2, 4.1.6), then the apology,
the full prompt and the help, then ``on_max_failures``. A node's own
``on_no_input``/``on_no_match`` are written as they are. The global commands
are document ``<link>``s (2.5), active in every dialog.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ivr.model import Action, ActionKind, Handler, Menu, Node
from ivr.pbx.voicexml.export_parts import (
    BACK_EVENT,
    REPEAT_EVENT,
    TIME_HELPER,
    Writer,
    js_name,
    js_string,
    seconds,
)


def handlers(w: Writer, el: ET.Element, node: Node) -> None:
    """No input and no match by count, the node's help, and where ``back`` goes from here."""
    m = w.menu.messages
    s = node.settings
    for tag, apology, most, own in (
        ("noinput", m.no_input, s.max_no_input, node.on_no_input),
        ("nomatch", m.no_match, s.max_no_match, node.on_no_match),
    ):
        if own:
            for handler in own:
                _own(w, ET.SubElement(el, tag, {"count": str(handler.count)}), node, handler)
            continue
        for level in range(1, max(1, most)):
            handler_el = ET.SubElement(el, tag, {"count": str(min(level, 2))})
            if tag == "nomatch" and m.invalid_key.get(w.lang) != apology.get(w.lang):
                _apologies(w, handler_el, m.invalid_key.get(w.lang), apology.get(w.lang))
            else:
                w.say(handler_el, apology.get(w.lang))
            if level == 1:
                ET.SubElement(handler_el, "reprompt")
                continue
            w.say(handler_el, node.prompt.get(w.lang))
            if node.help:
                w.say(handler_el, node.help.get(w.lang))
            break
        if most <= 0:
            continue
        give_up = ET.SubElement(el, tag, {"count": str(most)})
        action = s.on_max_failures
        if action.kind is ActionKind.HANGUP:
            w.act(give_up, node, Action(ActionKind.HANGUP, message=action.message, say=action.say))
        else:
            w.act(give_up, node, action)
    if node.help:
        handler_el = ET.SubElement(el, "help")
        w.say(handler_el, node.help.get(w.lang))
        ET.SubElement(handler_el, "reprompt")
    if "back" in w.commands:
        catch = ET.SubElement(el, "catch", {"event": BACK_EVENT})
        if node.parent:
            ET.SubElement(catch, "goto", {"next": f"#{node.parent}"})
        else:
            w.say(catch, m.at_top.get(w.lang))
            w.say(catch, node.prompt.get(w.lang))


#: True when the input that matched nothing was keys (VoiceXML 2.0 5.1.5, lastresult$).
BY_KEY = "application.lastresult$.inputmode == 'dtmf'"


def _apologies(w: Writer, el: ET.Element, by_key: str, spoken: str) -> None:
    """ivr's two apologies: a wrong key is told so, an utterance not understood."""
    check = ET.SubElement(el, "if", {"cond": BY_KEY})
    w.say(check, by_key)
    ET.SubElement(check, "else")
    w.say(check, spoken)


def _own(w: Writer, el: ET.Element, node: Node, handler: Handler) -> None:
    w.say(el, handler.say.get(w.lang))
    if handler.action is not None:
        w.act(el, node, handler.action)
    elif handler.reprompt:
        ET.SubElement(el, "reprompt")


def document(w: Writer, root: ET.Element) -> None:
    """Timeouts, shortcuts and commands as links, and the document's handlers."""
    menu = w.menu
    base = w.base
    ET.SubElement(root, "property", {"name": "timeout", "value": seconds(base.no_input_timeout)})
    value = seconds(base.inter_digit_timeout)
    ET.SubElement(root, "property", {"name": "interdigittimeout", "value": value})
    keys = {c.key for c in menu.commands} | {o.key for n in menu.nodes.values() for o in n.options}
    if "#" in keys:
        # "#" is a choice here, not the end of an entry (termchar, VoiceXML 2.0 6.3.3)
        ET.SubElement(root, "property", {"name": "termchar", "value": ""})
    for sid in menu.shortcuts:
        number = menu.services[sid].number
        ET.SubElement(root, "link", {"dtmf": number, "next": f"#{w.service_dialog(sid)}"})
    for command in menu.commands:
        _command_link(w, root, command.name)
    if "repeat" in w.commands or any(
        o.action.kind is ActionKind.REPEAT for n in menu.nodes.values() for o in n.options
    ):
        ET.SubElement(ET.SubElement(root, "catch", {"event": REPEAT_EVENT}), "reprompt")
    if "help" in w.commands:
        handler = ET.SubElement(root, "help")
        w.say(handler, menu.messages.help.get(w.lang))
        ET.SubElement(handler, "reprompt")


def _command_link(w: Writer, root: ET.Element, name: str) -> None:
    command = w.commands[name]
    start = w.menu.nodes[w.menu.start]
    attrs = {"dtmf": command.key} if command.key is not None else {}
    events = {"repeat": REPEAT_EVENT, "back": BACK_EVENT, "help": "help"}
    if name in events:
        attrs["event"] = events[name]
    elif name == "main_menu":
        attrs["next"] = f"#{w.menu.start}"
    else:  # the operator: a yes/no question first when it confirms (its "no": the start)
        words = command.phrases.get(w.lang)
        attrs.update(w.target(start, command.action, words[0] if words else name))
    link = ET.SubElement(root, "link", attrs)
    words = command.phrases.get(w.lang)
    if words:
        w.voice_grammar(link, words)


def finish(w: Writer, root: ET.Element) -> None:
    """The dialogs the actions needed, the call variables, and the time helper."""
    root.extend(w.extra)
    head: list[ET.Element] = []
    for name, value in w.variables.items():
        head.append(ET.Element("var", {"name": js_name(name), "expr": js_string(value)}))
    if w.used_time:
        script = ET.Element("script")
        script.text = TIME_HELPER
        head.append(script)
    for index, el in enumerate(head):
        root.insert(index, el)


def notes_for(menu: Menu, lang: str, w: Writer) -> tuple[str, ...]:
    """What the export could not say in VoiceXML, one sentence each."""
    notes: list[str] = []
    others = [x for x in menu.languages if x != lang]
    if others:
        notes.append(
            f"Only the {lang} texts are exported; {', '.join(others)} would need a document each."
        )
    nodes = list(menu.nodes.values())
    if any(n.settings.search == "tree" for n in nodes) or any(
        o.examples.all() for n in nodes for o in n.options
    ):
        notes.append(
            "Needs described in the caller's own words (search: tree, examples, service purposes) "
            "are not exported: a VoiceXML grammar lists the phrases it hears."
        )
    if any(s.urgent for s in menu.services.values()):
        notes.append("The 'can it wait?' question before urgent services is not exported.")
    notes.append(
        "The recogniser's confirm_below and reject_below are platform settings "
        "(confidencelevel): not exported."
    )
    notes.append(
        "A spoken no match and an invalid key both get the no-match apology "
        "(VoiceXML has one nomatch event)."
    )
    if any(n.short_prompt for n in nodes):
        notes.append(
            'Short prompts are <prompt count="2">: spoken on reprompts, while a dialog '
            "entered again starts with its full prompt (VoiceXML restarts the prompt counter)."
        )
    if "repeat" in w.commands:
        notes.append("repeat replays the short prompt (a <reprompt/>); ivr speaks the full one.")
    if "back" in w.commands:
        notes.append("back goes to the dialog above in the menu tree: VoiceXML keeps no history.")
    if w.confirms:
        notes.append("Confirmations are yes/no fields; a no to the operator's goes to the start.")
    if any(n.collect is not None for n in nodes):
        notes.append(
            "A digit entry ends as soon as its keys can only be one entry (VoiceXML DTMF "
            "grammars complete early), not only at the terminator or a pause."
        )
    if any(n.collect is not None and n.collect.patterns for n in nodes):
        notes.append(
            "Dial patterns are ECMAScript regular expressions in <filled> (ivr import does not "
            "read them back) and their captures are assigned to capture1, capture2 ..."
        )
    if w.used_time:
        notes.append(
            "Time-of-day branches run the ivr_within script function on the platform clock."
        )
    if w.odd_targets:
        notes.append(
            "Destinations that are not tel: or sip: addresses are written as they are: "
            + ", ".join(sorted(w.odd_targets))
            + "."
        )
    if menu.voices:
        notes.append("Voices and speaking rates only shaped the rendered sounds.")
    return tuple(notes)
