"""``ivr paths``: every seed number listed, and every listed key sequence really gets there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ivr.cli.main import main

SEED_NUMBERS = {"110", "112", "113", "116117", "116123", "1412", "02800", "81059500"}


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_paths_lists_all_eight_seed_numbers(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    rows = cli_json(capsys, "paths", str(norway_path), "--json")
    assert isinstance(rows, list)
    assert {row["route"] for row in rows} == SEED_NUMBERS
    for row in rows:
        assert set(row) >= {"keys", "route", "service", "nodes"}
        assert row["route"].isdigit()


def test_every_listed_key_sequence_reaches_its_route(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    rows = cli_json(capsys, "paths", str(norway_path), "--json")
    assert isinstance(rows, list)
    for row in rows:
        args = ["call", str(norway_path), "--press", row["keys"], "--json"]
        if "at" in row:
            args += ["--at", row["at"]]
        result = cli_json(capsys, *args)
        assert isinstance(result, dict)
        assert (result["outcome"], result["route"]) == ("route", row["route"]), row


def test_time_dependent_paths_carry_a_time_and_condition(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    rows = cli_json(capsys, "paths", str(norway_path), "--json")
    assert isinstance(rows, list)
    by_keys = {row["keys"]: row for row in rows}
    assert by_keys["2"]["route"] == "116117" and by_keys["2"]["when"] == "otherwise"
    assert by_keys["21"]["when"] == "mon,tue,wed,thu,fri 08:00-16:00"
    assert by_keys["21"]["at"] == "2026-11-23 12:00"


def test_paths_text_reads_keys_menu_by_menu_and_numbers_as_the_menu_writes_them(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    assert main(["paths", str(norway_path)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "4 then 1  ->  02800      the police information line" in lines
    assert "4 then 3 then 1  ->  810 59 500 GP registration" in lines
    assert "1 1 3  ->  113        the medical emergency line" in lines
