"""Where a caller's choice leads, named as needs files name it.

A service by the number the menu displays, an information option by its id,
``node:ID`` for a node a caller can stop at, ``hangup``; ``ask`` when the menu
must ask first. The needs file reader (``ivr.scripted.needs_file``) checks every
expectation against these names and the evaluation (``ivr.scripted.needs``) names
where a call went with the same functions, so an expectation and an outcome can
only differ when the menu went somewhere else, never by spelling.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from ivr.model import Action, ActionKind, Menu, Option
from ivr.variables import rule_holds

ASK = "ask"
NODE_PREFIX = "node:"
HANGUP_OUTCOME = "hangup"
MAX_BRANCH_DEPTH = 16  # branch nodes leading to branch nodes; the loader forbids loops anyway


def outcome_names(menu: Menu) -> frozenset[str]:
    """Every outcome a call can end its first exchange with, named as needs files name them.

    Service display numbers (routes), information option ids (an answer was
    read out), and ``node:ID`` for every node a caller can stop at: not the
    start, where every call already is, and not time branches, which a call
    passes straight through.
    """
    names = {s.display for s in menu.services.values()}
    for node in menu.nodes.values():
        names.update(o.id for o in node.options if o.action.kind is ActionKind.INFO)
        if node.id != menu.start and not node.branch:
            names.add(NODE_PREFIX + node.id)
    return frozenset(names)


def action_outcome(menu: Menu, action: Action, at: datetime, ref: str = "") -> str | None:
    """Where taking ``action`` at time ``at`` leads, without taking it.

    A goto into a time branch is followed through the branch at ``at``: the
    caller who says yes to "a doctor" at 21:00 is put through to 116 117, not
    left in a node. ``ref`` names the choice (an option id) for information
    options. Commands that only move around the menu (back, repeat, help, main
    menu) lead to no outcome.
    """
    for _ in range(MAX_BRANCH_DEPTH):
        kind = action.kind
        if kind is ActionKind.ROUTE and action.target:
            return menu.services[action.target].display
        if kind is ActionKind.INFO:
            return ref or None
        if kind is ActionKind.HANGUP:
            return HANGUP_OUTCOME
        if kind is ActionKind.OPERATOR:
            operator = next((c for c in menu.commands if c.name == "operator"), None)
            if operator is None:
                return None
            action = operator.action
            continue
        if kind is ActionKind.GOTO and action.target:
            node = menu.nodes[action.target]
            if not node.branch:
                return None if node.id == menu.start else NODE_PREFIX + node.id
            rule = next((r for r in node.branch if rule_holds(r, at, {})), None)
            if rule is None:
                return None
            action = rule.action
            continue
        return None
    return None


def option_outcome(menu: Menu, option: Option, at: datetime) -> str | None:
    """Where choosing ``option`` at ``at`` leads (see ``action_outcome``)."""
    return action_outcome(menu, option.action, at, option.id)


def keys_to(menu: Menu, node_id: str, at: datetime) -> str | None:
    """The shortest keys from the start to ``node_id`` at time ``at`` (None: not reachable).

    A benchmark that says an option's own words where a caller would say them
    (at the option's node) brings the call there by keys first.
    """
    steps = steps_to(menu, node_id, at)
    if steps is None or any(not isinstance(step, str) for step in steps):
        return None
    return "".join(str(step) for step in steps)


@dataclass(frozen=True)
class Said:
    """A step on the way to a node that has no key: its option's label, said."""

    option: Option


def steps_to(menu: Menu, node_id: str, at: datetime) -> tuple[str | Said, ...] | None:
    """The shortest way from the start to ``node_id`` at ``at``: keys, and where an
    option has none (the Norway menu's emergencies, reached by saying "emergency"),
    its label said. At each node the keyed options are tried first."""
    queue: deque[tuple[str, tuple[str | Said, ...]]] = deque([(menu.start, ())])
    seen = {menu.start}
    while queue:
        here, steps = queue.popleft()
        if here == node_id:
            return steps
        for option in sorted(menu.nodes[here].options, key=lambda o: o.key is None):
            leads = option_outcome(menu, option, at)
            if leads is None or not leads.startswith(NODE_PREFIX):
                continue
            there = leads[len(NODE_PREFIX) :]
            if there not in seen:
                seen.add(there)
                step: str | Said = option.key if option.key is not None else Said(option)
                queue.append((there, (*steps, step)))
    return None
