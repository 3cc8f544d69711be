"""The pieces every exported dialog is made of: prompts, targets, handlers, links.

Kept apart from the dialogs themselves (``ivr.pbx.voicexml.export``) so each
stays readable. The shapes written here are the ones ``ivr import`` reads
back as the same ivr constructs (``ivr.pbx.voicexml.shapes``): an info form
that speaks and returns, a yes/no form for ``confirm``, document links for
the global commands and speed-dial shortcuts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace

from ivr.model import EMPTY_TEXT, Action, ActionKind, Menu, Node, TimeWindow, VarTest
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


def seconds(value: float) -> str:
    return f"{round(value * 1000)}ms"


_REF = re.compile(r"(\$\{[A-Za-z0-9_]+\})")
_ARITH = re.compile(r"^\$\{([A-Za-z0-9_]+)\}\s*([+-])\s*(\d+)$")


def js_name(var: str) -> str:
    """An ivr call variable as an ECMAScript name (a pattern's capture 1 is ``capture1``)."""
    return f"capture{var}" if var[:1].isdigit() else var


def js_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def js_expr(template: str) -> str:
    """An ivr value template as ECMAScript: ``tel:${num}`` -> ``'tel:' + num``,
    ``${tries}+1`` -> ``Number(tries) + 1`` (ivr computes A+N on integers)."""
    arith = _ARITH.match(template.strip())
    if arith is not None:
        return f"Number({js_name(arith.group(1))}) {arith.group(2)} {arith.group(3)}"
    parts = [p for p in _REF.split(template) if p]
    if not parts:
        return "''"
    return " + ".join(js_name(p[2:-1]) if _REF.fullmatch(p) else js_string(p) for p in parts)


def js_value(value: str) -> str:
    """A value compared with a variable: a number as a number, anything else as text."""
    try:
        float(value)
    except ValueError:
        return js_string(value)
    return value


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
        #: Every call variable the document uses, with its value when the call starts.
        self.variables: dict[str, str] = dict(menu.variables)
        self._rules = 0
        self.odd_targets: set[str] = set()
        self._goodbyes: dict[str, str] = {}

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
        """A prompt: a recorded sound with its text as the fallback; text that reads call
        variables is spoken by the platform's TTS with ``<value>`` for each."""
        if not text:
            return
        attrs = {"count": str(count)} if count is not None else {}
        prompt = ET.SubElement(parent, "prompt", attrs)
        if "${" in text:
            last: ET.Element | None = None
            for part in _REF.split(text):
                if _REF.fullmatch(part):
                    last = ET.SubElement(prompt, "value", {"expr": js_name(part[2:-1])})
                elif last is None:
                    prompt.text = (prompt.text or "") + part
                else:
                    last.tail = (last.tail or "") + part
            return
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
        # ivr hears a phrase anywhere in what is said: GARBAGE on both sides (SRGS 2.2.3)
        ET.SubElement(rule, "ruleref", {"special": "GARBAGE"})
        one_of = ET.SubElement(rule, "one-of")
        for word in dict.fromkeys(words):
            ET.SubElement(one_of, "item").text = word
        ET.SubElement(rule, "ruleref", {"special": "GARBAGE"})

    # -- settings ---------------------------------------------------------------------
    def properties(self, el: ET.Element, node: Node, termchar: bool = True) -> None:
        s = node.settings
        if s.no_input_timeout != self.base.no_input_timeout:
            ET.SubElement(el, "property", {"name": "timeout", "value": seconds(s.no_input_timeout)})
        if s.inter_digit_timeout != self.base.inter_digit_timeout:
            value = seconds(s.inter_digit_timeout)
            ET.SubElement(el, "property", {"name": "interdigittimeout", "value": value})

    # -- actions ----------------------------------------------------------------------
    def condition(self, when: TimeWindow | VarTest) -> str:
        if isinstance(when, VarTest):
            self.variables.setdefault(when.var, "")
            op = "==" if when.op.value == "=" else when.op.value
            return f"{js_name(when.var)} {op} {js_value(when.value)}"
        return self.window(when)

    def window(self, when: TimeWindow) -> str:
        self.used_time = True
        days = ",".join(_DAYS[d] for d in sorted(when.days))
        return f"ivr_within('{days}', '{when.start:%H:%M}', '{when.end:%H:%M}')"

    def _goodbye(self, action: Action) -> str:
        text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
        if text in self._goodbyes:
            return self._goodbyes[text]
        form = ET.Element("form", {"id": self._unique("goodbye")})
        self._goodbyes[text] = str(form.get("id"))
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
        if action.say or action.sets:
            form = ET.Element("form", {"id": self._unique(f"then_{node.id}")})
            self.act(ET.SubElement(form, "block"), node, replace(action, confirm=False))
            self.extra.append(form)
            dialog = str(form.get("id"))
            if action.confirm:
                dialog = self._confirm(label, dialog, node.id)
            return {"next": f"#{dialog}"}
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
        if kind is ActionKind.EXIT and node.parent:
            return node.parent
        if kind is ActionKind.MAIN_MENU:
            return self.menu.start
        return self._goodbye(action)

    def act(self, parent: ET.Element, node: Node, action: Action) -> None:
        """``action`` as executable content (in a ``<block>`` or ``<filled>``)."""
        for name, value in action.sets:
            self.variables.setdefault(name, "")
            ET.SubElement(parent, "assign", {"name": js_name(name), "expr": js_expr(value)})
        self.say(parent, action.say.get(self.lang))
        action = replace(action, say=EMPTY_TEXT, sets=())
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
