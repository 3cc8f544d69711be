"""Turning what the caller picked (an option, a command, a number) into a ``Choice``.

Every dialogue ends in a choice that the session offers, confirms or takes; a
choice carries the label a question reads out in the call's language, so they
are all built here the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from ivr.call.context import Call
from ivr.call.state import Choice
from ivr.model import Action, ActionKind
from ivr.refs import Ref, RefKind


def option(call: Call, option_id: str) -> Choice:
    found = call.index.options[option_id]
    return Choice(found.label.get(call.lang), found.action, Ref.option(found.id))


def command(call: Call, name: str) -> Choice:
    found = next(c for c in call.menu.commands if c.name == name)
    words = found.phrases.get(call.lang)
    label = words[0] if words else name.replace("_", " ")
    return Choice(label, found.action, Ref.cmd(name))


def service(call: Call, ref: Ref) -> Choice:
    """A shortcut or a service number: both route to the service ``ref`` names."""
    found = call.menu.services[ref.id]
    label = f"{found.name.get(call.lang)}, {found.display}"
    return Choice(label, Action(ActionKind.ROUTE, found.id), ref)


def of(call: Call, ref: Ref) -> Choice:
    """The choice a ref from a phrase index or the understanding names."""
    if ref.kind is RefKind.CMD:
        return command(call, ref.id)
    if ref.kind is RefKind.OPTION:
        return option(call, ref.id)
    if ref.kind is RefKind.SHORTCUT or ref.kind is RefKind.NUMBER:
        return service(call, ref)
    raise ValueError(f"{ref} names no choice by itself")


def distinct(call: Call, refs: Sequence[str]) -> list[Choice]:
    """The choices the refs name, in order, one per outcome: two names for one
    service are never offered as two choices."""
    choices: list[Choice] = []
    outcomes: set[tuple[object, ...]] = set()
    for text in refs:
        choice = of(call, Ref.parse(text))
        if outcome(choice) not in outcomes:
            outcomes.add(outcome(choice))
            choices.append(choice)
    return choices


def outcome(choice: Choice) -> tuple[object, ...]:
    """What taking ``choice`` does: two choices that do the same are one."""
    return (choice.action.kind, choice.action.target, choice.action.message)
