"""The CLI contract: exact output shapes, exact error text, exit codes, help everywhere."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ivr.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_valid_menu_exits_0(capsys: pytest.CaptureFixture[str], norway_path: Path) -> None:
    code, out, _ = run_cli(capsys, "lint", str(norway_path))
    assert code == 0 and out.strip().endswith("ok (8 nodes, 8 services)")


def test_lint_invalid_menu_prints_located_lines_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "menu: m\nstart: main\nnodes:\n  main: {prompt: Hi, options: [{key: 1, goto: x}]}\n"
    )
    code, out, err = run_cli(capsys, "lint", str(bad))
    assert code == 1 and err == ""
    assert out == (
        f"{bad}:4:47: node 'main' option 1 goes to node 'x', which is not defined "
        "(defined nodes: main)\n"
    )


def test_menu_errors_in_other_commands_are_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "call", str(tmp_path / "missing.yaml"), "--press", "1")
    assert code == 1 and out == ""
    assert err == f"Error: {tmp_path / 'missing.yaml'}:1:1: no such file (check the path)\n"


def test_call_json_has_the_contract_shape(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    code, out, _ = run_cli(capsys, "call", str(norway_path), "--say", "I smell gas", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {
        "outcome", "route", "target", "service", "nodes", "transcript", "reason",
        "unused_steps"
    }  # fmt: skip
    assert data["reason"] is None and data["unused_steps"] == []
    assert data["outcome"] == "route" and data["route"] == "110"
    assert data["service"] == "the fire service" and data["nodes"] == ["main"]
    assert data["transcript"][1] == {"who": "caller", "text": "I smell gas", "kind": "say", "at": 0}
    assert {line["who"] for line in data["transcript"]} == {"ivr", "caller"}


def test_call_steps_run_in_the_order_given(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    _code, out, _ = run_cli(
        capsys,
        "call",
        str(norway_path),
        "--silence",
        "6",
        "--press",
        "4",
        "--say",
        "text service",
        "--json",
    )
    data = json.loads(out)
    kinds = [line["kind"] for line in data["transcript"] if line["who"] == "caller"]
    assert kinds == ["press", "say"]
    assert data["transcript"][1]["text"] == "Sorry, I didn't hear anything."
    assert data["route"] == "1412" and data["nodes"] == ["main", "more"]


def test_call_waiting_and_hangup_outcomes(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    _, out, _ = run_cli(capsys, "call", str(norway_path), "--press", "44", "--json")
    assert json.loads(out)["outcome"] == "waiting"
    _, out, _ = run_cli(capsys, "call", str(norway_path), "--silence", "30", "--json")
    data = json.loads(out)
    assert data["outcome"] == "hangup" and data["route"] is None
    assert data["reason"] == "max failures"


def test_call_at_time_changes_the_route(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    _, out, _ = run_cli(
        capsys, "call", str(norway_path), "--press", "2", "--at", "2026-11-23 21:00", "--json"
    )
    assert json.loads(out)["route"] == "116117"
    _, out, _ = run_cli(
        capsys, "call", str(norway_path), "--press", "2", "--at", "2026-11-24 10:00", "--json"
    )
    data = json.loads(out)
    assert data["outcome"] == "waiting" and data["nodes"] == ["main", "doctor_now", "gp_open"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--press", "1x"], "Error: --press '1x': 'x' is not a phone key (use 0-9, * and #)\n"),
        (
            ["--silence", "soon"],
            "Error: --silence 'soon' is not a number of seconds (e.g. --silence 6)\n",
        ),
        (
            ["--at", "tomorrow"],
            "Error: --at 'tomorrow' is not a date and time "
            '(write e.g. --at "2026-11-23 21:00")\n',
        ),
        (
            ["--lang", "de"],
            "Error: language 'de' is not one of this menu's languages (use one of en, nb)\n",
        ),
    ],
)
def test_bad_call_options_give_one_clear_line(
    capsys: pytest.CaptureFixture[str], norway_path: Path, args: list[str], message: str
) -> None:
    code, _, err = run_cli(capsys, "call", str(norway_path), *args)
    assert code == 1 and err == message


def test_human_readable_call_output(capsys: pytest.CaptureFixture[str], norway_path: Path) -> None:
    code, out, _ = run_cli(capsys, "call", str(norway_path), "--press", "3")
    assert code == 0
    assert out.splitlines()[-1] == "=> routed to 116 123 (the mental health helpline)"
    assert out.splitlines()[1] == "CALLER  3"


def test_run_with_piped_input(norway_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ivr", "run", str(norway_path), "--lang", "nb"],
        input="jeg lukter gass\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "=> routed to 110 (brannvesenet)"


def test_run_piped_keys_and_silence(norway_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ivr", "run", str(norway_path)],
        input="\n4\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert "IVR: Sorry, I didn't hear anything." in lines
    assert lines[-1] == "=> routed to 02800 (the police information line)"


def test_every_command_and_option_has_help_text() -> None:
    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        for action in parser._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
            if isinstance(action, argparse._SubParsersAction):
                helps = {c.dest: c.help for c in action._choices_actions}
                for sub_name, sub in action.choices.items():
                    assert helps.get(sub_name), f"{name} {sub_name} has no help"
                    walk(sub, f"{name} {sub_name}")

    walk(build_parser(), "ivr")


def test_python_dash_m_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and "lint" in out and "call" in out
    result = subprocess.run(
        [sys.executable, "-m", "ivr", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "ivr 0.1.0"


def test_errors_never_show_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes(b"\xff\xfe")
    for args in (
        ["lint", str(tmp_path)],
        ["paths", str(tmp_path / "x.yaml")],
        ["call", str(tmp_path / "x.yaml"), "--press", "1"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "ivr", *args], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr + result.stdout
        assert len((result.stderr + result.stdout).strip().splitlines()) == 1


def test_steps_after_the_call_ended_are_named_on_stderr_and_exit_3(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    code, out, err = run_cli(capsys, "call", str(norway_path), "--say", "ambulance", "--say", "yes")
    assert code == 3
    assert out.splitlines()[-1] == "=> routed to 113 (the medical emergency line)"
    assert err == (
        "ivr: the call ended (routed to 113) before these steps, which were not used: --say yes\n"
    )


def test_unused_steps_are_in_the_json_as_given_with_the_keys_left_of_a_press(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    code, out, err = run_cli(
        capsys, "call", str(norway_path), "--press", "1139", "--say", "my dad", "--json"
    )
    assert code == 3
    assert json.loads(out)["unused_steps"] == [
        {"kind": "press", "value": "9"},
        {"kind": "say", "value": "my dad"},
    ]
    assert err == (
        "ivr: the call ended (routed to 113) before these steps, which were not used: "
        "--press 9 --say 'my dad'\n"
    )


def test_a_call_that_hangs_up_before_the_last_step_says_why(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    code, _, err = run_cli(capsys, "call", str(norway_path), "--silence", "30", "--press", "1")
    assert code == 3
    assert err == (
        "ivr: the call ended (hung up: max failures) before these steps, which were not "
        "used: --press 1\n"
    )


def test_a_call_that_uses_every_step_exits_0_whatever_its_outcome(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    for steps in (["--press", "113"], ["--press", "7"], ["--silence", "30"]):
        code, _, err = run_cli(capsys, "call", str(norway_path), *steps)
        assert (code, err) == (0, ""), steps


def test_call_help_lists_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "call", "--help")
    assert code == 0
    assert out.endswith(
        "exit status:\n"
        "  0    the call ran every step (whatever came of it: routed, hung up or waiting)\n"
        "  1    an error: the menu, an option or a recording is bad, or no speech engine\n"
        '       (one "Error: ..." line on stderr)\n'
        "  2    the command line is wrong (usage)\n"
        "  3    the call ended before every step was used: the steps left are named on\n"
        "       stderr and in the JSON's unused_steps\n"
        "  130  interrupted (Ctrl-C)\n"
        "  141  the output was closed early (e.g. piped into head)\n"
    )
