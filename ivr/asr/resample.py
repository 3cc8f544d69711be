"""A polyphase resampler fast enough to keep speech recognition real-time.

``ivr.audio.pcm.resample`` evaluates its windowed-sinc kernel afresh for every
output sample (a ``cos`` and a ``sinc`` per tap), which costs 0.02-0.07 s per
second of audio: a third of the decoder's whole budget. For the rational
ratios telephones and TTS engines use (8000, 11025, 22050, 44100, 48000 ->
16000) the kernel only takes ``L`` distinct phases, so they are computed once
and cached; what is left per sample is a gather and a dot product.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
import numpy.typing as npt

from ivr.audio.pcm import Audio, resample

_HALF_WIDTH = 16
_MAX_PHASES = 2048


@lru_cache(maxsize=16)
def _phase_table(up: int, down: int) -> tuple[npt.NDArray[np.float32], int]:
    """Kernel taps for each of the ``up`` fractional positions, like ``pcm.resample``'s."""
    ratio = up / down
    cutoff = min(1.0, ratio)
    half = _HALF_WIDTH if cutoff == 1.0 else int(np.ceil(_HALF_WIDTH / cutoff))
    taps = np.arange(-half + 1, half + 1, dtype=np.float64)
    frac = np.arange(up, dtype=np.float64) / up
    offsets = taps[None, :] - frac[:, None]
    window = 0.5 + 0.5 * np.cos(np.pi * offsets / (half + 1))
    kernel = cutoff * np.sinc(cutoff * offsets) * window
    return kernel.astype(np.float32), half


def fast_resample(audio: Audio, rate: int) -> Audio:
    """Resample like ``pcm.resample`` (same filter), reusing the kernel phases."""
    if rate == audio.rate or len(audio.samples) == 0:
        return audio if rate == audio.rate else Audio(audio.samples, rate)
    if rate <= 0:
        return resample(audio, rate)  # raises the library's own error
    g = gcd(rate, audio.rate)
    up, down = rate // g, audio.rate // g
    if up > _MAX_PHASES:
        return resample(audio, rate)
    table, half = _phase_table(up, down)
    n_out = round(len(audio.samples) * up / down)
    src = audio.samples.astype(np.float32)
    padded = np.concatenate([np.zeros(half, np.float32), src, np.zeros(half + 1, np.float32)])
    out = np.empty(n_out, dtype=np.float32)
    taps = np.arange(-half + 1, half + 1)
    chunk = 16384
    for start in range(0, n_out, chunk):
        n = np.arange(start, min(start + chunk, n_out), dtype=np.int64)
        base = (n * down) // up
        phase = (n * down) % up
        idx = base[:, None] + taps[None, :] + half
        out[start : start + len(n)] = np.einsum("ij,ij->i", padded[idx], table[phase])
    return Audio(out, rate)
