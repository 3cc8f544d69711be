"""FreeSWITCH's regular expressions in Python's dialect, matched the way it matches them.

An entry's ``digits="/^(10[01][0-9])$/"`` is a PCRE between slashes, optional
``i``/``s`` flags after the last one (``switch_regex_perform`` in
``src/switch_regex.c``), and it is *searched* for in the digits, not matched
against all of them: ``/10[01][0-9]/`` also takes ``51001``. The menu schema
matches a pattern against the whole entry, so an unanchored expression is
wrapped to find its leftmost match as a search would, captures unchanged.
"""

from __future__ import annotations

import re

_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")


def split_slashes(bind: str) -> tuple[str, str] | None:
    """``/expr/flags`` -> (expr, flags); None without the closing slash (FreeSWITCH
    logs "missing ending '/' delimeter" and the entry never matches)."""
    body = bind[1:]
    end = body.rfind("/")
    if end < 0:
        return None
    return body[:end], body[end + 1 :]


def python_regex(pcre: str) -> str:
    """The PCRE syntax Python spells differently: named groups ``(?<name>...)``."""
    return _NAMED_GROUP.sub("(?P<", pcre)


def whole_entry_regex(pcre: str, flags: str) -> str:
    """A Python expression that fully matches exactly the entries ``pcre`` is found in,
    with the same captures: the lazy prefix finds the leftmost match, as a search does."""
    expr = python_regex(pcre)
    used = "".join(f for f in "is" if f in flags)
    prefix = f"(?{used})" if used else ""
    anchored = expr.startswith("^") and expr.endswith("$") and not expr.endswith("\\$")
    if anchored and "|" not in expr:
        return prefix + expr
    return f"{prefix}(?s:.*?)(?:{expr})(?s:.*)"
