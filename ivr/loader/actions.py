"""What a choice is made of: the phone key that picks it and the action it takes.

Options, commands, branch rules, collect entries and ``on_max_failures`` all
end in one action (goto, route, info or do); ``goto`` and ``route`` are
resolved here against the ids gathered before any node is read.
"""

from __future__ import annotations

from dataclasses import replace

from ivr.errors import Location
from ivr.fields import describe, where_of
from ivr.loader.context import Context
from ivr.loader.keys import ACTION_KEYS, DO_ACTIONS, KEYS, VAR_NAME
from ivr.loader.texts import lang_text
from ivr.model import Action, ActionKind
from ivr.yamlsrc import YMap


def phone_key(ctx: Context, m: YMap, what: str) -> str | None:
    """``m``'s ``key:`` as one phone key, or None (absent, or reported)."""
    if "key" not in m:
        return None
    value = m["key"]
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9:
        return str(value)
    if isinstance(value, str) and len(value) == 1 and value in KEYS:
        return value
    where = where_of(m, "key", m.where)
    if value is None:
        ctx.add(
            where,
            f"{what} key is empty",
            'quote "#" and "*": YAML reads # as a comment and * as an alias',
        )
    else:
        ctx.add(
            where,
            f"{what} key must be one of 0-9, * or #, not {describe(value)}",
            'write e.g. key: 1 or key: "*"',
        )
    return None


def read_action(ctx: Context, m: YMap, what: str, where: Location) -> Action | None:
    """Exactly one of goto / route / info / do, with what it says and sets first."""
    action = _read_action(ctx, m, what, where)
    if action is None:
        return None
    say = lang_text(ctx, m, "say", what) if "say" in m else action.say
    sets = read_sets(ctx, m, what, where)
    if say or sets:
        return replace(action, say=say, sets=sets)
    return action


def read_sets(
    ctx: Context, m: YMap, what: str, where: Location, key: str = "set"
) -> tuple[tuple[str, str], ...]:
    """``set: {name: value}``: call variables set before the action, in order (and the
    menu's ``variables:``, their values when a call starts)."""
    if key not in m:
        return ()
    swhere = where_of(m, key, where)
    sm = ctx.read.mapping(m[key], swhere, f"{what} {key}" if key == "set" else what)
    sets: list[tuple[str, str]] = []
    for name, value in (sm or {}).items():
        if not isinstance(name, str) or not VAR_NAME.match(name):
            ctx.add(
                swhere,
                f"{what} {key}: {name!r} is not a variable name",
                "use letters, digits and _, starting with a letter",
            )
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            ctx.add(
                where_of(sm, name, swhere),
                f"{what} {key}: {name} must be text, not {describe(value)}",
                'write e.g. set: {tries: "${tries}+1"}',
            )
        else:
            sets.append((name, str(value)))
    return tuple(sets)


def _read_action(ctx: Context, m: YMap, what: str, where: Location) -> Action | None:
    """Exactly one of goto / route / info / do."""
    present = [k for k in ACTION_KEYS if k in m]
    if len(present) != 1:
        if present:
            ctx.add(
                where,
                f"{what} has {' and '.join(present)}; give exactly one action",
                "keep one of goto, route, info, do",
            )
        else:
            ctx.add(
                where,
                f"{what} has no action",
                "add one of goto: NODE, route: SERVICE, info: TEXT, do: " + "|".join(DO_ACTIONS),
            )
        return None
    kind = present[0]
    confirm = bool(m.get("confirm", False)) if isinstance(m.get("confirm"), bool) else False
    if "confirm" in m and not isinstance(m["confirm"], bool):
        ctx.add(
            where_of(m, "confirm", where),
            f"{what} confirm must be true or false",
            "write confirm: true",
        )
    if kind == "info":
        return Action(ActionKind.INFO, message=lang_text(ctx, m, "info", what), confirm=confirm)
    target = ctx.read.string(m, kind, what)
    if target is None:
        return None
    if kind in ("goto", "route"):
        goto = kind == "goto"
        known = ctx.node_ids if goto else ctx.service_ids
        if target not in known:
            ctx.add(
                where_of(m, kind, where),
                f"{what} {'goes to node' if goto else 'routes to service'} {target!r}, "
                "which is not defined",
                ctx.suggest(target, known, "nodes" if goto else "services"),
            )
            return None
        return Action(ActionKind.GOTO if goto else ActionKind.ROUTE, target, confirm=confirm)
    if target not in DO_ACTIONS:
        ctx.add(
            where_of(m, kind, where),
            f"{what} do: {target!r} is not an action",
            "use one of " + ", ".join(DO_ACTIONS),
        )
        return None
    return Action(ActionKind(target), confirm=confirm)
