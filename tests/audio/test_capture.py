"""The capture loop: utterances and level readings out of an input, stop, failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from ivr.audio.capture import Capture, Level, SpeechStarted, Utterance
from ivr.audio.fakes import FakeInput
from ivr.audio.pcm import Audio, concat, silence
from ivr.audio.ports import AudioDeviceError, BlockCallback, EndCallback
from ivr.audio.resample import resample

RATE = 16000
Say = Callable[..., Audio]


def test_one_spoken_answer_becomes_one_utterance_of_about_its_length(say: Say) -> None:
    word = resample(say("technical support"), RATE)
    clip = concat([silence(1.0, RATE), word, silence(0.1, RATE)])
    events = list(Capture(FakeInput(clip, tail=2.0)).events())
    utterances = [e for e in events if isinstance(e, Utterance)]
    assert len(utterances) == 1
    loud = np.nonzero(np.abs(word.samples) > 0.01)[0]
    spoken = (loud[-1] - loud[0]) / RATE
    assert utterances[0].end - utterances[0].start == pytest.approx(spoken, abs=0.1)
    assert utterances[0].reason == "silence"
    started = [e for e in events if isinstance(e, SpeechStarted)]
    assert len(started) == 1 and started[0].at < utterances[0].end


def test_levels_follow_the_loudness_of_the_line(say: Say) -> None:
    word = resample(say("operator"), RATE)
    clip = concat([silence(1.0, RATE), word, silence(1.0, RATE)])
    levels = [
        e for e in Capture(FakeInput(clip), level_interval=0.1).events() if isinstance(e, Level)
    ]
    assert len(levels) == pytest.approx(clip.seconds / 0.1, abs=1)
    quiet = [lv.dbfs for lv in levels if lv.at <= 1.0]
    loud = max(lv.dbfs for lv in levels)
    assert all(q == float("-inf") for q in quiet)
    assert -30.0 < loud <= 0.0


def test_stop_from_another_thread_ends_capture_promptly() -> None:
    endless = FakeInput(silence(60.0, RATE), pace=1.0)
    capture = Capture(endless)
    timer = threading.Timer(0.3, capture.stop)
    began = time.monotonic()
    timer.start()
    try:
        seen = sum(1 for _ in capture.events())
    finally:
        timer.cancel()
    assert time.monotonic() - began < 2.0
    assert seen >= 1


def test_utterances_limit_stops_the_source(say: Say) -> None:
    word = resample(say("yes"), RATE)
    clip = concat([silence(0.5, RATE), word, silence(1.2, RATE), word, silence(1.5, RATE)])
    source = FakeInput(clip, tail=30.0, pace=0.0)
    got = list(Capture(source).utterances(limit=1))
    assert len(got) == 1
    assert source._thread is None  # stopped and joined


def test_a_vanishing_device_raises_a_device_error(say: Say) -> None:
    clip = concat([silence(0.5, RATE), resample(say("hello"), RATE), silence(2.0, RATE)])
    with pytest.raises(AudioDeviceError, match="vanished"):
        list(Capture(FakeInput(clip, fail_after=1.0)).events())


class SilentDevice:
    """Starts fine, then never delivers a block: a wedged audio server."""

    rate = RATE
    block_size = 320

    def __init__(self) -> None:
        self.stopped = False

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        del on_block, on_end

    def stop(self) -> None:
        self.stopped = True


def test_a_stalled_device_raises_instead_of_hanging() -> None:
    device = SilentDevice()
    began = time.monotonic()
    with pytest.raises(AudioDeviceError, match="no audio from the input"):
        list(Capture(device, stall_timeout=0.3).events())
    assert time.monotonic() - began < 3.0
    assert device.stopped


def test_speech_still_running_when_the_input_ends_is_delivered(say: Say) -> None:
    clip = concat([silence(0.5, RATE), resample(say("billing"), RATE)])
    [utterance] = list(Capture(FakeInput(clip)).utterances())
    assert utterance.reason == "end_of_input"
