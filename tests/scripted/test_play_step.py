"""Call files' ``play:`` step: a recording, relative to the call file, checked when the
file loads and heard at the node the call is at; in ``ivr test`` and the pytest plugin."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.pcm import Audio
from ivr.calls import Playing, Recognised
from ivr.errors import MenuErrors
from ivr.model import Menu
from ivr.scripted.audio import make_recording_hearing
from ivr.scripted.audio_errors import AudioUnavailableError
from ivr.scripted.callfile import load_call_file
from ivr.scripted.model import ScriptedCall
from ivr.scripted.report import failure_text, transcript_text
from ivr.scripted.runner import ERROR, FAIL, PASS, run_loaded
from ivr.session import Session
from tests.scripted.conftest import NORWAY
from tests.scripted.test_pytest_plugin import PLUGIN

# the recordings below are tones: only the energy VAD takes them for speech
pytestmark = pytest.mark.usefixtures("energy_vad")

sf = pytest.importorskip("soundfile")

NO_FREE = (
    "Spoken descriptions need a free-speech recogniser (pip install 'ivr[neural]'); "
    "keys and the menu's own words still work."
)


def wav(path: Path, seconds: float = 0.5, rate: int = 16000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(round(seconds * rate)) / rate
    sf.write(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(MenuErrors) as info:
        load_call_file(path)
    return [str(e) for e in info.value.errors]


@dataclass
class FakeEar:
    answers: dict[str, Recognised]
    transcribes: bool = True
    seen: list[tuple[int, list[str], bool]] = field(default_factory=list)

    def recognize(
        self, audio: Audio, phrases: Sequence[str], lang: str, free: bool = False
    ) -> Recognised:
        self.seen.append((len(audio.samples), list(phrases), free))
        # the recordings differ in length: 0.5 s is the need, 0.25 s the answer
        return self.answers["need" if audio.seconds > 0.9 else "short"]


def playing_with(
    ear: FakeEar,
) -> Callable[[Menu, Session, ScriptedCall, Callable[[str], None]], Playing]:
    def factory(
        menu: Menu, session: Session, call: ScriptedCall, notice: Callable[[str], None]
    ) -> Playing:
        return make_recording_hearing(
            menu,
            session.grammar,
            lang=session.lang,
            node_free=lambda: session.free_speech,
            recognizer=ear,
            notice=notice,
        )

    return factory


# -- loading ------------------------------------------------------------------------


def test_a_play_path_is_relative_to_the_call_file(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "rec" / "need.wav")
    path = write_calls("calls:\n  - name: x\n    steps:\n      - play: rec/need.wav\n")
    (call,) = load_call_file(path).calls.calls
    (step,) = call.steps
    assert (step.kind, step.value, step.file) == (
        "play",
        "rec/need.wav",
        str(tmp_path / "rec" / "need.wav"),
    )
    assert step.describe() == "play: 'rec/need.wav'"
    assert step.is_action


def test_a_missing_recording_is_a_located_error(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_calls("calls:\n  - name: x\n    steps:\n      - play: rec/need.wav\n")
    assert errors_of(path) == [
        f"{path}:5:15: call 'x' step 1: recording 'rec/need.wav' not found (looked for "
        f"{tmp_path / 'rec' / 'need.wav'}) (a play path is relative to the call file's folder)"
    ]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_text("hello"), "is text, not audio (give a WAV, FLAC or OGG recording)"),
        (lambda p: p.mkdir(), "is a directory, not an audio file (give the recording's file name)"),
        (lambda p: p.write_bytes(b""), "is empty (0 bytes) (record or export the audio again)"),
        (
            lambda p: p.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt "),
            "is a damaged WAV file: its header is truncated or corrupt (libsndfile: ",
        ),
        (
            lambda p: sf.write(p, np.zeros(8000 * 70, np.float32), 8000, format="WAV"),
            "is 70.0 s long; a caller's utterance may be at most 60 s",
        ),
    ],
    ids=["text", "directory", "empty", "damaged", "too-long"],
)
def test_a_broken_recording_is_a_located_error(
    write_calls: Callable[..., Path], tmp_path: Path, make: object, reason: str
) -> None:
    make(tmp_path / "need.wav")  # type: ignore[operator]
    path = write_calls("calls:\n  - name: x\n    steps:\n      - play: need.wav\n")
    (message,) = errors_of(path)
    assert message.startswith(f"{path}:5:15: call 'x' step 1: play 'need.wav' {reason}")


def test_an_unreadable_recording_is_a_located_error(
    write_calls: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wav(tmp_path / "need.wav")
    from ivr.audio import files

    real_open = open

    def refusing(name: object, *args: object, **kwargs: object) -> object:
        if str(name).endswith("need.wav"):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(files, "open", refusing, raising=False)
    path = write_calls("calls:\n  - name: x\n    steps:\n      - play: need.wav\n")
    assert errors_of(path) == [
        f"{path}:5:15: call 'x' step 1: play 'need.wav' cannot be read (permission denied) "
        "(check the file's permissions)"
    ]


def test_play_must_be_a_path(write_calls: Callable[..., Path]) -> None:
    path = write_calls("calls:\n  - name: x\n    steps:\n      - play: [a.wav]\n")
    assert errors_of(path) == [
        f"{path}:5:15: call 'x' step 1: play must be text, not a list (e.g. play: \"some words\")"
    ]


# -- running ------------------------------------------------------------------------


CALL = """calls:
  - name: a recorded need
    steps:
      - play: need.wav
      - expect_heard: chest pain
      - say: "yes"
      - expect_route: "113"
"""


def test_a_played_need_is_heard_and_expect_heard_checks_it(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "need.wav", seconds=0.5)
    ear = FakeEar({"need": Recognised("my father has chest pain", 0.45, "transcript")})
    (outcome,) = run_loaded(load_call_file(write_calls(CALL)), playing_factory=playing_with(ear))
    assert outcome.status == PASS, failure_text(outcome)
    assert not outcome.audio  # "say" stayed text
    (played, typed) = outcome.heard
    assert (played.said, played.heard, played.source, played.played) == (
        "need.wav",
        "my father has chest pain",
        "transcript",
        True,
    )
    assert (typed.said, typed.heard, typed.played) == ("yes", "yes", False)
    ((samples, phrases, free),) = ear.seen
    assert free is True and "chest pain" in phrases
    assert samples == 16000  # 0.5 s of speech, 0.3 s before and 0.2 s after, at 16 kHz
    assert outcome.notices == ()


def test_a_misheard_recording_fails_with_played_and_heard_in_the_report(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "need.wav", seconds=0.5)
    ear = FakeEar({"need": Recognised("mother and child group", 0.2)}, transcribes=False)
    (outcome,) = run_loaded(load_call_file(write_calls(CALL)), playing_factory=playing_with(ear))
    assert outcome.status == FAIL
    text = failure_text(outcome)
    assert "  step 2 (" in text and "expect_heard: 'chest pain'" in text
    assert (
        '  got:      it heard "mother and child group" (confidence 0.20) for the recording need.wav'
        in text
    )
    assert '    played need.wav -> heard "mother and child group" (0.20)' in text
    assert 'CALLER  played need.wav, heard "mother and child group" (0.20)' in transcript_text(
        outcome
    )
    assert outcome.notices == (NO_FREE,)
    assert f"  note: {NO_FREE}" in text


def test_the_transcript_marks_a_free_transcript(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "need.wav", seconds=0.5)
    ear = FakeEar({"need": Recognised("my house is on fire", 0.9, "transcript")})
    path = write_calls(
        "calls:\n  - name: x\n    steps:\n      - play: need.wav\n      - expect_route: '113'\n"
    )
    (outcome,) = run_loaded(load_call_file(path), playing_factory=playing_with(ear))
    assert outcome.status == FAIL
    assert (
        '    played need.wav -> heard "my house is on fire" (0.90, free transcript)'
        in failure_text(outcome)
    )


def test_the_engine_is_loaded_once_per_call_and_only_for_calls_that_play(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "need.wav", seconds=0.5)
    wav(tmp_path / "yes.wav", seconds=0.25)
    ear = FakeEar({"need": Recognised("fire", 0.9), "short": Recognised("yes", 0.9)})
    built: list[str] = []
    inner = playing_with(ear)

    def factory(
        menu: Menu, session: Session, call: ScriptedCall, notice: Callable[[str], None]
    ) -> Playing:
        built.append(call.name)
        return inner(menu, session, call, notice)

    path = write_calls(
        "calls:\n"
        "  - name: typed\n    steps:\n      - say: fire\n      - expect_route: '110'\n"
        "  - name: played\n    steps:\n      - press: '0'\n      - play: yes.wav\n"
        "      - expect_route: '112'\n"
    )
    outcomes = run_loaded(load_call_file(path), playing_factory=factory)
    assert [o.status for o in outcomes] == [PASS, PASS], [failure_text(o) for o in outcomes]
    assert built == ["played"]
    ((_, phrases, free),) = ear.seen
    assert free is False and "yes" in phrases  # the operator's "Did you say" question


def test_missing_engines_make_a_played_call_unavailable(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "need.wav")

    def missing(
        menu: Menu, session: Session, call: ScriptedCall, notice: Callable[[str], None]
    ) -> Playing:
        raise AudioUnavailableError("no speech recogniser for language 'en': gone")

    (outcome,) = run_loaded(load_call_file(write_calls(CALL)), playing_factory=missing)
    assert outcome.status == ERROR and outcome.unavailable
    assert outcome.error == "no speech recogniser for language 'en': gone"


def test_a_recording_gone_after_loading_is_an_error_of_its_step(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    wav(tmp_path / "need.wav")
    loaded = load_call_file(write_calls(CALL))
    (tmp_path / "need.wav").unlink()
    ear = FakeEar({})
    (outcome,) = run_loaded(loaded, playing_factory=playing_with(ear))
    assert outcome.status == ERROR and not outcome.unavailable
    assert outcome.error == (
        f"step 1 ({loaded.calls.path}:5:15): {tmp_path / 'need.wav'}: no such file (check the path)"
    )


# -- ivr test and the pytest plugin ------------------------------------------------


CONFTEST = """
import ivr.scripted.audio as audio
from ivr.calls import Recognised

class Ear:
    transcribes = True
    def recognize(self, audio_, phrases, lang, free=False):
        if free:
            return Recognised("my father has chest pain", 0.9, "transcript")
        return Recognised("", 0.0)

def _fake(menu, lang, synthetic_caller=True):
    assert not synthetic_caller
    return Ear()

audio._default_recognizer = _fake
"""


def test_ivr_test_runs_play_steps(tmp_path: Path) -> None:
    wav(tmp_path / "need.wav")
    (tmp_path / "conftest_fake.py").write_text(CONFTEST)
    (tmp_path / "p.calls.yaml").write_text(
        f"menu: {NORWAY}\ncalls:\n  - name: played\n    steps:\n      - play: need.wav\n"
        "      - expect_heard: chest pain\n      - expect_route: '113'\n"
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import conftest_fake\n"
        "from ivr.cli.main import main; raise SystemExit(main(['test', sys.argv[2]]))\n"
    )
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), str(tmp_path / "p.calls.yaml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  PASS  played" in done.stdout
    assert "1 call in 1 file: 1 passed, 0 failed" in done.stdout


def test_the_pytest_plugin_runs_play_steps_and_marks_them_engine(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST)
    wav(pytester.path / "need.wav")
    pytester.makefile(
        ".calls.yaml",
        p=f"menu: {NORWAY}\ncalls:\n  - name: played\n    steps:\n      - play: need.wav\n"
        "      - expect_route: '113'\n  - name: typed\n    steps:\n      - say: fire\n"
        "      - expect_route: '110'\n",
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "-v")
    result.assert_outcomes(passed=2)
    result = pytester.runpytest_subprocess(*PLUGIN, "-m", "not engine")
    result.assert_outcomes(passed=1, deselected=1)


def test_the_pytest_plugin_skips_a_played_call_without_engines(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import ivr.scripted.audio as audio\n"
        "def _missing(menu, lang, synthetic_caller=True):\n"
        "    raise audio.AudioUnavailableError('no recogniser here')\n"
        "audio._default_recognizer = _missing\n"
    )
    wav(pytester.path / "need.wav")
    pytester.makefile(
        ".calls.yaml",
        p=f"menu: {NORWAY}\ncalls:\n  - name: played\n    steps: [{{play: need.wav}}]\n",
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*audio call skipped: no recogniser here*"])


# -- real engines --------------------------------------------------------------------


def espeak_to(path: Path, text: str, voice: str = "en-us+m3") -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, timeout=30)
    return path


@pytest.mark.engine
def test_a_recorded_need_in_a_call_file_routes_to_113(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    """Needs the free-speech recogniser (``ivr[neural]``) behind ``open_recognizer('auto')``."""
    from ivr.asr import moonshine_model

    if moonshine_model.find() is None:
        pytest.skip("ivr[neural] (moonshine-cpp) is not installed")
    espeak_to(tmp_path / "need.wav", "my father has chest pain")
    # Moonshine's transcript of this synthetic voice is right but not sure (about 0.3),
    # so the menu asks before routing, as its safety policy says.
    path = write_calls(
        "calls:\n  - name: a recorded need\n    steps:\n      - play: need.wav\n"
        "      - expect_heard: chest pain\n      - expect_prompt: Did you say an ambulance\n"
        "      - say: 'yes'\n      - expect_route: '113'\n"
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.status == PASS, failure_text(outcome)
    assert outcome.heard[0].source == "transcript"


@pytest.mark.engine
def test_a_recorded_menu_word_in_a_call_file(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    pytest.importorskip("pocketsphinx")
    espeak_to(tmp_path / "police.wav", "police")
    path = write_calls(
        "calls:\n  - name: x\n    steps:\n      - press: '1'\n      - play: police.wav\n"
        "      - expect_heard: police\n      - expect_route: '112'\n"
    )
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.status == PASS, failure_text(outcome)


def test_json_of_the_outcome_is_unchanged_in_shape(write_calls: Callable[..., Path]) -> None:
    """Text calls carry no notices and their heard entries say grammar, typed."""
    path = write_calls("calls:\n  - name: x\n    steps:\n      - say: fire\n")
    (outcome,) = run_loaded(load_call_file(path))
    assert outcome.notices == ()
    assert json.loads(json.dumps([h.__dict__ for h in outcome.heard])) == [
        {"said": "fire", "heard": "fire", "confidence": 1.0, "source": "grammar", "played": False}
    ]
