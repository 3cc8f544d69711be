"""Helpers for the scripted-call tests: call files written next to a copy-free menu path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NORWAY = REPO / "menus" / "norway.yaml"
CALLS_DIR = REPO / "tests" / "calls"


@pytest.fixture
def write_calls(tmp_path: Path) -> Callable[..., Path]:
    """Write a call file whose ``menu:`` points at the Norway menu; returns its path."""

    def write(body: str, name: str = "t.calls.yaml", menu: str | None = None) -> Path:
        path = tmp_path / name
        header = f"menu: {menu if menu is not None else NORWAY}\n"
        path.write_text(header + body, encoding="utf-8")
        return path

    return write
