"""The real ``Speaker``: espeak-ng driven through pyttsx3 2.99, offline and headless.

pyttsx3 is imported lazily, here only. Its espeak driver has traps this module
works around (measured on this project's machines, see the shared notes):

- ``pyttsx3.init()`` hands out one cached engine per driver and espeak-ng can
  be initialised once per process; two threads in it at once crash or hang.
  So there is one engine, kept alive here, and every use holds ``_ENGINE_LOCK``.
- ``save_to_file`` + ``runAndWait`` occasionally returned before the WAV
  existed, or left it empty: we wait for the ``finished-utterance`` callback,
  poll the file with a deadline, and try once more before giving up.
- Only the last ``save_to_file`` queued before a ``runAndWait`` is written, so
  there is exactly one per run.
- ``setProperty("rate")`` lagged behind by one or more utterances (it took
  effect 5 times in 10 here), while espeak's inline rate command ``\\x01<n>S``
  at the start of the text always did; the rate goes inline. The same kind of
  property is avoided for volume: the samples are scaled instead.
- Unknown voices are ignored silently, so ids are checked against the list.
- The driver ``print``s "Audio saved to ..." on stdout, which would corrupt our
  own output (``ivr say`` may write to a pipe); its module-level ``print`` is
  replaced by a debug log. That is local to pyttsx3's espeak driver module and,
  unlike redirecting ``sys.stdout``, cannot swallow another thread's output.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
import unicodedata
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ivr.audio.pcm import Audio, AudioError, read_wav
from ivr.errors import IvrError
from ivr.tts.speaker import (
    EngineUnavailableError,
    TtsError,
    VoiceInfo,
    VoiceSettings,
    check_voice,
)

logger = logging.getLogger(__name__)

#: One lock for every use of espeak-ng in this process (see the module docstring).
_ENGINE_LOCK = threading.RLock()

#: espeak-ng writes 22.05 kHz mono 16-bit; recorded here for the cache and benches.
NATIVE_RATE = 22050

_POLL_SECONDS = 0.005


class EngineLike(Protocol):
    """The part of ``pyttsx3.Engine`` used here, in its camelCase (a fake stands in for tests)."""

    def save_to_file(self, text: str, filename: str) -> None: ...

    def runAndWait(self) -> None: ...

    def endLoop(self) -> None: ...

    def setProperty(self, name: str, value: Any) -> None: ...

    def getProperty(self, name: str) -> Any: ...

    def connect(self, topic: str, cb: Callable[..., None]) -> Any: ...


@dataclass
class _EngineState:
    """An engine plus what we learned from it; only touched while holding the lock."""

    engine: EngineLike
    list_variants: Callable[[], list[str] | None]
    finished: threading.Event = field(default_factory=threading.Event)
    errors: list[BaseException] = field(default_factory=list)
    voice_list: list[VoiceInfo] | None = None
    variant_list: list[str] | None = None
    variants_listed: bool = False

    def __post_init__(self) -> None:
        self.engine.connect("finished-utterance", self._on_finished)
        self.engine.connect("error", self._on_error)

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        if completed:
            self.finished.set()

    def _on_error(self, name: object = None, exception: BaseException | None = None) -> None:
        logger.warning("pyttsx3 reported an error: %r", exception)
        self.errors.append(exception if exception is not None else RuntimeError("unknown"))

    def voices(self) -> list[VoiceInfo]:
        if self.voice_list is None:
            self.voice_list = [_voice_info(v) for v in self.engine.getProperty("voices")]
        return self.voice_list

    def variants(self) -> list[str] | None:
        if not self.variants_listed:
            self.variant_list = self.list_variants()
            self.variants_listed = True
        return self.variant_list


_shared_state: _EngineState | None = None


class Pyttsx3Speaker:
    """espeak-ng through pyttsx3; every instance shares the one process-wide engine.

    ``engine_factory`` replaces ``pyttsx3.init`` (tests use it to reproduce the
    driver's failures); ``timeout`` bounds the wait for each WAV file.
    """

    #: Goes into the prompt cache key so another engine's audio is never reused.
    cache_tag = "pyttsx3-2.99/espeak-ng"

    def __init__(
        self,
        *,
        engine_factory: Callable[[], EngineLike] | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._engine_factory = engine_factory
        self._state: _EngineState | None = None
        self._timeout = timeout

    def voices(self) -> list[VoiceInfo]:
        with _ENGINE_LOCK:
            return list(self._engine_state().voices())

    def variants(self) -> list[str]:
        """espeak voice variants usable as ``<voice>+<variant>`` (e.g. ``f3``)."""
        with _ENGINE_LOCK:
            return list(self._engine_state().variants() or [])

    def synthesize(self, text: str, settings: VoiceSettings) -> Audio:
        spoken = clean_text(text)
        if not spoken:
            raise IvrError("nothing to say: the text is empty")
        with _ENGINE_LOCK:
            state = self._engine_state()
            check_voice(settings.voice, state.voices(), state.variants())
            audio = self._synthesize_locked(state, spoken, settings)
        if settings.volume != 1.0:
            audio = Audio(
                (audio.samples * np.float32(settings.volume)).astype(np.float32), audio.rate
            )
        return audio

    def _engine_state(self) -> _EngineState:
        global _shared_state
        if self._state is None:
            if self._engine_factory is not None:
                self._state = _EngineState(self._engine_factory(), lambda: None)
            else:
                if _shared_state is None:
                    _shared_state = _EngineState(_load_engine(), _list_espeak_variants)
                self._state = _shared_state
        return self._state

    def _synthesize_locked(self, state: _EngineState, text: str, settings: VoiceSettings) -> Audio:
        failures: list[str] = []
        with tempfile.TemporaryDirectory(prefix="ivr-tts-") as tmp:
            for attempt in (1, 2):
                path = Path(tmp) / f"utterance-{attempt}.wav"
                try:
                    return self._attempt(state, text, settings, path)
                except _AttemptFailed as exc:
                    failures.append(str(exc))
                    logger.warning(
                        "espeak-ng attempt %d for %r failed: %s", attempt, text[:60], exc
                    )
        raise TtsError(
            f"espeak-ng produced no audio for {_preview(text)} ({'; '.join(failures)})",
            "try again; if it persists, check espeak-ng with: espeak-ng 'hello'",
        )

    def _attempt(
        self, state: _EngineState, text: str, settings: VoiceSettings, path: Path
    ) -> Audio:
        engine = state.engine
        state.finished.clear()
        state.errors.clear()
        # Set on every run (it costs nothing measurable): whatever else touched the
        # shared engine, this utterance gets its voice. Queued and applied by
        # runAndWait before the utterance; unlike the rate, measured reliable.
        engine.setProperty("voice", settings.voice)
        # Exactly one save_to_file per runAndWait: with two, only the last is written.
        engine.save_to_file(f"\x01{settings.rate}S {text}", str(path))
        try:
            engine.runAndWait()
        except Exception as exc:
            _reset_loop(engine)
            raise _AttemptFailed(f"runAndWait raised {type(exc).__name__}: {exc}") from exc
        if state.errors:
            raise _AttemptFailed(f"engine error: {state.errors[0]}")
        deadline = time.monotonic() + self._timeout
        if not state.finished.wait(self._timeout):
            logger.warning("no finished-utterance callback within %.1f s", self._timeout)
        while True:
            audio, problem = _try_read(path)
            if audio is not None:
                return audio
            if time.monotonic() >= deadline:
                raise _AttemptFailed(problem)
            time.sleep(_POLL_SECONDS)


class _AttemptFailed(Exception):
    pass


def clean_text(text: str) -> str:
    """Make text safe to hand to espeak: control characters would be read as
    inline commands (``\\x01`` starts one), and runs of spaces mean nothing."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def _try_read(path: Path) -> tuple[Audio | None, str]:
    """The audio if ``path`` holds a complete WAV, else why not.

    The driver's wave module writes the header (with the final frame count)
    before the data, so a file still being written has fewer data bytes than
    its header promises: that is checked, not just that it parses.
    """
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return None, "the WAV file was never written"
    if size <= 44:
        return None, f"the WAV file has {size} bytes, no audio"
    try:
        with wave.open(str(path), "rb") as wav:
            promised = wav.getnframes() * wav.getsampwidth() * wav.getnchannels()
        if size < 44 + promised:
            return None, f"the WAV file is incomplete ({size} of {44 + promised} bytes)"
        audio = read_wav(path)
    except (wave.Error, EOFError, AudioError) as exc:
        return None, f"unreadable WAV: {exc}"
    if len(audio.samples) == 0:
        return None, "the WAV file holds no samples"
    return audio, ""


def _reset_loop(engine: EngineLike) -> None:
    """After an exception inside runAndWait pyttsx3 still thinks its loop runs and
    refuses every later call ("run loop already started"); ending it recovers."""
    try:
        engine.endLoop()
    except RuntimeError as exc:
        logger.debug("endLoop after a failed run: %s", exc)


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _voice_info(voice: Any) -> VoiceInfo:
    languages = tuple(
        lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
        for lang in (getattr(voice, "languages", None) or ())
    )
    return VoiceInfo(id=str(voice.id), name=str(voice.name or voice.id), languages=languages)


def _load_engine() -> EngineLike:
    try:
        import pyttsx3
    except ImportError as exc:
        raise EngineUnavailableError(
            "text-to-speech needs the pyttsx3 package", "pip install 'pyttsx3==2.99'"
        ) from exc
    try:
        engine: EngineLike = pyttsx3.init("espeak")
    except Exception as exc:  # pyttsx3 raises bare RuntimeErrors (and OSError from ctypes)
        logger.debug("pyttsx3.init failed", exc_info=True)
        if "installed" in str(exc) or isinstance(exc, OSError):
            raise EngineUnavailableError(
                f"espeak-ng is not available ({exc})",
                "install it: apt-get install espeak-ng libespeak-ng1",
            ) from exc
        raise TtsError(f"espeak-ng could not be started ({exc})") from exc
    _silence_driver_prints()
    return engine


def _silence_driver_prints() -> None:
    driver = sys.modules.get("pyttsx3.drivers.espeak")
    if driver is None:
        logger.warning("pyttsx3's espeak driver module not found; it may print on stdout")
        return

    def quiet_print(*args: object, **_kwargs: object) -> None:
        logger.debug("pyttsx3: %s", " ".join(str(a) for a in args))

    driver.print = quiet_print  # type: ignore[attr-defined]


def _list_espeak_variants() -> list[str] | None:
    """Variant names (``f3``, ``klatt``...) from espeak-ng itself; pyttsx3 does not list them."""
    try:
        import ctypes

        from pyttsx3.drivers import _espeak

        spec = _espeak.VOICE()
        spec.languages = b"variant"
        found = _espeak.ListVoices(ctypes.pointer(spec))
        names = [v.identifier.decode("utf-8").split("/", 1)[-1] for v in found if v.identifier]
    except Exception:
        logger.warning("could not list espeak-ng voice variants; accepting any", exc_info=True)
        return None
    return sorted(set(names))
