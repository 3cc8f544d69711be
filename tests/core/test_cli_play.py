"""``ivr call MENU --play FILE``: a recording as the caller's next utterance.

Hardware- and engine-free tests put a fake recogniser behind the real command
(it sees the audio and the node's grammar, and answers what a test says); the
``engine`` tests at the end play real recordings to the menu's real engine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.pcm import Audio
from ivr.calls import Recognised
from ivr.cli.main import main

# the recordings below are tones: only the energy VAD takes them for speech
pytestmark = pytest.mark.usefixtures("energy_vad")

sf = pytest.importorskip("soundfile")

NO_FREE = (
    "Spoken descriptions need a free-speech recogniser (pip install 'ivr[neural]'); "
    "keys and the menu's own words still work."
)


@dataclass
class Heard:
    audio: Audio
    phrases: list[str]
    free: bool


@dataclass
class FakeEar:
    """Stands in for the menu's recogniser: answers in turn, notes what it was given."""

    answers: list[Recognised]
    transcribes: bool = True
    seen: list[Heard] = field(default_factory=list)

    def recognize(
        self, audio: Audio, phrases: Sequence[str], lang: str, free: bool = False
    ) -> Recognised:
        self.seen.append(Heard(audio, list(phrases), free))
        return self.answers[len(self.seen) - 1]


@pytest.fixture
def ear(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEar]:
    from ivr.scripted import audio

    fake = FakeEar([])
    opened: list[bool] = []

    def default_recognizer(menu: object, lang: str, synthetic_caller: bool = True) -> FakeEar:
        opened.append(synthetic_caller)
        return fake

    monkeypatch.setattr(audio, "_default_recognizer", default_recognizer)
    yield fake
    assert all(not synthetic for synthetic in opened), "recordings are heard unadapted"


def wav(path: Path, seconds: float = 1.0, rate: int = 44100, channels: int = 2) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    mono = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    sf.write(path, np.stack([mono] * channels, axis=1), rate, subtype="PCM_16")
    return path


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["call", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_recorded_need_drives_the_call_and_the_json_shows_what_was_heard(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    wav(tmp_path / "need.wav")
    ear.answers = [Recognised("my father has chest pain", 0.93, "transcript")]
    code, out, err = call(capsys, str(norway_path), "--play", "need.wav", "--say", "yes", "--json")
    data = json.loads(out)
    # sure enough to route at once: the "yes" was never asked for
    assert code == 3 and data["route"] == "113"
    assert data["unused_steps"] == [{"kind": "say", "value": "yes"}]
    assert err == (
        "ivr: the call ended (routed to 113) before these steps, which were not used: --say yes\n"
    )
    assert data["heard"] == [
        {"said": "need.wav", "heard": "my father has chest pain", "confidence": 0.93,
         "source": "transcript"}
    ]  # fmt: skip
    assert data["notices"] == []
    said = [line for line in data["transcript"] if line["who"] == "caller"]
    assert said[0] == {"who": "caller", "text": "my father has chest pain", "kind": "say", "at": 0}


def test_a_low_confidence_transcript_is_confirmed_by_the_typed_yes(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    need = wav(tmp_path / "need.wav")
    ear.answers = [Recognised("my father has chest pain", 0.4, "transcript")]
    code, out, _ = call(capsys, str(norway_path), "--play", str(need), "--say", "yes", "--json")
    data = json.loads(out)
    assert code == 0 and data["route"] == "113"
    ivr_said = [line["text"] for line in data["transcript"] if line["who"] == "ivr"]
    assert any("?" in text for text in ivr_said[1:])  # it asked before routing
    assert [line["text"] for line in data["transcript"] if line["who"] == "caller"] == [
        "my father has chest pain",
        "yes",
    ]
    assert [row["said"] for row in data["heard"]] == [str(need)]  # typed words are not heard


def test_runners_up_of_a_recording_are_asked_about_and_shown(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    clip = wav(tmp_path / "a.wav")
    heard = Recognised("tommy copac", 0.0, "transcript", ("panic attack", "police advice"))
    ear.answers = [heard]
    code, out, _ = call(capsys, str(norway_path), "--play", str(clip), "--press", "1", "--json")
    data = json.loads(out)
    asked = [line["text"] for line in data["transcript"] if line["who"] == "ivr"][-2]
    assert asked.startswith("Did you mean ") and " or " in asked
    assert data["heard"][0]["runners_up"] == ["panic attack", "police advice"]
    assert code == 0 and data["route"] == "116123"  # the first runner-up, chosen by key
    ear.answers, ear.seen = [heard], []
    code, out, _ = call(capsys, str(norway_path), "--play", str(clip))
    assert "heard 'tommy copac', confidence 0.00 (free transcript); maybe 'panic attack' or " in out


def test_the_recording_is_heard_with_the_grammar_of_the_node_the_call_is_at(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    clip = wav(tmp_path / "a.wav", seconds=0.5, rate=8000, channels=1)
    ear.answers = [Recognised("", 0.0), Recognised("police", 0.9)]
    code, out, _ = call(
        capsys, str(norway_path), "--play", str(clip), "--press", "4", "--play", str(clip),
        "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["route"] == "112"
    at_main, at_more = ear.seen
    assert at_main.free is True  # main takes a described need
    assert at_more.free is False
    assert "broken leg" in at_main.phrases and "broken leg" not in at_more.phrases
    assert "police" in at_more.phrases  # an emergency phrase, heard everywhere
    assert [row["source"] for row in data["heard"]] == ["grammar", "grammar"]


def test_the_recording_reaches_the_recogniser_as_the_front_end_prepares_it(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    """Mono, at the line rate, cut by the live call's detector (0.3 s before the
    speech, 0.2 s after), its loudest sample at -12 dBFS (``ivr.audio.frontend``)."""
    from ivr.audio.frontend import PEAK

    path = tmp_path / "a.flac"
    t = np.arange(22050) / 22050
    left = (0.4 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    quiet = np.zeros(22050, np.float32)
    both = np.concatenate([quiet, left, quiet])
    sf.write(path, np.stack([both, np.zeros_like(both)], axis=1), 22050)
    ear.answers = [Recognised("", 0.0)]
    call(capsys, str(norway_path), "--play", str(path), "--json")
    (heard,) = ear.seen
    assert heard.audio.rate == 16000
    assert heard.audio.seconds == pytest.approx(0.3 + 1.0 + 0.2, abs=0.03)
    before, after = round(0.28 * 16000), round(0.18 * 16000)
    assert not heard.audio.samples[:before].any() and not heard.audio.samples[-after:].any()
    assert float(np.max(np.abs(heard.audio.samples))) == pytest.approx(PEAK, abs=0.01)


def test_a_recording_without_speech_is_heard_as_nothing_without_the_recogniser(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    quiet = tmp_path / "quiet.wav"
    sf.write(quiet, np.full(16000, 0.001, np.float32), 16000)  # -60 dBFS: a quiet line
    code, out, _ = call(capsys, str(norway_path), "--play", str(quiet), "--json")
    data = json.loads(out)
    assert code == 0 and ear.seen == []
    assert data["heard"] == [{"said": str(quiet), "heard": "", "confidence": 0.0,
                              "source": "grammar"}]  # fmt: skip


def test_play_press_say_and_silence_run_in_the_order_given(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    clip = wav(tmp_path / "a.wav")
    ear.answers = [Recognised("gibberish", 0.1)]
    code, out, _ = call(
        capsys, str(norway_path), "--silence", "6", "--play", str(clip), "--press", "1",
        "--say", "police", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    caller = [
        (line["kind"], line["text"]) for line in data["transcript"] if line["who"] == "caller"
    ]
    assert caller == [("say", "gibberish"), ("press", "1"), ("say", "police")]
    assert data["transcript"][1]["text"] == "Sorry, I didn't hear anything."
    assert data["route"] == "112"


def test_without_a_transcriber_a_description_node_says_so_once(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    clip = wav(tmp_path / "a.wav")
    ear.transcribes = False
    ear.answers = [Recognised("vomiting", 0.1), Recognised("", 0.0)]
    code, out, _ = call(capsys, str(norway_path), "--play", str(clip), "--play", str(clip))
    assert code == 0
    lines = out.splitlines()
    assert lines.count(f"SYSTEM  {NO_FREE}") == 1
    notice = lines.index(f"SYSTEM  {NO_FREE}")
    assert lines[notice + 1] == "CALLER  vomiting"  # said where it happened
    assert f"(audio) played {clip}, heard 'vomiting', confidence 0.10" in lines
    assert f"(audio) played {clip}, heard nothing, confidence 0.00" in lines
    ear.seen.clear()
    code, out, _ = call(capsys, str(norway_path), "--play", str(clip), "--json")
    assert json.loads(out)["notices"] == [NO_FREE]


def test_no_notice_away_from_description_nodes_or_with_a_transcriber(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path
) -> None:
    clip = wav(tmp_path / "a.wav")
    ear.transcribes = False
    ear.answers = [Recognised("police", 0.9)]
    _, out, _ = call(capsys, str(norway_path), "--press", "4", "--play", str(clip), "--json")
    assert json.loads(out)["notices"] == []
    ear.seen.clear()
    ear.transcribes = True
    ear.answers = [Recognised("my house is on fire", 0.9, "transcript")]
    _, out, _ = call(capsys, str(norway_path), "--play", str(clip))
    assert "SYSTEM" not in out
    assert f"(audio) played {clip}, heard 'my house is on fire', confidence 0.90 " in out
    assert "(free transcript)" in out and "=> routed to 110" in out


def test_audio_and_play_together_list_every_utterance_in_order(
    capsys: pytest.CaptureFixture[str], norway_path: Path, ear: FakeEar, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from ivr.scripted import audio

    spoken: list[dict[str, object]] = []

    def fake_hearing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        spoken.append(kwargs)
        return lambda said: ("emergency", 0.8)  # an old-style (text, confidence) hearing

    monkeypatch.setattr(audio, "make_audio_hearing", fake_hearing)
    clip = wav(tmp_path / "a.wav")
    ear.answers = [Recognised("police", 0.9)]
    _, out, _ = call(
        capsys, str(norway_path), "--audio", "--say", "emergency", "--play", str(clip), "--json"
    )
    data = json.loads(out)
    assert data["heard"] == [
        {"said": "emergency", "heard": "emergency", "confidence": 0.8, "source": "grammar"},
        {"said": str(clip), "heard": "police", "confidence": 0.9, "source": "grammar"},
    ]
    assert data["route"] == "112"
    assert callable(spoken[0]["node_free"]) and callable(spoken[0]["notice"])


def test_plain_calls_have_no_heard_or_notices(
    capsys: pytest.CaptureFixture[str], norway_path: Path
) -> None:
    _, out, _ = call(capsys, str(norway_path), "--say", "fire", "--json")
    assert "heard" not in json.loads(out) and "notices" not in json.loads(out)


# -- bad recordings: one line, exit 1, no call ------------------------------------


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: None, "no such file (check the path)"),
        (lambda p: p.mkdir(), "is a directory, not an audio file (give the recording's file name)"),
        (lambda p: p.write_bytes(b""), "is empty (0 bytes) (record or export the audio again)"),
        (
            lambda p: p.write_text("my father has chest pain"),
            "is text, not audio (give a WAV, FLAC or OGG recording)",
        ),
        (
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)),
            "is a PNG image, not audio (give a WAV, FLAC or OGG recording)",
        ),
        (
            lambda p: sf.write(p, np.zeros(8000 * 61, np.float32), 8000, format="WAV"),
            "is 61.0 s long; a caller's utterance may be at most 60 s "
            "(cut the recording down to what the caller says)",
        ),
    ],
    ids=["missing", "directory", "empty", "text", "png", "too-long"],
)
def test_a_bad_recording_is_one_error_line_before_the_call_starts(
    capsys: pytest.CaptureFixture[str], norway_path: Path, tmp_path: Path, ear: FakeEar,
    make: object, reason: str,
) -> None:  # fmt: skip
    good = wav(tmp_path / "good.wav")
    bad = tmp_path / "need.wav"
    make(bad)  # type: ignore[operator]
    code, out, err = call(
        capsys, str(norway_path), "--play", str(good), "--play", str(bad), "--say", "yes"
    )
    assert code == 1
    assert err == f"Error: {bad}: {reason}\n"
    assert out == ""  # nothing was said: the files are checked first
    assert ear.seen == []


def test_the_error_names_the_file_as_given(
    capsys: pytest.CaptureFixture[str], norway_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, str(norway_path), "--play", "recordings/need.wav")
    assert (code, err) == (1, "Error: recordings/need.wav: no such file (check the path)\n")


def test_a_missing_engine_is_one_error_line(
    capsys: pytest.CaptureFixture[str], norway_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from ivr.scripted import audio
    from ivr.scripted.audio_errors import AudioUnavailableError

    def missing(menu: object, lang: str, synthetic_caller: bool = True) -> object:
        raise AudioUnavailableError(
            "no speech recogniser for language 'en': gone", "install the engine"
        )

    monkeypatch.setattr(audio, "_default_recognizer", missing)
    code, out, err = call(capsys, str(norway_path), "--play", str(wav(tmp_path / "a.wav")))
    assert code == 1 and out == ""
    assert err == "Error: no speech recogniser for language 'en': gone (install the engine)\n"


def test_play_has_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["call", "--help"])
    text = capsys.readouterr().out
    assert "--play FILE" in text and "recording" in text


# -- real engines, real recordings -----------------------------------------------


def espeak_to(path: Path, text: str, voice: str = "en-us+m3") -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, timeout=30)
    return path


@pytest.mark.engine
def test_a_recorded_menu_word_at_8khz_stereo_flac_reaches_the_ambulance(
    capsys: pytest.CaptureFixture[str], norway_path: Path, tmp_path: Path
) -> None:
    """The menu's own engine on a recording (no espeak-ng adaptation), resampled from a
    narrowband two-channel FLAC: an emergency word is heard at the first node."""
    pytest.importorskip("pocketsphinx")
    from ivr.audio.files import read_audio
    from ivr.audio.resample import resample

    spoken = resample(read_audio(espeak_to(tmp_path / "amb.wav", "ambulance")), 8000)
    flac = tmp_path / "amb.flac"
    sf.write(flac, np.stack([spoken.samples, spoken.samples], axis=1), 8000)
    code, out, _ = call(capsys, str(norway_path), "--play", str(flac), "--say", "yes", "--json")
    data = json.loads(out)
    assert data["heard"][0]["said"] == str(flac) and data["heard"][0]["heard"] == "ambulance"
    assert data["route"] == "113"
    # the "yes" answers "Did you say ...?" when the recogniser was unsure, else is left
    assert (code, data["unused_steps"]) in ((0, []), (3, [{"kind": "say", "value": "yes"}]))


@pytest.mark.engine
def test_a_recorded_plain_language_need_routes_to_113(
    capsys: pytest.CaptureFixture[str], norway_path: Path, tmp_path: Path
) -> None:
    """The issue's example: ``ivr call menus/norway.yaml --play need.wav --say yes --json``.
    Needs the free-speech recogniser (``ivr[neural]``) behind ``open_recognizer('auto')``."""
    from ivr.asr import moonshine_model

    if moonshine_model.find() is None:
        pytest.skip("ivr[neural] (moonshine-cpp) is not installed")
    need = espeak_to(tmp_path / "need.wav", "my father has chest pain")
    code, out, _ = call(capsys, str(norway_path), "--play", str(need), "--say", "yes", "--json")
    data = json.loads(out)
    assert code == 0 and data["route"] == "113", data["transcript"]
    (heard,) = data["heard"]
    assert heard["source"] == "transcript" and "chest pain" in heard["heard"]
    assert data["notices"] == []
