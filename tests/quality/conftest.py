"""Helpers for the quality tests: run the CLI with this folder's commands registered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import ivr.cli.main as cli_main

HERE = Path(__file__).resolve().parent
MENUS = HERE / "menus"
MY_COMMANDS = ("ivr.cli.cmd_lint", "ivr.cli.cmd_graph", "ivr.cli.cmd_chaos")

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("graph", MENU, ...)`` -> (exit code, stdout, stderr), through ``ivr.cli.main``.

    The lead registers commands in ``COMMAND_MODULES``; until graph and chaos are
    listed there, they are added for the test.
    """
    missing = tuple(m for m in MY_COMMANDS if m not in cli_main.COMMAND_MODULES)
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", cli_main.COMMAND_MODULES + missing)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = cli_main.main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def menus() -> Path:
    return MENUS
