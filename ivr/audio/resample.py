"""The one resampler: whole clips (prompts, recordings, recogniser input) and live streams.

Every engine wants its own rate (espeak-ng writes 22.05 kHz, telephone lines
carry 8 kHz, the recognisers want 16 kHz, sound cards run at 44.1 or 48 kHz).
A microphone delivers blocks, and an FFT over each block would ring at every
block edge, so the filter is a finite kernel whose history is kept across
blocks: a Hann-windowed sinc with ``HALF_WIDTH`` zero crossings each side.
Going down, its cut-off follows the new Nyquist frequency (no aliasing) and
the kernel widens to keep the same number of zero crossings.

A whole clip is the stream fed as one block and flushed, so a prompt
converted at once and the same prompt streamed in any block sizes come out
the same; there is no second filter to drift from the first.

For the rational ratios in use, the kernel only takes ``up`` distinct
fractional positions; their taps are computed once per pair of rates and
cached, leaving a gather and a dot product per output sample (a ``cos`` and a
``sinc`` per tap per sample cost 0.02-0.07 s per second of audio, a third of
the recogniser's budget).
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
import numpy.typing as npt

from ivr.audio.pcm import Audio, AudioError, FloatArray

#: Zero crossings of the sinc on each side of the centre tap.
HALF_WIDTH = 16
#: Above this many phases (odd rate pairs) a table would cost more than it saves.
_MAX_PHASES = 2048
#: Input samples gathered at once (rows x taps): bounds memory on long clips.
_GATHER = 1 << 19

IntArray = npt.NDArray[np.int64]


class _Kernel:
    """The filter between one pair of rates, with its phase table when that pays."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        g = gcd(in_rate, out_rate)
        self.up, self.down = out_rate // g, in_rate // g
        self.cutoff = min(1.0, self.up / self.down)
        self.half = HALF_WIDTH if self.cutoff == 1.0 else int(np.ceil(HALF_WIDTH / self.cutoff))
        self.taps: IntArray = np.arange(-self.half + 1, self.half + 1, dtype=np.int64)
        self._table = self._taps_at(np.arange(self.up)) if self.up <= _MAX_PHASES else None

    def _taps_at(self, phase: IntArray) -> FloatArray:
        """Kernel values for outputs that fall ``phase / up`` of the way between inputs."""
        offsets = self.taps[None, :].astype(np.float64) - (phase / self.up)[:, None]
        window = 0.5 + 0.5 * np.cos(np.pi * offsets / (self.half + 1))
        kernel = self.cutoff * np.sinc(self.cutoff * offsets) * window
        return kernel.astype(np.float32)

    def source(self, index: int) -> int:
        """The input sample at or just before output ``index``."""
        return index * self.down // self.up

    def apply(self, buffer: FloatArray, buffer_start: int, first: int, count: int) -> FloatArray:
        """Outputs ``first`` .. ``first + count - 1``; ``buffer[0]`` is input ``buffer_start``.

        The buffer must hold every input those outputs reach; outputs are
        computed independently, so how a stream is cut into calls does not
        change a single value.
        """
        out = np.empty(count, dtype=np.float32)
        step = max(1, _GATHER // len(self.taps))
        for at in range(0, count, step):
            n = np.arange(first + at, first + min(at + step, count), dtype=np.int64)
            scaled = n * self.down
            phase = scaled % self.up
            idx = (scaled // self.up)[:, None] + self.taps[None, :] - buffer_start
            rows = self._table[phase] if self._table is not None else self._taps_at(phase)
            out[at : at + len(n)] = np.einsum("ij,ij->i", buffer[idx], rows)
        return out


@lru_cache(maxsize=32)
def _kernel(in_rate: int, out_rate: int) -> _Kernel:
    return _Kernel(in_rate, out_rate)


class StreamResampler:
    """Converts a stream from ``in_rate`` to ``out_rate`` as blocks arrive.

    The output lags the input by ``delay_seconds`` (the kernel's half width,
    1-3 ms): an output sample is only final once the input it reaches has
    arrived. Before the stream began, and after ``flush()``, the input counts
    as silence.
    """

    def __init__(self, in_rate: int, out_rate: int) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"rates must be positive, got {in_rate} and {out_rate}")
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._kernel = _kernel(in_rate, out_rate)
        self._reset()

    def _reset(self) -> None:
        half = self._kernel.half
        # The silence before the stream, so the first outputs need no special case.
        self._buffer: FloatArray = np.zeros(half, dtype=np.float32)
        self._buffer_start = -half  # stream index of _buffer[0]
        self._received = 0  # input samples pushed so far
        self._next_out = 0  # index of the next output sample

    @property
    def delay_seconds(self) -> float:
        """How far the output lags the input, in seconds."""
        return self._kernel.half / self.in_rate

    def push(self, samples: FloatArray) -> FloatArray:
        """Add input samples; return the output samples that are now final."""
        block = samples.astype(np.float32, copy=False)
        if self.in_rate == self.out_rate:
            return block
        self._buffer = np.concatenate([self._buffer, block])
        self._received += len(block)
        # Output j reaches input source(j) + half, which must have arrived.
        last_input = self._received - 1 - self._kernel.half
        ready = 0 if last_input < 0 else -(-(last_input + 1) * self._kernel.up // self._kernel.down)
        return self._produce(ready - self._next_out)

    def flush(self) -> FloatArray:
        """Emit what is left, as if the stream were followed by silence; then start afresh."""
        if self.in_rate == self.out_rate:
            return np.zeros(0, dtype=np.float32)
        kernel = self._kernel
        total = round(self._received * kernel.up / kernel.down)
        count = max(0, total - self._next_out)
        if count:
            reach = kernel.source(total - 1) + kernel.half + 1  # one past the last input needed
            missing = reach - (self._buffer_start + len(self._buffer))
            if missing > 0:
                self._buffer = np.concatenate([self._buffer, np.zeros(missing, np.float32)])
        out = self._produce(count)
        self._reset()
        return out

    def _produce(self, count: int) -> FloatArray:
        if count <= 0:
            return np.zeros(0, dtype=np.float32)
        kernel = self._kernel
        out = kernel.apply(self._buffer, self._buffer_start, self._next_out, count)
        self._next_out += count
        # Drop input no later output can reach.
        drop = kernel.source(self._next_out) - kernel.half + 1 - self._buffer_start
        if drop > 0:
            self._buffer = self._buffer[drop:]
            self._buffer_start += drop
        return out


def resample(audio: Audio, rate: int) -> Audio:
    """``audio`` at ``rate``: the stream resampler fed the whole clip as one block."""
    if rate <= 0 or audio.rate <= 0:
        raise AudioError(f"cannot resample from {audio.rate} Hz to {rate} Hz")
    if rate == audio.rate:
        return audio
    if len(audio.samples) == 0:
        return Audio(audio.samples, rate)
    stream = StreamResampler(audio.rate, rate)
    return Audio(np.concatenate([stream.push(audio.samples), stream.flush()]), rate)
