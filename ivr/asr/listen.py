"""Recognise many files with one loaded model (loading is the slow part).

Each file is prepared by the one audio front end (``ivr.audio.frontend``) as
a live call would hear it, so a file gives here the text and confidence it
gives through ``ivr call --play`` and a live call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ivr.asr.recognizer import (
    EngineError,
    Grammar,
    Recognizer,
    Result,
    Source,
    Transcriber,
    open_transcriber,
    recognize,
)
from ivr.audio.files import read_audio
from ivr.audio.frontend import prepare_clip
from ivr.audio.pcm import Audio, AudioError
from ivr.errors import IvrError

log = logging.getLogger(__name__)

#: What a caller is told once when a node takes a described need but nothing here
#: can transcribe one.
NO_FREE_SPEECH = (
    "Spoken descriptions need a free-speech recogniser (pip install 'ivr[neural]'); "
    "keys and the menu's own words still work."
)


@dataclass(frozen=True)
class ListenResult:
    """One file's outcome; ``error`` is set (and ``result`` None) when it could not be read.
    ``speech`` is False when the front end found no speech in it (``result`` is then
    the empty one, as a live call would hear nothing)."""

    file: str
    result: Result | None
    seconds: float
    elapsed: float
    option: str | None = None
    error: str | None = None
    speech: bool = True


def listen_files(
    paths: Iterable[str | Path], recognizer: Recognizer, grammar: Grammar | None
) -> Iterator[ListenResult]:
    """Yield one result per file, in order; a bad file yields an error and the rest go on."""

    def decode(audio: Audio) -> Result:
        return recognize(recognizer, audio, grammar)

    return _each(paths, decode, Result("", 0.0))


def transcribe_files(
    paths: Iterable[str | Path], transcriber: Transcriber
) -> Iterator[ListenResult]:
    """Free transcripts of the files, in order; a bad file yields an error and the rest go on."""

    def decode(audio: Audio) -> Result:
        return transcribe(transcriber, audio)

    return _each(paths, decode, Result("", 0.0, source=Source.TRANSCRIPT))


def transcribe(transcriber: Transcriber, audio: Audio) -> Result:
    """One prepared utterance's free transcript, at the rate the transcriber wants."""
    from ivr.audio.resample import resample

    return transcriber.transcribe(resample(audio, transcriber.sample_rate))


def _each(
    paths: Iterable[str | Path], decode: Callable[[Audio], Result], nothing: Result
) -> Iterator[ListenResult]:
    """``nothing``: the result of a file with no speech in it, which is not decoded."""
    for path in paths:
        name = str(path)
        try:
            audio = read_audio(path)
        except AudioError as exc:
            yield ListenResult(name, None, 0.0, 0.0, error=str(exc))
            continue
        started = time.perf_counter()
        prepared = prepare_clip(audio)
        if prepared is None:
            elapsed = time.perf_counter() - started
            yield ListenResult(name, nothing, audio.seconds, elapsed, speech=False)
            continue
        try:
            result = decode(prepared)
        except IvrError as exc:
            yield ListenResult(name, None, audio.seconds, 0.0, error=f"{name}: {exc}")
            continue
        yield ListenResult(name, result, audio.seconds, time.perf_counter() - started)


def engine_for(asked: str, menu_engine: str) -> str:
    """The engine a menu is heard with: the one asked for on the command line, else
    (``auto``) the one the menu names, as its scripted calls are heard."""
    return menu_engine if asked == "auto" else asked


def open_free_transcriber(language: str = "en", engine: str = "auto") -> Transcriber:
    """A free-speech transcriber from the engine registry; ``EngineError`` when none is
    installed for ``language``. (One seam, so front ends and their tests share it.)"""
    return open_transcriber(language=language, engine=engine)


_AVAILABLE: dict[str, bool] = {}


def free_speech_available(recognizer: Recognizer | None, language: str = "en") -> bool:
    """Whether a node that takes a described need can hear one here.

    A recogniser may say so itself (a ``transcribes`` attribute: it answers
    free grammars with transcripts); otherwise the engine registry is asked
    once per language for a transcriber (``EngineError``: none installed).
    """
    said = getattr(recognizer, "transcribes", None)
    if isinstance(said, bool):
        return said
    if language not in _AVAILABLE:
        try:
            open_free_transcriber(language)
            _AVAILABLE[language] = True
        except (EngineError, ImportError) as exc:
            log.info("no free-speech transcriber for %r: %s", language, exc)
            _AVAILABLE[language] = False
    return _AVAILABLE[language]
