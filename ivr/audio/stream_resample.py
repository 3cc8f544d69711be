"""Resampling of a live stream, block by block, without clicks at block edges.

``ivr.audio.pcm.resample`` converts a whole clip (through the FFT, which
needs the whole signal: cut into 20 ms blocks it would ring at every block
edge). A microphone delivers blocks, so this is a small windowed-sinc
resampler that keeps the filter's history across blocks: the output is the
same whatever the block sizes, at the price of a look-ahead of
``delay_seconds`` (the filter's half width, about 1-3 ms).
"""

from __future__ import annotations

import math

import numpy as np

from ivr.audio.pcm import FloatArray


class StreamResampler:
    """Converts a stream from ``in_rate`` to ``out_rate`` as blocks arrive."""

    def __init__(self, in_rate: int, out_rate: int, half_width: int = 16) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"rates must be positive, got {in_rate} and {out_rate}")
        self.in_rate = in_rate
        self.out_rate = out_rate
        # Going down, the cut-off follows the new Nyquist frequency (no aliasing),
        # and the kernel widens to keep the same number of zero crossings.
        self._cutoff = min(1.0, out_rate / in_rate)
        self._half = half_width if self._cutoff == 1.0 else math.ceil(half_width / self._cutoff)
        self._taps = np.arange(-self._half + 1, self._half + 1)
        self._buffer: FloatArray = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0  # stream index of _buffer[0]
        self._received = 0  # input samples pushed so far
        self._next_out = 0  # index of the next output sample

    @property
    def delay_seconds(self) -> float:
        """How far the output lags the input, in seconds."""
        return self._half / self.in_rate

    def _position(self, index: int) -> tuple[int, float]:
        """Input position of output sample ``index``: whole part and fraction."""
        scaled = index * self.in_rate
        return scaled // self.out_rate, (scaled % self.out_rate) / self.out_rate

    def push(self, samples: FloatArray) -> FloatArray:
        """Add input samples; return the output samples that are now final."""
        if self.in_rate == self.out_rate:
            return samples.astype(np.float32, copy=False)
        block = samples.astype(np.float32, copy=False)
        self._buffer = np.concatenate([self._buffer, block])
        self._received += len(block)
        return self._produce(self._received)

    def _produce(self, available: int) -> FloatArray:
        # Output j needs input up to floor(pos_j) + half; count how many are ready.
        last_ready = (available - self._half) * self.out_rate
        count = max(0, -(-last_ready // self.in_rate) - self._next_out)
        if count == 0:
            return np.zeros(0, dtype=np.float32)
        indexes = np.arange(self._next_out, self._next_out + count, dtype=np.int64)
        scaled = indexes * self.in_rate
        base = scaled // self.out_rate
        frac = (scaled % self.out_rate) / self.out_rate
        offsets = self._taps[None, :] - frac[:, None]
        window = 0.5 + 0.5 * np.cos(np.pi * offsets / (self._half + 1))
        kernel = self._cutoff * np.sinc(self._cutoff * offsets) * window
        source = base[:, None] + self._taps[None, :] - self._buffer_start
        # Before the stream began the input counts as silence.
        history = max(0, -int(source.min()))
        padded = np.concatenate([np.zeros(history, dtype=np.float64), self._buffer])
        values = padded[source + history]
        out: FloatArray = np.sum(values * kernel, axis=1).astype(np.float32)
        self._next_out += count
        # Drop input no future output can reach.
        keep_from, _ = self._position(self._next_out)
        drop = max(0, keep_from - self._half + 1 - self._buffer_start)
        if drop:
            self._buffer = self._buffer[drop:]
            self._buffer_start += drop
        return out

    def flush(self) -> FloatArray:
        """Emit what is left, as if the stream were followed by silence."""
        if self.in_rate == self.out_rate:
            return np.zeros(0, dtype=np.float32)
        total = round(self._received * self.out_rate / self.in_rate)
        self._buffer = np.concatenate([self._buffer, np.zeros(2 * self._half, dtype=np.float32)])
        out = self._produce(self._received + 2 * self._half)
        return out[: max(0, total - (self._next_out - len(out)))]
