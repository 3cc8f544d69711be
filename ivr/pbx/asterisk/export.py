"""An ivr menu written as an Asterisk ``extensions.conf``: one context per node.

A menu node's context plays its prompt with ``Background`` (so a key cuts it
short) and waits with ``WaitExten``; each keyed option is an extension of that
key, and so are the menu's shortcuts (``110``) and keyed commands (``*`` back,
``#`` repeat), in every menu context, as the simulator takes them at every
node. ``t`` and ``i`` count no inputs and invalid keys in ``NOINPUT`` and
``NOMATCH`` (reset on entering a node, as the simulator's counters are) and
give up after the node's limit. A collect node's context has an extension per
number it takes, with and without its terminator; a branch node's context
tests the time with ``GotoIfTime`` (Asterisk's ranges include their last
minute, so 08:00-16:00 is written 08:00-15:59). Prompts are sound files named
by the ``PromptSink``, played from ``<menu id>/NAME``. What Asterisk cannot do
(speech, short prompts, history for back) is listed in ``notes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.errors import IvrError
from ivr.model import Action, ActionKind, BranchRule, Menu, Node
from ivr.pbx.asterisk.timing import asterisk_spec
from ivr.pbx.common import PromptSink

#: A line of an extension: an application call, optionally labelled "(label)App(...)".
Apps = list[str]


@dataclass(frozen=True)
class Exported:
    """The configuration files of an export (relative path -> text) and what had to be
    approximated, one sentence each, for the export's README."""

    files: dict[str, str]
    notes: tuple[str, ...]


def export_menu(menu: Menu, sounds: PromptSink, lang: str | None = None) -> Exported:
    """``menu`` as ``extensions.conf``, its prompts in ``lang`` (default: the first)."""
    writer = _Writer(menu, sounds, lang or menu.default_lang)
    return Exported({"extensions.conf": writer.write()}, tuple(writer.notes))


_RESERVED = frozenset({"general", "globals"})


def _context_name(node_id: str) -> str:
    return f"{node_id}_node" if node_id.lower() in _RESERVED else node_id


def _lines(name: str, apps: Apps, comment: str = "") -> list[str]:
    """``exten => name,1,...`` and ``same => n,...`` lines for ``apps``."""
    out: list[str] = []
    for index, app in enumerate(apps):
        label = ""
        if app.startswith("("):
            label, app = app[: app.index(")") + 1], app[app.index(")") + 1 :]
        head = f"exten => {name},1{label}," if index == 0 else f" same => n{label},"
        note = f"  ; {_comment(comment)}" if index == 0 and comment else ""
        out.append(head + app + note)
    return out


def _comment(text: str) -> str:
    return " ".join(text.split())


def _seconds(value: float) -> str:
    return f"{value:g}"


class _Writer:
    def __init__(self, menu: Menu, sounds: PromptSink, lang: str) -> None:
        if lang not in menu.languages:
            raise IvrError(
                f"language {lang!r} is not one of this menu's languages",
                f"use one of {', '.join(menu.languages)}",
            )
        self.menu = menu
        self.sounds = sounds
        self.lang = lang
        self.notes: list[str] = []
        self.contexts = {nid: _context_name(nid) for nid in menu.nodes}
        self.confirms: dict[tuple[str, str, str | None], str] = {}
        self.confirm_blocks: list[list[str]] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # -- text and sounds ----------------------------------------------------------
    def sound(self, text: str) -> str | None:
        text = text.strip()
        return f"{self.menu.id}/{self.sounds.sound(text, self.lang)}" if text else None

    def play(self, text: str) -> Apps:
        name = self.sound(text)
        return [f"Playback({name})"] if name else []

    # -- actions ------------------------------------------------------------------
    def route(self, service_id: str) -> Apps:
        service = self.menu.services[service_id]
        template = service.announce or self.menu.messages.connecting
        said = template.get(self.lang).format(
            service=service.name.get(self.lang), number=service.display
        )
        return [*self.play(said), f"Dial(PJSIP/{service.number})", "Hangup()"]

    def goodbye(self, action: Action) -> Apps:
        text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
        return [*self.play(text), "Hangup()"]

    def action(self, action: Action, node: Node, label: str = "") -> Apps:
        """The applications that do ``action`` at ``node`` (``label``: what a confirm
        question calls it)."""
        if action.confirm:
            return self.confirm(action, node, label)
        kind = action.kind
        if kind is ActionKind.GOTO and action.target:
            return [f"Goto({self.contexts[action.target]},s,1)"]
        if kind is ActionKind.ROUTE and action.target:
            return self.route(action.target)
        if kind is ActionKind.INFO:
            self.note(
                "An information option plays its text and then the node's whole prompt "
                "(the simulator says the short prompt)."
            )
            return [*self.play(action.message.get(self.lang)), "Goto(s,prompt)"]
        if kind is ActionKind.BACK:
            parent = node.parent
            while parent is not None and self.menu.nodes[parent].branch:
                parent = self.menu.nodes[parent].parent  # back skips a branch, as in a call
            if parent is not None:
                self.note(
                    "Back goes to the node above in the menu tree, not to the node the "
                    "caller came from (a dialplan keeps no history)."
                )
                return [f"Goto({self.contexts[parent]},s,1)"]
            return [*self.play(self.menu.messages.at_top.get(self.lang)), "Goto(s,prompt)"]
        if kind is ActionKind.MAIN_MENU:
            return [f"Goto({self.contexts[self.menu.start]},s,1)"]
        if kind is ActionKind.REPEAT:
            return ["Goto(s,prompt)"]
        if kind is ActionKind.HELP:
            text = (node.help or self.menu.messages.help).get(self.lang)
            return [*self.play(text), "Goto(s,prompt)"]
        if kind is ActionKind.OPERATOR:
            operator = next((c for c in self.menu.commands if c.name == "operator"), None)
            if operator is not None:
                return self.action(operator.action, node, self._command_label("operator"))
        return self.goodbye(action)

    def _command_label(self, name: str) -> str:
        command = next(c for c in self.menu.commands if c.name == name)
        words = command.phrases.get(self.lang)
        return words[0] if words else name.replace("_", " ")

    def confirm(self, action: Action, node: Node, label: str) -> Apps:
        """A question first, as the simulator asks it: a subroutine context that takes
        1 (yes: the action) or 2 (no), then returns to the node's prompt."""
        self.note(
            "A confirmation question takes keys only (1 yes, 2 no); no, no input and an "
            "invalid key return to the node's prompt."
        )
        key = (action.kind.value, action.target or "", label)
        if key not in self.confirms:
            base = re.sub(r"[^A-Za-z0-9_]+", "_", label or action.target or "confirm").strip("_")
            name = f"{base or 'confirm'}_confirm"
            while name in self.contexts.values() or name in self.confirms.values():
                name += "_"
            self.confirms[key] = name
            question = self.menu.messages.confirm.get(self.lang).format(label=label)
            plain = Action(action.kind, action.target, action.message)
            block = [f"[{name}]  ; {_comment(question)}"]
            block += _lines("s", [*self._prompt(question, True), "WaitExten(5)"])
            block += _lines("1", self.action(plain, node), "yes")
            for other in ("2", "i", "t"):
                block += _lines(other, ["Return()"], "no" if other == "2" else "")
            self.confirm_blocks.append(block)
        return [f"Gosub({self.confirms[key]},s,1)", "Goto(s,prompt)"]

    def _prompt(self, text: str, barge_in: bool) -> Apps:
        name = self.sound(text)
        if name is None:
            return []
        return [f"(prompt){'Background' if barge_in else 'Playback'}({name})"]

    # -- contexts -----------------------------------------------------------------
    def write(self) -> str:
        menu = self.menu
        start = self.contexts[menu.start]
        out = [
            f"; {menu.title}: written by ivr export from {menu.file} (menu {menu.id}),",
            f"; prompts in {self.lang}. A call starts at context {start}, extension s:",
            f";   exten => 100,1,Goto({start},s,1)",
            f"; Copy sounds/*.wav (8 kHz mono) into the sounds folder as {menu.id}/,",
            f"; e.g. /var/lib/asterisk/sounds/{menu.id}/.",
            "",
            "[general]",
            "autofallthrough=yes",
        ]
        for node_id, node in menu.nodes.items():
            out += ["", f"[{self.contexts[node_id]}]"]
            if node.branch:
                out += self.branch_context(node)
            elif node.collect is not None:
                out += self.collect_context(node)
            else:
                out += self.menu_context(node)
        for block in self.confirm_blocks:
            out += ["", *block]
        self._general_notes()
        return "\n".join(out) + "\n"

    def _enter(self, node: Node, barge_in: bool) -> list[str]:
        settings = node.settings
        apps = [
            "Set(NOINPUT=0)",
            "Set(NOMATCH=0)",
            f"Set(TIMEOUT(digit)={_seconds(settings.inter_digit_timeout)})",
            *self._prompt(node.prompt.get(self.lang), barge_in),
            f"WaitExten({_seconds(settings.no_input_timeout)})",
        ]
        if not node.prompt:
            apps[-1] = "(prompt)" + apps[-1]
        return _lines("s", apps)

    def menu_context(self, node: Node) -> list[str]:
        out = self._enter(node, node.settings.barge_in)
        taken: set[str] = set()
        for option in node.options:
            label = option.label.get(self.lang)
            if option.key is None:
                self.note(f"Options without a key are left out ({node.id}: {label}).")
                continue
            taken.add(option.key)
            out += _lines(option.key, self.action(option.action, node, label), label)
        for sid in self.menu.shortcuts:
            number = self.menu.services[sid].number
            if number not in taken:
                taken.add(number)
                out += _lines(number, self.route(sid), f"shortcut: {sid}")
        for command in self.menu.commands:
            if command.key is not None and command.key not in taken:
                taken.add(command.key)
                label = self._command_label(command.name)
                apps = self.action(command.action, node, label)
                out += _lines(command.key, apps, command.name)
        return out + self._failures(node, self.menu.messages.invalid_key.get(self.lang))

    def collect_context(self, node: Node) -> list[str]:
        collect = node.collect
        if collect is None:  # pragma: no cover - only called for collect nodes
            return []
        out = self._enter(node, node.settings.barge_in)
        numbers: dict[str, Apps] = {}
        for digits, action in collect.entries:
            numbers[digits] = self.action(action, node, digits)
        if collect.match_services:
            for sid, service in self.menu.services.items():
                numbers.setdefault(service.number, self.route(sid))
        for digits, apps in numbers.items():
            if not collect.min_digits <= len(digits) <= collect.max_digits:
                continue
            out += _lines(digits, apps)
            out += _lines(digits + collect.terminator, apps)
        back = "*" if collect.terminator == "#" else "#"
        out += _lines(back, self.action(Action(ActionKind.BACK), node), "back")
        return out + self._failures(node, self.menu.messages.no_match.get(self.lang))

    def branch_context(self, node: Node) -> list[str]:
        self.note("Time-of-day branches test the PBX's clock and time zone (GotoIfTime).")
        apps = self.play(node.prompt.get(self.lang))
        blocks: list[Apps] = []
        otherwise: Apps = ["Hangup()"]
        for index, rule in enumerate(node.branch, 1):
            actions = self._rule(rule, node)
            if rule.when is None:
                otherwise = actions
                break
            window = rule.when
            start = window.start.hour * 60 + window.start.minute
            end = window.end.hour * 60 + window.end.minute
            for spec in asterisk_spec(window.days, start, end):
                apps.append(f"GotoIfTime({spec}?rule{index})")
            blocks.append([f"(rule{index}){actions[0]}", *actions[1:]])
        apps += otherwise
        for block in blocks:
            apps += block
        return _lines("s", apps)

    def _rule(self, rule: BranchRule, node: Node) -> Apps:
        return self.action(rule.action, node)

    def _failures(self, node: Node, invalid: str) -> list[str]:
        """``t`` and ``i``: the apology and the prompt again, until the node's limit."""
        settings = node.settings
        out: list[str] = []
        give_up = settings.on_max_failures
        ending = (
            self.route(give_up.target)
            if give_up.kind is ActionKind.ROUTE and give_up.target
            else self.goodbye(give_up)
        )
        for name, counter, limit, apology in (
            ("t", "NOINPUT", settings.max_no_input, self.menu.messages.no_input.get(self.lang)),
            ("i", "NOMATCH", settings.max_no_match, invalid),
        ):
            apps = [
                f"Set({counter}=$[${{{counter}}} + 1])",
                f"GotoIf($[${{{counter}}} >= {limit}]?max)",
                *self.play(apology),
                "Goto(s,prompt)",
                f"(max){ending[0]}",
                *ending[1:],
            ]
            out += _lines(name, apps, "no input" if name == "t" else "invalid key")
        return out

    def _general_notes(self) -> None:
        menu = self.menu
        self.note(
            "Speech is not exported: callers choose by key (words, examples, spoken "
            "shortcuts and described needs are left out)."
        )
        if any(n.short_prompt for n in menu.nodes.values()):
            self.note(
                "Short prompts are not used: a node's whole prompt is played each time, "
                "and after a no input or invalid key the apology and the whole prompt "
                "(the simulator says the short prompt, then the help)."
            )
        others = [lang for lang in menu.languages if lang != self.lang]
        if others:
            self.note(
                f"Only the {self.lang} prompts are exported; export again with --lang for "
                f"{', '.join(others)}."
            )
