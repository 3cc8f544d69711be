"""Turning what the caller picked (an option, a command, a number) into a ``Choice``.

Every dialogue ends in a choice that the session offers, confirms or takes; a
choice carries the label a question reads out in the call's language, so one
maker per call builds them all the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from ivr.call.state import Choice
from ivr.menuindex import MenuIndex
from ivr.model import Action, ActionKind, Menu
from ivr.refs import Ref, RefKind


class Choices:
    """Builds the choices of one call's menu, labelled in its language."""

    def __init__(self, menu: Menu, index: MenuIndex, lang: str) -> None:
        self.menu = menu
        self.index = index
        self.lang = lang

    def option(self, option_id: str) -> Choice:
        option = self.index.options[option_id]
        return Choice(option.label.get(self.lang), option.action, Ref.option(option.id))

    def command(self, name: str) -> Choice:
        command = next(c for c in self.menu.commands if c.name == name)
        words = command.phrases.get(self.lang)
        label = words[0] if words else name.replace("_", " ")
        return Choice(label, command.action, Ref.cmd(name))

    def service(self, ref: Ref) -> Choice:
        """A shortcut or a service number: both route to the service ``ref`` names."""
        service = self.menu.services[ref.id]
        label = f"{service.name.get(self.lang)}, {service.display}"
        return Choice(label, Action(ActionKind.ROUTE, service.id), ref)

    def of(self, ref: Ref) -> Choice:
        """The choice a ref from a phrase index or the understanding names."""
        if ref.kind is RefKind.CMD:
            return self.command(ref.id)
        if ref.kind is RefKind.OPTION:
            return self.option(ref.id)
        if ref.kind in (RefKind.SHORTCUT, RefKind.NUMBER):
            return self.service(ref)
        raise ValueError(f"{ref} names no choice by itself")

    def distinct(self, refs: Sequence[str]) -> list[Choice]:
        """The choices the refs name, in order, one per outcome: two names for one
        service are never offered as two choices."""
        choices: list[Choice] = []
        outcomes: set[tuple[object, ...]] = set()
        for text in refs:
            choice = self.of(Ref.parse(text))
            outcome = (choice.action.kind, choice.action.target, choice.action.message)
            if outcome not in outcomes:
                outcomes.add(outcome)
                choices.append(choice)
        return choices
