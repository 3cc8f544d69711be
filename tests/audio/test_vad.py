"""End-of-speech detection on real espeak-ng speech, on noise, and on edge cases."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from ivr.audio.pcm import Audio, concat, mix_noise, silence
from ivr.audio.resample import resample
from ivr.audio.vad import EnergyVad, SpeechDiscarded, SpeechEnd, SpeechStart, VadConfig, VadEvent
from ivr.errors import IvrError

RATE = 16000
Say = Callable[..., Audio]


def run_vad(audio: Audio, config: VadConfig | None = None, block: int = 320) -> list[VadEvent]:
    vad = EnergyVad(audio.rate, config)
    events: list[VadEvent] = []
    for start in range(0, len(audio.samples), block):
        events.extend(vad.feed(audio.samples[start : start + block]))
    return events + vad.flush()


def ends(events: list[VadEvent]) -> list[SpeechEnd]:
    return [e for e in events if isinstance(e, SpeechEnd)]


def voiced_span(audio: Audio, threshold: float = 0.01) -> tuple[float, float]:
    loud = np.nonzero(np.abs(audio.samples) > threshold)[0]
    return loud[0] / audio.rate, (loud[-1] + 1) / audio.rate


@pytest.fixture
def sentence(say: Say) -> Audio:
    return resample(say("For billing, press one. For technical support, press two."), RATE)


def test_speech_with_silence_around_gives_one_utterance_at_the_right_place(
    sentence: Audio,
) -> None:
    clip = concat([silence(1.0, RATE), sentence, silence(2.0, RATE)])
    speech_start, speech_end = voiced_span(sentence)
    [utterance] = ends(run_vad(clip))
    assert utterance.reason == "silence"
    assert utterance.start == pytest.approx(1.0 + speech_start, abs=0.1)
    assert utterance.end == pytest.approx(1.0 + speech_end, abs=0.1)


def test_end_is_declared_one_trailing_silence_after_the_last_loud_frame(sentence: Audio) -> None:
    clip = concat([silence(0.5, RATE), sentence, silence(3.0, RATE)])
    for trailing in (0.5, 0.8, 1.5):
        [utterance] = ends(run_vad(clip, VadConfig(trailing_silence=trailing)))
        assert utterance.declared - utterance.end == pytest.approx(trailing, abs=0.021)


def test_default_trailing_silence_is_0_8_seconds() -> None:
    assert VadConfig().trailing_silence == 0.8


def test_utterance_keeps_pre_roll_so_the_onset_is_not_clipped(say: Say) -> None:
    word = resample(say("seven"), RATE)
    clip = concat([silence(1.0, RATE), word, silence(1.5, RATE)])
    config = VadConfig(pre_roll=0.3, post_roll=0.2)
    [utterance] = ends(run_vad(clip, config))
    onset = round(utterance.start * RATE)
    before = utterance.audio.samples[: round(0.3 * RATE)]
    assert len(before) == round(0.3 * RATE)
    assert np.array_equal(before, clip.samples[onset - len(before) : onset])
    # Everything the word contains is in the utterance.
    start, end = voiced_span(clip)
    heard = utterance.audio.seconds
    assert utterance.start - 0.3 <= start and utterance.start - 0.3 + heard >= end


def test_speech_in_background_noise_is_still_found(sentence: Audio) -> None:
    clip = mix_noise(concat([silence(1.5, RATE), sentence, silence(2.0, RATE)]), snr_db=15)
    [utterance] = ends(run_vad(clip))
    assert utterance.start == pytest.approx(1.5 + voiced_span(sentence)[0], abs=0.2)


@pytest.mark.parametrize("level", [0.001, 0.01, 0.05, 0.2])
def test_steady_noise_alone_is_never_speech(level: float) -> None:
    rng = np.random.default_rng(7)
    noise = Audio(rng.normal(0.0, level, RATE * 15).astype(np.float32), RATE)
    events = run_vad(noise)
    assert events == []


def test_digital_silence_is_never_speech() -> None:
    assert run_vad(silence(5.0, RATE)) == []


def test_a_click_shorter_than_min_speech_is_discarded() -> None:
    click = Audio(np.full(round(0.08 * RATE), 0.5, dtype=np.float32), RATE)
    rng = np.random.default_rng(1)
    click = Audio(
        click.samples * rng.choice([-1.0, 1.0], len(click.samples)).astype(np.float32), RATE
    )
    clip = concat([silence(1.0, RATE), click, silence(2.0, RATE)])
    events = run_vad(clip, VadConfig(min_speech=0.15))
    assert [type(e) for e in events] == [SpeechStart, SpeechDiscarded]


def test_long_talking_is_cut_at_max_utterance(say: Say) -> None:
    speech = resample(say("one two three four five six seven eight nine ten " * 2), RATE)
    clip = concat([silence(0.5, RATE), speech, silence(1.5, RATE)])
    found = ends(run_vad(clip, VadConfig(max_utterance=2.0)))
    assert found[0].reason == "max_length"
    assert found[0].end - found[0].start == pytest.approx(2.0, abs=0.05)
    assert len(found) >= 2


def test_a_long_pause_splits_two_answers_and_a_short_one_does_not(say: Say) -> None:
    yes = resample(say("yes"), RATE)
    two = resample(say("two"), RATE)
    long_gap = concat([silence(0.5, RATE), yes, silence(1.5, RATE), two, silence(1.5, RATE)])
    short_gap = concat([silence(0.5, RATE), yes, silence(0.3, RATE), two, silence(1.5, RATE)])
    assert len(ends(run_vad(long_gap))) == 2
    assert len(ends(run_vad(short_gap))) == 1


def test_block_size_does_not_change_the_result(sentence: Audio) -> None:
    clip = concat([silence(1.0, RATE), sentence, silence(2.0, RATE)])
    reference = ends(run_vad(clip, block=320))[0]
    for block in (1, 97, 4000):
        other = ends(run_vad(clip, block=block))[0]
        assert (other.start, other.end, other.declared) == (
            reference.start,
            reference.end,
            reference.declared,
        )
        assert np.array_equal(other.audio.samples, reference.audio.samples)


def test_speech_cut_off_by_end_of_input_is_flushed(sentence: Audio) -> None:
    clip = concat([silence(1.0, RATE), sentence])
    [utterance] = ends(run_vad(clip))
    assert utterance.reason == "end_of_input"


def test_eight_khz_telephone_audio_works(sentence: Audio) -> None:
    clip = resample(concat([silence(1.0, RATE), sentence, silence(2.0, RATE)]), 8000)
    [utterance] = ends(run_vad(clip, block=160))
    assert utterance.audio.rate == 8000


@pytest.mark.parametrize(
    "config",
    [
        VadConfig(trailing_silence=0),
        VadConfig(max_utterance=-1),
        VadConfig(pre_roll=-0.1),
        VadConfig(end_margin_db=20, start_margin_db=10),
        VadConfig(noise_percentile=150),
    ],
)
def test_bad_settings_are_refused(config: VadConfig) -> None:
    with pytest.raises(IvrError):
        EnergyVad(RATE, config)


def test_a_block_at_the_wrong_rate_is_refused() -> None:
    with pytest.raises(IvrError, match="8000 Hz"):
        EnergyVad(RATE).feed(silence(0.1, 8000))
