"""``ivr run --record``: the call log ``ivr call --json`` prints, plus the WAV files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ivr.audio.fakes import FakeClock
from ivr.audio.pcm import Audio, read_wav
from ivr.cli.main import main
from ivr.live.call import LiveCall
from ivr.live.inputs import Heard, Notice
from ivr.live.record import CallRecorder
from ivr.loader import load_menu
from ivr.session import Session
from tests.live.displays import ListDisplay

NORWAY = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
RATE = 16000


def recorded_call(tmp_path: Path) -> dict[str, Any]:
    """A live Norway call, text prompts, one utterance heard as "ambulance" at 0.95."""
    session = Session(load_menu(NORWAY))
    clock = FakeClock()
    recorder = CallRecorder(tmp_path / "rec", session)
    call = LiveCall(session, ListDisplay(), clock=clock, recorder=recorder)
    call.begin(clock())
    clock.advance(2.0)
    call.step(Notice("the line is noisy"), clock())
    voice = Audio((0.2 * np.sin(np.arange(RATE) * 0.05)).astype(np.float32), RATE)
    call.step(Heard("ambulance", 0.95, voice, 0.1, "grammar"), clock())
    recorder.save()
    data: dict[str, Any] = json.loads((tmp_path / "rec" / "transcript.json").read_text())
    return data


def scripted_call(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """``ivr call --say ambulance --audio --json`` with a recogniser that hears it at 0.95."""
    from ivr.scripted import audio

    def fake_hearing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        return lambda said: ("ambulance", 0.95)

    monkeypatch.setattr(audio, "make_audio_hearing", fake_hearing)
    assert main(["call", str(NORWAY), "--say", "ambulance", "--audio", "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_the_recorded_log_has_the_shape_of_ivr_call_json_plus_the_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live = recorded_call(tmp_path)
    scripted = scripted_call(capsys, monkeypatch)
    assert set(live) - {"recording"} == set(scripted) - {"unused_steps"}
    for key in ("outcome", "route", "service", "nodes", "reason"):
        assert live[key] == scripted[key], key
    assert [set(row) for row in live["heard"]] == [set(row) for row in scripted["heard"]]
    assert {tuple(line) for line in live["transcript"]} == {("who", "text", "kind", "at")}
    live_lines = [(ln["who"], ln["text"], ln["kind"]) for ln in live["transcript"]]
    call_lines = [(ln["who"], ln["text"], ln["kind"]) for ln in scripted["transcript"]]
    assert live_lines == call_lines


def test_the_caller_line_holds_the_words_only_and_no_route_pseudo_line(tmp_path: Path) -> None:
    data = recorded_call(tmp_path)
    transcript = data["transcript"]
    caller = [line for line in transcript if line["who"] == "caller"]
    assert caller == [{"who": "caller", "text": "ambulance", "kind": "say", "at": 2.0}]
    assert not any(line["text"].startswith("[") for line in transcript)
    assert data["route"] == "113" and data["notices"] == ["the line is noisy"]


def test_each_heard_utterance_names_its_wav_which_holds_what_the_recogniser_heard(
    tmp_path: Path,
) -> None:
    data = recorded_call(tmp_path)
    assert data["heard"] == [
        {"said": "caller-1.wav", "heard": "ambulance", "confidence": 0.95, "source": "grammar"}
    ]
    saved = read_wav(tmp_path / "rec" / "caller-1.wav")
    assert saved.rate == RATE and saved.seconds == pytest.approx(1.0)
    recording = data["recording"]
    assert recording == {
        "rate": RATE,
        "ivr": "ivr.wav",
        "caller": "caller.wav",
        "utterances": [{"file": "caller-1.wav", "at": 0.9, "seconds": 1.0}],
    }
    track = read_wav(tmp_path / "rec" / "caller.wav")
    at = round(0.9 * RATE)
    assert not track.samples[:at].any()
    assert np.allclose(track.samples[at : at + RATE], saved.samples, atol=1e-4)
