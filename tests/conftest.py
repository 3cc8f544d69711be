"""Fixtures shared by every test folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NORWAY = ROOT / "menus" / "norway.yaml"
FSDD = ROOT.parent / "shared" / "data" / "fsdd-dev"


@pytest.fixture
def norway_path() -> Path:
    return NORWAY


@pytest.fixture
def write_menu(tmp_path: Path) -> Callable[[str], Path]:
    """Write a YAML menu (dedented) to a temp file and return its path."""

    def write(text: str, name: str = "menu.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def energy_vad(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tones stand in for speech in many tests: only the energy VAD takes them for
    speech (Silero, the default where installed, rightly hears no one in them)."""
    monkeypatch.setenv("IVR_VAD", "energy")
