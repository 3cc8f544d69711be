"""Running calls: expectations, failure reports, parallel runs, the Norway suite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ivr.scripted.callfile import load_call_file, load_call_files
from ivr.scripted.coverage import coverage_report
from ivr.scripted.report import failure_text
from ivr.scripted.runner import ERROR, FAIL, PASS, run_files, run_loaded
from tests.scripted.conftest import CALLS_DIR


def run_one(path: Path) -> list[tuple[str, str]]:
    outcomes = run_loaded(load_call_file(path))
    return [(o.name, o.status) for o in outcomes]


def test_a_wrong_route_fails_with_a_precise_report(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n"
        "  - name: chest pain is not a fire\n"
        "    steps:\n"
        "      - say: my dad has chest pain\n"
        '      - expect_route: "110"\n'
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.status == FAIL
    assert outcome.failure is not None
    assert outcome.failure.step == 2
    text = failure_text(outcome)
    lines = text.splitlines()
    assert lines[:4] == [
        f'FAIL: call "chest pain is not a fire" ({path}:3:11)',
        f"  step 2 ({path}:6:23): expect_route: '110'",
        "  expected: routed to 110",
        "  got:      routed to 113 (the medical emergency line)",
    ]
    assert lines[4] == "  transcript so far:"
    assert lines[5].startswith("    IVR     Emergency and health line.")
    assert lines[6] == "    CALLER  my dad has chest pain"
    assert lines[7].startswith("    IVR     Connecting you to the medical emergency line")


def test_expect_prompt_looks_at_the_latest_turn_only(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n"
        "  - name: the greeting is gone after a key\n"
        "    steps:\n"
        "      - expect_prompt: EMERGENCY AND HEALTH LINE\n"
        "      - press: '4'\n"
        "      - expect_prompt: emergency and health line\n"
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.failure is not None
    assert outcome.failure.expected == 'the latest prompt to contain "emergency and health line"'
    assert outcome.failure.got.startswith('the IVR said: "Other services. Press 1 for the police')


def test_silence_keeps_the_reprompt_as_the_latest_prompt(
    write_calls: Callable[..., Path],
) -> None:
    path = write_calls(
        "calls:\n"
        "  - name: no input\n"
        "    steps:\n"
        "      - silence: 6\n"
        '      - expect_prompt_regex: "didn.t hear anything"\n'
        "      - expect_node: main\n"
        "      - expect_hangup: false\n"
    )
    assert run_one(path) == [("no input", PASS)]


def test_an_action_after_the_call_ended_fails(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n  - name: too late\n    steps:\n      - press: '3'\n      - press: '1'\n"
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.failure is not None
    assert (outcome.failure.step, outcome.failure.expected, outcome.failure.got) == (
        2,
        "the call to be still going for press: '1'",
        "it had already ended: routed to 116 123 (the mental health helpline)",
    )


def test_expect_node_after_a_hang_up_says_where_the_call_ended(
    write_calls: Callable[..., Path],
) -> None:
    path = write_calls(
        "calls:\n  - name: x\n    steps:\n      - silence: 20\n      - expect_node: emergency\n"
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.failure is not None
    assert outcome.failure.got == "the IVR hung up at node 'main', last at node 'main'"


def test_the_caller_hanging_up_is_an_outcome(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n  - name: x\n    steps:\n      - hangup: true\n      - expect_route: '113'\n"
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.failure is not None and outcome.failure.got == "the caller hung up"


def test_parallel_runs_give_the_same_results_in_the_same_order() -> None:
    files = load_call_files([str(CALLS_DIR / "norway.calls.yaml")])
    serial = run_files(files, jobs=1)
    parallel = run_files(files, jobs=2)
    strip = [[(c.name, c.status, c.transcript, c.visits) for c in f.calls] for f in serial]
    assert strip == [
        [(c.name, c.status, c.transcript, c.visits) for c in f.calls] for f in parallel
    ]


def test_the_norway_suite_passes_with_full_node_and_option_coverage() -> None:
    files = load_call_files([str(CALLS_DIR / "norway.calls.yaml")])
    results = run_files(files)
    broken = [failure_text(c) for f in results for c in f.calls if not c.ok]
    assert broken == []
    report = coverage_report({f.calls.menu_path: f.menu for f in files}, results)
    (menu,) = report["menus"].values()
    assert menu["nodes"]["missed"] == [] and menu["nodes"]["percent"] == 100.0
    assert menu["options"]["missed"] == [] and menu["options"]["percent"] == 100.0
    assert menu["branches"]["missed"] == []
    assert menu["commands"]["missed"] == []


def test_a_hearing_that_fails_is_an_error_not_a_crash(
    write_calls: Callable[..., Path],
) -> None:
    from ivr.errors import IvrError

    def broken(menu: object, session: object, call: object) -> object:
        def hear(text: str) -> tuple[str, float]:
            raise IvrError("recogniser fell over")

        return hear

    path = write_calls("calls:\n  - name: x\n    audio: true\n    steps:\n      - say: fire\n")
    (outcome,) = run_loaded(load_call_file(path), hearing_factory=broken)  # type: ignore[arg-type]
    assert outcome.status == ERROR
    assert outcome.error == f"step 1 ({path}:6:14): recogniser fell over"
