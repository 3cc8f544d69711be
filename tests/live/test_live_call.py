"""The live call driver, with a fake speaker, a fake clock and fake devices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.fakes import FakeClock, FakeOutput
from ivr.audio.pcm import Audio
from ivr.audio.player import PromptPlayer
from ivr.audio.ports import AudioDeviceError
from ivr.live.call import LiveCall
from ivr.live.inputs import Heard, Key, SpeechBegan
from ivr.live.record import CallRecorder
from ivr.live.voice import PromptVoice
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.session import Session
from ivr.tts.cache import PromptCache
from ivr.tts.speaker import TtsError, VoiceInfo, VoiceSettings
from tests.core.menus import TINY
from tests.live.displays import ListDisplay

RATE = 8000


class WordsSpeaker:
    """Half a second of tone per word: prompt length follows text length."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls = 0

    def synthesize(self, text: str, settings: VoiceSettings) -> Audio:
        self.calls += 1
        if self.fail:
            raise TtsError("espeak-ng crashed")
        n = int(0.5 * RATE * len(text.split()))
        return Audio((0.3 * np.sin(np.arange(n) * 0.2)).astype(np.float32), RATE)

    def voices(self) -> list[VoiceInfo]:
        return []


@pytest.fixture
def tiny() -> Menu:
    return load_menu_text(TINY)


def make_call(
    tiny: Menu, tmp_path: Path, *, fail: bool = False, on_speech: bool = True
) -> tuple[LiveCall, FakeClock, FakeOutput, ListDisplay, WordsSpeaker]:
    clock = FakeClock()
    output = FakeOutput(clock)
    speaker = WordsSpeaker(fail)
    voice = PromptVoice(PromptCache(speaker, tmp_path / "cache"), {"en": VoiceSettings()}, RATE)
    display = ListDisplay()
    call = LiveCall(
        Session(tiny),
        display,
        voice=voice,
        player=PromptPlayer(output, barge_in_on_speech=on_speech),
        clock=clock,
    )
    return call, clock, output, display, speaker


def run_for(call: LiveCall, clock: FakeClock, seconds: float, step: float = 0.1) -> None:
    for _ in range(round(seconds / step)):
        clock.advance(step)
        call.step(None, clock())


def test_the_no_input_timer_starts_only_when_the_prompt_has_finished(
    tiny: Menu, tmp_path: Path
) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    prompt_seconds = output.plays[0].audio.seconds
    assert prompt_seconds > 5  # longer than the no-input timeout
    run_for(call, clock, prompt_seconds + 4.5)
    assert "IVR Sorry, I didn't hear anything." not in display.lines
    run_for(call, clock, 1.0)
    assert "IVR Sorry, I didn't hear anything." in display.lines
    assert output.plays[0].played_seconds is None  # played to its end, never cut


def test_a_key_cuts_the_prompt_and_the_session_learns_how_far_it_got(
    tiny: Menu, tmp_path: Path
) -> None:
    call, clock, output, _, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, 1.0)
    call.step(Key("2"), clock())
    assert output.plays[0].played_seconds == pytest.approx(1.0)
    assert call.barge_ins[0].played_seconds == pytest.approx(1.0)
    assert call.barge_ins[0].by == "key"
    assert ("barge_in", "main") in call.session.visits
    assert call.session.route is not None and call.session.route.number == "02800"


def test_speech_start_cuts_the_prompt_when_barge_in_by_speech_is_on(
    tiny: Menu, tmp_path: Path
) -> None:
    call, clock, output, _, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, 2.0)
    call.step(SpeechBegan(), clock())
    assert output.plays[0].played_seconds == pytest.approx(2.0)
    assert call.barge_ins[0].by == "speech"
    clock.advance(1.0)
    call.step(Heard("I smell gas", 0.9), clock())
    assert call.session.route is not None and call.session.route.id == "fire"


def test_speech_does_not_cut_the_prompt_when_barge_in_by_speech_is_off(
    tiny: Menu, tmp_path: Path
) -> None:
    call, clock, output, _, _ = make_call(tiny, tmp_path, on_speech=False)
    call.begin(clock())
    run_for(call, clock, 2.0)
    call.step(SpeechBegan(), clock())
    assert output.plays[0].played_seconds is None and call.barge_ins == []


def test_synthesis_failure_goes_on_in_text(tiny: Menu, tmp_path: Path) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path, fail=True)
    call.begin(clock())
    assert output.plays == []
    assert any(line.startswith("IVR Main menu.") for line in display.lines)
    assert "NOTICE speech synthesis failed; prompts continue as text" in display.lines
    call.step(Key("2"), clock())
    assert call.session.route is not None


def test_output_device_failure_goes_on_in_text(tiny: Menu, tmp_path: Path) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path)

    def broken(audio: Audio) -> None:
        raise AudioDeviceError("output device vanished")

    output.play = broken  # type: ignore[assignment,method-assign]
    call.begin(clock())
    assert any(line.startswith("NOTICE audio output failed") for line in display.lines)
    assert call.player is None
    assert any(line.startswith("IVR Main menu.") for line in display.lines)


def test_prompts_are_cached_between_plays(tiny: Menu, tmp_path: Path) -> None:
    call, clock, _, _, speaker = make_call(tiny, tmp_path)
    call.begin(clock())
    call.step(Key("#"), clock())  # repeat: the same prompt again
    assert speaker.calls == 1


def test_recording_saves_both_sides_and_the_transcript(tiny: Menu, tmp_path: Path) -> None:
    call, clock, _, _, _ = make_call(tiny, tmp_path)
    recorder = CallRecorder(tmp_path / "rec", call.session)
    call.recorder = recorder
    call.begin(clock())
    run_for(call, clock, 1.0)
    caller = Audio(np.full(RATE // 2, 0.1, dtype=np.float32), RATE)
    call.step(Heard("information line", 0.95, caller, 0.05), clock())
    call.drain()
    recorder.save()
    data = json.loads((tmp_path / "rec" / "transcript.json").read_text())
    texts = [line["text"] for line in data["transcript"]]
    assert texts[0].startswith("Main menu.") and "information line" in texts
    assert data["heard"] == [
        {"said": "caller-1.wav", "heard": "information line", "confidence": 0.95,
         "source": "grammar"}
    ]  # fmt: skip
    from ivr.audio.pcm import read_wav

    ivr_track = read_wav(tmp_path / "rec" / "ivr.wav")
    caller_track = read_wav(tmp_path / "rec" / "caller.wav")
    assert read_wav(tmp_path / "rec" / "caller-1.wav").seconds == pytest.approx(0.5)
    assert ivr_track.rate == 16000 and ivr_track.seconds > 1.0
    (utterance,) = data["recording"]["utterances"]
    assert utterance == {"file": "caller-1.wav", "at": pytest.approx(0.45, abs=0.05),
                         "seconds": 0.5}  # fmt: skip
    assert caller_track.seconds == pytest.approx(0.45 + 0.5, abs=0.05)
