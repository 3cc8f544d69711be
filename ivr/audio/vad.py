"""End-of-speech detection from frame energy, with a noise floor that follows the line.

A phone menu must decide when the caller has finished talking: too eager and
it cuts people off between words, too patient and the menu feels sluggish.
The rule here is the classic one: speech starts when the level rises a
margin above the background noise for a few frames, and ends after
``trailing_silence`` seconds below a lower margin (hysteresis, so a word's
fading tail does not flip the state back and forth). The background level is
a low percentile of recent frame levels, so it follows a noisy line without a
separate calibration step, and pauses inside speech keep it honest.

Times are in seconds of stream (samples fed / rate), never wall time, so the
detector is deterministic and testable on files.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ivr.audio.pcm import Audio, FloatArray
from ivr.errors import IvrError

#: Level given to digital silence, whose true level is -inf dBFS.
SILENCE_FLOOR_DBFS = -100.0


@dataclass(frozen=True)
class VadConfig:
    """Tuning of the detector; the defaults suit telephone speech at 8-16 kHz."""

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
            if value < 0:
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


def frame_dbfs(frame: FloatArray) -> float:
    """Frame level in dBFS, DC removed (a cheap microphone's offset is not speech)."""
    centred = frame.astype(np.float64) - float(np.mean(frame))
    power = float(np.mean(np.square(centred)))
    return SILENCE_FLOOR_DBFS if power <= 1e-10 else max(SILENCE_FLOOR_DBFS, 10 * np.log10(power))


class EnergyVad:
    """Feed blocks of any size with ``feed``; get start/end events back."""

    def __init__(self, rate: int, config: VadConfig | None = None) -> None:
        self.config = config or VadConfig()
        self.config.check()
        if rate <= 0:
            raise IvrError(f"VAD needs a positive sample rate, got {rate}")
        self.rate = rate
        cfg = self.config
        self._frame = max(1, round(cfg.frame_seconds * rate))
        self._frames_to_start = max(1, round(cfg.start_seconds / cfg.frame_seconds))
        self._frames_to_end = max(1, round(cfg.trailing_silence / cfg.frame_seconds))
        self._max_frames = max(1, round(cfg.max_utterance / cfg.frame_seconds))
        self._min_loud_frames = round(cfg.min_speech / cfg.frame_seconds)
        self._post_frames = round(cfg.post_roll / cfg.frame_seconds)
        history = max(1, round(cfg.noise_window / cfg.frame_seconds))
        self._levels: deque[float] = deque(maxlen=history)
        pre = round(cfg.pre_roll / cfg.frame_seconds) + self._frames_to_start
        self._pre: deque[FloatArray] = deque(maxlen=max(1, pre))
        self._leftover: FloatArray = np.zeros(0, dtype=np.float32)
        self._frame_index = 0
        self.noise_floor_dbfs = SILENCE_FLOOR_DBFS
        self._reset_utterance()

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
        data = np.concatenate([self._leftover, samples.astype(np.float32, copy=False)])
        whole = len(data) - len(data) % self._frame
        events: list[VadEvent] = []
        for start in range(0, whole, self._frame):
            event = self._step(data[start : start + self._frame])
            if event is not None:
                events.append(event)
        self._leftover = data[whole:].copy()
        return events

    def flush(self) -> list[VadEvent]:
        """End of input: close an utterance in progress (if long enough)."""
        if not self.in_speech:
            return []
        return [self._finish("end_of_input")]

    def _step(self, frame: FloatArray) -> VadEvent | None:
        cfg = self.config
        level = frame_dbfs(frame)
        self._levels.append(level)
        self.noise_floor_dbfs = float(np.percentile(self._levels, cfg.noise_percentile))
        start_at = max(self.noise_floor_dbfs + cfg.start_margin_db, cfg.min_speech_dbfs)
        quiet_below = max(self.noise_floor_dbfs + cfg.end_margin_db, cfg.min_speech_dbfs)
        index = self._frame_index
        self._frame_index += 1
        if not self.in_speech:
            self._pre.append(frame)
            self._run = self._run + 1 if level >= start_at else 0
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
        if level >= quiet_below:
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
