"""Echo cancellation without devices: the reference timeline, the delay check, and
WebRTC's canceller on a real espeak-ng prompt fed as a microphone would feed it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from ivr.audio.echo_delay import NO_ECHO_CHECKS, DelayEstimator, ReferenceTimeline
from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.resample import resample

RATE = 16000
BLOCK = 320  # 20 ms, as the microphone delivers


def db(samples: FloatArray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(samples, np.float64) ** 2) + 1e-20))


def bursts(seconds: float, seed: int = 0) -> FloatArray:
    """Noise in syllable-sized bursts: speech-like for a correlation, and deterministic."""
    rng = np.random.default_rng(seed)
    samples = rng.standard_normal(round(seconds * RATE)).astype(np.float32) * 0.1
    envelope = (np.sin(np.arange(len(samples)) / RATE * 2 * np.pi * 3) > -0.3).astype(np.float32)
    return samples * envelope


def test_the_timeline_gives_what_was_heard_at_a_time_and_silence_elsewhere() -> None:
    timeline = ReferenceTimeline(RATE)
    prompt = np.arange(1, 1601, dtype=np.float32)  # 0.1 s
    timeline.place(prompt, 100.0)
    assert np.array_equal(timeline.take(100.0, 1600), prompt)
    assert np.array_equal(timeline.take(100.05, 10), prompt[800:810])
    before = timeline.take(99.99, 320)
    assert not before[:160].any() and np.array_equal(before[160:], prompt[:160])
    assert timeline.playing(100.05, 0.0) and not timeline.playing(100.2, 0.0)
    assert timeline.playing(100.2, 0.15)  # an echo may come that much later
    timeline.cut(100.05)  # a barge-in stopped it: the rest was never heard
    assert not timeline.take(100.05, 800).any()
    assert np.array_equal(timeline.take(100.0, 800), prompt[:800])


def feed(estimator: DelayEstimator, mic: FloatArray, start: float) -> None:
    for i in range(0, len(mic) - BLOCK + 1, BLOCK):
        estimator.push(mic[i : i + BLOCK], start + i / RATE)


def test_the_delay_check_finds_an_echo_later_than_the_clocks_said() -> None:
    reference = bursts(3.0)
    timeline = ReferenceTimeline(RATE)
    timeline.place(reference, 10.0)
    late = round(0.7 * RATE)  # as the first prompt on a new monitor stream came back
    mic = np.zeros(len(reference) + late, np.float32)
    mic[late:] = 0.6 * reference
    mic += np.random.default_rng(1).standard_normal(len(mic)).astype(np.float32) * 1e-3
    estimator = DelayEstimator(RATE, timeline)
    estimator.restart(10.0)
    assert not estimator.settled
    feed(estimator, mic, 10.0)
    assert estimator.settled
    assert abs(estimator.seconds - 0.7) < 0.002


def test_an_echo_where_the_clocks_said_keeps_the_delay_and_settles() -> None:
    reference = bursts(2.0)
    timeline = ReferenceTimeline(RATE)
    timeline.place(reference, 5.0)
    estimator = DelayEstimator(RATE, timeline)
    estimator.restart(5.0)
    feed(estimator, 0.5 * reference, 5.0)
    assert estimator.settled and estimator.seconds == 0.0


def test_no_echo_at_all_settles_after_some_checks_without_moving() -> None:
    timeline = ReferenceTimeline(RATE)
    timeline.place(bursts(3.0, seed=2), 0.0)
    estimator = DelayEstimator(RATE, timeline)
    estimator.restart(0.0)
    feed(estimator, bursts(0.5 + 0.25 * (NO_ECHO_CHECKS - 1), seed=3), 0.0)
    assert not estimator.settled  # one check short
    feed(estimator, bursts(1.0, seed=4), 0.5 + 0.25 * (NO_ECHO_CHECKS - 1))
    assert estimator.settled and estimator.seconds == 0.0


@dataclass
class StartedPlayback:
    """What the canceller reads of a playing prompt: when it is heard from."""

    heard_from: float | None
    done: bool = False


def cancel(mic: FloatArray, prompt: Audio, heard_from: float, start: float) -> FloatArray:
    pytest.importorskip("webrtc_audio_processing", reason="needs ivr[echo]")
    from ivr.audio.echo_cancel import EchoCanceller

    canceller = EchoCanceller(RATE)
    canceller.played(StartedPlayback(heard_from), prompt)  # type: ignore[arg-type]
    out = [
        canceller.filter(mic[i : i + BLOCK], start + i / RATE)
        for i in range(0, len(mic) - BLOCK + 1, BLOCK)
    ]
    return np.concatenate(out)


PROMPT = (
    "Welcome to the emergency line. For police, press 1 or say police. "
    "For the fire brigade, press 2 or say fire."
)


def test_a_real_prompt_is_taken_out_of_the_microphone_by_at_least_10_db(
    say: Callable[..., Audio],
) -> None:
    prompt = say(PROMPT)
    echo = resample(prompt, RATE).samples
    lag = round(0.003 * RATE)  # room and converter delay the clocks do not see
    mic = np.zeros(len(echo) + RATE // 2, np.float32)
    mic[lag : lag + len(echo)] = 0.8 * echo
    cleaned = cancel(mic, prompt, heard_from=50.0, start=50.0)
    reduction = db(mic[: len(cleaned)]) - db(cleaned)
    assert reduction >= 10.0, f"only {reduction:.1f} dB"


def test_the_caller_talking_over_a_prompt_still_comes_through(
    say: Callable[..., Audio],
) -> None:
    prompt = say(PROMPT)
    caller = resample(say("my house is on fire", "en-us+m3"), RATE).samples
    echo = resample(prompt, RATE).samples
    mic = np.zeros(len(echo) + RATE // 2, np.float32)
    mic[: len(echo)] = 0.8 * echo
    at = 3 * RATE  # a barge-in 3 s into the prompt
    only_echo = cancel(mic.copy(), prompt, heard_from=0.0, start=0.0)
    mic[at : at + len(caller)] += 0.5 * caller
    both = cancel(mic, prompt, heard_from=0.0, start=0.0)
    span = slice(at, at + len(caller))
    # the caller's voice is kept (within 6 dB), and far above what is left of the prompt
    assert db(both[span]) >= db(0.5 * caller) - 6.0
    assert db(both[span]) - db(only_echo[span]) >= 15.0
