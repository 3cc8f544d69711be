"""Where a caller can go from each node: the menu as a graph of exits.

Every analysis (reachability, dead ends, timing), the diagrams and the chaos
caller's safety oracle read the menu through these exits, so they all agree
on what a key, a phrase, a shortcut or a failure does. This is written from
the model, not from the session, on purpose: it is the independent reading
the session is checked against.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ivr.dialpatterns import example
from ivr.errors import Location
from ivr.model import Action, ActionKind, Menu, Node
from ivr.refs import Ref

#: Destinations: ("node", id), ("route", service id), ("hangup", ""), ("stay", "").
Dest = tuple[str, str]
STAY: Dest = ("stay", "")
HANGUP: Dest = ("hangup", "")
#: What an exit is; a collect node's back key is a "command" too.
ExitKind = Literal["option", "command", "shortcut", "number", "entry", "branch", "failure"]


@dataclass(frozen=True)
class Exit:
    """One thing a caller (or the clock) can do at a node, and what it does."""

    node: str
    kind: ExitKind
    keys: str | None  # keys to press; None when it can only be spoken (or is automatic)
    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # per language
    action: Action
    ref: Ref  # the name coverage, the phrase checks and the diagrams know it by
    label: str
    where: Location
    when: str | None = None  # branch rules: the time window, or "otherwise"


def operator_action(menu: Menu) -> Action | None:
    command = next((c for c in menu.commands if c.name == "operator"), None)
    return command.action if command is not None else None


def node_exits(menu: Menu, node: Node) -> list[Exit]:
    """Every exit of ``node``: its own choices, the global commands, shortcuts, failures."""
    out: list[Exit] = []
    lang = menu.default_lang
    if node.branch:
        for index, rule in enumerate(node.branch):
            when = rule.when.describe() if rule.when else "otherwise"
            out.append(
                Exit(node.id, "branch", None, (), rule.action, Ref.branch(node.id, index + 1),
                     when, rule.where, when)
            )  # fmt: skip
        return out
    for option in node.options:
        out.append(
            Exit(node.id, "option", option.key, option.heard_by_lang(menu.languages), option.action,
                 Ref.option(option.id), option.label.get(lang), option.where)
        )  # fmt: skip
    if node.collect is not None:
        collect = node.collect

        def keyed(digits: str) -> str:  # a short entry ends with the terminator
            return digits if len(digits) >= collect.max_digits else digits + collect.terminator

        for digits, action in collect.entries:
            keys = keyed(digits)
            out.append(
                Exit(node.id, "entry", keys, (), action, Ref.entry(node.id, digits), digits,
                     node.where)
            )  # fmt: skip
        for pattern in collect.patterns:
            sample = example(pattern.regex, collect.max_digits)
            pressed = keyed(sample) if sample is not None else None
            out.append(
                Exit(node.id, "entry", pressed, (), pattern.action,
                     Ref.entry(node.id, pattern.text), pattern.text, pattern.where)
            )  # fmt: skip
        if collect.match_services:
            for service in menu.services.values():
                if service.templated or not service.number:
                    continue
                if not collect.min_digits <= len(service.number) <= collect.max_digits:
                    continue
                keys = keyed(service.number)
                out.append(
                    Exit(node.id, "number", keys, (), Action(ActionKind.ROUTE, service.id),
                         Ref.number(service.id), service.display, node.where)
                )  # fmt: skip
        back_keys = next(
            (k for k in "*#" if k != collect.terminator and k not in collect.symbols), None
        )
        if back_keys is not None:
            out.append(
                Exit(node.id, "command", back_keys, (), Action(ActionKind.BACK), Ref.key("back"),
                     "back", node.where)
            )  # fmt: skip
    for command in menu.commands:
        command_keys = None if node.collect is not None else command.key
        out.append(
            Exit(node.id, "command", command_keys, command.phrases.by_lang, command.action,
                 Ref.cmd(command.name), command.name.replace("_", " "), command.where)
        )  # fmt: skip
    if node.collect is None:
        for sid in menu.shortcuts:
            service = menu.services[sid]
            out.append(
                Exit(node.id, "shortcut", service.number, (), Action(ActionKind.ROUTE, sid),
                     Ref.shortcut(sid), service.display, service.where)
            )  # fmt: skip
    for handler in (*node.on_no_input, *node.on_no_match):
        if handler.action is not None:  # a VoiceXML catch or an Asterisk t/i that moves on
            out.append(
                Exit(node.id, "failure", None, (), handler.action, Ref.fail(),
                     f"failure {handler.count}", handler.where)
            )  # fmt: skip
    failure = node.settings.on_max_failures
    out.append(
        Exit(node.id, "failure", None, (), failure, Ref.fail(), "too many failures", node.where)
    )
    return out


class Flow:
    """The menu's exits, with ``back`` and ``operator`` resolved to where they really lead."""

    def __init__(self, menu: Menu) -> None:
        self.menu = menu
        self.exits: dict[str, list[Exit]] = {
            node_id: node_exits(menu, node) for node_id, node in menu.nodes.items()
        }
        self.operator = operator_action(menu)
        self.back_to = self._back_targets()

    def _back_targets(self) -> dict[str, set[str]]:
        """Where ``back`` can lead: the menu nodes that went here, looking through branches.

        The session does not push branch nodes on its history, so a node entered
        through a branch goes back to the node before the branch.
        """
        preds: dict[str, set[str]] = {n: set() for n in self.menu.nodes}
        for node_id, exits in self.exits.items():
            for ex in exits:
                if ex.kind != "failure" and ex.action.kind is ActionKind.GOTO and ex.action.target:
                    preds[ex.action.target].add(node_id)
        resolved: dict[str, set[str]] = {}
        for node_id in self.menu.nodes:
            found: set[str] = set()
            stack = list(preds[node_id])
            seen: set[str] = set()
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                if self.menu.nodes[current].branch:
                    stack.extend(preds[current])
                else:
                    found.add(current)
            resolved[node_id] = found
        return resolved

    def dests(self, ex: Exit) -> set[Dest]:
        """Where taking ``ex`` leads (several places for ``back``)."""
        return self.action_dests(ex.node, ex.action)

    def action_dests(self, node_id: str, action: Action) -> set[Dest]:
        kind = action.kind
        if kind is ActionKind.GOTO and action.target:
            return {("node", action.target)}
        if kind is ActionKind.ROUTE and action.target:
            return {("route", action.target)}
        if kind is ActionKind.HANGUP:
            return {HANGUP}
        if kind is ActionKind.MAIN_MENU:
            return {STAY} if node_id == self.menu.start else {("node", self.menu.start)}
        if kind is ActionKind.BACK:
            back = self.back_to.get(node_id, set())
            return {("node", n) for n in back} or {STAY}
        if kind is ActionKind.EXIT:  # to the menu that entered this one; at the top, hang up
            back = self.back_to.get(node_id, set())
            return {("node", n) for n in back} or {HANGUP}
        if kind is ActionKind.OPERATOR:
            if self.operator is None or self.operator.kind is ActionKind.OPERATOR:
                return {STAY}
            return self.action_dests(node_id, self.operator)
        return {STAY}  # info, repeat, help

    def routes_through(self, node_id: str, action: Action, depth: int = 0) -> set[str]:
        """Services ``action`` routes to at once, following gotos into branch nodes."""
        out: set[str] = set()
        for kind, target in self.action_dests(node_id, action):
            if kind == "route":
                out.add(target)
            elif kind == "node" and self.menu.nodes[target].branch and depth < len(self.menu.nodes):
                for rule in self.menu.nodes[target].branch:
                    out |= self.routes_through(target, rule.action, depth + 1)
        return out

    def edges(self) -> Iterator[tuple[Exit, Dest]]:
        for exits in self.exits.values():
            for ex in exits:
                for dest in self.dests(ex):
                    yield ex, dest

    def reachable(self) -> set[str]:
        """Nodes a caller can get to from the start node."""
        seen = {self.menu.start}
        stack = [self.menu.start]
        while stack:
            current = stack.pop()
            for ex in self.exits[current]:
                for kind, target in self.dests(ex):
                    if kind == "node" and target not in seen:
                        seen.add(target)
                        stack.append(target)
        return seen

    def routed_services(self) -> set[str]:
        return {t for ex, (kind, t) in self.edges() if kind == "route"}
