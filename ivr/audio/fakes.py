"""Hardware-free stand-ins for ``AudioOutput`` and ``AudioInput``.

Barge-in logic is about *when* playback stops, which real devices make slow
and flaky to test; ``FakeOutput`` runs on a ``FakeClock`` the test advances,
and records every prompt and where it was cut. ``FakeInput`` feeds a clip in
blocks, as a microphone would, from its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from ivr.audio.pcm import Audio
from ivr.audio.ports import AudioDeviceError, BlockCallback, EndCallback

log = logging.getLogger(__name__)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not run backwards")
        with self._lock:
            self._now += seconds


@dataclass
class PlayRecord:
    """One prompt given to a ``FakeOutput``: when it started and where it was cut."""

    audio: Audio
    started_at: float
    stopped_at: float | None = None
    played_seconds: float | None = None


class FakePlayback:
    """Plays in fake time: ``played_seconds`` is how far the fake clock has moved."""

    def __init__(self, record: PlayRecord, clock: FakeClock) -> None:
        self.record = record
        self._clock = clock

    @property
    def _elapsed(self) -> float:
        return min(self.record.audio.seconds, self._clock() - self.record.started_at)

    @property
    def done(self) -> bool:
        return self.record.played_seconds is not None or self._elapsed >= self.record.audio.seconds

    @property
    def played_seconds(self) -> float:
        if self.record.played_seconds is not None:
            return self.record.played_seconds
        return self._elapsed

    def stop(self) -> float:
        if self.record.played_seconds is None:
            self.record.played_seconds = self._elapsed
            self.record.stopped_at = self._clock()
        return self.record.played_seconds

    def wait(self, timeout: float | None = None) -> bool:
        """Let fake time run to the end of the prompt, or by ``timeout`` at most."""
        if self.done:
            return True
        remaining = self.record.audio.seconds - self._elapsed
        self._clock.advance(remaining if timeout is None else min(timeout, remaining))
        return self.done


class FakeOutput:
    """Records what was played and when it was stopped, on a fake clock."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.plays: list[PlayRecord] = []

    def play(self, audio: Audio) -> FakePlayback:
        record = PlayRecord(audio=audio, started_at=self.clock())
        self.plays.append(record)
        return FakePlayback(record, self.clock)


class FakeInput:
    """A microphone that says ``audio`` (then ``tail`` seconds of silence) and ends.

    ``pace`` 1.0 delivers in real time, 0 as fast as possible. ``fail_after``
    simulates a device vanishing after that many seconds of audio.
    """

    def __init__(
        self,
        audio: Audio,
        *,
        block_size: int | None = None,
        tail: float = 0.0,
        pace: float = 0.0,
        fail_after: float | None = None,
    ) -> None:
        pad = np.zeros(round(tail * audio.rate), dtype=np.float32)
        self._samples = np.concatenate([audio.samples.astype(np.float32), pad])
        self._rate = audio.rate
        self._block_size = block_size or max(1, audio.rate // 50)
        self._pace = pace
        self._fail_after = fail_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def rate(self) -> int:
        return self._rate

    @property
    def block_size(self) -> int:
        return self._block_size

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(on_block, on_end), name="ivr-fake-input", daemon=True
        )
        self._thread.start()

    def _run(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        size = self._block_size
        began = time.monotonic()
        for start in range(0, len(self._samples), size):
            if self._stop.is_set():
                return
            if self._fail_after is not None and start / self._rate >= self._fail_after:
                on_end(AudioDeviceError("fake input device vanished"))
                return
            block = self._samples[start : start + size]
            if len(block) < size:
                block = np.concatenate([block, np.zeros(size - len(block), dtype=np.float32)])
            if self._pace > 0:
                due = began + self._pace * start / self._rate
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    return
            on_block(Audio(block, self._rate))
        if not self._stop.is_set():
            on_end(None)

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
            if thread.is_alive():
                log.warning("fake input thread did not stop within 2 s")
