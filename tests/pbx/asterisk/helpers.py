"""Shared by the Asterisk tests: fixtures imported and loaded, calls driven by keys."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from ivr.calls import call_result
from ivr.events import KeyPress, Silence
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.pbx.asterisk import import_text
from ivr.pbx.common import Imported
from ivr.session import Session

FIXTURES = Path(__file__).parent / "fixtures"
MONDAY_NOON = datetime(2026, 11, 23, 12, 0)
SATURDAY = datetime(2026, 11, 28, 12, 0)


def imported(name: str, start: str | None = None) -> Imported:
    path = FIXTURES / name
    return import_text(path.read_text(encoding="utf-8"), str(path), start)


def imported_text(text: str, tmp_path: Path, name: str = "extensions.conf") -> Imported:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_text(text, str(path))


def document(result: Imported) -> dict[str, Any]:
    loaded = yaml.safe_load(result.yaml_text)
    assert isinstance(loaded, dict)
    return loaded


def menu_of(result: Imported, name: str = "extensions.conf") -> Menu:
    return load_menu_text(result.yaml_text, name=name)


def fixture_menu(name: str, start: str | None = None) -> Menu:
    return menu_of(imported(name, start), name)


def call(menu: Menu, *steps: str | float, at: datetime | None = None) -> Session:
    """A call: each string step is keys pressed one by one, each number seconds of
    silence; the call then settles (a pause ends held digits)."""
    session = Session(menu, start_time=at or MONDAY_NOON)
    session.start()
    for step in steps:
        if isinstance(step, str):
            for key in step:
                session.send(KeyPress(key))
        else:
            session.send(Silence(float(step)))
    session.settle()
    return session


def result(session: Session) -> dict[str, Any]:
    return call_result(session)


def said(session: Session) -> list[str]:
    return [line.text for line in session.transcript if line.who == "ivr"]
