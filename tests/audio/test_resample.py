"""The one resampler: streamed in any block sizes it gives the whole-clip output, and
it is true to the signal at every rate pair the project meets."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from ivr.audio.pcm import Audio, AudioError, FloatArray
from ivr.audio.resample import StreamResampler, resample

RATES = [8000, 16000, 22050, 44100, 48000]
ALL_PAIRS = list(itertools.permutations(RATES, 2))
DOWN_PAIRS = [(a, b) for a, b in ALL_PAIRS if a > b]
#: Tones above the new Nyquist frequency (as a multiple of it) that the input can carry.
FOLDING = [(a, b, x) for a, b in DOWN_PAIRS for x in (1.1, 1.25, 1.5, 1.9) if x * b < a]


def stream(signal: FloatArray, rate_in: int, rate_out: int, seed: int) -> FloatArray:
    rng = np.random.default_rng(seed)
    resampler = StreamResampler(rate_in, rate_out)
    pieces, at = [], 0
    while at < len(signal):
        size = int(rng.integers(1, 2000))
        pieces.append(resampler.push(signal[at : at + size]))
        at += size
    pieces.append(resampler.flush())
    return np.concatenate(pieces)


def noise(rate: int, seconds: float = 0.5, seed: int = 3) -> FloatArray:
    return np.random.default_rng(seed).normal(0.0, 0.1, round(rate * seconds)).astype(np.float32)


def sine(freq: float, rate: int, seconds: float = 1.0, amplitude: float = 0.5) -> Audio:
    t = np.arange(round(rate * seconds)) / rate
    return Audio((amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate)


def inner(samples: FloatArray) -> FloatArray:
    """Away from the clip edges, where the silence before and after the clip is heard."""
    return samples[len(samples) // 10 : -len(samples) // 10]


def rms_dbfs(samples: FloatArray) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * math.log10(max(rms, 1e-12))


@pytest.mark.parametrize(("rate_in", "rate_out"), ALL_PAIRS)
def test_streaming_in_any_block_sizes_gives_the_whole_clip_output(
    rate_in: int, rate_out: int
) -> None:
    signal = noise(rate_in)
    whole = resample(Audio(signal, rate_in), rate_out).samples
    one = stream(signal, rate_in, rate_out, seed=1)
    other = stream(signal, rate_in, rate_out, seed=2)
    assert len(whole) == len(one) == len(other) == round(len(signal) * rate_out / rate_in)
    np.testing.assert_allclose(one, whole, rtol=0, atol=1e-6)
    np.testing.assert_allclose(other, whole, rtol=0, atol=1e-6)


def test_streaming_one_sample_at_a_time_gives_the_whole_clip_output() -> None:
    signal = noise(22050, seconds=0.1)
    resampler = StreamResampler(22050, 8000)
    pieces = [resampler.push(signal[i : i + 1]) for i in range(len(signal))]
    streamed = np.concatenate([*pieces, resampler.flush()])
    np.testing.assert_allclose(streamed, resample(Audio(signal, 22050), 8000).samples, atol=1e-6)


def test_a_flushed_resampler_starts_a_new_stream() -> None:
    signal = noise(44100, seconds=0.2)
    resampler = StreamResampler(44100, 16000)
    first = np.concatenate([resampler.push(signal), resampler.flush()])
    again = np.concatenate([resampler.push(signal), resampler.flush()])
    assert np.array_equal(first, again)


@pytest.mark.parametrize(("rate_in", "rate_out"), [*ALL_PAIRS, (11025, 16000), (16000, 11025)])
def test_a_tone_keeps_its_frequency_level_and_timing(rate_in: int, rate_out: int) -> None:
    out = resample(sine(1000.0, rate_in), rate_out)
    assert out.rate == rate_out and len(out.samples) == rate_out
    expected = sine(1000.0, rate_out).samples
    assert float(np.max(np.abs(inner(out.samples) - inner(expected)))) < 0.01
    spectrum = np.abs(np.fft.rfft(out.samples * np.hanning(len(out.samples))))
    peak_hz = float(np.argmax(spectrum)) * rate_out / len(out.samples)
    assert abs(peak_hz - 1000.0) <= 1.0


@pytest.mark.parametrize(("rate_in", "rate_out", "above_nyquist"), FOLDING)
def test_what_the_new_rate_cannot_carry_does_not_fold_back(
    rate_in: int, rate_out: int, above_nyquist: float
) -> None:
    freq = above_nyquist * rate_out / 2
    out = resample(sine(freq, rate_in), rate_out)
    # The kernel's transition band is the last 5% either side of the new Nyquist
    # frequency; from 10% above it everything is at least 45 dB down.
    assert rms_dbfs(inner(out.samples)) < rms_dbfs(sine(freq, rate_in).samples) - 45


@pytest.mark.parametrize(("rate_in", "rate_out"), DOWN_PAIRS)
def test_the_speech_band_passes_untouched_when_going_down(rate_in: int, rate_out: int) -> None:
    freq = 0.9 * rate_out / 2  # 3.6 kHz on an 8 kHz line
    out = resample(sine(freq, rate_in), rate_out)
    assert abs(rms_dbfs(inner(out.samples)) - rms_dbfs(sine(freq, rate_in).samples)) < 0.1


def tones(times: np.ndarray) -> FloatArray:
    waves = sum(0.2 * np.sin(2 * np.pi * f * times + f) for f in (300.0, 1100.0, 2900.0))
    return np.asarray(waves, dtype=np.float32)


@pytest.mark.parametrize(("rate_in", "rate_out"), ALL_PAIRS)
def test_streamed_speech_band_tones_come_out_as_the_same_tones(rate_in: int, rate_out: int) -> None:
    signal = tones(np.arange(rate_in) / rate_in)
    streamed = stream(signal, rate_in, rate_out, seed=4)
    expected = tones(np.arange(len(streamed)) / rate_out)
    edge = slice(rate_out // 20, -rate_out // 20)  # the clip edges differ by design
    assert np.max(np.abs(streamed[edge] - expected[edge])) < 0.01


def test_odd_rate_pairs_without_a_phase_table_still_convert_true() -> None:
    out = resample(sine(440.0, 44100), 8017)  # 8017 is prime: 8017 phases
    assert len(out.samples) == 8017
    expected = sine(440.0, 8017).samples
    assert float(np.max(np.abs(inner(out.samples) - inner(expected)))) < 0.01


def test_equal_rates_pass_blocks_and_clips_through() -> None:
    block = np.linspace(-1, 1, 100, dtype=np.float32)
    assert np.array_equal(StreamResampler(16000, 16000).push(block), block)
    clip = Audio(block, 16000)
    assert resample(clip, 16000) is clip


def test_an_empty_clip_only_changes_its_rate() -> None:
    out = resample(Audio(np.zeros(0, dtype=np.float32), 22050), 8000)
    assert out.rate == 8000 and len(out.samples) == 0


@pytest.mark.parametrize(("rate_in", "rate_out"), [(16000, 0), (0, 16000), (16000, -8000)])
def test_non_positive_rates_are_refused(rate_in: int, rate_out: int) -> None:
    with pytest.raises(AudioError, match="cannot resample"):
        resample(Audio(np.zeros(10, dtype=np.float32), rate_in), rate_out)
    with pytest.raises(ValueError, match="rates must be positive"):
        StreamResampler(rate_in, rate_out)


def test_output_lags_by_the_announced_delay_only() -> None:
    resampler = StreamResampler(44100, 16000)
    out = resampler.push(np.zeros(44100, dtype=np.float32))
    missing = 16000 - len(out)
    assert 0 < missing <= resampler.delay_seconds * 16000 + 1
