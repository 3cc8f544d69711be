"""The ports of ``ivr.audio.ports`` on a browser tab, through the call's WebSocket.

A browser call is an ``ivr run --voice`` call whose loudspeaker and microphone
are at the other end of a socket; giving it an ``AudioOutput`` and an
``AudioInput`` lets ``PromptPlayer``, ``open_capture`` and ``SpeechListener``
run unchanged, so barge-in, end of speech and recognition are the ones the
terminal has.

Prompts are sent paced, ``LEAD_SECONDS`` ahead of the time they are heard,
not all at once: a ``stop`` must never queue behind seconds of audio on a slow
link, and a prompt cut after a word should not have cost the whole prompt's
bandwidth. The browser reports nothing back, so how much of a prompt was
heard is estimated from the wall clock: playback starts ``LATENCY_SECONDS``
after the first frame is sent (the page's jitter buffer).

The socket is the call's ``CallLink`` (``ivr.web.session_bridge``), which the
call's threads may use and which keeps the order of what they send: that is
what makes "no frame of a prompt after its ``stop``" hold on the page.
``audio_factory`` is the hook the server calls for each call that asked for
audio.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.ports import AudioDeviceError, BlockCallback, EndCallback
from ivr.audio.resample import resample
from ivr.errors import IvrError
from ivr.web.protocol import AUDIO_RATE, PromptEnd, PromptStart, StopPrompt
from ivr.web.session_bridge import CallLink

log = logging.getLogger(__name__)

#: The rate of audio both ways on the socket (the design's "16 kHz PCM16").
WIRE_RATE = AUDIO_RATE
#: Microphone blocks handed to the capture, as a sound card's 20 ms callbacks.
BLOCK_SAMPLES = WIRE_RATE // 50
#: Prompt audio per binary message: 100 ms is 3200 bytes, under the 8 KB a message
#: may hold, and 10 messages a second rather than 50 for each prompt playing.
PROMPT_FRAME_SECONDS = 0.1
#: How far ahead of its playing time a prompt frame is sent: enough to ride out
#: network jitter, little enough that a ``stop`` is not queued behind much audio.
LEAD_SECONDS = 0.3
#: From sending a prompt's first frame to the page playing it (its scheduling lead).
LATENCY_SECONDS = 0.1


class BadAudioFrame(IvrError):
    """A binary frame from the page that is not PCM16 (the socket is closed for it)."""


#: Waits up to the seconds given unless the event is set first; True when it was.
Waiter = Callable[[threading.Event, float], bool]


def _wait(event: threading.Event, seconds: float) -> bool:
    return event.wait(seconds)


class BrowserPlayback:
    """One prompt streaming to the page; see ``PlaybackHandle``."""

    def __init__(
        self,
        link: CallLink,
        prompt_id: int,
        audio: Audio,
        *,
        frame_seconds: float,
        lead: float,
        latency: float,
        clock: Callable[[], float],
        waiter: Waiter,
    ) -> None:
        self.prompt_id = prompt_id
        self._link = link
        self._samples = audio.samples
        self._rate = audio.rate
        self._seconds = audio.seconds
        self._frame = max(1, round(frame_seconds * audio.rate))
        self._lead = lead
        self._latency = latency
        self._clock = clock
        self._waiter = waiter
        self._lock = threading.Lock()
        self._ended = threading.Event()  # stopped (the pacer also quits on it)
        self._stopped_at: float | None = None
        self.frames_sent = 0
        link.send(PromptStart(prompt_id, audio.rate))
        self.started_at = clock()
        self._thread = threading.Thread(
            target=self._pace, name=f"ivr-web-prompt-{prompt_id}", daemon=True
        )
        self._thread.start()

    def _pace(self) -> None:
        for index, begin in enumerate(range(0, len(self._samples), self._frame)):
            due = self.started_at + index * self._frame / self._rate - self._lead
            delay = due - self._clock()
            if delay > 0 and self._waiter(self._ended, delay):
                return
            chunk = Audio(self._samples[begin : begin + self._frame], self._rate).to_pcm16()
            with self._lock:  # a stop sent before this frame means the page drops it
                if self._stopped_at is not None:
                    return
                self._link.send_binary(chunk)
                self.frames_sent += 1
        with self._lock:
            if self._stopped_at is None:
                self._link.send(PromptEnd(self.prompt_id))

    @property
    def _heard(self) -> float:
        return min(self._seconds, max(0.0, self._clock() - self.started_at - self._latency))

    @property
    def done(self) -> bool:
        return self._stopped_at is not None or self._heard >= self._seconds

    @property
    def played_seconds(self) -> float:
        return self._stopped_at if self._stopped_at is not None else self._heard

    def stop(self) -> float:
        with self._lock:
            if self._stopped_at is not None:
                return self._stopped_at
            played = self._heard
            self._stopped_at = played
            if played < self._seconds:  # still playing on the page: cut it there
                self._link.send(StopPrompt(self.prompt_id))
            self._ended.set()
        return played

    def wait(self, timeout: float | None = None) -> bool:
        limit = None if timeout is None else self._clock() + timeout
        while not self.done:
            remaining = self.started_at + self._latency + self._seconds - self._clock()
            if limit is not None:
                remaining = min(remaining, limit - self._clock())
                if remaining <= 0:
                    return self.done
            self._waiter(self._ended, max(remaining, 0.001))
        return True


class BrowserOutput:
    """Plays prompts on the page: each one announced, streamed in paced frames at
    ``WIRE_RATE``, and stopped on the page when the player cuts it."""

    def __init__(
        self,
        link: CallLink,
        *,
        rate: int = WIRE_RATE,
        frame_seconds: float = PROMPT_FRAME_SECONDS,
        lead: float = LEAD_SECONDS,
        latency: float = LATENCY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        waiter: Waiter = _wait,
    ) -> None:
        self.link = link
        self.rate = rate
        self._frame_seconds = frame_seconds
        self._lead = lead
        self._latency = latency
        self._clock = clock
        self._waiter = waiter
        self._ids = itertools.count(1)

    def play(self, audio: Audio) -> BrowserPlayback:
        wire = resample(audio, self.rate) if audio.rate != self.rate else audio
        return BrowserPlayback(
            self.link,
            next(self._ids),
            wire,
            frame_seconds=self._frame_seconds,
            lead=self._lead,
            latency=self._latency,
            clock=self._clock,
            waiter=self._waiter,
        )


class BrowserInput:
    """The page's microphone: PCM16 frames pushed from the socket, handed on in blocks
    of ``BLOCK_SAMPLES`` (the page's frames need not be whole blocks).

    Frames that come while nobody listens (before ``start``, after ``stop``) are
    dropped, as a sound card's are.
    """

    def __init__(self, *, block_size: int = BLOCK_SAMPLES) -> None:
        self._block_size = block_size
        self._lock = threading.Lock()
        self._on_block: BlockCallback | None = None
        self._on_end: EndCallback | None = None
        self._carry: FloatArray = np.zeros(0, dtype=np.float32)
        self.samples_pushed = 0

    @property
    def rate(self) -> int:
        return WIRE_RATE

    @property
    def block_size(self) -> int:
        return self._block_size

    @property
    def listening(self) -> bool:
        """True between ``start`` and ``stop`` (frames pushed meanwhile are heard)."""
        return self._on_block is not None

    def start(self, on_block: BlockCallback, on_end: EndCallback) -> None:
        with self._lock:
            if self._on_block is not None:
                raise AudioDeviceError("the browser microphone is already being read")
            self._on_block, self._on_end = on_block, on_end
            self._carry = np.zeros(0, dtype=np.float32)

    def stop(self) -> None:
        with self._lock:
            self._on_block = self._on_end = None

    def push(self, data: bytes) -> None:
        """One binary frame from the page (the socket's thread). Raises ``BadAudioFrame``
        for one that is not whole 16-bit samples."""
        if len(data) % 2:
            raise BadAudioFrame(f"audio frame of {len(data)} bytes: PCM16 samples are 2 bytes")
        samples = Audio.from_pcm16(data, WIRE_RATE).samples
        with self._lock:
            self.samples_pushed += len(samples)
            if self._on_block is None:
                return
            joined = np.concatenate([self._carry, samples]) if len(self._carry) else samples
            size = self._block_size
            whole = len(joined) - len(joined) % size
            for begin in range(0, whole, size):
                self._on_block(Audio(joined[begin : begin + size].copy(), WIRE_RATE))
            self._carry = joined[whole:].copy()

    def end(self, error: AudioDeviceError | None = None) -> None:
        """The page stopped sending (the socket closed, the microphone went away)."""
        with self._lock:
            on_end, self._on_block, self._on_end = self._on_end, None, None
        if on_end is not None:
            on_end(error)


def audio_factory(link: CallLink) -> tuple[BrowserOutput, BrowserInput]:
    """The server's ``audio`` hook: the page's loudspeaker and microphone for one call."""
    return BrowserOutput(link), BrowserInput()
