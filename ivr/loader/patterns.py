"""Collect patterns: one entry for many digit strings, as PBXs write them.

FreeSWITCH writes a regular expression between slashes (``/^(10[01][0-9])$/``),
Asterisk an extension pattern (``_7XXX``); both become a Python regular
expression here, matched against the whole entry, so the session has one
way to match and captures (``${1}``) come from the same groups.
"""

from __future__ import annotations

import re

from ivr.dialpatterns import asterisk_regex
from ivr.errors import Location
from ivr.fields import describe, where_of
from ivr.loader.actions import read_action
from ivr.loader.context import Context
from ivr.loader.keys import PATTERN_KEYS
from ivr.model import Pattern, PatternKind
from ivr.yamlsrc import YMap, YSeq

#: Longest pattern text accepted: a regular expression from outside is input.
MAX_PATTERN = 200


def read_patterns(ctx: Context, m: YMap, what: str, where: Location) -> tuple[Pattern, ...]:
    if "patterns" not in m:
        return ()
    pwhere = where_of(m, "patterns", where)
    raw = m["patterns"]
    if not isinstance(raw, YSeq) or not raw:
        ctx.add(pwhere, f"{what} patterns must be a non-empty list", '- match: "_7XXX" ...')
        return ()
    patterns: list[Pattern] = []
    for index, body in enumerate(raw):
        owhere = where_of(raw, index, pwhere)
        owhat = f"{what} pattern {index + 1}"
        om = ctx.read.mapping(body, owhere, owhat)
        if om is None:
            continue
        ctx.read.check_keys(om, PATTERN_KEYS, owhat, required=("match",))
        text = om.get("match")
        compiled = _compile(ctx, text, where_of(om, "match", owhere), owhat)
        action = read_action(ctx, om, owhat, owhere)
        if compiled is not None and action is not None and isinstance(text, str):
            kind, regex = compiled
            patterns.append(Pattern(text, kind, regex, action, owhere))
    return tuple(patterns)


def _compile(
    ctx: Context, text: object, where: Location, what: str
) -> tuple[PatternKind, str] | None:
    if not isinstance(text, str) or not text or len(text) > MAX_PATTERN:
        ctx.add(
            where,
            f"{what} match must be a pattern of 1 to {MAX_PATTERN} characters, "
            f"not {describe(text)}",
            'write a regular expression between slashes ("/^(1[0-9]{3})$/") or an Asterisk '
            'pattern ("_7XXX")',
        )
        return None
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        regex = text[1:-1]
        try:
            re.compile(regex)
        except re.error as exc:
            ctx.add(where, f"{what} match {text!r} is not a regular expression: {exc}", "fix it")
            return None
        return PatternKind.REGEX, regex
    pbx = asterisk_regex(text)
    if pbx is None:
        ctx.add(
            where,
            f"{what} match {text!r} is neither /a regular expression/ nor an Asterisk pattern",
            "Asterisk patterns start with _ and use X, Z, N, [1-5], . and !",
        )
        return None
    return PatternKind.ASTERISK, pbx
