"""Recognise many files with one loaded model (loading is the slow part)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ivr.asr.recognizer import Grammar, Recognizer, Result, recognize
from ivr.audio.pcm import AudioError, read_wav
from ivr.errors import IvrError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListenResult:
    """One file's outcome; ``error`` is set (and ``result`` None) when it could not be read."""

    file: str
    result: Result | None
    seconds: float
    elapsed: float
    option: str | None = None
    error: str | None = None


def listen_files(
    paths: Iterable[str | Path], recognizer: Recognizer, grammar: Grammar | None
) -> Iterator[ListenResult]:
    """Yield one result per file, in order; a bad file yields an error and the rest go on."""
    for path in paths:
        name = str(path)
        try:
            audio = read_wav(path)
        except AudioError as exc:
            yield ListenResult(name, None, 0.0, 0.0, error=str(exc))
            continue
        started = time.perf_counter()
        try:
            result = recognize(recognizer, audio, grammar)
        except IvrError as exc:
            yield ListenResult(name, None, audio.seconds, 0.0, error=f"{name}: {exc}")
            continue
        yield ListenResult(name, result, audio.seconds, time.perf_counter() - started)
