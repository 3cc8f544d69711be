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
from ivr.errors import IvrError
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


def _read_coverage(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise IvrError(f"coverage file {path} does not exist", "check the path") from None
    except json.JSONDecodeError as exc:
        raise IvrError(
            f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}",
            "give the files ivr test --coverage-json wrote, whole",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IvrError(f"cannot read coverage file {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IvrError(
            f"{path}: not an {FORMAT} coverage file",
            "give the files ivr test --coverage-json wrote",
        )
    if not isinstance(data.get("menus"), dict):
        raise IvrError(f"{path}: its 'menus' is not a mapping", "write it with ivr test")
    return data


def _add_menu(into: dict[str, Any], more: dict[str, Any], where: str) -> None:
    """Sum ``more``'s hits into ``into`` (one menu's coverage, as ``menu_coverage`` makes)."""
    if into.get("menu") != more.get("menu"):
        raise IvrError(
            f"{where}: menu {more.get('menu')!r} where another report has {into.get('menu')!r}",
            "merge the shards of one run",
        )
    into["calls"] = int(into.get("calls", 0)) + int(more.get("calls", 0))
    for name in SECTIONS:
        mine, theirs = into.get(name) or {}, more.get(name) or {}
        hits: Counter[str] = Counter()
        ids = list(mine.get("hits", {}))
        ids += [i for i in theirs.get("hits", {}) if i not in mine.get("hits", {})]
        for section in (mine, theirs):
            hits.update({i: int(n) for i, n in section.get("hits", {}).items()})
        merged = _section(ids, hits)
        if name == "errors":
            by_node: dict[str, dict[str, int]] = {}
            for section in (mine, theirs):
                for node, kinds in section.get("by_node", {}).items():
                    counts = by_node.setdefault(node, dict.fromkeys(kinds, 0))
                    for kind, n in kinds.items():
                        counts[kind] = counts.get(kind, 0) + int(n)
            merged["by_node"] = by_node
        into[name] = merged


def merge_coverage(inputs: Sequence[str], out: str | Path) -> dict[str, Any]:
    """Merge the coverage files of the shards of one run into ``out``; returns the report.

    Hits are summed and every total, percentage and ``missed`` list worked out
    again, so the merge of ``--shard 1/N`` ... ``N/N`` equals the unsharded
    coverage. Menus are matched by their key (relative to the folder each shard
    ran in, so run every shard from the same place in its checkout).
    """
    menus: dict[str, dict[str, Any]] = {}
    for path in inputs:
        for key, coverage in _read_coverage(path)["menus"].items():
            if not isinstance(coverage, dict):
                raise IvrError(f"{path}: the coverage of {key} is not a mapping")
            if key in menus:
                _add_menu(menus[key], coverage, path)
            else:
                menus[key] = json.loads(json.dumps(coverage))  # a copy to sum into
    report = {"format": FORMAT, "menus": {key: menus[key] for key in sorted(menus)}}
    write_coverage_json(report, out)
    return report
