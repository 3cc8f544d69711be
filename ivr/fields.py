"""Typed, located field readers used by the menu and call-file loaders.

Each reader returns a value or ``None`` and records a ``MenuError`` instead of
raising, so one run reports every problem in a file (the way a compiler does)
rather than the first one only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from ivr.errors import Location, MenuError, MenuErrors
from ivr.yamlsrc import YMap, YSeq

#: How a call's time (``at:``) may be written.
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_time(text: str) -> datetime | None:
    """``text`` in one of ``TIME_FORMATS``, else None (the caller says what went wrong)."""
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``"did you mean 'x'? "`` for the closest choice, else ``""`` (a hint's prefix)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def _with_guess(key: Any, allowed: Sequence[str]) -> str:
    """``'lable' (did you mean 'label'?)``, or the key alone when none is close."""
    guess = did_you_mean(key, allowed).rstrip() if isinstance(key, str) else ""
    return f"{key!r} ({guess})" if guess else repr(key)


def as_written(lines: Sequence[str], where: Location) -> str:
    """The scalar at ``where`` as written in the file, to catch YAML reading ``010`` as 8."""
    if not 1 <= where.line <= len(lines):
        return ""
    rest = lines[where.line - 1][where.col - 1 :]
    return re.split(r"[\s,}\]#]", rest, maxsplit=1)[0]


class Problems:
    """Collects the errors of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[MenuError] = []

    def add(self, where: Location, message: str, hint: str | None = None) -> None:
        self.errors.append(MenuError(where, message, hint))

    def raise_if_any(self) -> None:
        if self.errors:
            raise MenuErrors(self.errors)


def where_of(container: Any, key: Any, fallback: Location) -> Location:
    """Location of a value inside a YMap (by key) or YSeq (by index)."""
    if isinstance(container, YMap) and key in container.value_where:
        return container.value_where[key]
    if isinstance(container, YSeq) and isinstance(key, int) and key < len(container.item_where):
        return container.item_where[key]
    return fallback


def key_where(container: YMap, key: Any) -> Location:
    return container.key_where.get(key, container.where)


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, YMap | dict):
        return "a mapping"
    if isinstance(value, YSeq | list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"{type(value).__name__} {value!r}"


class Reader:
    """Reads fields out of YMaps, recording problems with their locations.

    ``guess_keys``: an unknown key's message names the allowed key it is closest
    to (``'lable' (did you mean 'label'?)``), for files written by hand (menus).
    """

    def __init__(self, problems: Problems, guess_keys: bool = False) -> None:
        self.problems = problems
        self.guess_keys = guess_keys

    def mapping(self, value: Any, where: Location, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.problems.add(
            where,
            f"{what} must be a mapping, not {describe(value)}",
            "write it as key: value lines",
        )
        return None

    def check_keys(
        self, m: YMap, allowed: Iterable[str], what: str, required: Iterable[str] = ()
    ) -> None:
        allowed_list = list(allowed)
        for key in m:
            if key not in allowed_list:
                name = _with_guess(key, allowed_list) if self.guess_keys else repr(key)
                self.problems.add(
                    key_where(m, key),
                    f"unknown key {name} in {what}",
                    "allowed keys: " + ", ".join(allowed_list),
                )
        for key in required:
            if key not in m:
                self.problems.add(
                    m.where, f"{what} is missing required key {key!r}", f"add {key}: ..."
                )

    def string(self, m: YMap, key: str, what: str) -> str | None:
        if key not in m:
            return None
        value = m[key]
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.problems.add(
            where_of(m, key, m.where),
            f"{what} {key!r} must be text, not {describe(value)}",
            "write some text, quoted if it has special characters",
        )
        return None

    def number(
        self, m: YMap, key: str, what: str, low: float, high: float, integer: bool = False
    ) -> float | None:
        if key not in m:
            return None
        value = m[key]
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if not ok_type or isinstance(value, bool) or not low <= value <= high:
            kind = "a whole number" if integer else "a number"
            self.problems.add(
                where_of(m, key, m.where),
                f"{what} {key!r} must be {kind} from {low:g} to {high:g}, not {describe(value)}",
                f"e.g. {key}: {int(low) if integer else low}",
            )
            return None
        return float(value)

    def boolean(self, m: YMap, key: str, what: str) -> bool | None:
        if key not in m:
            return None
        value = m[key]
        if isinstance(value, bool):
            return value
        self.problems.add(
            where_of(m, key, m.where),
            f"{what} {key!r} must be true or false, not {describe(value)}",
            f"write {key}: true",
        )
        return None

    def choice(self, m: YMap, key: str, what: str, choices: Iterable[str]) -> str | None:
        if key not in m:
            return None
        allowed = list(choices)
        value = m[key]
        if isinstance(value, str) and value in allowed:
            return value
        self.problems.add(
            where_of(m, key, m.where),
            f"{what} {key!r} must be one of {', '.join(allowed)}, not {describe(value)}",
            f"e.g. {key}: {allowed[0]}",
        )
        return None

    def items(
        self, m: YMap, key: str, must: str, hint: str, empty_hint: str
    ) -> tuple[YSeq, Location] | None:
        """The list under ``key`` and where it stands, or None (absent, not a list,
        or empty; the last two reported: "'KEY' must be MUST, not ...", "'KEY' is empty")."""
        if key not in m:
            return None
        value = m[key]
        where = where_of(m, key, m.where)
        if not isinstance(value, YSeq):
            self.problems.add(where, f"{key!r} must be {must}, not {describe(value)}", hint)
            return None
        if not value:
            self.problems.add(where, f"{key!r} is empty", empty_hint)
            return None
        return value, where

    def string_list(self, value: Any, where: Location, what: str) -> list[str]:
        if isinstance(value, str):
            value_list: list[Any] = [value]
        elif isinstance(value, YSeq):
            value_list = list(value)
        else:
            self.problems.add(
                where,
                f"{what} must be a list of phrases, not {describe(value)}",
                "write [word, another phrase]",
            )
            return []
        out: list[str] = []
        for index, item in enumerate(value_list):
            if isinstance(item, str) and item.strip():
                out.append(item.strip())
            elif isinstance(item, int) and not isinstance(item, bool):
                out.append(str(item))
            else:
                self.problems.add(
                    where_of(value, index, where),
                    f"{what} must hold text, not {describe(item)}",
                    "remove the empty entry or quote it",
                )
        return out

    def time(self, m: YMap, what: str) -> datetime | None:
        """The ``at:`` of ``m`` (a call's moment on the virtual clock), or None."""
        if "at" not in m:
            return None
        value = m["at"]
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, str) and (parsed := parse_time(value)) is not None:
            return parsed
        shown = "a date without a time" if isinstance(value, date) else describe(value)
        self.problems.add(
            where_of(m, "at", m.where),
            f"{what}: 'at' must be a date and time, not {shown}",
            'write e.g. at: "2026-11-23 21:00" (a Monday at 9 pm)',
        )
        return None
