"""Helpers for the FreeSWITCH importer's tests: import a file or a snippet, read the
document it writes back as plain data."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

from ivr.pbx.common import Imported
from ivr.pbx.freeswitch import import_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FEATURES = FIXTURES / "features.xml"
DEMO_STYLE = FIXTURES / "demo_style.xml"
BARE = FIXTURES / "bare_menu.xml"


def imported(path: Path, start: str | None = None) -> Imported:
    return import_text(path.read_text(encoding="utf-8"), str(path), start)


def document(result: Imported) -> dict[str, Any]:
    data = yaml.safe_load(result.yaml_text)
    assert isinstance(data, dict)
    return data


def snippet(menus: str, file: str = "menus.xml", start: str | None = None) -> Imported:
    """Import ``<include>`` + ``menus`` (dedented) as if read from ``file``."""
    text = "<include>\n" + textwrap.dedent(menus) + "\n</include>\n"
    return import_text(text, file, start)


def warnings_of(result: Imported) -> list[str]:
    return [str(w) for w in result.warnings]
