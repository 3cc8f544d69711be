"""Which parts of a menu the scripted calls reached, and which no call did.

Built from ``Session.visits`` of every call, grouped per menu file. The JSON
form is a stable contract (the menu graph colours nodes by it)::

    {
      "format": "ivr-coverage/1",
      "menus": {
        "<menu path>": {
          "menu": "<menu id>",
          "calls": <number of calls run against it>,
          "nodes":     SECTION,   # ids: node ids
          "options":   SECTION,   # ids: option ids ("main.1")
          "errors":    SECTION + {"by_node": {node: {kind: hits}}},
                                  # ids: "node:kind", kind in no_input, no_match,
                                  #      invalid_key, max_failures (listening nodes only)
          "branches":  SECTION,   # ids: "node:line" of each time-of-day rule
          "commands":  SECTION,   # ids: global command names
          "shortcuts": SECTION    # ids: service ids of the emergency shortcuts
        }
      }
    }

    SECTION = {"total": int, "visited": int, "percent": float (0-100, 1 decimal),
               "missed": [ids in menu order], "hits": {id: times reached, every id}}

Menu paths are relative to the current folder when below it, else absolute,
with forward slashes. Calls that failed still count: they reached what they reached.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ivr.call.record import ERRORS, VisitKind
from ivr.fsutil import write_text
from ivr.model import Menu
from ivr.refs import Ref
from ivr.scripted.runner import FileOutcome

FORMAT = "ivr-coverage/1"
ERROR_KINDS = tuple(kind.value for kind in ERRORS)
SECTIONS = ("nodes", "options", "errors", "branches", "commands", "shortcuts")


def menu_key(path: str) -> str:
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _section(ids: Sequence[str], hits: Counter[str]) -> dict[str, Any]:
    visited = [i for i in ids if hits[i] > 0]
    total = len(ids)
    return {
        "total": total,
        "visited": len(visited),
        "percent": round(100.0 * len(visited) / total, 1) if total else 100.0,
        "missed": [i for i in ids if hits[i] == 0],
        "hits": {i: hits[i] for i in ids},
    }


def menu_coverage(menu: Menu, visits: Iterable[tuple[str, str]], calls: int) -> dict[str, Any]:
    """Coverage of one menu by the visits of ``calls`` calls."""
    hits: dict[str, Counter[str]] = {name: Counter() for name in SECTIONS}
    for kind, where in visits:
        if kind == VisitKind.NODE:
            hits["nodes"][where] += 1
        elif kind == VisitKind.OPTION:
            hits["options"][where] += 1
        elif kind in ERROR_KINDS:
            hits["errors"][f"{where}:{kind}"] += 1
        elif kind == VisitKind.BRANCH:
            hits["branches"][where] += 1
        elif kind == VisitKind.CMD:
            hits["commands"][Ref.parse(where).id] += 1
        elif kind == VisitKind.SHORTCUT:
            hits["shortcuts"][Ref.parse(where).id] += 1
    nodes = list(menu.nodes.values())
    listening = [n.id for n in nodes if not n.branch]
    error_ids = [f"{node}:{kind}" for node in listening for kind in ERROR_KINDS]
    errors = _section(error_ids, hits["errors"])
    errors["by_node"] = {
        node: {kind: hits["errors"][f"{node}:{kind}"] for kind in ERROR_KINDS} for node in listening
    }
    return {
        "menu": menu.id,
        "calls": calls,
        "nodes": _section([n.id for n in nodes], hits["nodes"]),
        "options": _section([o.id for n in nodes for o in n.options], hits["options"]),
        "errors": errors,
        "branches": _section(
            [f"{n.id}:{rule.where.line}" for n in nodes for rule in n.branch], hits["branches"]
        ),
        "commands": _section([c.name for c in menu.commands], hits["commands"]),
        "shortcuts": _section(list(menu.shortcuts), hits["shortcuts"]),
    }


def coverage_report(menus: dict[str, Menu], files: Sequence[FileOutcome]) -> dict[str, Any]:
    """Coverage per menu file. ``menus`` maps each file's ``menu_path`` to its loaded menu."""
    by_menu: dict[str, list[FileOutcome]] = {}
    for file in files:
        by_menu.setdefault(file.menu_path, []).append(file)
    out: dict[str, Any] = {}
    for menu_path in sorted(by_menu, key=menu_key):
        outcomes = [c for f in by_menu[menu_path] for c in f.calls]
        visits = (v for c in outcomes for v in c.visits)
        out[menu_key(menu_path)] = menu_coverage(menus[menu_path], visits, len(outcomes))
    return {"format": FORMAT, "menus": out}


def coverage_text(report: dict[str, Any]) -> str:
    lines: list[str] = []
    for path, cov in report["menus"].items():
        lines.append(f"Coverage of {path} (menu {cov['menu']}, {cov['calls']} calls)")
        for name in SECTIONS:
            section = cov[name]
            lines.append(
                f"  {name:<10}{section['visited']:>4}/{section['total']:<4}"
                f"{section['percent']:>6.1f}%"
            )
            if name == "errors" and section["missed"]:
                for node, kinds in cov["errors"]["by_node"].items():
                    missed = [k for k, n in kinds.items() if n == 0]
                    if missed:
                        lines.append(f"      not reached at {node}: {', '.join(missed)}")
            elif section["missed"]:
                lines.append(f"      not reached: {', '.join(section['missed'])}")
    return "\n".join(lines)


def write_coverage_json(report: dict[str, Any], path: str | Path) -> None:
    """Write the JSON atomically, so the graph never reads half a file."""
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    write_text(path, text, "coverage file")
