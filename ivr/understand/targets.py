"""What a caller's description can lead to: the menu's options, each with its texts.

A target is one option of the menu (its id is the option id the session
already acts on). Its texts are what the menu author wrote about it: the
label and phrases, the ``examples`` of needs written in callers' own words,
and, for an option that routes to a service, that service's ``purpose`` and
``examples``; an information option also brings its message. Targets that
lead to the same place (two options routing to the police) share an
``outcome``, so the policy never asks a caller to choose between two names
for one service.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.model import Action, ActionKind, Menu, Option


@dataclass(frozen=True)
class Target:
    ref: str  # the option id
    outcome: tuple[str, str]  # (action kind, service / node / option id): where it leads
    emergency: bool  # routes to an emergency shortcut (110, 112, 113 in the Norway menu)
    texts: tuple[tuple[str, tuple[str, ...]], ...]  # per language
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # per language: label and phrases
    urgent: bool = False  # routes to a service for needs that cannot wait (``urgent: true``)
    node: str = ""  # the node whose option it is

    def names_in(self, lang: str) -> tuple[str, ...]:
        return dict(self.names).get(lang, ())

    def texts_in(self, lang: str) -> tuple[str, ...]:
        return dict(self.texts).get(lang, ())


def outcome_of(option: Option) -> tuple[str, str]:
    action = option.action
    if action.kind is ActionKind.INFO:
        return ("info", option.id)
    return (action.kind.value, action.target or option.id)


def _urgent(menu: Menu, action: Action) -> bool:
    """Routes to a service for needs that cannot wait, directly or through a node that
    only picks by the time of day (the out-of-hours doctor when the GP is closed)."""
    actions = [action]
    if action.kind is ActionKind.GOTO and action.target in menu.nodes:
        actions += [rule.action for rule in menu.nodes[action.target].branch]
    return any(
        a.kind is ActionKind.ROUTE
        and (s := menu.services.get(a.target or "")) is not None
        and s.urgent
        for a in actions
    )


def menu_targets(menu: Menu) -> tuple[Target, ...]:
    """Every option of the menu that leads somewhere a described need can go."""
    shortcuts = set(menu.shortcuts)
    out: list[Target] = []
    for node in menu.nodes.values():
        for option in node.options:
            action = option.action
            if action.kind not in (ActionKind.ROUTE, ActionKind.INFO, ActionKind.GOTO):
                continue
            service = (
                menu.services.get(action.target or "") if action.kind is ActionKind.ROUTE else None
            )
            texts: list[tuple[str, tuple[str, ...]]] = []
            names: list[tuple[str, tuple[str, ...]]] = []
            for lang in menu.languages:
                items: list[str] = [option.label.get(lang), *option.phrases.get(lang)]
                names.append((lang, tuple(t for t in items if t)))
                items += option.examples.get(lang)
                if service is not None:
                    items += [service.purpose.get(lang), *service.examples.get(lang)]
                if action.kind is ActionKind.INFO:
                    items.append(action.message.get(lang))
                texts.append((lang, tuple(dict.fromkeys(t for t in items if t))))
            emergency = action.kind is ActionKind.ROUTE and action.target in shortcuts
            urgent = _urgent(menu, action)
            out.append(
                Target(
                    option.id,
                    outcome_of(option),
                    emergency,
                    tuple(texts),
                    tuple(names),
                    urgent,
                    node.id,
                )
            )
    return tuple(out)
