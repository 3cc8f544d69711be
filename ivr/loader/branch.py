"""Branch nodes: rules on the day and time of the call or on a call variable, with a
final ``otherwise``.

A branch runs before the caller says anything, so a rule may only go to a
node, route, or hang up, and the ``otherwise`` rule makes sure every caller
gets somewhere.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from ivr.errors import Location
from ivr.fields import describe, where_of
from ivr.loader.actions import read_action
from ivr.loader.context import Context
from ivr.loader.keys import BRANCH_ACTIONS, BRANCH_RULE_KEYS, DAY_NAMES, VAR_NAME, WHEN_KEYS
from ivr.model import BranchRule, Compare, TimeWindow, VarTest
from ivr.yamlsrc import YMap, YSeq

_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_FULL_DAY = {
    "mon": "monday",
    "tue": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}


def read_branch(ctx: Context, node_id: str, raw: Any, where: Location) -> tuple[BranchRule, ...]:
    """The rules of a branch node, in order; the last must be ``otherwise: true``."""
    what = f"node {node_id!r} branch"
    if not isinstance(raw, YSeq) or not raw:
        ctx.add(
            where,
            f"{what} must be a non-empty list of rules",
            "e.g. - when: {days: mon-fri, time: 08:00-16:00} ...",
        )
        return ()
    rules: list[BranchRule] = []
    for index, body in enumerate(raw):
        rwhere = where_of(raw, index, where)
        rwhat = f"{what} rule {index + 1}"
        rm = ctx.read.mapping(body, rwhere, rwhat)
        if rm is None:
            continue
        ctx.read.check_keys(rm, BRANCH_RULE_KEYS, rwhat)
        window: TimeWindow | VarTest | None = None
        if "when" in rm and "otherwise" in rm:
            ctx.add(rwhere, f"{rwhat} has both when and otherwise", "keep one")
        elif "when" in rm:
            window = _when(ctx, rm["when"], where_of(rm, "when", rwhere), rwhat)
        elif rm.get("otherwise") is not True:
            ctx.add(
                rwhere,
                f"{rwhat} needs when: or otherwise: true",
                "the last rule must be otherwise: true",
            )
        elif index != len(raw) - 1:
            ctx.add(rwhere, f"{rwhat}: otherwise must be the last rule", "move it to the end")
        action = read_action(ctx, rm, rwhat, rwhere)
        if action is not None and action.kind not in BRANCH_ACTIONS:
            ctx.add(
                rwhere,
                f"{rwhat} cannot {action.kind.value}",
                "a branch rule must goto a node, route, or do: hangup",
            )
        elif action is not None:
            rules.append(BranchRule(window, action, rwhere))
    last = raw[-1]
    if not (isinstance(last, YMap) and last.get("otherwise") is True):
        ctx.add(
            where,
            f"{what} has no otherwise rule",
            "add a last rule with otherwise: true so every caller gets somewhere",
        )
    return tuple(rules)


def _when(ctx: Context, raw: Any, where: Location, what: str) -> TimeWindow | VarTest | None:
    m = ctx.read.mapping(raw, where, f"{what} when")
    if m is None:
        return None
    if "var" in m:
        return _var_test(ctx, m, where, what)
    ctx.read.check_keys(m, WHEN_KEYS[:2], f"{what} when", required=("time",))
    days = _days(ctx, m.get("days", "mon-sun"), where_of(m, "days", where), what)
    span = m.get("time")
    match = _TIME_RANGE.match(span) if isinstance(span, str) else None
    if match is None:
        if "time" in m:
            ctx.add(
                where_of(m, "time", where),
                f"{what} time {span!r} is not a range",
                'write time: "08:00-16:00" (quoted)',
            )
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        ctx.add(
            where_of(m, "time", where),
            f"{what} time {span!r} is not a valid time",
            "hours 00-24, minutes 00-59",
        )
        return None
    end = time(0, 0) if h2 == 24 else time(h2, m2)
    if days is None:
        return None
    if (h1, m1) == (h2, m2):
        ctx.add(
            where_of(m, "time", where),
            f"{what} time {span!r} is empty",
            "start and end must differ",
        )
        return None
    return TimeWindow(frozenset(days), time(h1, m1), end)


def _var_test(ctx: Context, m: YMap, where: Location, what: str) -> VarTest | None:
    """``when: {var: choice, op: "=", value: "1"}``: an Asterisk GotoIf, a VoiceXML if."""
    ctx.read.check_keys(m, WHEN_KEYS[2:], f"{what} when", required=("var", "value"))
    var = ctx.read.string(m, "var", what)
    if var is not None and not VAR_NAME.match(var):
        ctx.add(
            where_of(m, "var", where),
            f"{what} var {var!r} is not a variable name",
            "use letters, digits and _, starting with a letter",
        )
        return None
    ops = tuple(c.value for c in Compare)
    op = ctx.read.choice(m, "op", what, ops) if "op" in m else "="
    value = m.get("value")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        if "value" in m:
            ctx.add(
                where_of(m, "value", where),
                f"{what} value must be text or a number, not {describe(value)}",
                'write e.g. value: "1"',
            )
        return None
    if var is None or op is None:
        return None
    return VarTest(var, Compare(op), str(value))


def _days(ctx: Context, raw: Any, where: Location, what: str) -> set[int] | None:
    """Weekday numbers (Monday 0) of e.g. ``mon-fri``, ``weekends`` or ``[mon, wed]``."""
    parts: list[str] = []
    if isinstance(raw, str):
        parts = [p.strip().lower() for p in raw.split(",")]
    elif isinstance(raw, YSeq):
        parts = [str(p).strip().lower() for p in raw]
    days: set[int] = set()
    for part in parts:
        if part in ("daily", "every day"):
            days.update(range(7))
        elif part in ("weekdays",):
            days.update(range(5))
        elif part in ("weekends",):
            days.update((5, 6))
        elif "-" in part and all(p.strip()[:3] in DAY_NAMES for p in part.split("-", 1)):
            a, b = (DAY_NAMES.index(p.strip()[:3]) for p in part.split("-", 1))
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif part[:3] in DAY_NAMES and part in (part[:3], _FULL_DAY[part[:3]]):
            days.add(DAY_NAMES.index(part[:3]))
        else:
            ctx.add(
                where,
                f"{what} days {raw!r} not understood",
                "use e.g. mon-fri, weekends, daily or [mon, wed]",
            )
            return None
    if not days:
        ctx.add(where, f"{what} days is empty", "e.g. days: mon-fri")
        return None
    return days
