"""Entry point of the ``ivr`` command.

Each command lives in its own module exposing ``register(subparsers)``, which
adds a subparser and sets ``handler`` to a function ``(args) -> int``. Library
errors (``IvrError``) become ``Error: ...`` on stderr and exit 1 here, and
only here.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from ivr import __version__
from ivr.errors import IvrError, MenuErrors

#: Command modules, in the order ``ivr --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "ivr.cli.cmd_lint",
    "ivr.cli.cmd_paths",
    "ivr.cli.cmd_call",
    "ivr.cli.cmd_run",
    "ivr.cli.cmd_serve",
    "ivr.cli.cmd_test",
    "ivr.cli.cmd_graph",
    "ivr.cli.cmd_chaos",
    "ivr.cli.cmd_say",
    "ivr.cli.cmd_voices",
    "ivr.cli.cmd_prompts",
    "ivr.cli.cmd_devices",
    "ivr.cli.cmd_listen",
    "ivr.cli.cmd_models",
    "ivr.cli.cmd_new",
    "ivr.cli.cmd_import",
    "ivr.cli.cmd_export",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ivr",
        description="Simulate, test and check voice phone menus (IVRs) written in YAML.",
    )
    parser.add_argument("--version", action="version", version=f"ivr {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (-v info, -vv debug)"
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", help="run ivr COMMAND --help"
    )
    commands.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.handler(args)
    except MenuErrors as exc:
        for error in exc.errors:
            print(f"Error: {error}", file=sys.stderr)
        return 1
    except IvrError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    return code
