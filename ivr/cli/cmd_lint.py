"""``ivr lint MENU``: check a menu; one ``FILE:LINE:COL: ...`` line per problem."""

from __future__ import annotations

import argparse

from ivr.errors import MenuError, MenuErrors
from ivr.loader import load_menu


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "lint",
        help="check a menu file and report every problem",
        description="Check a menu file. Exit 0 when it is valid; otherwise print one "
        "FILE:LINE:COL: problem (hint) line per problem and exit 1.",
    )
    parser.add_argument("menu", metavar="MENU", help="path of the menu YAML file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        menu = load_menu(args.menu)
    except MenuErrors as exc:
        for error in exc.errors:
            print(error)
        return 1
    except MenuError as exc:
        print(exc)
        return 1
    print(f"{args.menu}: ok ({len(menu.nodes)} nodes, {len(menu.services)} services)")
    return 0
