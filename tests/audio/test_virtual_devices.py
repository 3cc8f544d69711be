"""The real audio path (PortAudio -> ALSA -> PulseAudio) on virtual devices.

Needs pulseaudio, pulseaudio-utils, libasound2-plugins, libportaudio2 and
espeak-ng; skipped cleanly without pulseaudio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.capture import Capture, SpeechStarted, Utterance
from ivr.audio.discovery import list_devices
from ivr.audio.pcm import Audio, FloatArray, concat, silence
from ivr.audio.player import PromptPlayer
from ivr.audio.ports import AudioDeviceError
from ivr.audio.resample import resample
from ivr.audio.streams import SoundDeviceInput, SoundDeviceOutput

from .virtual_devices import VirtualAudio

pytestmark = pytest.mark.audio_device

RATE = 16000
Say = Callable[..., Audio]


class Recorder:
    """Collects everything an input delivers, in order."""

    def __init__(self, source: SoundDeviceInput) -> None:
        self.source = source
        self.blocks: list[FloatArray] = []
        self.error: AudioDeviceError | None = None

    def __enter__(self) -> Recorder:
        self.source.start(lambda block: self.blocks.append(block.samples), self._ended)
        return self

    def _ended(self, error: AudioDeviceError | None) -> None:
        self.error = error

    def __exit__(self, *_exc: object) -> None:
        self.source.stop()

    @property
    def audio(self) -> Audio:
        joined = np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)
        return Audio(joined.astype(np.float32), self.source.rate)


def align(recorded: FloatArray, reference: FloatArray) -> tuple[int, float]:
    """Where ``reference`` sits in ``recorded`` (FFT cross-correlation), and how well it matches."""
    size = 1 << int(np.ceil(np.log2(len(recorded) + len(reference))))
    spectrum = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(reference, size))
    lags = np.fft.irfft(spectrum, size)[: len(recorded) - len(reference) + 1]
    offset = int(np.argmax(lags))
    segment = recorded[offset : offset + len(reference)]
    return offset, float(np.corrcoef(segment, reference)[0, 1])


def loud_span(audio: Audio, threshold: float = 0.01) -> float:
    loud = np.nonzero(np.abs(audio.samples) > threshold)[0]
    return float((loud[-1] - loud[0]) / audio.rate)


def test_virtual_devices_are_listed(virtual_audio: VirtualAudio) -> None:
    names = {d.name for d in list_devices()}
    assert {"ivrspk", "ivrmon", "callerline", "callermic"} <= names


@pytest.mark.parametrize("device_rate", [None, RATE])
def test_a_played_prompt_is_recorded_unchanged_from_the_speaker_monitor(
    virtual_audio: VirtualAudio, say: Say, device_rate: int | None
) -> None:
    # device_rate None: both sides run at the device's 44.1 kHz and resample.
    prompt = resample(say("Welcome to the test line. Press one for sales."), RATE)
    speaker = SoundDeviceOutput("ivrspk", device_rate=device_rate)
    with Recorder(SoundDeviceInput("ivrmon", rate=RATE, device_rate=device_rate)) as rec:
        time.sleep(0.3)
        playing = speaker.play(prompt)
        assert playing.wait() is True
        time.sleep(0.5)
    assert rec.error is None
    recorded = rec.audio.samples
    assert len(recorded) >= len(prompt.samples)
    offset, correlation = align(recorded, prompt.samples)
    assert correlation > 0.95
    assert 0.2 < offset / RATE < 1.0  # it arrived about when we played it


def test_a_caller_utterance_is_captured_as_one_utterance_of_its_length(
    virtual_audio: VirtualAudio, say: Say
) -> None:
    answer = resample(say("technical support please"), RATE)
    caller = SoundDeviceOutput("callerline", device_rate=RATE)
    capture = Capture(SoundDeviceInput("callermic", rate=RATE, device_rate=RATE))
    speak = threading.Timer(0.5, lambda: caller.play(answer).wait())
    guard = threading.Timer(15.0, capture.stop)  # never hang the test run
    speak.start()
    guard.start()
    try:
        got = list(capture.utterances(limit=1))
    finally:
        guard.cancel()
        speak.join(timeout=10)
    assert len(got) == 1
    utterance = got[0]
    assert utterance.reason == "silence"
    assert utterance.end - utterance.start == pytest.approx(loud_span(answer), abs=0.15)
    assert utterance.start == pytest.approx(0.5, abs=0.4)


def test_a_key_cuts_a_prompt_on_the_real_device_and_the_line_goes_quiet(
    virtual_audio: VirtualAudio,
) -> None:
    t = np.arange(4 * RATE) / RATE
    prompt = Audio((0.3 * np.sin(2 * np.pi * 500 * t)).astype(np.float32), RATE)
    player = PromptPlayer(SoundDeviceOutput("ivrspk", device_rate=RATE))
    with Recorder(SoundDeviceInput("ivrmon", rate=RATE, device_rate=RATE)) as rec:
        time.sleep(0.2)
        running = player.start(prompt)
        time.sleep(1.0)
        assert running.key_pressed("1") is True
        result = running.wait()
        time.sleep(0.8)
    assert result.reason == "key" and result.key == "1"
    assert 0.6 < result.played_seconds < 1.3
    assert result.fraction < 0.5
    heard = rec.audio.samples
    loud = np.nonzero(np.abs(heard) > 0.05)[0]
    heard_seconds = (loud[-1] - loud[0]) / RATE
    assert heard_seconds == pytest.approx(result.played_seconds, abs=0.25)
    # Quiet after the cut: the abort dropped what was queued.
    assert np.max(np.abs(heard[loud[-1] + RATE // 10 :])) < 0.01


def test_speech_on_the_caller_line_cuts_the_prompt_when_enabled(
    virtual_audio: VirtualAudio, say: Say
) -> None:
    t = np.arange(5 * RATE) / RATE
    prompt = Audio((0.2 * np.sin(2 * np.pi * 400 * t)).astype(np.float32), RATE)
    answer = resample(say("operator"), RATE)
    player = PromptPlayer(SoundDeviceOutput("ivrspk", device_rate=RATE), barge_in_on_speech=True)
    caller = SoundDeviceOutput("callerline", device_rate=RATE)
    capture = Capture(SoundDeviceInput("callermic", rate=RATE, device_rate=RATE))
    guard = threading.Timer(15.0, capture.stop)
    guard.start()
    running = player.start(prompt)
    speak = threading.Timer(1.0, lambda: caller.play(answer).wait())
    speak.start()
    try:
        for event in capture.events():
            if isinstance(event, SpeechStarted):
                running.speech_started()
            if isinstance(event, Utterance):
                break
    finally:
        guard.cancel()
        speak.join(timeout=10)
        running.stop()
    result = running.wait()
    assert result.reason == "speech"
    assert 0.8 < result.played_seconds < 2.0


def test_an_unknown_device_name_is_a_device_error(virtual_audio: VirtualAudio) -> None:
    with pytest.raises(AudioDeviceError, match="no output device named 'nosuchspeaker'"):
        SoundDeviceOutput("nosuchspeaker")
    with pytest.raises(AudioDeviceError, match="no input device with index 99"):
        SoundDeviceInput(99)


def test_a_rate_the_device_refuses_is_a_device_error(virtual_audio: VirtualAudio) -> None:
    with pytest.raises(AudioDeviceError, match="cannot open output"):
        SoundDeviceOutput("ivrspk", device_rate=1).play(silence(0.1, RATE))


VANISH_SCRIPT = """
import json, os, sys, threading, time
sys.path.insert(0, sys.argv[1])
from tests.audio.virtual_devices import (
    start_virtual_audio, stop_virtual_audio, using_virtual_audio, warm_up,
)
from ivr.audio.capture import Capture
from ivr.audio.ports import AudioDeviceError
from ivr.audio.streams import SoundDeviceInput

audio = start_virtual_audio()
outcome = {"error": None, "blocks": 0, "seconds": None}
try:
    with using_virtual_audio(audio):
        warm_up(audio)
        capture = Capture(SoundDeviceInput("callermic", rate=16000), stall_timeout=3.0)
        threading.Timer(1.0, audio.daemon.kill).start()
        began = time.monotonic()
        try:
            for _ in capture.events():
                outcome["blocks"] += 1
        except AudioDeviceError as exc:
            outcome["error"] = str(exc)
        outcome["seconds"] = time.monotonic() - began
finally:
    stop_virtual_audio(audio)
print(json.dumps(outcome), flush=True)
os._exit(0)  # a PortAudio thread may be left spinning on the dead server
"""


def test_the_audio_server_dying_mid_capture_is_a_device_error(
    virtual_audio_server: VirtualAudio,
) -> None:
    # In a child process with a daemon of its own: this test kills the daemon,
    # and PortAudio may leave a thread spinning on it.
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", VANISH_SCRIPT, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["blocks"] > 0, outcome
    assert outcome["error"] is not None
    assert "stopped delivering audio" in outcome["error"] or "no audio from" in outcome["error"]
    assert outcome["seconds"] < 10.0


def test_silence_between_prompts_is_digital_zero(virtual_audio: VirtualAudio) -> None:
    with Recorder(SoundDeviceInput("ivrmon", rate=RATE, device_rate=RATE)) as rec:
        time.sleep(0.5)
    assert len(rec.audio.samples) > 0.3 * RATE
    assert not np.any(rec.audio.samples)
    assert concat([rec.audio]).rms_dbfs() == float("-inf")
