"""``ivr graph MENU``: draw the menu as DOT, Mermaid, SVG or one HTML page."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from ivr.cli.common import add_menu_argument, open_menu
from ivr.errors import IvrError
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
    menu = open_menu(args.menu)
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
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IvrError(f"--out {path} is a directory", "give a file name")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ivr-graph-", suffix=".tmp")
    except OSError as exc:
        raise IvrError(f"cannot write to {folder}: {exc.strerror}", "check --out") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise IvrError(f"cannot write {path}: {exc.strerror}", "check --out") from None
