"""Listening to the caller: microphone blocks in, utterances and level readings out.

The audio source calls back on its own thread; this glue moves blocks onto
the consumer's thread through a queue, runs the speech detector there, and
yields events: ``Level`` readings for a live meter, ``SpeechStarted`` (the
moment to cut a prompt when speech barge-in is on) and ``Utterance`` (what
goes to the recogniser). ``stop()`` may be called from any thread, e.g. a
keypad handler or a signal handler, and ends the iteration promptly.

A source that stops delivering blocks (audio server gone, device unplugged
without a callback) is caught by a stall timeout rather than waited on forever.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import numpy as np

from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.ports import AudioDeviceError, AudioInput
from ivr.audio.vad import (
    EnergyVad,
    SpeechDetector,
    SpeechDiscarded,
    SpeechEnd,
    SpeechStart,
    VadConfig,
)

log = logging.getLogger(__name__)

#: How often the consumer wakes to notice ``stop()`` when no audio arrives.
_POLL = 0.05


@dataclass(frozen=True)
class Level:
    """Loudness of recent audio in dBFS (-inf for digital silence); ``at`` in stream seconds."""

    dbfs: float
    at: float


@dataclass(frozen=True)
class SpeechStarted:
    """The caller started talking at ``at`` (stream seconds); ``wall`` is ``time.monotonic()``."""

    at: float
    wall: float


@dataclass(frozen=True)
class SpeechCancelled:
    """The sound reported by the last ``SpeechStarted`` was too short to be speech."""

    at: float


@dataclass(frozen=True)
class Utterance:
    """One utterance: ``audio`` (with pre-roll), the loud part's ``start``/``end``
    in stream seconds, and ``declared_wall``, the ``time.monotonic()`` at which
    its end was decided (for latency measurements)."""

    audio: Audio
    start: float
    end: float
    declared_wall: float
    reason: str


@dataclass(frozen=True)
class SpeechAudio:
    """A block heard while the caller is talking, for live partial results."""

    audio: Audio


CaptureEvent = Level | SpeechStarted | SpeechCancelled | SpeechAudio | Utterance

_End = object()


class Capture:
    """Runs ``source`` through a speech detector (``detector``, else an ``EnergyVad``
    tuned by ``vad``); iterate ``events()`` or ``utterances()``."""

    def __init__(
        self,
        source: AudioInput,
        vad: VadConfig | None = None,
        *,
        level_interval: float = 0.1,
        stall_timeout: float = 3.0,
        detector: SpeechDetector | None = None,
    ) -> None:
        if stall_timeout <= 0:
            raise ValueError("stall_timeout must be positive")
        self.source = source
        if detector is not None and detector.rate != source.rate:
            raise ValueError(f"detector runs at {detector.rate} Hz, the source at {source.rate}")
        self.vad: SpeechDetector = detector or EnergyVad(source.rate, vad)
        self.level_interval = level_interval
        self.stall_timeout = stall_timeout
        self._queue: queue.Queue[object] = queue.Queue()
        self._stop = threading.Event()
        self._running = False

    def stop(self) -> None:
        """Ask ``events()`` to end; safe from any thread, returns at once."""
        self._stop.set()
        self._queue.put(_End)

    def _on_block(self, block: Audio) -> None:
        self._queue.put(block)

    def _on_end(self, error: AudioDeviceError | None) -> None:
        self._queue.put(error if error is not None else _End)

    def events(self) -> Generator[CaptureEvent, None, None]:
        """Start the source, yield events until ``stop()`` or the source ends, then stop it.

        Raises ``AudioDeviceError`` when the source fails or stalls.
        """
        if self._running:
            raise AudioDeviceError("this capture is already running")
        self._running = True
        self._stop.clear()
        self.source.start(self._on_block, self._on_end)
        try:
            yield from self._loop()
        finally:
            self.source.stop()
            self._running = False

    def _loop(self) -> Iterator[CaptureEvent]:
        rate = self.source.rate
        meter_size = max(1, round(self.level_interval * rate))
        meter: list[FloatArray] = []
        metered = 0
        fed = 0
        last_block = time.monotonic()
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=_POLL)
            except queue.Empty:
                if time.monotonic() - last_block > self.stall_timeout:
                    raise AudioDeviceError(
                        f"no audio from the input for {self.stall_timeout:g} s",
                        "the device may have been unplugged or its audio server stopped",
                    ) from None
                continue
            if item is _End:
                if not self._stop.is_set():
                    yield from self._convert(self.vad.flush())
                return
            if isinstance(item, AudioDeviceError):
                raise item
            if not isinstance(item, Audio):  # pragma: no cover - only our callbacks fill it
                raise TypeError(f"unexpected item in capture queue: {item!r}")
            last_block = time.monotonic()
            fed += len(item.samples)
            meter.append(item.samples)
            metered += len(item.samples)
            if metered >= meter_size:
                yield Level(Audio(np.concatenate(meter), rate).rms_dbfs(), fed / rate)
                meter.clear()
                metered = 0
            yield from self._convert(self.vad.feed(item))
            if self.vad.in_speech:
                yield SpeechAudio(item)

    def _convert(
        self, events: list[SpeechStart | SpeechEnd | SpeechDiscarded]
    ) -> Iterator[CaptureEvent]:
        for event in events:
            if isinstance(event, SpeechStart):
                yield SpeechStarted(event.at, time.monotonic())
            elif isinstance(event, SpeechDiscarded):
                yield SpeechCancelled(event.at)
            else:
                yield Utterance(event.audio, event.start, event.end, time.monotonic(), event.reason)

    def utterances(self, limit: int | None = None) -> Iterator[Utterance]:
        """Just the utterances; stops the source after ``limit`` of them."""
        count = 0
        events = self.events()
        try:
            for event in events:
                if isinstance(event, Utterance):
                    yield event
                    count += 1
                    if limit is not None and count >= limit:
                        return
        finally:
            events.close()  # stops the source now, not whenever the generator is collected
