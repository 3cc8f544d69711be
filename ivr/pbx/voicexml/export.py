"""An ivr menu written as one VoiceXML 2.1 document (``menu.vxml``).

Each node is a dialog with the node's id: a node of options is a ``<menu>``
whose ``<choice dtmf next>`` holds the option's label as text and its words as
an SRGS voice grammar (VoiceXML 2.0 2.2.2: a choice with a grammar is heard by
it, its text is what ``<enumerate>`` reads); a digit entry is a ``<form>``
with a DTMF-grammar ``<field>``; a time branch is a ``<form>`` whose
``<block>`` calls ``ivr_within``, a script function defined once in the
document. Every service is a ``<form>`` that speaks its announcement and
``<transfer dest="tel:+NUMBER">``. Prompts are ``<audio src="sounds/NAME.wav">``
with their text inside, the text-to-speech fallback (4.1.3) and what
``ivr import`` reads back. ivr's escalation (apology and short prompt, then
the full prompt and help, then goodbye) is written out as ``<noinput>`` and
``<nomatch>`` by count; global commands and shortcuts are document
``<link>``s. What VoiceXML cannot say is listed in ``notes``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ivr.model import Action, ActionKind, Menu, Node, Option, Service
from ivr.pbx.common import PromptSink
from ivr.pbx.voicexml.export_doc import document, finish, handlers, notes_for
from ivr.pbx.voicexml.export_parts import Writer, js_expr, js_name

VXML_NS = "http://www.w3.org/2001/vxml"


@dataclass(frozen=True)
class Exported:
    """The configuration files (relative path -> text) and what had to be approximated."""

    files: dict[str, str]
    notes: tuple[str, ...]


def export_menu(menu: Menu, sounds: PromptSink, lang: str | None = None) -> Exported:
    """``menu`` as ``menu.vxml`` in ``lang`` (default the menu's first language)."""
    lang = lang if lang in menu.languages else menu.default_lang
    w = Writer(menu, sounds, lang)
    root = ET.Element("vxml", {"version": "2.1", "xmlns": VXML_NS, w.XML_LANG: lang})
    document(w, root)
    order = [menu.start, *(n for n in menu.nodes if n != menu.start)]
    for nid in order:
        node = menu.nodes[nid]
        if node.branch:
            _branch(w, root, node)
        elif node.collect is not None:
            _collect(w, root, node)
        else:
            _menu(w, root, node)
    for service in menu.services.values():
        _service(w, root, service)
    finish(w, root)
    ET.indent(root, space="  ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return Exported({"menu.vxml": text}, notes_for(menu, lang, w))


def _menu(w: Writer, root: ET.Element, node: Node) -> None:
    el = ET.SubElement(root, "menu", {"id": node.id})
    w.properties(el, node)
    w.prompts(el, node)
    for option in node.options:
        _choice(w, el, node, option)
    if node.settings.search == "tree":
        _tree_choices(w, el, node)
    handlers(w, el, node)


#: Actions that mean the same whichever node they are taken from.
_ANYWHERE = (ActionKind.GOTO, ActionKind.ROUTE, ActionKind.INFO, ActionKind.HANGUP)


def _tree_choices(w: Writer, el: ET.Element, node: Node) -> None:
    """``search: tree``: what the caller may say for any option below this node is heard
    here too, as voice-only choices after the node's own (VoiceXML 2.2: the choices of
    a menu are its grammar; document order settles a tie)."""
    heard = {p for o in node.options for p in o.phrases.get(w.lang)}
    seen = {node.id}
    queue = [o.action.target for o in node.options if o.action.kind is ActionKind.GOTO]
    while queue:
        nid = queue.pop(0)
        if nid is None or nid in seen or nid not in w.menu.nodes:
            continue
        seen.add(nid)
        below = w.menu.nodes[nid]
        targets = [o.action.target for o in below.options] + [r.action.target for r in below.branch]
        queue += [t for t in targets if t]
        for option in below.options:
            words = [p for p in option.phrases.get(w.lang) if p not in heard]
            if not words or option.action.kind not in _ANYWHERE:
                continue
            heard.update(words)
            choice = ET.SubElement(
                el, "choice", w.target(node, option.action, option.label.get(w.lang))
            )
            choice.text = option.label.get(w.lang)
            w.voice_grammar(choice, words)


def _choice(w: Writer, menu: ET.Element, node: Node, option: Option) -> None:
    attrs = {"dtmf": option.key} if option.key is not None else {}
    attrs.update(w.target(node, option.action, option.label.get(w.lang)))
    choice = ET.SubElement(menu, "choice", attrs)
    choice.text = option.label.get(w.lang)
    words = option.phrases.get(w.lang)
    if words:
        w.voice_grammar(choice, words)


def _branch(w: Writer, root: ET.Element, node: Node) -> None:
    form = ET.SubElement(root, "form", {"id": node.id})
    block = ET.SubElement(form, "block")
    if node.prompt:
        w.say(block, node.prompt.get(w.lang))
    current = block
    for index, rule in enumerate(node.branch):
        if rule.when is None:
            if index:
                ET.SubElement(current, "else")
            w.act(current, node, rule.action)
            break
        cond = w.condition(rule.when)
        if index == 0:
            current = ET.SubElement(block, "if", {"cond": cond})
        else:
            ET.SubElement(current, "elseif", {"cond": cond})
        w.act(current, node, rule.action)


def _collect(w: Writer, root: ET.Element, node: Node) -> None:
    """A digit entry: a field with a DTMF grammar of its entries (and the service numbers
    when any may be keyed), digits of the right length for its patterns."""
    collect = node.collect
    assert collect is not None  # noqa: S101 - the caller checked
    form = ET.SubElement(root, "form", {"id": node.id})
    name = js_name(collect.into) if collect.into else "entry"
    entries: dict[str, Action] = dict(collect.entries)
    if collect.match_services:
        for service in w.menu.services.values():
            if not service.templated:
                entries.setdefault(service.number, Action(ActionKind.ROUTE, service.id))
    field = ET.SubElement(form, "field", {"name": name})
    ET.SubElement(field, "property", {"name": "termchar", "value": collect.terminator})
    w.properties(field, node)
    w.prompts(field, node)
    if entries:
        rid = w.rule_id()
        grammar = ET.SubElement(field, "grammar", w.grammar_attrs("dtmf", rid))
        rule = ET.SubElement(grammar, "rule", {"id": rid, "scope": "public"})
        one_of = ET.SubElement(rule, "one-of")
        for digits in entries:
            item = ET.SubElement(one_of, "item")
            item.text = " ".join(digits)
            ET.SubElement(item, "tag").text = f"out='{digits}';"
    if collect.patterns:
        spec = f"builtin:dtmf/digits?minlength={collect.min_digits};maxlength={collect.max_digits}"
        ET.SubElement(field, "grammar", {"mode": "dtmf", "src": spec})
    filled = ET.SubElement(field, "filled")
    if collect.into:
        w.variables.setdefault(collect.into, "")
        ET.SubElement(filled, "assign", {"name": f"document.{name}", "expr": name})
    checks: list[tuple[str, Action, tuple[tuple[str, str], ...]]] = [
        (f"{name} == '{digits}'", action, ()) for digits, action in entries.items()
    ]
    for pattern in collect.patterns:
        regex = f"/^(?:{pattern.regex})$/"
        groups = re.compile(pattern.regex).groups
        captures = tuple(
            (f"capture{i}", f"{name}.match({regex})[{i}]") for i in range(1, groups + 1)
        )
        checks.append((f"{regex}.test({name})", pattern.action, captures))
    current: ET.Element | None = None
    for cond, action, captures in checks:
        if current is None:
            current = ET.SubElement(filled, "if", {"cond": cond})
        else:
            ET.SubElement(current, "elseif", {"cond": cond})
        for var, expr in captures:
            w.variables.setdefault(var, "")
            ET.SubElement(current, "assign", {"name": var, "expr": expr})
        w.act(current, node, action)
    if collect.patterns and current is not None:
        ET.SubElement(current, "else")
        ET.SubElement(current, "clear", {"namelist": name})
        ET.SubElement(current, "throw", {"event": "nomatch"})
    handlers(w, field, node)


def _service(w: Writer, root: ET.Element, service: Service) -> None:
    """A service: its announcement, then the transfer to its number (or its target when
    that is already a tel: or sip: address)."""
    form = ET.SubElement(root, "form", {"id": w.service_dialog(service.id)})
    template = service.announce or w.menu.messages.connecting
    try:
        text = template.get(w.lang).format(service=service.name.get(w.lang), number=service.display)
    except (KeyError, IndexError, ValueError):
        text = template.get(w.lang)
    if text:
        w.say(ET.SubElement(form, "block"), text)
    target = service.target
    if target.startswith(("tel:", "sip:", "sips:")):
        dest = target
    elif service.number:
        dest = f"tel:+{service.number}"
    else:
        dest = target
        w.odd_targets.add(target)
    attrs = {"name": re.sub(r"[^A-Za-z0-9_]", "_", service.id)}
    if "${" in dest:
        attrs["destexpr"] = js_expr(dest)
    else:
        attrs["dest"] = dest
    ET.SubElement(form, "transfer", attrs)
