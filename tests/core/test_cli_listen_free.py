"""``ivr listen WAV... --free``: each recording's free transcript, and its confidence."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from ivr.asr.recognizer import EngineError, Result, Source
from ivr.audio.pcm import Audio
from ivr.cli import cmd_listen
from ivr.cli.main import main

# the recordings below are tones: only the energy VAD takes them for speech
pytestmark = pytest.mark.usefixtures("energy_vad")

sf = pytest.importorskip("soundfile")


@dataclass
class FakeTranscriber:
    heard: list[Audio] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "fake"

    @property
    def sample_rate(self) -> int:
        return 16000

    def transcribe(self, audio: Audio) -> Result:
        self.heard.append(audio)
        return Result(f"{audio.seconds:.1f} seconds of words", 0.875, source=Source.TRANSCRIPT)


@pytest.fixture
def transcriber(monkeypatch: pytest.MonkeyPatch) -> FakeTranscriber:
    fake = FakeTranscriber()
    opened: list[tuple[str, str]] = []

    def open_free(language: str = "en", engine: str = "auto") -> FakeTranscriber:
        opened.append((language, engine))
        assert len(opened) == 1, "the model is loaded once for all files"
        return fake

    monkeypatch.setattr(cmd_listen, "open_free_transcriber", open_free)
    return fake


def wav(path: Path, seconds: float, rate: int = 44100, channels: int = 2) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    mono = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    sf.write(path, np.stack([mono] * channels, axis=1), rate)
    return path


def test_free_prints_each_transcript_and_confidence(
    capsys: pytest.CaptureFixture[str], transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    a, b = wav(tmp_path / "a.wav", 1.0), wav(tmp_path / "b.flac", 2.0, 8000, 1)
    assert main(["listen", str(a), str(b), "--free"]) == 0
    # what the front end cut: the speech, with the detector's 0.3 s before and 0.2 s after
    assert capsys.readouterr().out.splitlines() == [
        f"{a}: 1.5 seconds of words (0.88)",
        f"{b}: 2.5 seconds of words (0.88)",
    ]
    assert [clip.rate for clip in transcriber.heard] == [16000, 16000]  # resampled for it


def test_free_json_has_the_source_and_no_option(
    capsys: pytest.CaptureFixture[str], transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    a = wav(tmp_path / "a.wav", 1.0)
    assert main(["listen", str(a), "--free", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert set(row) == {"file", "text", "confidence", "source", "seconds", "elapsed"}
    assert (row["file"], row["text"], row["confidence"], row["source"]) == (
        str(a),
        "1.5 seconds of words",
        0.875,
        "transcript",
    )
    assert row["seconds"] == pytest.approx(1.0)


def test_a_bad_file_is_one_error_line_and_the_rest_go_on(
    capsys: pytest.CaptureFixture[str], transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("my father has chest pain")
    good = wav(tmp_path / "good.wav", 1.0)
    assert main(["listen", str(text), str(good), "--free"]) == 1
    out, err = capsys.readouterr()
    assert err == f"Error: {text}: is text, not audio (give a WAV, FLAC or OGG recording)\n"
    assert out == f"{good}: 1.5 seconds of words (0.88)\n"


def test_a_file_without_speech_is_not_transcribed_and_says_so(
    capsys: pytest.CaptureFixture[str], transcriber: FakeTranscriber, tmp_path: Path
) -> None:
    quiet = tmp_path / "quiet.wav"
    sf.write(quiet, np.zeros(16000, np.float32), 16000)
    assert main(["listen", str(quiet), "--free"]) == 0
    assert capsys.readouterr().out == f"{quiet}: (no speech found)\n"
    assert transcriber.heard == []


def test_without_a_transcriber_free_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def none_installed(language: str = "en", engine: str = "auto") -> object:
        raise EngineError("spoken descriptions need Moonshine", "pip install 'ivr[neural]'")

    monkeypatch.setattr(cmd_listen, "open_free_transcriber", none_installed)
    assert main(["listen", str(wav(tmp_path / "a.wav", 0.5)), "--free"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "Error: --free needs a free-speech transcriber for 'en': spoken descriptions need "
        "Moonshine (pip install 'ivr[neural]')\n"
    )


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--phrases", "yes,no"], "--phrases"),
        (["--grammar", "digits"], "--grammar"),
        (["--menu", "menus/norway.yaml"], "--menu"),
        (["--adapt", "espeak-ng"], "--adapt"),
    ],
)
def test_free_with_a_grammar_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], named: str
) -> None:
    assert main(["listen", str(tmp_path / "a.wav"), "--free", *extra]) == 1
    assert capsys.readouterr().err == (
        f"Error: --free transcribes without a grammar; {named} cannot go with it "
        f"(drop {named}, or drop --free to hear the files as menu phrases)\n"
    )


@pytest.mark.engine
def test_free_transcribes_a_spoken_need_with_the_real_transcriber(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Needs a free-speech transcriber (``ivr[neural]``: Moonshine) from ``open_transcriber``."""
    from ivr.asr import moonshine_model

    if moonshine_model.find() is None:
        pytest.skip("ivr[neural] (moonshine-cpp) is not installed")
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    need = tmp_path / "need.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-us+m3", "-w", str(need), "my father has chest pain"], check=True
    )
    assert main(["listen", str(need), "--free", "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "chest pain" in row["text"] and row["source"] == "transcript"
    assert 0.0 < row["confidence"] <= 1.0


@dataclass
class FakeNodeRecognizer(FakeTranscriber):
    """A recogniser at a menu node, unsure, with runners-up (``FreeSpeech`` gives them)."""

    grammars: list[object] = field(default_factory=list)

    @property
    def transcribes(self) -> bool:
        return True

    def unknown_words(self, words: object) -> list[str]:
        return []

    def start(self, grammar: object) -> None:
        self.grammars.append(grammar)

    def feed(self, chunk: Audio) -> None:
        return None

    def finish(self) -> Result:
        return Result(
            "tommy copac", 0.0, source=Source.TRANSCRIPT, runners_up=("panic attack", "police")
        )


def test_listen_at_a_node_shows_what_a_call_would_ask_about(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeNodeRecognizer()
    monkeypatch.setattr(cmd_listen, "open_recognizer", lambda *a, **k: fake)
    norway = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
    a = wav(tmp_path / "a.wav", 1.0)
    assert main(["listen", str(a), "--menu", str(norway), "--node", "main"]) == 0
    assert capsys.readouterr().out == f"{a}: tommy copac (0.00); maybe 'panic attack' or 'police'\n"
    assert main(["listen", str(a), "--menu", str(norway), "--node", "main", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["runners_up"] == ["panic attack", "police"] and row["option"] is None
