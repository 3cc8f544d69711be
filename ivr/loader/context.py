"""What every section reader shares while one menu file is read.

Each section is read by plain functions (``ivr.loader.settings``,
``ivr.loader.nodes``, ...) that take this context first: the problems found so
far, the menu's languages, and the node and service ids that references are
checked against. The ids are gathered before any section that refers to them
is read, so a reference resolves wherever it stands in the file.
"""

from __future__ import annotations

from ivr.errors import Location
from ivr.fields import Problems, Reader, did_you_mean


class Context:
    """The state of reading one menu file; ``problems`` is raised once, at the end."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems = Problems(file)
        # menus are written by hand: a typo (lable) is the usual unknown key
        self.read = Reader(self.problems, guess_keys=True)
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
