"""Where, on the microphone's timeline, the speaker's prompt comes back: the
reference the echo canceller (``ivr.audio.echo_cancel``) subtracts.

The stream clocks (PortAudio's DAC and ADC times) put a click within ~1 ms of
where it was captured once the streams had run a while; but the first prompt
after a microphone opened on a PulseAudio monitor came back 0.5-1.1 s later
than they said, drifting while the capture stream settled, and the canceller
then took 0.6 dB out instead of 17. So the clocks are only the first guess:
while a prompt plays, the microphone is matched against it (cross-correlation),
and a clearly better match moves the reference there. Until a window of a
prompt's own echo is found where the delay in use says (or no echo of it is
found at all) the microphone is held down while it plays, so an unplaced echo
cannot pass for the caller: voice barge-in waits for that, 0.5-0.75 s into
each prompt (keys interrupt at once).

numpy only; nothing here touches a device.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from ivr.audio.pcm import FloatArray

log = logging.getLogger(__name__)

#: The delay check: the last WINDOW of microphone against the reference, every
#: EVERY seconds, for echoes up to MAX_LAG early or late; a match counts when
#: the two correlate at least MIN_CORRELATION there.
WINDOW = 0.5
EVERY = 0.25
MAX_LAG = 1.5
MIN_CORRELATION = 0.4
#: A new delay is taken when it matches better by BETTER than the one in use,
#: and lies further than MOVE from it: a check wanders by ±3 ms, every move
#: makes the canceller adapt afresh (moving on each wander took a second
#: prompt from 17 dB down to 11), and a reference up to ±15 ms off costs
#: little. (Taking any clear peak once moved a right delay to a wrong one,
#: 54 ms off, in the middle of a prompt.)
BETTER = 0.1
MOVE = 0.008
#: Checks in a row that find the prompt playing but no echo of it: no echo
#: (two were too few: an echo drifting while a monitor stream settles matched none).
NO_ECHO_CHECKS = 4
#: How long a finished prompt stays readable (the delay check looks back).
KEEP_SECONDS = WINDOW + 2 * MAX_LAG + 1.0


class ReferenceTimeline:
    """What the speaker played, at the line rate, on the ``time.monotonic()`` clock.

    Each prompt is kept whole with the moment it is heard from, and cut where a
    barge-in stopped it; a read of a time nothing was played at is silence.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._prompts: list[tuple[int, FloatArray]] = []  # (first sample's index, samples)
        self._lock = threading.Lock()

    def place(self, samples: FloatArray, start: float) -> None:
        """Record that ``samples`` are heard from time ``start`` on."""
        with self._lock:
            self._prompts.append((round(start * self.rate), samples))

    def cut(self, at: float) -> None:
        """Playback stopped at ``at``: what was queued after it is never heard."""
        stop = round(at * self.rate)
        with self._lock:
            self._prompts = [(first, s[: max(0, stop - first)]) for first, s in self._prompts]

    def take(self, start: float, count: int) -> FloatArray:
        first = round(start * self.rate)
        out = np.zeros(count, dtype=np.float32)
        with self._lock:
            keep = first - round(KEEP_SECONDS * self.rate)
            self._prompts = [(f, s) for f, s in self._prompts if f + len(s) > keep]
            for begin, samples in self._prompts:
                lo, hi = max(first, begin), min(first + count, begin + len(samples))
                if lo < hi:
                    out[lo - first : hi - first] += samples[lo - begin : hi - begin]
        return out

    def playing(self, at: float, margin: float) -> bool:
        """Whether a prompt is heard within ``margin`` seconds of ``at``."""
        index, pad = round(at * self.rate), round(margin * self.rate)
        with self._lock:
            return any(f - pad <= index < f + len(s) + pad for f, s in self._prompts)


class DelayEstimator:
    """How late the echo comes against the stream clocks' prediction (see the module)."""

    def __init__(self, rate: int, timeline: ReferenceTimeline) -> None:
        self.rate = rate
        self.timeline = timeline
        self.seconds = 0.0  # the echo's lateness in use
        #: False from a prompt's start, and after each move, until its echo is
        #: found where the delay in use says (or found absent).
        self.settled = True
        self.moves = 0  # how often the delay moved: the canceller starts afresh on each
        self._window = round(WINDOW * rate)
        self._every = round(EVERY * rate)
        self._lag = round(MAX_LAG * rate)
        self._history = np.zeros(0, dtype=np.float32)
        self._since = 0
        self._misses = 0
        self._prompt_from = 0.0

    def restart(self, heard_from: float) -> None:
        """A prompt is heard from ``heard_from``: its delay is to be confirmed, on a
        window of its own echo, before the microphone is trusted. (A window still
        holding the previous prompt confirmed the delay at once, and the new
        prompt's first words came through the canceller 5 dB down.)"""
        self.settled = False
        self._misses = 0
        self._prompt_from = heard_from

    def push(self, samples: FloatArray, captured: float) -> None:
        """Microphone ``samples`` captured from ``captured`` on; checks every EVERY seconds."""
        self._history = np.concatenate([self._history, samples])[-self._window :]
        self._since += len(samples)
        if self._since >= self._every and len(self._history) == self._window:
            self._since = 0
            end = captured + len(samples) / self.rate
            if end - WINDOW < self._prompt_from + self.seconds:
                return
            reference = self.timeline.take(end - WINDOW - MAX_LAG, self._window + 2 * self._lag)
            if np.any(reference) and np.any(self._history):
                self._consider(self.estimate(self._history, reference))

    def _consider(self, match: tuple[float, float, float]) -> None:
        found, best, near = match
        if best < MIN_CORRELATION:
            self._misses += 1
            if self._misses >= NO_ECHO_CHECKS and not self.settled:
                log.debug("no echo of the prompt found")
                self.settled = True
            return
        self._misses = 0
        if abs(found - self.seconds) > MOVE and best > near + BETTER:
            log.debug("echo delay %.1f ms (was %.1f)", 1000 * found, 1000 * self.seconds)
            self.seconds = found
            self.moves += 1
            self.settled = False  # until the next check finds it there again
        elif near >= MIN_CORRELATION:
            self.settled = True

    def estimate(self, mic: FloatArray, reference: FloatArray) -> tuple[float, float, float]:
        """The lateness at which ``mic`` best matches ``reference`` (which starts
        MAX_LAG before it and ends MAX_LAG after), how well it matches there
        (correlation), and how well at the best lateness within MOVE of the one
        in use (at exactly the one in use, a real prompt 1.1 ms off correlated
        -0.6 to 0.2 while 1.0 at its peak: speech decorrelates within a few samples).

        Phase-transform weighting (GCC-PHAT) for a sharp peak whatever the
        prompt's spectrum; the plain correlation says how good a match is.
        """
        size = 1 << (len(reference) + len(mic)).bit_length()
        spectrum = np.conj(np.fft.rfft(mic, size)) * np.fft.rfft(reference, size)
        weighted = np.fft.irfft(spectrum / (np.abs(spectrum) + 1e-9), size)[: 2 * self._lag + 1]
        shift = int(np.argmax(weighted))  # mic[i] matches reference[i + shift]
        in_use = self._lag - round(self.seconds * self.rate)
        reach = round(MOVE * self.rate)
        low, high = max(in_use - reach, 0), min(in_use + reach + 1, len(weighted))
        near = low + int(np.argmax(weighted[low:high])) if low < high else shift
        return (
            (self._lag - shift) / self.rate,
            _correlation(mic, reference[shift : shift + len(mic)]),
            _correlation(mic, reference[near : near + len(mic)]),
        )


def _correlation(a: FloatArray, b: FloatArray) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm > 0.0 else 0.0
