"""The services calls end at: each with its phone number, and the shortcuts to them.

Numbers must be quoted text, because unquoted YAML drops a leading zero and
reads ``0...`` as octal, and no two services may share one.
"""

from __future__ import annotations

import re
from typing import Any

from ivr.errors import Location
from ivr.fields import key_where, where_of
from ivr.loader.context import Context
from ivr.loader.keys import ID, SERVICE_KEYS
from ivr.loader.texts import lang_text, phrases
from ivr.model import Service
from ivr.variables import route_digits
from ivr.yamlsrc import YMap

_NUMBER = re.compile(r"^\+?[0-9][0-9 ]*$")
#: A number with call variables in it ("${1}", "9${EXTEN}"), filled in when routed.
_TEMPLATED = re.compile(r"^\+?[0-9 ]*(?:\$\{[A-Za-z0-9_]+(?::-?\d+(?::\d+)?)?\}[0-9 ]*)+$")


def read_services(ctx: Context, raw: Any, where: Location) -> dict[str, Service]:
    """The ``services`` mapping; every valid id joins ``ctx.service_ids``."""
    services: dict[str, Service] = {}
    m = ctx.read.mapping(raw, where, "services")
    if m is None:
        return services
    numbers: dict[str, str] = {}
    for sid, body in m.items():
        swhere = where_of(m, sid, m.where)
        if not isinstance(sid, str) or not ID.match(sid):
            ctx.add(
                key_where(m, sid),
                f"service id {sid!r} is not valid",
                "use letters, digits, _ and -, starting with a letter",
            )
            continue
        ctx.service_ids.add(sid)
        sm = ctx.read.mapping(body, swhere, f"service {sid!r}")
        if sm is None:
            continue
        what = f"service {sid!r}"
        target = ctx.read.string(sm, "target", what) if "target" in sm else None
        required = ("name",) if target else ("number", "name")
        ctx.read.check_keys(sm, SERVICE_KEYS, what, required=required)
        number, display = _number(ctx, sm, what)
        if target and "number" not in sm:  # the route's digits come from the target
            number, display = route_digits(target) or "", target
        name = lang_text(ctx, sm, "name", what)
        purpose = lang_text(ctx, sm, "purpose", what)
        examples = phrases(ctx, sm, "examples", what)
        announce = lang_text(ctx, sm, "announce", what)
        urgent = ctx.read.boolean(sm, "urgent", what) or False
        if number and "${" not in number and number in numbers:
            ctx.add(
                where_of(sm, "number", sm.where),
                f"{what} has the same number as service {numbers[number]!r}",
                "merge the two services into one",
            )
        if number:
            numbers[number] = sid
        services[sid] = Service(
            sid,
            number,
            display,
            name,
            announce,
            purpose,
            swhere,
            examples=examples,
            urgent=urgent,
            target=target or "",
        )
    return services


def _number(ctx: Context, m: YMap, what: str) -> tuple[str, str]:
    """(digits, as written) of ``m``'s number, or ("", "") when it is missing or wrong."""
    if "number" not in m:
        return "", ""
    value = m["number"]
    where = where_of(m, "number", m.where)
    if isinstance(value, int) and not isinstance(value, bool):
        ctx.add(
            where,
            f"{what} number must be quoted text, not the number {value}",
            'write number: "02800": unquoted, YAML drops leading zeros and reads 0... as octal',
        )
        return "", ""
    if isinstance(value, str) and _TEMPLATED.match(value.strip()):  # filled in when routed
        return value.replace(" ", ""), value.strip()
    if not isinstance(value, str) or not _NUMBER.match(value.strip()):
        ctx.add(
            where,
            f"{what} number {value!r} is not a phone number",
            'use digits and spaces, e.g. number: "116 117"',
        )
        return "", ""
    digits = value.replace(" ", "").lstrip("+")
    if not 3 <= len(digits) <= 15:
        ctx.add(
            where,
            f"{what} number {value!r} has {len(digits)} digits",
            "a service number has 3 to 15 digits",
        )
        return "", ""
    return digits, value.strip()


def read_shortcuts(ctx: Context, root: YMap) -> tuple[str, ...]:
    """Services a caller is routed to at once by saying them, from anywhere."""
    if "shortcuts" not in root:
        return ()
    where = where_of(root, "shortcuts", root.where)
    ids = ctx.read.string_list(root["shortcuts"], where, "shortcuts")
    for sid in ids:
        if sid not in ctx.service_ids:
            ctx.add(
                where,
                f"shortcut {sid!r} is not a defined service",
                ctx.suggest(sid, ctx.service_ids, "services"),
            )
    return tuple(s for s in ids if s in ctx.service_ids)
