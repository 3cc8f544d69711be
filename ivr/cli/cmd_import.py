"""``ivr import FILE --out menu.yaml``: a PBX menu written as an ivr YAML menu."""

from __future__ import annotations

import argparse
import sys

from ivr.fsutil import write_text
from ivr.loader import load_menu_text
from ivr.pbx.detect import import_file


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="write a FreeSWITCH, Asterisk or VoiceXML menu as an ivr YAML menu",
        description="Compile FreeSWITCH ivr.conf XML, an Asterisk extensions.conf or a "
        "VoiceXML document into the equivalent ivr YAML menu, with a comment naming the "
        "source line of every node and option. Constructs the simulator runs differently "
        "are printed as FILE:LINE: warning: ... lines.",
    )
    parser.add_argument("file", metavar="FILE", help="the PBX file (its kind is told by content)")
    parser.add_argument(
        "--menu",
        dest="start",
        metavar="NAME",
        help="where calls start: a FreeSWITCH menu, an Asterisk context, a VoiceXML menu or "
        "form id (default: the first)",
    )
    parser.add_argument(
        "--out", "-o", metavar="FILE", help="write the YAML here (default: standard output)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    imported = import_file(args.file, args.start)
    load_menu_text(imported.yaml_text, args.file)  # never write a menu that does not load
    for warning in imported.warnings:
        print(warning, file=sys.stderr)
    if args.out is None or args.out == "-":
        sys.stdout.write(imported.yaml_text)
        return 0
    write_text(args.out, imported.yaml_text, "the imported menu")
    print(
        f"wrote {args.out}: {len(imported.warnings)} warning"
        f"{'s' * (len(imported.warnings) != 1)}; starts: {', '.join(imported.starts)}"
    )
    return 0
