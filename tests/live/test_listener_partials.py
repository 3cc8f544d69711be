"""Partial results decode the utterance as one stream, resampled as one stream."""

from __future__ import annotations

import queue
from dataclasses import dataclass, field

import numpy as np

from ivr.asr.recognizer import Grammar, Partial, Result
from ivr.audio.capture import Capture
from ivr.audio.fakes import FakeInput
from ivr.audio.pcm import Audio, silence
from ivr.audio.resample import resample
from ivr.live.inputs import LiveInput
from ivr.live.listener import PARTIAL_SECONDS, SpeechListener

MIC = 48000  # a sound card's rate
ENGINE = 16000


@dataclass
class Collecting:
    """A recogniser that keeps what it is fed."""

    fed: list[np.ndarray] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "collecting"

    @property
    def sample_rate(self) -> int:
        return ENGINE

    def start(self, grammar: Grammar | None) -> None:
        self.fed = []

    def feed(self, chunk: Audio) -> Partial | None:
        assert chunk.rate == ENGINE
        self.fed.append(chunk.samples)
        return None

    def finish(self) -> Result:
        return Result("", 0.0)

    def unknown_words(self, words: object) -> list[str]:
        return []


def test_partials_are_resampled_as_one_stream_not_slice_by_slice() -> None:
    recognizer = Collecting()
    inbox: queue.Queue[LiveInput] = queue.Queue()
    capture = Capture(FakeInput(silence(0.1, MIC), tail=0.1))
    listener = SpeechListener(capture, recognizer, inbox, free_speech=False)
    t = np.arange(int(1.2 * MIC)) / MIC
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    listener._start_partials()
    block = int(0.02 * MIC)
    for start in range(0, len(tone), block):
        listener._partial(Audio(tone[start : start + block], MIC))
    fed = np.concatenate(recognizer.fed)
    whole = resample(Audio(tone, MIC), ENGINE).samples
    assert len(recognizer.fed) >= int(1.2 / PARTIAL_SECONDS) - 1
    # the same samples as the tone resampled at once, up to the stream's short delay
    delay = int(0.01 * ENGINE)
    assert np.allclose(
        fed[: len(fed) - delay][delay:], whole[: len(fed) - delay][delay:], atol=1e-4
    )
