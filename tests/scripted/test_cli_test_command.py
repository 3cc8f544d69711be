"""``ivr test``: output lines, exit codes, JUnit and coverage files, errors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.cli import cmd_test
from ivr.cli.main import main as ivr_main
from tests.scripted.conftest import CALLS_DIR


def run_cli(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    import ivr.cli.main as cli

    if "ivr.cli.cmd_test" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "ivr.cli.cmd_test"))
    return ivr_main(argv)


def test_every_option_has_help() -> None:
    parser = argparse.ArgumentParser()
    cmd_test.register(parser.add_subparsers())
    sub = parser._subparsers._group_actions[0].choices["test"]  # type: ignore[union-attr]
    assert all(action.help for action in sub._actions)


def test_passing_calls_exit_0_with_a_line_each_and_a_summary(
    write_calls: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls(
        "calls:\n  - name: mental health\n    steps:\n      - press: '3'\n"
        "      - expect_route: 116 123\n"
    )
    assert run_cli(["test", str(path)], monkeypatch) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [str(path), "  PASS  mental health"]
    assert out[-1].startswith("1 call in 1 file: 1 passed, 0 failed (")


def test_a_failing_call_exits_1_and_prints_its_report(
    write_calls: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls(
        "calls:\n  - name: wrong\n    steps:\n      - press: '3'\n      - expect_route: '113'\n"
    )
    assert run_cli(["test", str(path)], monkeypatch) == 1
    out = capsys.readouterr().out
    assert f"  FAIL  wrong  (step 2 at {path}:6:23)" in out
    assert "  got:      routed to 116 123 (the mental health helpline)" in out


def test_a_malformed_file_exits_1_with_located_errors(
    write_calls: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls("calls:\n  - name: x\n    stepz: []\n")
    assert run_cli(["test", str(path)], monkeypatch) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"Error: {path}:3:5: call 'x' is missing required key 'steps' (add steps: ...)",
        f"Error: {path}:4:5: unknown key 'stepz' in call 'x' (allowed keys: name, steps, lang, "
        "at, audio, noise_db, caller_voice, description)",
    ]


def test_no_call_files_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["test", str(tmp_path)], monkeypatch) == 1
    assert capsys.readouterr().err.startswith(
        f"Error: no call files (*.calls.yaml) found in {tmp_path}"
    )


def test_coverage_and_junit_files_for_the_norway_suite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cov, junit = tmp_path / "cov.json", tmp_path / "junit.xml"
    code = run_cli(
        [
            "test",
            str(CALLS_DIR / "norway.calls.yaml"),
            "--coverage",
            "--jobs",
            "2",
            "--coverage-json",
            str(cov),
            "--junit",
            str(junit),
        ],
        monkeypatch,
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "  nodes        8/8    100.0%" in out
    assert "  options     23/23   100.0%" in out
    (menu,) = json.loads(cov.read_text(encoding="utf-8"))["menus"].values()
    assert menu["nodes"]["percent"] == 100.0
    assert junit.read_text(encoding="utf-8").startswith("<?xml")


def test_jobs_below_one_is_refused(
    write_calls: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_calls("calls:\n  - name: x\n    steps: [{press: '3'}]\n")
    assert run_cli(["test", str(path), "--jobs", "0"], monkeypatch) == 1
    assert capsys.readouterr().err == "Error: --jobs 0 must be 1 or more (e.g. --jobs 4)\n"
