"""Prompt playback that the caller can interrupt (barge-in).

Regular callers do not wait for "For billing, press 1; for ..." to finish:
they press 1. The player therefore stops the prompt the moment a key arrives
(and, when enabled, when the caller starts talking), remembers which key did
it, because that key is also the caller's menu choice, and reports how far
the prompt got, which is what a menu designer wants to know about a prompt
everyone skips.

The keypad and the speech detector run on their own threads; they call
``Prompt.key_pressed`` / ``Prompt.speech_started``, which are thread-safe.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from ivr.audio.pcm import Audio
from ivr.audio.ports import AudioOutput, PlaybackHandle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlayResult:
    """How a prompt ended.

    ``reason`` is "finished", "key", "speech" or "stopped"; ``key`` is the
    key that cut the prompt, if one did.
    """

    played_seconds: float
    total_seconds: float
    reason: str
    key: str | None = None

    @property
    def interrupted(self) -> bool:
        return self.reason != "finished"

    @property
    def fraction(self) -> float:
        """Share of the prompt heard, 0..1 (1.0 for an empty prompt)."""
        if self.total_seconds <= 0:
            return 1.0
        return min(1.0, max(0.0, self.played_seconds / self.total_seconds))


class Prompt:
    """One prompt in progress; see ``PromptPlayer.start``."""

    def __init__(
        self, handle: PlaybackHandle, audio: Audio, *, interruptible: bool, on_speech: bool
    ) -> None:
        self._handle = handle
        self._total = audio.seconds
        self._interruptible = interruptible
        self._on_speech = on_speech
        self._lock = threading.Lock()
        self._result: PlayResult | None = None

    @property
    def done(self) -> bool:
        return self._result is not None or self._handle.done

    @property
    def played_seconds(self) -> float:
        return self._result.played_seconds if self._result else self._handle.played_seconds

    def key_pressed(self, key: str) -> bool:
        """A keypad press; stops the prompt if it may be interrupted. True if it did."""
        if not self._interruptible:
            log.debug("key %r during a non-interruptible prompt", key)
            return False
        return self._cut("key", key)

    def speech_started(self) -> bool:
        """The caller began talking; stops the prompt if speech barge-in is on."""
        if not (self._interruptible and self._on_speech):
            return False
        return self._cut("speech", None)

    def stop(self) -> PlayResult:
        """Stop for a reason of the program's own (hang-up, time-out)."""
        self._cut("stopped", None)
        return self.wait()

    def wait(self, timeout: float | None = None) -> PlayResult:
        """Block until the prompt ends (played out or cut); device errors propagate.

        With a ``timeout`` that runs out first, the prompt is stopped and the
        result says "stopped".
        """
        if self._result is not None:
            return self._result
        if self._handle.wait(timeout):
            with self._lock:
                if self._result is None:
                    self._result = PlayResult(self._total, self._total, "finished")
                return self._result
        self._cut("stopped", None)
        result = self._result
        if result is None:  # pragma: no cover - _cut always sets it
            raise RuntimeError("prompt ended without a result")
        return result

    def _cut(self, reason: str, key: str | None) -> bool:
        with self._lock:
            if self._result is not None:
                return False
            if self._handle.done:
                self._result = PlayResult(self._total, self._total, "finished")
                return False
            played = self._handle.stop()
            self._result = PlayResult(min(played, self._total), self._total, reason, key)
            log.debug("prompt cut by %s after %.2f of %.2f s", reason, played, self._total)
            return True


class PromptPlayer:
    """Plays prompts on one output; ``barge_in_on_speech`` lets talking cut them too."""

    def __init__(self, output: AudioOutput, *, barge_in_on_speech: bool = False) -> None:
        self.output = output
        self.barge_in_on_speech = barge_in_on_speech

    def start(self, audio: Audio, *, interruptible: bool = True) -> Prompt:
        """Start a prompt and return at once, so the keypad can be read meanwhile."""
        handle = self.output.play(audio)
        return Prompt(handle, audio, interruptible=interruptible, on_speech=self.barge_in_on_speech)

    def play(self, audio: Audio, *, timeout: float | None = None) -> PlayResult:
        """Play to the end (nobody can interrupt: no keypad is wired)."""
        return self.start(audio).wait(timeout)
