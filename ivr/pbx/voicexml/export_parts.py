"""The pieces every exported dialog is made of: prompts, targets, handlers, links.

Kept apart from the dialogs themselves (``ivr.pbx.voicexml.export``) so each
stays readable. The shapes written here are the ones ``ivr import`` reads
back as the same ivr constructs (``ivr.pbx.voicexml.shapes``): an info form
that speaks and returns, a yes/no form for ``confirm``, document links for
the global commands and speed-dial shortcuts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ivr.model import Action, ActionKind, Menu, Node, TimeWindow
from ivr.pbx.common import PromptSink

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REPEAT_EVENT = "ivr.repeat"
BACK_EVENT = "ivr.back"

#: ECMAScript for ivr's time windows (``ivr.model.TimeWindow.contains``): days by
#: name, a window that crosses midnight belongs to the day it started on.
TIME_HELPER = """
function ivr_within(days, from, to) {
  var names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  var now = new Date();
  var minutes = now.getHours() * 60 + now.getMinutes();
  var start = parseInt(from.substr(0, 2), 10) * 60 + parseInt(from.substr(3, 2), 10);
  var end = parseInt(to.substr(0, 2), 10) * 60 + parseInt(to.substr(3, 2), 10);
  var list = ',' + days + ',';
  var today = list.indexOf(',' + names[now.getDay()] + ',') >= 0;
  var yesterday = list.indexOf(',' + names[(now.getDay() + 6) % 7] + ',') >= 0;
  if (start <= end) { return today && minutes >= start && minutes < end; }
  if (minutes >= start) { return today; }
  return yesterday && minutes < end;
}
"""


def _seconds(value: float) -> str:
    return f"{round(value * 1000)}ms"


class Writer:
    """One export in progress: the menu, the sound names, and the extra dialogs needed."""

    XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

    def __init__(self, menu: Menu, sounds: PromptSink, lang: str) -> None:
        self.menu, self.sounds, self.lang = menu, sounds, lang
        self.extra: list[ET.Element] = []
        self.used_time = False
        self.confirms = False
        self._dialog_ids: set[str] = set(menu.nodes)
        self._service_ids: dict[str, str] = {}
        self.commands = {c.name: c for c in menu.commands}
        self.base = menu.nodes[menu.start].settings
        self._rules = 0

    # -- names ------------------------------------------------------------------------
    def _unique(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self._dialog_ids:
            candidate, n = f"{base}_{n}", n + 1
        self._dialog_ids.add(candidate)
        return candidate

    def service_dialog(self, sid: str) -> str:
        if sid not in self._service_ids:
            self._service_ids[sid] = self._unique(f"to_{sid}")
        return self._service_ids[sid]

    # -- speech -----------------------------------------------------------------------
    def say(self, parent: ET.Element, text: str, count: int | None = None) -> None:
        if not text:
            return
        attrs = {"count": str(count)} if count is not None else {}
        prompt = ET.SubElement(parent, "prompt", attrs)
        name = self.sounds.sound(text, self.lang)
        ET.SubElement(prompt, "audio", {"src": f"sounds/{name}.wav"}).text = text

    def prompts(self, el: ET.Element, node: Node) -> None:
        self.say(el, node.prompt.get(self.lang), 1)
        if node.short_prompt:
            self.say(el, node.short_prompt.get(self.lang), 2)

    def rule_id(self) -> str:
        """A rule id unique in the document (rule ids are XML IDs)."""
        self._rules += 1
        return f"r{self._rules}"

    def grammar_attrs(self, mode: str, rule: str) -> dict[str, str]:
        attrs = {"mode": mode, "version": "1.0", "root": rule, "type": "application/srgs+xml"}
        if mode == "voice":
            attrs[self.XML_LANG] = self.lang
        return attrs

    def voice_grammar(self, parent: ET.Element, words: Sequence[str]) -> None:
        rid = self.rule_id()
        grammar = ET.SubElement(parent, "grammar", self.grammar_attrs("voice", rid))
        rule = ET.SubElement(grammar, "rule", {"id": rid, "scope": "public"})
        one_of = ET.SubElement(rule, "one-of")
        for word in dict.fromkeys(words):
            ET.SubElement(one_of, "item").text = word

    # -- settings ---------------------------------------------------------------------
    def properties(self, el: ET.Element, node: Node, termchar: bool = True) -> None:
        s = node.settings
        if s.no_input_timeout != self.base.no_input_timeout:
            ET.SubElement(
                el, "property", {"name": "timeout", "value": _seconds(s.no_input_timeout)}
            )
        if s.inter_digit_timeout != self.base.inter_digit_timeout:
            value = _seconds(s.inter_digit_timeout)
            ET.SubElement(el, "property", {"name": "interdigittimeout", "value": value})

    # -- actions ----------------------------------------------------------------------
    def window(self, when: TimeWindow) -> str:
        self.used_time = True
        days = ",".join(_DAYS[d] for d in sorted(when.days))
        return f"ivr_within('{days}', '{when.start:%H:%M}', '{when.end:%H:%M}')"

    def _goodbye(self, action: Action) -> str:
        text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
        form = ET.Element("form", {"id": self._unique("goodbye")})
        block = ET.SubElement(form, "block")
        self.say(block, text)
        ET.SubElement(block, "disconnect")
        self.extra.append(form)
        return str(form.get("id"))

    def _info(self, node: Node, text: str) -> str:
        form = ET.Element("form", {"id": self._unique(f"info_{node.id}")})
        block = ET.SubElement(form, "block")
        self.say(block, text)
        ET.SubElement(block, "goto", {"next": f"#{node.id}"})
        self.extra.append(form)
        return str(form.get("id"))

    def _confirm(self, label: str, yes: str, no: str) -> str:
        """A yes/no question (builtin boolean: 1 yes, 2 no) before going to ``yes``."""
        self.confirms = True
        form = ET.Element("form", {"id": self._unique("confirm")})
        field = ET.SubElement(form, "field", {"name": "yes", "type": "boolean"})
        try:
            question = self.menu.messages.confirm.get(self.lang).format(label=label)
        except (KeyError, IndexError):
            question = self.menu.messages.confirm.get(self.lang)
        self.say(field, question)
        check = ET.SubElement(ET.SubElement(field, "filled"), "if", {"cond": "yes"})
        ET.SubElement(check, "goto", {"next": f"#{yes}"})
        ET.SubElement(check, "else")
        ET.SubElement(check, "goto", {"next": f"#{no}"})
        self.extra.append(form)
        return str(form.get("id"))

    def target(self, node: Node, action: Action, label: str) -> dict[str, str]:
        """Where a choice or link with ``action`` goes: ``next`` or ``event``."""
        kind = action.kind
        if kind is ActionKind.REPEAT:
            return {"event": REPEAT_EVENT}
        if kind is ActionKind.HELP:
            return {"event": "help"}
        if kind is ActionKind.OPERATOR and "operator" in self.commands:
            operator = self.commands["operator"]
            return self.target(node, operator.action, label)
        dialog = self._dialog(node, action)
        if action.confirm:
            dialog = self._confirm(label, dialog, node.id)
        return {"next": f"#{dialog}"}

    def _dialog(self, node: Node, action: Action) -> str:
        kind = action.kind
        if kind is ActionKind.GOTO and action.target:
            return action.target
        if kind is ActionKind.ROUTE and action.target:
            return self.service_dialog(action.target)
        if kind is ActionKind.INFO:
            return self._info(node, action.message.get(self.lang))
        if kind is ActionKind.BACK:
            return node.parent or node.id
        if kind is ActionKind.MAIN_MENU:
            return self.menu.start
        return self._goodbye(action)

    def act(self, parent: ET.Element, node: Node, action: Action) -> None:
        """``action`` as executable content (in a ``<block>`` or ``<filled>``)."""
        if action.kind is ActionKind.HANGUP:
            text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
            self.say(parent, text)
            ET.SubElement(parent, "disconnect")
            return
        if action.kind is ActionKind.REPEAT:
            ET.SubElement(parent, "throw", {"event": REPEAT_EVENT})
            return
        target = self.target(node, action, node.id)
        if "event" in target:
            ET.SubElement(parent, "throw", {"event": target["event"]})
        else:
            ET.SubElement(parent, "goto", {"next": target["next"]})

    # -- handlers ---------------------------------------------------------------------
    def handlers(self, el: ET.Element, node: Node) -> None:
        """ivr's escalation by count, the node's help, and where ``back`` goes from here."""
        m = self.menu.messages
        s = node.settings
        for tag, apology, most in (
            ("noinput", m.no_input, s.max_no_input),
            ("nomatch", m.no_match, s.max_no_match),
        ):
            for level in range(1, max(1, most)):
                handler = ET.SubElement(el, tag, {"count": str(min(level, 2))})
                self.say(handler, apology.get(self.lang))
                if level == 1:
                    ET.SubElement(handler, "reprompt")
                    continue
                self.say(handler, node.prompt.get(self.lang))
                if node.help:
                    self.say(handler, node.help.get(self.lang))
                break
            give_up = ET.SubElement(el, tag, {"count": str(max(1, most))})
            action = s.on_max_failures
            if action.kind is ActionKind.ROUTE and action.target:
                ET.SubElement(give_up, "goto", {"next": f"#{self.service_dialog(action.target)}"})
            else:
                self.act(give_up, node, Action(ActionKind.HANGUP, message=action.message))
        if node.help:
            handler = ET.SubElement(el, "help")
            self.say(handler, node.help.get(self.lang))
            ET.SubElement(handler, "reprompt")
        if "back" in self.commands:
            catch = ET.SubElement(el, "catch", {"event": BACK_EVENT})
            if node.parent:
                ET.SubElement(catch, "goto", {"next": f"#{node.parent}"})
            else:
                self.say(catch, m.at_top.get(self.lang))
                self.say(catch, node.prompt.get(self.lang))

    # -- the document -----------------------------------------------------------------
    def document(self, root: ET.Element) -> None:
        base = self.base
        ET.SubElement(
            root, "property", {"name": "timeout", "value": _seconds(base.no_input_timeout)}
        )
        value = _seconds(base.inter_digit_timeout)
        ET.SubElement(root, "property", {"name": "interdigittimeout", "value": value})
        keys = {c.key for c in self.menu.commands} | {
            o.key for n in self.menu.nodes.values() for o in n.options
        }
        if "#" in keys:
            # "#" is a choice here, not the end of an entry (termchar, VoiceXML 2.0 6.3.3)
            ET.SubElement(root, "property", {"name": "termchar", "value": ""})
        for sid in self.menu.shortcuts:
            number = self.menu.services[sid].number
            ET.SubElement(root, "link", {"dtmf": number, "next": f"#{self.service_dialog(sid)}"})
        for command in self.menu.commands:
            self._command_link(root, command.name)
        if "repeat" in self.commands or any(
            o.action.kind is ActionKind.REPEAT for n in self.menu.nodes.values() for o in n.options
        ):
            ET.SubElement(ET.SubElement(root, "catch", {"event": REPEAT_EVENT}), "reprompt")
        if "help" in self.commands:
            handler = ET.SubElement(root, "help")
            self.say(handler, self.menu.messages.help.get(self.lang))
            ET.SubElement(handler, "reprompt")

    def _command_link(self, root: ET.Element, name: str) -> None:
        command = self.commands[name]
        start = self.menu.nodes[self.menu.start]
        attrs = {"dtmf": command.key} if command.key is not None else {}
        if name == "repeat":
            attrs["event"] = REPEAT_EVENT
        elif name == "back":
            attrs["event"] = BACK_EVENT
        elif name == "help":
            attrs["event"] = "help"
        elif name == "main_menu":
            attrs["next"] = f"#{self.menu.start}"
        else:
            words = command.phrases.get(self.lang)
            label = words[0] if words else name
            attrs.update(self.target(start, command.action, label))
            if command.action.confirm and "next" in attrs:
                pass  # the yes/no form's "no" goes to the first dialog (no history here)
        link = ET.SubElement(root, "link", attrs)
        words = command.phrases.get(self.lang)
        if words:
            self.voice_grammar(link, words)

    def finish(self, root: ET.Element) -> None:
        root.extend(self.extra)
        if self.used_time:
            script = ET.Element("script")
            script.text = TIME_HELPER
            root.insert(0, script)


def notes_for(menu: Menu, lang: str, w: Writer) -> tuple[str, ...]:
    """What the export could not say in VoiceXML, one sentence each."""
    notes: list[str] = []
    others = [x for x in menu.languages if x != lang]
    if others:
        notes.append(
            f"Only the {lang} texts are exported; {', '.join(others)} would need a document each."
        )
    nodes = menu.nodes.values()
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
        "The recogniser's confirm_below and reject_below are platform settings (confidencelevel): "
        "not exported."
    )
    notes.append(
        "A spoken no match and an invalid key both get the no-match apology (VoiceXML has one nomatch)."
    )
    if "repeat" in w.commands:
        notes.append(
            "repeat replays the short prompt (a <reprompt/>), where ivr speaks the full one."
        )
    if "back" in w.commands:
        notes.append(
            "back goes to the dialog above in the menu tree, as VoiceXML keeps no history of dialogs."
        )
    if w.confirms:
        notes.append(
            "Confirmations are yes/no fields; a no to the operator's returns to the first dialog."
        )
    if w.used_time:
        notes.append(
            "Time-of-day branches run the ivr_within script function on the platform's clock."
        )
    if menu.voices:
        notes.append(
            "Voices and speaking rates are for the text-to-speech that rendered the sounds only."
        )
    return tuple(notes)
