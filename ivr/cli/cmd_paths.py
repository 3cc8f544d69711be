"""``ivr paths MENU``: the key sequence to every route of a menu."""

from __future__ import annotations

import argparse
from typing import Any

from ivr.analysis.timing import say_keys
from ivr.cli.common import add_menu_argument, open_menu, print_json
from ivr.paths import route_paths


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "paths",
        help="list every route a caller can reach by keys",
        description="List the shortest key sequence to every route of the menu, plus the "
        "emergency shortcuts and keyed commands.",
    )
    add_menu_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    menu = open_menu(args.menu, args.start)
    rows: list[dict[str, Any]] = []
    shown: list[tuple[str, str, str]] = []  # keys as said, the number as written, the rest
    for path in route_paths(menu):
        service = path.destination(menu)
        row: dict[str, Any] = {
            "keys": path.keys,
            "route": service.number or None,
            "service": service.name.get(menu.default_lang),
            "service_id": service.id,
            "presses": list(path.presses or (path.keys,)),
            "nodes": list(path.nodes),
            "via": path.via,
        }
        if service.target:
            row["target"] = service.target
        if path.at is not None:
            row["at"] = path.at.strftime("%Y-%m-%d %H:%M")
            row["when"] = path.when
        rows.append(row)
        at = f"  (at {row['at']}: {row['when']})" if "at" in row else ""
        number = service.display if service.number else service.target
        # "4 then 1": the caller moves on to the next menu between the two
        shown.append((say_keys(tuple(row["presses"])), number, f"{row['service']}{at}"))
    if args.json:
        print_json(rows)
        return 0
    width = max((len(keys) for keys, _, _ in shown), default=0)
    for keys, number, rest in shown:
        print(f"{keys:>{width}}  ->  {number:<10} {rest}")
    return 0
