"""An ivr menu written as an Asterisk ``extensions.conf``: one context per node.

A menu node's context plays its prompt with ``Background`` (so a key cuts it
short) and waits with ``WaitExten``; each keyed option is an extension of that
key, and so are the menu's shortcuts (``110``) and keyed commands (``*`` back,
``#`` repeat), in every menu context, as the simulator takes them at every
node. ``t`` and ``i`` count no inputs and invalid keys in ``NOINPUT`` and
``NOMATCH`` (reset on entering a node, as the simulator's counters are), run
the node's handlers by count and give up after the node's limit. A collect
node's context has an extension per number it takes, with and without its
terminator, and its Asterisk patterns; a branch node's context tests the time
with ``GotoIfTime`` (Asterisk's ranges include their last minute, so
08:00-16:00 is written 08:00-15:59) and call variables with ``GotoIf``. What
Asterisk cannot do (speech, short prompts, history for back) is in ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.model import Action, ActionKind, Handler, Menu, Node, PatternKind, TimeWindow, VarTest
from ivr.pbx.asterisk.emit import Apps, Emitter, lines
from ivr.pbx.asterisk.timing import asterisk_spec
from ivr.pbx.common import PromptSink


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


def _seconds(value: float) -> str:
    return f"{value:g}"


def _minutes(window: TimeWindow) -> tuple[int, int]:
    return window.start.hour * 60 + window.start.minute, window.end.hour * 60 + window.end.minute


def _test(when: VarTest) -> str:
    """A GotoIf condition; both sides quoted so an unset variable still compares."""
    return f'$["${{{when.var}}}" {when.op.value} "{when.value}"]'


class _Writer(Emitter):
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
        if menu.variables:
            out += ["", "[globals]", *(f"{name}={value}" for name, value in menu.variables)]
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

    def _enter(self, node: Node) -> list[str]:
        settings = node.settings
        prompt = self.sound(node.prompt.get(self.lang))
        play = "Background" if settings.barge_in else "Playback"
        apps = [
            "Set(NOINPUT=0)",
            "Set(NOMATCH=0)",
            f"Set(TIMEOUT(digit)={_seconds(settings.inter_digit_timeout)})",
            *([f"(prompt){play}({prompt})"] if prompt else []),
            f"WaitExten({_seconds(settings.no_input_timeout)})",
        ]
        if prompt is None:
            apps[-1] = "(prompt)" + apps[-1]
        return lines("s", apps)

    def menu_context(self, node: Node) -> list[str]:
        out = self._enter(node)
        taken: set[str] = set()
        for option in node.options:
            label = option.label.get(self.lang)
            if option.key is None:
                self.note(f"Options without a key are left out ({node.id}: {label}).")
                continue
            taken.add(option.key)
            out += lines(option.key, self.action(option.action, node, label), label)
        for sid in self.menu.shortcuts:
            number = self.menu.services[sid].number
            if number and number not in taken:
                taken.add(number)
                out += lines(number, self.route(sid), f"shortcut: {sid}")
        for command in self.menu.commands:
            if command.key is not None and command.key not in taken:
                taken.add(command.key)
                apps = self.action(command.action, node, self.command_label(command.name))
                out += lines(command.key, apps, command.name)
        return out + self._failures(node, self.menu.messages.invalid_key.get(self.lang))

    def collect_context(self, node: Node) -> list[str]:
        collect = node.collect
        if collect is None:  # pragma: no cover - only called for collect nodes
            return []
        out = self._enter(node)
        keep = [f"Set({collect.into}=${{EXTEN}})"] if collect.into else []
        numbers: dict[str, Apps] = {}
        for digits, action in collect.entries:
            numbers[digits] = [*keep, *self.action(action, node, digits)]
        if collect.match_services:
            for sid, service in self.menu.services.items():
                if service.number and not service.templated:
                    numbers.setdefault(service.number, [*keep, *self.route(sid)])
        ends = [""] + ([collect.terminator] if collect.terminator and not collect.early else [])
        for digits, apps in numbers.items():
            if collect.early or collect.min_digits <= len(digits) <= collect.max_digits:
                for end in ends:
                    out += lines(digits + end, apps)
        for pattern in collect.patterns:
            apps = [*keep, *self.action(pattern.action, node, pattern.text)]
            if pattern.kind is PatternKind.ASTERISK:
                out += lines(pattern.text, apps)
            else:
                self.note(
                    f"A regular expression entry ({pattern.text}) has no Asterisk pattern; "
                    "it is left out."
                )
        back = "*" if collect.terminator == "#" else "#"
        if not collect.early and back not in collect.symbols:
            out += lines(back, self.action(Action(ActionKind.BACK), node), "back")
        return out + self._failures(node, self.menu.messages.no_match.get(self.lang))

    def branch_context(self, node: Node) -> list[str]:
        apps = self.play(node.prompt.get(self.lang))
        blocks: list[Apps] = []
        otherwise: Apps = ["Hangup()"]
        for index, rule in enumerate(node.branch, 1):
            actions = self.action(rule.action, node)
            when = rule.when
            if when is None:
                otherwise = actions
                break
            if isinstance(when, VarTest):
                apps.append(f"GotoIf({_test(when)}?rule{index})")
            else:
                self.note("Time-of-day branches test the PBX's clock and time zone (GotoIfTime).")
                for spec in asterisk_spec(when.days, *_minutes(when)):
                    apps.append(f"GotoIfTime({spec}?rule{index})")
            blocks.append([f"(rule{index}){actions[0]}", *actions[1:]])
        apps += otherwise
        for block in blocks:
            apps += block
        return lines("s", apps)

    def _failures(self, node: Node, invalid: str) -> list[str]:
        """``t`` and ``i``: the node's handlers by count, else the simulator's own
        escalation (the apology and the short prompt, then the apology, the prompt and
        the help), until the node's limit. A reprompt waits right there, in the ``t``
        or ``i`` extension: a key is taken in the node's context as ever, and silence
        is one more no input (``Goto(t,1)``)."""
        settings = node.settings
        give_up = settings.on_max_failures
        if give_up.kind in (ActionKind.ROUTE, ActionKind.EXIT):
            ending = self.action(give_up, node)
        else:
            ending = [*self.prelude(give_up), *self.goodbye(give_up)]
        out: list[str] = []
        messages = self.menu.messages
        for name, counter, limit, apology, handlers in (
            ("t", "NOINPUT", settings.max_no_input, messages.no_input.get(self.lang),
             node.on_no_input),
            ("i", "NOMATCH", settings.max_no_match, invalid, node.on_no_match),
        ):  # fmt: skip
            apps = [f"Set({counter}=$[${{{counter}}} + 1])"]
            if limit:
                apps.append(f"GotoIf($[${{{counter}}} >= {limit}]?max)")
            cases = {h.count: self._handler(h, node) for h in handlers}
            lowest = min(cases, default=limit or 99)
            first = self._reprompt(node, apology, 1)
            full = self._reprompt(node, apology, 2)
            if lowest > 1:  # counts below the first handler escalate as the simulator does
                cases[1] = first
                if full != first and lowest > 2:
                    cases[2] = full
            counts = sorted(cases, reverse=True)
            blocks: list[Apps] = []
            for count in counts[:-1]:
                apps.append(f"GotoIf($[${{{counter}}} >= {count}]?c{count})")
                blocks.append([f"(c{count}){cases[count][0]}", *cases[count][1:]])
            apps += cases[counts[-1]]
            for block in blocks:
                apps += block
            if limit:
                apps += [f"(max){ending[0]}", *ending[1:]]
            out += lines(name, apps, "no input" if name == "t" else "invalid key")
        return out

    def _reprompt(self, node: Node, apology: str, level: int) -> Apps:
        """The simulator's reprompt at ``level``, then a wait for a key."""
        lang = self.lang
        texts = [node.short_prompt.get(lang)] if level <= 1 and node.short_prompt else []
        if not texts:
            texts = [node.prompt.get(lang)]
            if level >= 2 and node.help:
                texts.append(node.help.get(lang))
        play = "Background" if node.settings.barge_in else "Playback"
        sounds = [name for name in (self.sound(t) for t in texts) if name]
        return [
            *self.play(apology),
            *(f"{play}({name})" for name in sounds),
            f"WaitExten({_seconds(node.settings.no_input_timeout)})",
            "Goto(t,1)",
        ]

    def _handler(self, handler: Handler, node: Node) -> Apps:
        said = self.play(handler.say.get(self.lang))
        if handler.action is not None:
            return [*said, *self.action(handler.action, node)]
        if not handler.reprompt:
            self.note("A handler that only listens again plays the prompt again here.")
        return [*said, "Goto(s,prompt)"]

    def _general_notes(self) -> None:
        menu = self.menu
        self.note(
            "Speech is not exported: callers choose by key (words, examples, spoken "
            "shortcuts and described needs are left out)."
        )
        if any(n.short_prompt for n in menu.nodes.values()):
            self.note(
                "A node entered again plays its whole prompt (a dialplan has no short "
                "prompt for a second visit); reprompts after no input or an invalid key "
                "escalate as in the simulator."
            )
        others = [lang for lang in menu.languages if lang != self.lang]
        if others:
            self.note(
                f"Only the {self.lang} prompts are exported; export again with --lang for "
                f"{', '.join(others)}."
            )
