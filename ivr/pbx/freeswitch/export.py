"""An ivr menu written as FreeSWITCH IVR menus (``ivr_menus.xml``), prompts as sound files.

Every node becomes a ``<menu>`` named by the node's id, its prompt ``greet-long``
and its short prompt ``greet-short``. A choice becomes ``<entry>``s on its
digits; FreeSWITCH runs every entry whose digits match, in order
(``switch_ivr_menu_execute``), so an action that says something first (a
service's announcement, an option's ``say:``) is a ``menu-play-sound`` entry
followed by the entry that acts (``menu-exec-app transfer 113 XML default``).
A ``goto`` is a ``menu-sub``, so ``menu-back`` and running out of tries return
to the menu that entered it, as ``back`` does here. Shortcuts and keyed
commands are entries at every menu (``digit-len`` grows to fit), and a choice
that must be confirmed opens a small confirmation menu (1 yes, 2 back). What
FreeSWITCH menus cannot do is listed in ``notes``, one sentence each.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ivr.model import (
    Action,
    ActionKind,
    BranchRule,
    Handler,
    LangText,
    Menu,
    Node,
    PatternKind,
    TimeWindow,
)
from ivr.pbx.common import PromptSink
from ivr.pbx.freeswitch.exportnotes import general_notes, handlers_like_freeswitch
from ivr.pbx.freeswitch.writexml import (
    DialplanRule,
    FsMenuOut,
    MenuEntry,
    dialplan_xml,
    menus_xml,
)


@dataclass(frozen=True)
class Exported:
    """The configuration files (relative path -> text) and what was approximated."""

    files: dict[str, str]
    notes: tuple[str, ...]


@dataclass
class _Writer:
    menu: Menu
    sounds: PromptSink
    lang: str
    notes: list[str] = field(default_factory=list)
    extra: list[FsMenuOut] = field(default_factory=list)
    branches: dict[str, list[DialplanRule]] = field(default_factory=dict)

    # -- names -------------------------------------------------------------------
    def name(self, node_id: str) -> str:
        """A FreeSWITCH menu's name: the node's id, so a re-import has the same nodes
        and the menu's scripted calls still name them (rename on a clash)."""
        return node_id

    def sound(self, text: str) -> str:
        """How FreeSWITCH finds the sound file holding ``text`` (``$${sounds_dir}``
        is its sounds folder, set in vars.xml)."""
        return f"$${{sounds_dir}}/{self.menu.id}/{self.sounds.sound(text, self.lang)}.wav"

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def text(self, value: LangText) -> str:
        return value.get(self.lang)

    # -- menus -------------------------------------------------------------------
    def node_menu(self, node: Node) -> FsMenuOut:
        entries: list[MenuEntry] = []
        used: set[str] = set()

        def add(digits: str, action: Action, label: str) -> None:
            if digits in used:
                return
            used.add(digits)
            entries.extend(self.act(node, digits, action, label))

        if node.collect is not None:
            collect = node.collect
            for digits, action in collect.entries:
                add(digits, action, digits)
            if collect.match_services:
                for service in self.menu.services.values():
                    if service.number and "${" not in service.number:
                        add(service.number, Action(ActionKind.ROUTE, service.id), service.id)
            for pattern in collect.patterns:
                regex = f"/{pattern.regex}/" if pattern.kind is PatternKind.REGEX else ""
                if not (regex.startswith("/^") and regex.endswith("$/")):
                    regex = f"/^(?:{pattern.regex})$/"
                    self.note(
                        f"Pattern {pattern.text} at {node.id} is exported as the regular "
                        f"expression {regex}; check it reads the same in PCRE."
                    )
                entries.extend(self.act(node, regex, pattern.action, pattern.text))
            if collect.min_digits > 1:
                self.note(
                    f"{node.id} takes at least {collect.min_digits} digits; FreeSWITCH has no "
                    "minimum, a shorter entry is simply not one of its entries."
                )
        for option in node.options:
            if option.key is None:
                self.note(
                    f"Option {option.id} has no key (callers say it); FreeSWITCH menus take "
                    "keys only, so it is not exported."
                )
                continue
            add(option.key, option.action, self.text(option.label) or option.id)
        if node.collect is not None:
            # keys at a collect node are digits of its entry; * (or #) goes back
            back = "*" if node.collect.terminator != "*" else "#"
            if back not in node.collect.symbols:
                add(back, Action(ActionKind.BACK), "back")
        else:
            self.commands_and_shortcuts(add)
        return FsMenuOut(self.name(node.id), self.attrs(node, entries), entries, node.id)

    def commands_and_shortcuts(self, add: Callable[[str, Action, str], None]) -> None:
        """The menu's keyed commands and shortcut numbers, active at every menu node."""
        for command in self.menu.commands:
            if command.key is None:
                continue
            if command.key == "#":
                self.note(
                    f"The {command.name} command on # is not exported: # ends an entry in a "
                    "FreeSWITCH menu."
                )
                continue
            words = command.phrases.get(self.lang)
            add(command.key, command.action, words[0] if words else command.name)
        for sid in self.menu.shortcuts:
            number = self.menu.services[sid].number
            add(number, Action(ActionKind.ROUTE, sid), f"shortcut {sid}")

    def attrs(self, node: Node, entries: list[MenuEntry]) -> dict[str, str]:
        settings = node.settings
        longest = max((len(e.digits) for e in entries if not e.digits.startswith("/")), default=1)
        if node.collect is not None:
            longest = max(longest, node.collect.max_digits)
            if node.collect.early:
                self.note(
                    f"{node.id} acts as soon as an entry is complete; FreeSWITCH waits for "
                    "digit-len digits, # or the inter-digit timeout."
                )
        messages = self.menu.messages
        invalid = self.text(messages.invalid_key if node.collect is None else messages.no_match)
        if node.on_no_match:  # a handler's words are this node's own invalid sound
            invalid = self.text(node.on_no_match[0].say)
        attrs = {"name": self.name(node.id), "greet-long": self.sound(self.text(node.prompt))}
        if node.short_prompt:
            attrs["greet-short"] = self.sound(self.text(node.short_prompt))
        if invalid:
            attrs["invalid-sound"] = self.sound(invalid)
        is_start = node.id == self.start_id
        if is_start and self.text(messages.goodbye):
            attrs["exit-sound"] = self.sound(self.text(messages.goodbye))
        attrs["timeout"] = str(round(settings.no_input_timeout * 1000))
        attrs["inter-digit-timeout"] = str(round(settings.inter_digit_timeout * 1000))
        attrs["max-failures"] = str(self.limit(node, settings.max_no_match, node.on_no_match))
        attrs["max-timeouts"] = str(self.limit(node, settings.max_no_input, node.on_no_input))
        attrs["digit-len"] = str(longest)
        ending = [h.action for h in node.on_no_match if h.action is not None]
        fail = ending[-1] if ending else settings.on_max_failures
        app = self.give_up(node, fail, is_start)
        if app:
            attrs["exec-on-max-failures"] = attrs["exec-on-max-timeouts"] = app
        return attrs

    def limit(self, node: Node, maximum: int, handlers: tuple[Handler, ...]) -> int:
        """The failures a FreeSWITCH menu allows: the node's maximum, else the count of
        the handler that ends its tries (a PBX import's ``on_no_*``)."""
        if not handlers_like_freeswitch(handlers):
            self.note(
                f"The failure handlers of {node.id} are approximated: FreeSWITCH plays the "
                "invalid sound and greet-short each time and leaves the menu at the limit."
            )
        ending = [h.count for h in handlers if h.action is not None]
        if maximum:
            return maximum
        if ending:
            return min(ending)
        self.note(f"{node.id} has no limit on failures; FreeSWITCH needs one (99 is used).")
        return 99

    def give_up(self, node: Node, action: Action, is_start: bool) -> str:
        """``exec-on-max-*``: the application that ends a menu after too many failures."""
        if action.kind is ActionKind.ROUTE and action.target:
            return self.transfer(action.target)
        if action.kind is ActionKind.HANGUP and not is_start:
            # a FreeSWITCH submenu that runs out of tries returns to its parent
            self.note(
                "A caller who runs out of tries in a submenu is hung up on without the "
                "goodbye message (exec-on-max-failures runs before any sound)."
            )
            return "hangup"
        return ""

    def transfer(self, sid: str) -> str:
        """The application reaching a service: its PBX target as written (captures as
        ``$1``), else a transfer to its number in the default context."""
        service = self.menu.services[sid]
        if service.target:
            return re.sub(r"\$\{(\d+)\}", r"$\1", service.target)
        return f"transfer {service.number} XML default"

    # -- actions -----------------------------------------------------------------
    def act(self, node: Node, digits: str, action: Action, label: str) -> list[MenuEntry]:
        """The entries that do ``action`` on ``digits`` at ``node``, in order."""
        out: list[MenuEntry] = []
        say = self.text(action.say)
        if say:
            out.append(MenuEntry("menu-play-sound", digits, self.sound(say), label))
        for var, value in action.sets:
            out.append(MenuEntry("menu-exec-app", digits, f"set {var}={value}", label))
        if action.confirm:
            out.append(
                MenuEntry("menu-sub", digits, self.confirm(node, digits, action, label), label)
            )
            return out
        kind = action.kind
        if kind is ActionKind.GOTO and action.target:
            return out + self.goto(node, digits, action.target, label)
        if kind is ActionKind.ROUTE and action.target:
            announce = self.announcement(action.target)
            if announce:
                out.append(MenuEntry("menu-play-sound", digits, self.sound(announce), label))
            return [*out, MenuEntry("menu-exec-app", digits, self.transfer(action.target), label)]
        if kind is ActionKind.INFO:
            return [
                *out,
                MenuEntry("menu-play-sound", digits, self.sound(self.text(action.message))),
            ]
        if kind is ActionKind.BACK and node.id == self.start_id:
            at_top = self.text(self.menu.messages.at_top)
            return [*out, MenuEntry("menu-play-sound", digits, self.sound(at_top), label)]
        if kind in (ActionKind.BACK, ActionKind.EXIT):
            return [*out, MenuEntry("menu-back", digits, "", label)]
        if kind is ActionKind.MAIN_MENU:
            return [*out, MenuEntry("menu-top", digits, "", label)]
        if kind is ActionKind.REPEAT:  # a menu-sub to itself goes round again
            return [*out, MenuEntry("menu-sub", digits, self.name(node.id), label)]
        if kind is ActionKind.HELP:
            help_text = self.text(node.help) or self.text(self.menu.messages.help)
            return [*out, MenuEntry("menu-play-sound", digits, self.sound(help_text), label)]
        if kind is ActionKind.HANGUP:
            goodbye = self.text(action.message) or self.text(self.menu.messages.goodbye)
            if goodbye:
                out.append(MenuEntry("menu-play-sound", digits, self.sound(goodbye), label))
            return [*out, MenuEntry("menu-exec-app", digits, "hangup", label)]
        if kind is ActionKind.OPERATOR:
            operator = next((c for c in self.menu.commands if c.name == "operator"), None)
            if operator is not None:
                return out + self.act(node, digits, operator.action, label)
        return out

    def goto(self, node: Node, digits: str, target: str, label: str) -> list[MenuEntry]:
        goal = self.menu.nodes[target]
        if goal.branch and self.on_the_clock(goal):
            transfer = f"transfer {self.dialplan_branch(goal)} XML {self.menu.id}"
            return [MenuEntry("menu-exec-app", digits, transfer, label)]
        if goal.branch:
            rule = self.branch_rule(goal)
            return self.act(node, digits, rule.action, label)
        return [MenuEntry("menu-sub", digits, self.name(target), label)]

    def on_the_clock(self, node: Node) -> bool:
        """A branch on the time of day only, which FreeSWITCH's dialplan can route."""
        return all(r.when is None or isinstance(r.when, TimeWindow) for r in node.branch)

    def dialplan_branch(self, node: Node) -> str:
        """The dialplan extension name routing ``node``'s rules (written once)."""
        name = self.name(node.id)
        if name not in self.branches:
            self.branches[name] = []  # before the rules: a rule may lead back here
            self.branches[name] = [
                DialplanRule(
                    r.when if isinstance(r.when, TimeWindow) else None,
                    self.dialplan_actions(r.action),
                )
                for r in node.branch
            ]
        return name

    def dialplan_actions(self, action: Action) -> tuple[tuple[str, str], ...]:
        """What a branch rule does, as dialplan applications run in turn."""
        out: list[tuple[str, str]] = []
        if self.text(action.say):
            out.append(("playback", self.sound(self.text(action.say))))
        out += [("set", f"{var}={value}") for var, value in action.sets]
        target = action.target or ""
        if action.kind is ActionKind.GOTO and target:
            goal = self.menu.nodes[target]
            if goal.branch and self.on_the_clock(goal):
                out.append(("transfer", f"{self.dialplan_branch(goal)} XML {self.menu.id}"))
            else:
                out.append(("ivr", self.name(target)))
                self.note(
                    f"From the time-of-day routing, {target} starts as a new FreeSWITCH IVR: "
                    "going back from it ends the call rather than returning to the menu before."
                )
        elif action.kind is ActionKind.ROUTE and target:
            announce = self.announcement(target)
            if announce:
                out.append(("playback", self.sound(announce)))
            app, _, data = self.transfer(target).partition(" ")
            out.append((app, data))
        else:
            goodbye = self.text(action.message) or self.text(self.menu.messages.goodbye)
            if action.kind is ActionKind.HANGUP and goodbye:
                out.append(("playback", self.sound(goodbye)))
            out.append(("hangup", ""))
        return tuple(out)

    def announcement(self, sid: str) -> str:
        service = self.menu.services[sid]
        template = service.announce or self.menu.messages.connecting
        return self.text(template).format(service=self.text(service.name), number=service.display)

    def branch_rule(self, node: Node) -> BranchRule:
        """The rule a FreeSWITCH menu follows at a branch on call variables: the last
        (``otherwise``) one, since it cannot test them."""
        rule = node.branch[-1]
        self.note(
            f"The branch at {node.id} ({', '.join(self.describe(r) for r in node.branch)}) is "
            "not exported: FreeSWITCH menus cannot test call variables, so callers always get "
            "its last rule."
        )
        return rule

    def describe(self, rule: BranchRule) -> str:
        when = rule.when.describe() if rule.when is not None else "otherwise"
        return f"{when} -> {rule.action.kind.value} {rule.action.target or ''}".strip()

    def confirm(self, node: Node, digits: str, action: Action, label: str) -> str:
        """A menu asking "Did you say LABEL?": 1 does ``action``, 2 goes back."""
        name = f"{self.name(node.id)}_confirm_{digits.replace('*', 'star').replace('#', 'hash')}"
        if any(m.name == name for m in self.extra):
            return name
        question = self.text(self.menu.messages.confirm).format(label=label)
        plain = replace(action, confirm=False)
        entries = [*self.act(node, "1", plain, label), MenuEntry("menu-back", "2", "", "no")]
        attrs = {
            "name": name,
            "greet-long": self.sound(question),
            "invalid-sound": self.sound(self.text(self.menu.messages.invalid_key)),
            "timeout": str(round(node.settings.no_input_timeout * 1000)),
            "max-failures": str(node.settings.max_no_match or 3),
            "max-timeouts": str(node.settings.max_no_input or 3),
            "digit-len": "1",
        }
        self.extra.append(FsMenuOut(name, attrs, entries, f"confirm {label} at {node.id}"))
        return name

    @property
    def start_id(self) -> str:
        """The menu a call starts in (a branch at the start: its last rule's menu)."""
        start = self.menu.nodes[self.menu.start]
        rule = start.branch[-1] if start.branch else None
        if rule is not None and rule.action.kind is ActionKind.GOTO and rule.action.target:
            return rule.action.target
        return self.menu.start


def export_menu(menu: Menu, sounds: PromptSink, lang: str | None = None) -> Exported:
    """``ivr_menus.xml`` for ``menu`` in one language (default its first), every prompt
    named through ``sounds``."""
    language = lang or menu.default_lang
    writer = _Writer(menu, sounds, language)
    start = writer.start_id
    order = [start, *(n for n in menu.nodes if n != start)]
    menus = [writer.node_menu(menu.nodes[n]) for n in order if not menu.nodes[n].branch]
    menus += writer.extra
    if menu.nodes[menu.start].branch:
        writer.dialplan_branch(menu.nodes[menu.start])
        writer.note(
            f"The call starts at a branch: start it in FreeSWITCH with transfer "
            f"{writer.name(menu.start)} XML {menu.id}, not with the ivr application."
        )
    for note in general_notes(menu, language):
        writer.note(note)
    files = {"ivr_menus.xml": menus_xml(menu, menus, writer.name(start), language)}
    if writer.branches:
        files[f"dialplan/{menu.id}.xml"] = dialplan_xml(menu.id, writer.branches)
    return Exported(files, tuple(writer.notes))
