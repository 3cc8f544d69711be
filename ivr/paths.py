"""Every route a caller can reach by keys, with the keys to press.

Menu authors and test writers need the shortest key sequence to each route;
``ivr paths`` prints them and the test suite replays each one through a real
session, so the list and the engine can never disagree.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ivr.model import Action, ActionKind, Menu, TimeWindow

WEEK_START = datetime(2026, 11, 23, 0, 0)  # a Monday
STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class RoutePath:
    keys: str
    service: str
    nodes: tuple[str, ...]
    via: str  # "menu", "shortcut" or "command"
    at: datetime | None = None  # a time at which this path leads here (time-of-day branches)
    when: str | None = None


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
    seen: set[str] = set()
    queue: deque[tuple[str, str, tuple[str, ...], _Constraint]] = deque(
        [(menu.start, "", (), _Constraint())]
    )
    while queue:
        node_id, keys, trail, constraint = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = menu.nodes[node_id]
        trail = (*trail, node_id)
        if node.branch:
            earlier: list[TimeWindow] = []
            for rule in node.branch:
                inside = constraint.inside + ((rule.when,) if rule.when else ())
                step = _Constraint(
                    inside,
                    constraint.outside + tuple(earlier),
                    (*constraint.labels, rule.when.describe() if rule.when else "otherwise"),
                )
                if rule.when is not None:
                    earlier.append(rule.when)
                if step.possible():
                    _follow(menu, rule.action, keys, trail, step, queue, found)
            continue
        for option in node.options:
            if option.key is None:
                continue
            confirm = "1" if option.action.confirm else ""
            _follow(
                menu, option.action, keys + option.key + confirm, trail, constraint, queue, found
            )
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
    queue: deque[tuple[str, str, tuple[str, ...], _Constraint]],
    found: list[RoutePath],
) -> None:
    if action.kind is ActionKind.GOTO and action.target:
        queue.append((action.target, keys, trail, constraint))
    elif action.kind is ActionKind.ROUTE and action.target:
        when = " and ".join(constraint.labels) or None
        found.append(RoutePath(keys, action.target, trail, "menu", constraint.sample(), when))
