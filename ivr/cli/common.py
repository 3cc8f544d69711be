"""Helpers shared by the CLI commands: loading a menu, parsing times, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from ivr.errors import IvrError
from ivr.loader import load_menu
from ivr.model import Menu

TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def add_menu_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("menu", metavar="MENU", help="path of the menu YAML file")


def open_menu(path: str) -> Menu:
    return load_menu(path)


def parse_time(text: str) -> datetime:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise IvrError(f"--at {text!r} is not a date and time", 'write e.g. --at "2026-11-23 21:00"')


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
