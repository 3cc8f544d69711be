"""Reading ``ivr test --coverage-json`` output to colour a diagram.

The shape is ``{"menus": {path: {"nodes": {"total", "visited", "missed": [...]},
"options": {...}, "errors": {...}}}}``. Only the ``missed`` lists are needed:
everything else in a menu the tests ran counts as visited.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.errors import IvrError


@dataclass(frozen=True)
class Coverage:
    missed_nodes: frozenset[str]
    missed_options: frozenset[str]
    missed_errors: tuple[str, ...]

    def node(self, node_id: str) -> str:
        return "missed" if node_id in self.missed_nodes else "visited"

    def option(self, option_id: str) -> str:
        return "missed" if option_id in self.missed_options else "visited"

    def error(self, node_id: str) -> str:
        """An error branch is missed when a missed entry names its node ("main:no_input")."""
        for item in self.missed_errors:
            if item == node_id or any(item.startswith(node_id + sep) for sep in ":.@/ "):
                return "missed"
        return "visited"


def _names(section: Any, what: str, path: str) -> list[str]:
    if section is None:
        return []
    if not isinstance(section, dict):
        raise IvrError(f"coverage file {path}: {what} must be a mapping", "use ivr test output")
    missed = section.get("missed", [])
    if not isinstance(missed, list) or not all(isinstance(m, str) for m in missed):
        raise IvrError(f"coverage file {path}: {what}.missed must be a list of names",
                       "use ivr test --coverage-json output")  # fmt: skip
    return list(missed)


def load_coverage(path: str | Path, menu_file: str) -> Coverage:
    """The coverage of ``menu_file`` in the coverage JSON at ``path``."""
    name = str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise IvrError(f"coverage file {name} does not exist", "check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IvrError(f"coverage file {name} is not readable JSON: {exc}",
                       "write it with ivr test --coverage-json") from None  # fmt: skip
    menus = data.get("menus") if isinstance(data, dict) else None
    if not isinstance(menus, dict):
        raise IvrError(f"coverage file {name} has no 'menus' mapping",
                       "write it with ivr test --coverage-json")  # fmt: skip
    entry = _find(menus, menu_file)
    if entry is None:
        raise IvrError(
            f"coverage file {name} has nothing for {menu_file}",
            "it covers: " + (", ".join(sorted(menus)) or "no menus"),
        )
    if not isinstance(entry, dict):
        raise IvrError(f"coverage file {name}: entry for {menu_file} must be a mapping")
    return Coverage(
        frozenset(_names(entry.get("nodes"), "nodes", name)),
        frozenset(_names(entry.get("options"), "options", name)),
        tuple(_names(entry.get("errors"), "errors", name)),
    )


def _find(menus: dict[str, Any], menu_file: str) -> Any:
    if menu_file in menus:
        return menus[menu_file]
    wanted = os.path.realpath(menu_file)
    for key, value in menus.items():
        if os.path.realpath(key) == wanted:
            return value
    base = os.path.basename(menu_file)
    same = [v for k, v in menus.items() if os.path.basename(k) == base]
    return same[0] if len(same) == 1 else None
