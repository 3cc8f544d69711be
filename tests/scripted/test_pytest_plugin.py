"""The pytest plugin: one item per call, the runner's report as the failure text."""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import ivr.scripted.pytest_plugin as plugin
from ivr.menuindex import MenuIndex
from ivr.scripted.callfile import load_call_file
from tests.scripted.conftest import NORWAY

#: The plugin is on by its pytest11 entry point once ivr is installed; load it
#: by hand only when it is not (a checkout run without installing).
PLUGIN: tuple[str, ...] = (
    ()
    if any(e.name == "ivr_calls" for e in entry_points(group="pytest11"))
    else ("-p", "ivr.scripted.pytest_plugin")
)

CALLS = f"""menu: {NORWAY}
calls:
  - name: mental health by key
    steps:
      - press: "3"
      - expect_route: 116 123
  - name: deliberately wrong
    steps:
      - say: I smell gas
      - expect_route: "113"
"""


def test_each_call_is_an_item_and_a_failure_shows_the_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In process, pytester unloads the modules the inner run imported; numpy cannot
    # be loaded twice in a process, so the inner run must not be the first to load
    # it (the plugin builds a menu's index lazily now): stems alone judge here.
    monkeypatch.setenv("IVR_EMBEDDINGS", "none")
    pytester.makefile(".calls.yaml", norway=CALLS)
    result = pytester.runpytest(*PLUGIN, "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*norway.calls.yaml::mental health by key PASSED*",
            "*norway.calls.yaml::deliberately wrong FAILED*",
            'FAIL: call "deliberately wrong" (*norway.calls.yaml:7:11)',
            "  step 2 (*norway.calls.yaml:10:23): expect_route: '113'",
            "  expected: routed to 113",
            "  got:      routed to 110 (the fire service)",
        ]
    )


def test_a_malformed_call_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".calls.yaml", bad=f"menu: {NORWAY}\ncalls:\n  - name: x\n    step: []\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad.calls.yaml:4:5: unknown key 'step' in call 'x'*"])


def test_audio_calls_skip_when_the_engines_are_missing(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import ivr.scripted.audio as audio\n"
        "def _missing(menu, lang, synthetic_caller=True):\n"
        "    raise audio.AudioUnavailableError('no recogniser here')\n"
        "audio._default_recognizer = _missing\n"
        "audio._default_speaker = lambda: None\n"
    )
    pytester.makefile(
        ".calls.yaml",
        a=f"menu: {NORWAY}\ncalls:\n  - name: spoken\n"
        "    audio: true\n    steps: [{say: fire}]\n",
    )
    # in a subprocess: the conftest replaces module functions, which must not leak
    result = pytester.runpytest_subprocess(*PLUGIN, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*audio call skipped: no recogniser here*"])


def test_other_yaml_files_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", menu="a: 1\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes()


def test_calls_run_on_several_xdist_workers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xdist")
    monkeypatch.setenv("IVR_EMBEDDINGS", "none")  # keys only: no model to load per worker
    calls = "".join(
        f"  - name: mental health {n}\n    steps: [{{press: '3'}}, {{expect_route: 116 123}}]\n"
        for n in range(4)
    )
    pytester.makefile(".calls.yaml", norway=f"menu: {NORWAY}\ncalls:\n{calls}")
    result = pytester.runpytest_subprocess(*PLUGIN, "-n", "2", "-v")
    result.assert_outcomes(passed=4)
    out = result.stdout.str()
    assert "[gw0]" in out and "[gw1]" in out  # both workers ran calls


def test_call_files_of_one_menu_share_one_index_per_process(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.calls.yaml").write_text(
            f"menu: {NORWAY}\ncalls:\n  - name: x\n    steps: [{{press: '3'}}]\n", encoding="utf-8"
        )
    first, second = (load_call_file(tmp_path / f"{n}.calls.yaml") for n in ("a", "b"))
    assert first.menu is not second.menu
    built: dict[str, MenuIndex] = {}
    assert plugin.index_for(first, built) is plugin.index_for(second, built)
    assert len(built) == 1


def test_an_xdist_worker_takes_its_share_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugin.os, "cpu_count", lambda: 4)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    plugin._share_cores()
    assert "OMP_NUM_THREADS" not in os.environ  # not a worker: left alone
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    plugin._share_cores()
    assert os.environ["OMP_NUM_THREADS"] == "2"
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    plugin._share_cores()
    assert os.environ["OMP_NUM_THREADS"] == "3"  # the user's choice stays
