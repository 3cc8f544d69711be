"""Helpers shared by the CLI commands: loading a menu, parsing times, output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ivr.errors import IvrError
from ivr.fields import parse_time as parse_moment
from ivr.loader import load_menu_warned
from ivr.model import Menu


def add_menu_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "menu",
        metavar="MENU",
        help="the menu: an ivr YAML file, FreeSWITCH ivr.conf XML, an Asterisk "
        "extensions.conf or a VoiceXML document (told apart by content)",
    )
    parser.add_argument(
        "--menu",
        dest="start",
        metavar="NAME",
        help="where a call starts: a FreeSWITCH menu name, an Asterisk context, a VoiceXML "
        "menu or form id, or a node of a YAML menu (default: the first / the menu's start)",
    )


def open_menu(path: str, start: str | None = None) -> Menu:
    """The menu at ``path``; what an imported PBX file cannot run exactly is printed
    to stderr as ``FILE:LINE: warning: ...``."""
    menu, warnings = load_menu_warned(path, start)
    for warning in warnings:
        print(warning, file=sys.stderr)
    return menu


def parse_time(text: str) -> datetime:
    parsed = parse_moment(text)
    if parsed is not None:
        return parsed
    raise IvrError(f"--at {text!r} is not a date and time", 'write e.g. --at "2026-11-23 21:00"')


def maybe(runners_up: Sequence[str]) -> str:
    """The runners-up as the text output shows them after what was heard, or nothing."""
    return f"; maybe {' or '.join(map(repr, runners_up))}" if runners_up else ""


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
