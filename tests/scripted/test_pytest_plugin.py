"""The pytest plugin: one item per call, the runner's report as the failure text."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

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
    pytester: pytest.Pytester,
) -> None:
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
