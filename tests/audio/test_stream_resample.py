"""Block-by-block resampling: independent of block sizes, and true to the signal."""

from __future__ import annotations

import numpy as np
import pytest

from ivr.audio.pcm import FloatArray
from ivr.audio.stream_resample import StreamResampler

PAIRS = [(44100, 16000), (48000, 16000), (16000, 44100), (8000, 16000), (22050, 8000)]


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


@pytest.mark.parametrize(("rate_in", "rate_out"), PAIRS)
def test_block_sizes_do_not_change_the_output(rate_in: int, rate_out: int) -> None:
    signal = np.random.default_rng(3).normal(0.0, 0.1, rate_in).astype(np.float32)
    one = stream(signal, rate_in, rate_out, seed=1)
    other = stream(signal, rate_in, rate_out, seed=2)
    assert len(one) == round(len(signal) * rate_out / rate_in)
    assert np.array_equal(one, other)


def tones(times: np.ndarray) -> FloatArray:
    waves = sum(0.2 * np.sin(2 * np.pi * f * times + f) for f in (300.0, 1100.0, 2900.0))
    return np.asarray(waves, dtype=np.float32)


@pytest.mark.parametrize(("rate_in", "rate_out"), PAIRS)
def test_streamed_speech_band_tones_come_out_as_the_same_tones(rate_in: int, rate_out: int) -> None:
    signal = tones(np.arange(rate_in) / rate_in)
    streamed = stream(signal, rate_in, rate_out, seed=4)
    expected = tones(np.arange(len(streamed)) / rate_out)
    inner = slice(rate_out // 20, -rate_out // 20)  # the clip edges differ by design
    assert np.max(np.abs(streamed[inner] - expected[inner])) < 0.01


def test_equal_rates_pass_blocks_through() -> None:
    block = np.linspace(-1, 1, 100, dtype=np.float32)
    assert np.array_equal(StreamResampler(16000, 16000).push(block), block)


def test_output_lags_by_the_announced_delay_only() -> None:
    resampler = StreamResampler(44100, 16000)
    out = resampler.push(np.zeros(44100, dtype=np.float32))
    missing = 16000 - len(out)
    assert 0 <= missing <= resampler.delay_seconds * 16000 + 1
