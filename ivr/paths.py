"""Every route a caller can reach by keys, with the keys to press.

Menu authors and test writers need the shortest key sequence to each route;
``ivr paths`` prints them and the test suite replays each one through a real
session, so the list and the engine can never disagree.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ivr.dialpatterns import example
from ivr.model import (
    Action,
    ActionKind,
    Menu,
    Node,
    Pattern,
    Service,
    TimeWindow,
    VarTest,
)
from ivr.variables import enter, evaluate, filled_service, names_in

WEEK_START = datetime(2026, 11, 23, 0, 0)  # a Monday
#: Nodes-with-variables visited at most: a menu whose variables never repeat stops here.
MAX_STATES = 5000
Vars = tuple[tuple[str, str], ...]
_Item = tuple[str, str, tuple[str, ...], "_Constraint", Vars]
STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class RoutePath:
    keys: str
    service: str
    nodes: tuple[str, ...]
    via: str  # "menu", "shortcut" or "command"
    at: datetime | None = None  # a time at which this path leads here (time-of-day branches)
    when: str | None = None
    #: The call's variables on the way (digits entered, PBX variables set): what a
    #: templated destination ("transfer ${1} XML features") is filled in with.
    variables: tuple[tuple[str, str], ...] = ()
    #: The keys node by node ("4", "1"): a caller pauses between them, as a menu that
    #: takes several digits at once (a PBX's) needs.
    presses: tuple[str, ...] = ()

    def destination(self, menu: Menu) -> Service:
        """The service this path reaches, its number and target filled in."""
        service = menu.services[self.service]
        if service.target or service.templated:
            return filled_service(service, dict(self.variables))
        return service


@dataclass(frozen=True)
class _Constraint:
    inside: tuple[TimeWindow, ...] = ()
    outside: tuple[TimeWindow, ...] = ()
    labels: tuple[str, ...] = field(default=())

    def sample(self) -> datetime | None:
        """A moment of a typical week (searched from Monday noon on) meeting every condition."""
        if not self.inside and not self.outside:
            return None
        noon = WEEK_START + timedelta(hours=12)
        for i in range(7 * 24 * 4):
            moment = WEEK_START + (noon - WEEK_START + i * STEP) % timedelta(days=7)
            if all(w.contains(moment) for w in self.inside) and not any(
                w.contains(moment) for w in self.outside
            ):
                return moment
        return None

    def possible(self) -> bool:
        return (not self.inside and not self.outside) or self.sample() is not None


def route_paths(menu: Menu) -> list[RoutePath]:
    """Shortest key sequences to every route option, then shortcuts and keyed commands."""
    found: list[RoutePath] = []
    seen: set[tuple[str, Vars]] = set()
    queue: deque[_Item] = deque([(menu.start, "", (), _Constraint(), menu.variables)])
    tested = _tested_values(menu)
    relevant = _relevant_names(menu)
    while queue:
        node_id, keys, trail, constraint, variables = queue.popleft()
        state = (node_id, tuple((k, v) for k, v in variables if k in relevant))
        if state in seen or len(seen) > MAX_STATES:
            continue
        seen.add(state)
        node = menu.nodes[node_id]
        trail = (*trail, node_id)
        if node.collect is not None:
            for digits, action, caught in _entries(node, tested):
                after = _entered(node, digits, caught, variables)
                _follow(menu, action, f"{keys}|{digits}", trail, constraint, queue, found, after)
            continue
        if node.branch:
            earlier: list[TimeWindow] = []
            for rule in node.branch:
                if isinstance(rule.when, VarTest):  # known on the path: one rule holds
                    if rule.when.holds(dict(variables)):
                        _follow(menu, rule.action, keys, trail, constraint, queue, found, variables)
                        break
                    continue
                inside = constraint.inside + ((rule.when,) if rule.when else ())
                step = _Constraint(
                    inside,
                    constraint.outside + tuple(earlier),
                    (*constraint.labels, rule.when.describe() if rule.when else "otherwise"),
                )
                if rule.when is not None:
                    earlier.append(rule.when)
                if step.possible():
                    _follow(menu, rule.action, keys, trail, step, queue, found, variables)
            continue
        for option in node.options:
            if option.key is None:
                continue
            confirm = "1" if option.action.confirm else ""
            pressed = f"{keys}|{option.key}" + (f"|{confirm}" if confirm else "")
            _follow(menu, option.action, pressed, trail, constraint, queue, found, variables)
    found = _shortest(menu, found)
    for sid in menu.shortcuts:
        found.append(RoutePath(menu.services[sid].number, sid, (menu.start,), "shortcut"))
    for command in menu.commands:
        action = command.action
        if command.key is not None and action.kind is ActionKind.ROUTE and action.target:
            keys = command.key + ("1" if action.confirm else "")
            found.append(RoutePath(keys, action.target, (menu.start,), "command"))
    return found


def _follow(
    menu: Menu,
    action: Action,
    keys: str,
    trail: tuple[str, ...],
    constraint: _Constraint,
    queue: deque[_Item],
    found: list[RoutePath],
    variables: Vars,
) -> None:
    if action.sets:
        known = dict(variables)
        for name, value in action.sets:
            known[name] = evaluate(value, known)
        variables = tuple(sorted(known.items()))
    if action.kind is ActionKind.GOTO and action.target:
        queue.append((action.target, keys, trail, constraint, variables))
    elif action.kind is ActionKind.ROUTE and action.target:
        when = " and ".join(constraint.labels) or None
        at = constraint.sample()
        presses = tuple(group for group in keys.split("|") if group)
        found.append(
            RoutePath("".join(presses), action.target, trail, "menu", at, when, variables, presses)
        )


def _tested_values(menu: Menu) -> frozenset[str]:
    """Every value a branch compares a variable with: the entries worth trying at a
    collect node whose digits a later branch tests (an Asterisk Read, then GotoIf)."""
    return frozenset(
        rule.when.value
        for node in menu.nodes.values()
        for rule in node.branch
        if isinstance(rule.when, VarTest)
    )


def _entries(node: Node, tested: frozenset[str]) -> list[tuple[str, Action, re.Match[str] | None]]:
    """Digit strings to try at a collect node: its entries, and for each pattern its
    shortest example and every tested value it accepts."""
    collect = node.collect
    if collect is None:  # pragma: no cover - called for collect nodes only
        return []
    tries: list[tuple[str, Action, re.Match[str] | None]] = []
    exact = {d for d, _ in collect.entries}
    for digits, action in collect.entries:
        tries.append((digits, action, None))
    for pattern in collect.patterns:
        sample = example(pattern.regex, collect.max_digits)
        candidates = [*sorted(tested), *([sample] if sample else [])]
        for digits in dict.fromkeys(candidates):
            if digits in exact or not digits or len(digits) > collect.max_digits:
                continue
            match = re.fullmatch(pattern.regex, digits)
            if match is None or _earlier(collect.patterns, pattern.regex, digits):
                continue
            tries.append((digits, pattern.action, match))
            exact.add(digits)
    return tries


def _earlier(patterns: tuple[Pattern, ...], regex: str, digits: str) -> bool:
    """True when a pattern before ``regex`` takes ``digits`` first."""
    for pattern in patterns:
        if pattern.regex == regex:
            return False
        if re.fullmatch(pattern.regex, digits):
            return True
    return False


def _entered(node: Node, digits: str, caught: re.Match[str] | None, variables: Vars) -> Vars:
    """The variables after ``digits`` were entered at a collect node."""
    known = dict(variables)
    enter(known, node.collect.into if node.collect is not None else None, digits, caught)
    return tuple(sorted(known.items()))


def _relevant_names(menu: Menu) -> frozenset[str]:
    """Variables that change where a path leads: those a branch tests and those a
    destination is filled in with. A counter only spoken does not make a new state."""
    names = {
        rule.when.var
        for node in menu.nodes.values()
        for rule in node.branch
        if isinstance(rule.when, VarTest)
    }
    for service in menu.services.values():
        for text in (service.target, service.number, *(t for _, t in service.name.texts)):
            names.update(names_in(text))
    return frozenset(names)


def _shortest(menu: Menu, found: list[RoutePath]) -> list[RoutePath]:
    """One path per option-like way to a destination: a menu whose variables make new
    states would otherwise list longer ways round to the same place (found in order
    of length, so the first is kept)."""
    kept: dict[tuple[str, str, str, tuple[str, ...], str | None], RoutePath] = {}
    for path in found:
        dest = path.destination(menu)
        key = (path.service, dest.number, dest.target, path.nodes[-1:], path.when)
        kept.setdefault(key, path)
    return list(kept.values())
