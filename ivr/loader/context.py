"""What every section reader shares while one menu file is read.

Each section is read by plain functions (``ivr.loader.settings``,
``ivr.loader.nodes``, ...) that take this context first: the problems found so
far, the menu's languages, and the node and service ids that references are
checked against. The ids are gathered before any section that refers to them
is read, so a reference resolves wherever it stands in the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ivr.errors import Location
from ivr.fields import Problems, Reader, did_you_mean, key_where
from ivr.yamlsrc import YMap


class MenuReader(Reader):
    """A ``Reader`` whose unknown-key message names the allowed key that was meant.

    Menus are written by hand, and a typo (``lable``) is the usual reason for an
    unknown key, so the closest allowed key is named in the message itself; the
    allowed keys still follow as the hint.
    """

    def check_keys(
        self, m: YMap, allowed: Iterable[str], what: str, required: Iterable[str] = ()
    ) -> None:
        allowed_list = list(allowed)
        for key in m:
            if key not in allowed_list:
                self.problems.add(
                    key_where(m, key),
                    f"unknown key {_with_guess(key, allowed_list)} in {what}",
                    "allowed keys: " + ", ".join(allowed_list),
                )
        # Every key of m is reported by now, so Reader only adds the missing required ones.
        super().check_keys(m, m.keys(), what, required)


def _with_guess(key: Any, allowed: Sequence[str]) -> str:
    """``'lable' (did you mean 'label'?)``, or the key alone when none is close."""
    guess = did_you_mean(key, allowed).rstrip() if isinstance(key, str) else ""
    return f"{key!r} ({guess})" if guess else repr(key)


class Context:
    """The state of reading one menu file; ``problems`` is raised once, at the end."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems = Problems(file)
        self.read = MenuReader(self.problems)
        self.langs: tuple[str, ...] = ("en",)
        self.node_ids: set[str] = set()
        self.service_ids: set[str] = set()
        self.top = Location(file, 1, 1)
        #: node id -> the settings keys the node sets itself (the rest it inherits).
        self.own_settings: dict[str, set[str]] = {}

    def add(self, where: Location, message: str, hint: str | None = None) -> None:
        self.problems.add(where, message, hint)

    def suggest(self, name: str, known: set[str], what: str) -> str:
        """The hint for a reference to nothing: the closest id, else the ids there are."""
        ids = sorted(known)
        closest = did_you_mean(name, ids).rstrip()
        return closest or f"defined {what}: {', '.join(ids[:12]) or 'none'}"
