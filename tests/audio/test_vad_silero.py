"""The trained end-of-speech detector (Silero VAD on onnxruntime) on real speech:
espeak-ng sentences and real callers' digits (FSDD), in silence and in white noise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.pcm import Audio, concat, read_wav, silence
from ivr.audio.resample import resample
from ivr.audio.vad import SpeechDiscarded, SpeechEnd, SpeechStart, VadConfig, VadEvent

RATE = 16000
FSDD = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fsdd-dev" / "recordings"
Say = Callable[..., Audio]


def silero(rate: int = RATE, config: VadConfig | None = None):  # type: ignore[no-untyped-def]
    from ivr.audio import silero_vad

    reason = silero_vad.unavailable(rate)
    if reason is not None:
        pytest.skip(f"the Silero VAD cannot run: {reason}")
    return silero_vad.SileroVad(rate, config)


def run(audio: Audio, config: VadConfig | None = None, block: int = 320) -> list[VadEvent]:
    vad = silero(audio.rate, config)
    events: list[VadEvent] = []
    for start in range(0, len(audio.samples), block):
        events.extend(vad.feed(audio.samples[start : start + block]))
    return events + vad.flush()


def ends(events: list[VadEvent]) -> list[SpeechEnd]:
    return [e for e in events if isinstance(e, SpeechEnd)]


def voiced_span(audio: Audio) -> tuple[float, float]:
    """Where the speech is: 10 ms frames within 30 dB of the loudest one."""
    size = audio.rate // 100
    frames = audio.samples[: len(audio.samples) // size * size].reshape(-1, size)
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    loud = np.nonzero(rms > rms.max() / 10 ** (30 / 20))[0]
    return loud[0] * size / audio.rate, (loud[-1] + 1) * size / audio.rate


def assert_ends_near(found: float, true_end: float) -> None:
    """Never before the speech really ended (a cut-off), at most a little after: the
    model's verdict fades over a few frames once the voice stops, more so in noise."""
    assert true_end - 0.1 <= found <= true_end + 0.25, (found, true_end)


def with_noise(audio: Audio, speech: Audio, snr_db: float, seed: int = 3) -> Audio:
    """White noise under the whole clip, ``snr_db`` below the speech's own power."""
    power = float(np.mean(np.square(speech.samples, dtype=np.float64)))
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(audio.samples))
    return Audio((audio.samples + noise).astype(np.float32), audio.rate)


@pytest.fixture
def sentence(say: Say) -> Audio:
    return resample(say("For billing, press one. For technical support, press two."), RATE)


def test_a_spoken_sentence_in_silence_is_one_utterance_where_the_speech_is(
    sentence: Audio,
) -> None:
    clip = concat([silence(1.0, RATE), sentence, silence(2.0, RATE)])
    begin, end = voiced_span(sentence)
    [utterance] = ends(run(clip))
    assert utterance.reason == "silence"
    assert utterance.start == pytest.approx(1.0 + begin, abs=0.1)
    assert utterance.end == pytest.approx(1.0 + end, abs=0.1)
    assert utterance.declared - utterance.end == pytest.approx(0.8, abs=0.033)


@pytest.mark.parametrize("snr_db", [20, 10, 5])
def test_a_spoken_sentence_in_white_noise_is_found_whole(sentence: Audio, snr_db: float) -> None:
    clean = concat([silence(1.5, RATE), sentence, silence(2.0, RATE)])
    clip = with_noise(clean, sentence, snr_db)
    begin, end = voiced_span(sentence)
    [utterance] = ends(run(clip))
    assert utterance.start == pytest.approx(1.5 + begin, abs=0.15)
    assert_ends_near(utterance.end, 1.5 + end)


@pytest.mark.parametrize("name", ["3_jackson_0.wav", "7_nicolas_4.wav", "9_george_2.wav"])
def test_a_real_callers_digit_at_8_khz_in_noise_is_found(name: str) -> None:
    path = FSDD / name
    if not path.is_file():
        pytest.skip(f"FSDD recordings not found at {FSDD}")
    digit = read_wav(path)
    assert digit.rate == 8000  # the model's other rate: judged as it comes off the line
    clip = with_noise(concat([silence(1.0, 8000), digit, silence(1.5, 8000)]), digit, 10)
    begin, end = voiced_span(digit)
    [utterance] = ends(run(clip, block=160))
    assert utterance.start == pytest.approx(1.0 + begin, abs=0.15)
    assert_ends_near(utterance.end, 1.0 + end)
    assert utterance.audio.rate == 8000


@pytest.mark.parametrize("level", [0.001, 0.01, 0.05, 0.2, 0.5])
def test_white_noise_alone_is_never_speech(level: float) -> None:
    rng = np.random.default_rng(7)
    noise = Audio(rng.normal(0.0, level, RATE * 15).astype(np.float32), RATE)
    assert run(noise) == []


def test_noise_that_switches_on_mid_line_is_not_speech() -> None:
    """The energy detector's floor lags a sudden change of noise; the model's does not."""
    rng = np.random.default_rng(11)
    quiet = rng.normal(0.0, 0.002, RATE * 3)
    loud = rng.normal(0.0, 0.1, RATE * 5)
    assert run(Audio(np.concatenate([quiet, loud]).astype(np.float32), RATE)) == []


def test_digital_silence_is_never_speech() -> None:
    assert run(silence(5.0, RATE)) == []


def test_block_size_does_not_change_the_result(sentence: Audio) -> None:
    clip = concat([silence(1.0, RATE), sentence, silence(2.0, RATE)])
    reference = ends(run(clip, block=512))[0]
    for block in (1, 97, 320, 4000):
        other = ends(run(clip, block=block))[0]
        assert (other.start, other.end, other.declared) == (
            reference.start,
            reference.end,
            reference.declared,
        )
        assert np.array_equal(other.audio.samples, reference.audio.samples)


def test_the_utterance_keeps_its_pre_roll_so_the_onset_is_not_clipped(say: Say) -> None:
    word = resample(say("seven"), RATE)
    clip = concat([silence(1.0, RATE), word, silence(1.5, RATE)])
    [utterance] = ends(run(clip, VadConfig(pre_roll=0.3, post_roll=0.2)))
    begin, end = voiced_span(clip)
    kept_from = utterance.start - 0.3
    assert kept_from <= begin
    assert kept_from + utterance.audio.seconds >= end


def test_a_long_pause_splits_two_answers_and_a_short_one_does_not(say: Say) -> None:
    yes = resample(say("yes"), RATE)
    two = resample(say("two"), RATE)
    long_gap = concat([silence(0.5, RATE), yes, silence(1.5, RATE), two, silence(1.5, RATE)])
    short_gap = concat([silence(0.5, RATE), yes, silence(0.3, RATE), two, silence(1.5, RATE)])
    assert len(ends(run(long_gap))) == 2
    assert len(ends(run(short_gap))) == 1


def test_a_click_is_not_speech() -> None:
    rng = np.random.default_rng(1)
    click = Audio(rng.choice([-0.5, 0.5], round(0.08 * RATE)).astype(np.float32), RATE)
    events = run(concat([silence(1.0, RATE), click, silence(2.0, RATE)]))
    assert not [e for e in events if isinstance(e, SpeechEnd)]
    assert all(isinstance(e, SpeechStart | SpeechDiscarded) for e in events)
