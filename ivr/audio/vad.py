"""End-of-speech detection: the events every detector gives, the energy detector,
and the choice between it and the trained one (``ivr/audio/silero_vad.py``).

A phone menu must decide when the caller has finished talking: too eager and
it cuts people off between words, too patient and the menu feels sluggish.
Every detector here judges fixed frames, and one state machine
(``FramedVad``) turns those judgements into utterances the same way: speech
starts after ``start_seconds`` of frames that look like speech, ends after
``trailing_silence`` seconds of frames that no longer do (a lower bar than
the start, hysteresis, so a word's fading tail does not flip the state back
and forth), with pre-roll, post-roll, a minimum and a maximum length. So the
two detectors differ only in how they judge a frame, and a benchmark of one
against the other compares exactly that.

The energy detector's rule is the classic one: a frame is speech when its
level is a margin above the background noise. The background level is a low
percentile of recent frame levels, so it follows a noisy line without a
separate calibration step, and pauses inside speech keep it honest. It needs
nothing but numpy, which is why it is the fallback.

Times are in seconds of stream (samples fed / rate), never wall time, so the
detectors are deterministic and testable on files.
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from ivr.audio.pcm import Audio, FloatArray
from ivr.errors import IvrError

log = logging.getLogger(__name__)

#: Level given to digital silence, whose true level is -inf dBFS.
SILENCE_FLOOR_DBFS = -100.0


class VadKind(StrEnum):
    """Which detector decides end of speech (``ivr run --vad``)."""

    AUTO = "auto"  # the trained one when it can run here, else energy
    SILERO = "silero"
    ENERGY = "energy"


@dataclass(frozen=True)
class VadConfig:
    """Tuning of the detector; the defaults suit telephone speech at 8-16 kHz.

    The timing fields apply to every detector; ``frame_seconds`` and the
    ``*_db*`` and noise fields are the energy detector's own (the trained one
    judges frames of the size its model was trained on).
    """

    frame_seconds: float = 0.02
    #: Quiet needed after the last loud frame before the utterance is over.
    trailing_silence: float = 0.8
    #: Bursts with less loud time than this (clicks, coughs, key thumps) are dropped.
    min_speech: float = 0.15
    #: An utterance is cut here even if the caller keeps talking (or the line hums).
    max_utterance: float = 10.0
    #: Audio kept from before the detected start, so the recogniser hears the onset.
    pre_roll: float = 0.3
    #: Quiet kept after the last loud frame (recognisers like a little silence).
    post_roll: float = 0.2
    #: Loud frames in a row that confirm a start.
    start_seconds: float = 0.06
    #: Level above the noise floor that counts as speech starting ...
    start_margin_db: float = 12.0
    #: ... and the lower level under which a frame counts as quiet again.
    end_margin_db: float = 6.0
    #: Nothing quieter than this is speech, however quiet the line is.
    min_speech_dbfs: float = -50.0
    #: Recent history the noise floor is estimated over, and the percentile used.
    noise_window: float = 3.0
    noise_percentile: float = 10.0

    def check(self) -> None:
        positive = {
            "frame_seconds": self.frame_seconds,
            "trailing_silence": self.trailing_silence,
            "max_utterance": self.max_utterance,
            "noise_window": self.noise_window,
        }
        for name, value in positive.items():
            if not value > 0:
                raise IvrError(f"VAD setting {name} must be positive, got {value}")
        for name, value in {
            "min_speech": self.min_speech,
            "pre_roll": self.pre_roll,
            "post_roll": self.post_roll,
            "start_seconds": self.start_seconds,
        }.items():
            if not value >= 0:
                raise IvrError(f"VAD setting {name} must not be negative, got {value}")
        if self.end_margin_db > self.start_margin_db:
            raise IvrError(
                "VAD end_margin_db must not exceed start_margin_db",
                f"got {self.end_margin_db} > {self.start_margin_db}",
            )
        if not 0 <= self.noise_percentile <= 100:
            raise IvrError(f"VAD noise_percentile must be 0-100, got {self.noise_percentile}")


@dataclass(frozen=True)
class SpeechStart:
    """Speech was confirmed; ``at`` is where it began (stream seconds)."""

    at: float


@dataclass(frozen=True)
class SpeechEnd:
    """An utterance is complete.

    ``start``/``end`` bound the loud part (stream seconds); ``declared`` is
    the stream time at which the end was decided; ``audio`` includes the
    pre-roll and post-roll. ``reason`` is "silence", "max_length" or "end_of_input".
    """

    audio: Audio
    start: float
    end: float
    declared: float
    reason: str


@dataclass(frozen=True)
class SpeechDiscarded:
    """What started at ``at`` was too short to be speech (a click, a cough): forget it."""

    at: float


VadEvent = SpeechStart | SpeechEnd | SpeechDiscarded


class SpeechDetector(Protocol):
    """What a capture needs of a detector: blocks of any size in, events out."""

    @property
    def rate(self) -> int: ...
    @property
    def in_speech(self) -> bool: ...
    def feed(self, block: Audio | FloatArray) -> list[VadEvent]: ...
    def flush(self) -> list[VadEvent]: ...


def frame_dbfs(frame: FloatArray) -> float:
    """Frame level in dBFS, DC removed (a cheap microphone's offset is not speech)."""
    centred = frame.astype(np.float64) - float(np.mean(frame))
    power = float(np.mean(np.square(centred)))
    return SILENCE_FLOOR_DBFS if power <= 1e-10 else max(SILENCE_FLOOR_DBFS, 10 * np.log10(power))


class FramedVad(ABC):
    """The utterance state machine shared by every detector; subclasses judge frames.

    Feed blocks of any size with ``feed``; get start/end events back.
    """

    def __init__(self, rate: int, config: VadConfig | None, frame: int, frame_seconds: float):
        self.config = config or VadConfig()
        self.config.check()
        self.rate = rate
        cfg = self.config
        self._frame = frame
        self._frames_to_start = max(1, round(cfg.start_seconds / frame_seconds))
        self._frames_to_end = max(1, round(cfg.trailing_silence / frame_seconds))
        self._max_frames = max(1, round(cfg.max_utterance / frame_seconds))
        self._min_loud_frames = round(cfg.min_speech / frame_seconds)
        self._post_frames = round(cfg.post_roll / frame_seconds)
        pre = round(cfg.pre_roll / frame_seconds) + self._frames_to_start
        self._pre: deque[FloatArray] = deque(maxlen=max(1, pre))
        self._leftover: FloatArray = np.zeros(0, dtype=np.float32)
        self._frame_index = 0
        self._warned_non_finite = False
        self._reset_utterance()

    @abstractmethod
    def _judge(self, frame: FloatArray) -> tuple[bool, bool]:
        """(loud enough to start speech, still loud enough to continue it) for one frame."""

    def _reset_utterance(self) -> None:
        self.in_speech = False
        self._run = 0  # loud frames in a row while waiting for a start
        self._quiet = 0  # quiet frames in a row while in speech
        self._loud = 0
        self._utterance: list[FloatArray] = []
        self._start_frame = 0
        self._last_loud_frame = 0
        self._first_frame_in_utterance = 0

    @property
    def stream_seconds(self) -> float:
        return self._frame_index * self._frame / self.rate

    def feed(self, block: Audio | FloatArray) -> list[VadEvent]:
        if isinstance(block, Audio):
            if block.rate != self.rate:
                raise IvrError(f"VAD runs at {self.rate} Hz but got a {block.rate} Hz block")
            samples = block.samples
        else:
            samples = block
        if samples.ndim != 1:
            raise IvrError(f"VAD needs mono samples, got an array of shape {samples.shape}")
        samples = self._finite(samples.astype(np.float32, copy=False))
        data = np.concatenate([self._leftover, samples])
        whole = len(data) - len(data) % self._frame
        events: list[VadEvent] = []
        for start in range(0, whole, self._frame):
            event = self._step(data[start : start + self._frame])
            if event is not None:
                events.append(event)
        self._leftover = data[whole:].copy()
        return events

    def _finite(self, samples: FloatArray) -> FloatArray:
        """NaN and infinities (a broken driver, a bad file) heard as silence and full scale,
        rather than poisoning a level estimate or a model's state for the rest of the call."""
        if np.isfinite(samples).all():
            return samples
        if not self._warned_non_finite:
            self._warned_non_finite = True
            log.warning("non-finite audio samples reached the VAD; treated as silence")
        return np.nan_to_num(samples, nan=0.0, posinf=1.0, neginf=-1.0)

    def flush(self) -> list[VadEvent]:
        """End of input: close an utterance in progress (if long enough)."""
        if not self.in_speech:
            return []
        return [self._finish("end_of_input")]

    def _step(self, frame: FloatArray) -> VadEvent | None:
        starts, loud = self._judge(frame)
        index = self._frame_index
        self._frame_index += 1
        if not self.in_speech:
            self._pre.append(frame)
            self._run = self._run + 1 if starts else 0
            if self._run < self._frames_to_start:
                return None
            self.in_speech = True
            self._start_frame = index - self._run + 1
            self._utterance = list(self._pre)
            self._first_frame_in_utterance = index - len(self._pre) + 1
            self._pre.clear()
            self._loud = self._run
            self._last_loud_frame = index
            self._quiet = 0
            return SpeechStart(at=self._start_frame * self._frame / self.rate)
        self._utterance.append(frame)
        if loud:
            self._loud += 1
            self._last_loud_frame = index
            self._quiet = 0
        else:
            self._quiet += 1
        if self._quiet >= self._frames_to_end:
            return self._finish("silence")
        if index - self._start_frame + 1 >= self._max_frames:
            return self._finish("max_length")
        return None

    def _finish(self, reason: str) -> SpeechEnd | SpeechDiscarded:
        frame_s = self._frame / self.rate
        keep_to = min(self._last_loud_frame + 1 + self._post_frames, self._frame_index)
        kept = self._utterance[: keep_to - self._first_frame_in_utterance]
        loud = self._loud
        event = SpeechEnd(
            audio=Audio(np.concatenate(kept).astype(np.float32), self.rate),
            start=self._start_frame * frame_s,
            end=(self._last_loud_frame + 1) * frame_s,
            declared=self._frame_index * frame_s,
            reason=reason,
        )
        self._reset_utterance()
        return event if loud >= self._min_loud_frames else SpeechDiscarded(at=event.start)


class EnergyVad(FramedVad):
    """Frames judged by their level against the line's own noise floor."""

    def __init__(self, rate: int, config: VadConfig | None = None) -> None:
        cfg = config or VadConfig()
        cfg.check()
        if rate <= 0:
            raise IvrError(f"VAD needs a positive sample rate, got {rate}")
        super().__init__(rate, cfg, max(1, round(cfg.frame_seconds * rate)), cfg.frame_seconds)
        history = max(1, round(cfg.noise_window / cfg.frame_seconds))
        self._levels: deque[float] = deque(maxlen=history)
        self.noise_floor_dbfs = SILENCE_FLOOR_DBFS

    def _judge(self, frame: FloatArray) -> tuple[bool, bool]:
        cfg = self.config
        level = frame_dbfs(frame)
        self._levels.append(level)
        self.noise_floor_dbfs = float(np.percentile(self._levels, cfg.noise_percentile))
        start_at = max(self.noise_floor_dbfs + cfg.start_margin_db, cfg.min_speech_dbfs)
        quiet_below = max(self.noise_floor_dbfs + cfg.end_margin_db, cfg.min_speech_dbfs)
        return level >= start_at, level >= quiet_below


def open_vad(
    rate: int, config: VadConfig | None = None, kind: VadKind = VadKind.AUTO
) -> SpeechDetector:
    """The detector ``kind`` asks for; ``auto`` takes the trained one when it can run
    here and says in one log line which it took, and why not the other. The
    ``IVR_VAD`` environment variable (``silero`` or ``energy``) says what ``auto``
    means, for every path at once (live calls, ``--play``, ``ivr listen``)."""
    if kind is VadKind.AUTO:
        kind = _auto_from_environment()
    if kind is VadKind.ENERGY:
        log.info("end of speech: energy VAD (asked for)")
        return EnergyVad(rate, config)
    from ivr.audio import silero_vad

    reason = silero_vad.unavailable(rate)
    if reason is None:
        try:
            detector = silero_vad.SileroVad(rate, config)
        except IvrError as exc:
            if kind is VadKind.SILERO:
                raise
            reason = exc.message
        else:
            log.info("end of speech: %s", detector.describe())
            return detector
    if kind is VadKind.SILERO:
        raise IvrError(
            f"the Silero VAD cannot run here: {reason}",
            f"install it with: pip install --no-deps {silero_vad.REQUIREMENT} "
            "(onnxruntime comes with ivr[neural]), or use --vad energy",
        )
    log.info("end of speech: energy VAD (the Silero VAD cannot run: %s)", reason)
    return EnergyVad(rate, config)


def _auto_from_environment() -> VadKind:
    value = os.environ.get("IVR_VAD", "").strip().lower()
    try:
        return VadKind(value) if value else VadKind.AUTO
    except ValueError:
        raise IvrError(
            f"IVR_VAD={value!r} is not a VAD",
            "set IVR_VAD to " + ", ".join(k.value for k in VadKind) + ", or unset it",
        ) from None
