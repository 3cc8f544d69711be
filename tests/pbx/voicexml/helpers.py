"""Shared by the VoiceXML tests: fixtures read as menus, calls driven key by key."""

from __future__ import annotations

from pathlib import Path

from ivr.events import KeyPress, Output, Say, Silence, Speech
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.pbx.common import Imported
from ivr.pbx.voicexml import import_text
from ivr.session import Session

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = Path(__file__).parent / "schema"


def imported(name: str, start: str | None = None) -> Imported:
    path = FIXTURES / name
    return import_text(path.read_text(encoding="utf-8"), str(path), start)


def menu(name: str, start: str | None = None) -> Menu:
    result = imported(name, start)
    return load_menu_text(result.yaml_text, str(FIXTURES / name))


def call(name: str, start: str | None = None) -> tuple[Session, list[Output]]:
    session = Session(menu(name, start))
    return session, session.start()


def press(session: Session, keys: str) -> list[Output]:
    out: list[Output] = []
    for key in keys:
        out += session.send(KeyPress(key))
    return out + session.settle()


def say(session: Session, words: str) -> list[Output]:
    return session.send(Speech(words, 1.0))


def wait(session: Session, seconds: float) -> list[Output]:
    return session.send(Silence(seconds))


def said(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Say) and o.text]
