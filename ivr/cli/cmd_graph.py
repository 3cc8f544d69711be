"""``ivr graph MENU``: draw the menu as DOT, Mermaid, SVG or one HTML page."""

from __future__ import annotations

import argparse
import sys

from ivr.cli.common import add_menu_argument, open_menu
from ivr.errors import IvrError
from ivr.fsutil import write_text
from ivr.graph import FORMATS, load_coverage, render


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "graph",
        help="draw the menu: nodes, keys and phrases, routes, error branches",
        description="Draw the menu as Graphviz DOT, Mermaid, SVG (needs Graphviz dot) or a "
        "self-contained HTML page, optionally coloured by test coverage.",
    )
    add_menu_argument(parser)
    parser.add_argument(
        "--format", choices=FORMATS, default="dot", help="output format (default: dot)"
    )
    parser.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    parser.add_argument(
        "--coverage",
        metavar="FILE",
        help="colour visited and missed nodes from ivr test --coverage-json output",
    )
    parser.add_argument("--lang", help="language of the labels (default: the menu's first)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    menu = open_menu(args.menu, args.start)
    if args.lang is not None and args.lang not in menu.languages:
        raise IvrError(f"--lang {args.lang!r} is not one of the menu's languages",
                       f"use one of {', '.join(menu.languages)}")  # fmt: skip
    coverage = load_coverage(args.coverage, args.menu) if args.coverage else None
    text = render(menu, args.format, coverage, args.lang)
    if not args.out:
        sys.stdout.write(text)
        return 0
    _write_atomic(args.out, text)
    print(f"wrote {args.out} ({args.format}, {len(text.encode('utf-8')):,} bytes)")
    return 0


def _write_atomic(path: str, text: str) -> None:
    """Write via a temporary file, so a failed run never leaves half a diagram behind."""
    write_text(path, text, "diagram")
