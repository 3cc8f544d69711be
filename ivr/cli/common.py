"""Helpers shared by the CLI commands: loading a menu, parsing times, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from ivr.errors import IvrError
from ivr.fields import parse_time as parse_moment
from ivr.loader import load_menu
from ivr.model import Menu


def add_menu_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("menu", metavar="MENU", help="path of the menu YAML file")


def open_menu(path: str) -> Menu:
    return load_menu(path)


def parse_time(text: str) -> datetime:
    parsed = parse_moment(text)
    if parsed is not None:
        return parsed
    raise IvrError(f"--at {text!r} is not a date and time", 'write e.g. --at "2026-11-23 21:00"')


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
