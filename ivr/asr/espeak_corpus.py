"""Labelled test utterances spoken by espeak-ng, for accuracy checks without recordings.

Uses the ``espeak-ng`` command (not pyttsx3): one short-lived process per
utterance is thread-safe and needs no audio device. Several voices and rates
are used so a result is not tuned to one synthetic speaker.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ivr.asr.recognizer import EngineError
from ivr.audio.pcm import Audio, read_wav

log = logging.getLogger(__name__)

IVR_PHRASES: tuple[str, ...] = (
    "fire",
    "police",
    "ambulance",
    "doctor",
    "mental health",
    "text service",
    "register",
    "yes",
    "no",
    "repeat",
    "back",
    "main menu",
    "operator",
    "help",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "zero",
)

#: Speech that is in no IVR grammar above: the recogniser should reject it.
OFF_GRAMMAR: tuple[str, ...] = (
    "banana",
    "what is the weather like today",
    "my cat is sleeping",
    "hello there",
    "computer",
    "I would like to order a pizza",
    "tomorrow morning",
    "purple elephant",
    "the quick brown fox",
    "basketball",
    "good evening",
    "umbrella",
)

VOICES: tuple[str, ...] = ("en-us", "en", "en+f3")
RATES: tuple[int, ...] = (130, 160, 200)


@dataclass(frozen=True)
class Utterance:
    text: str
    voice: str
    rate: int
    audio: Audio


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, voice: str = "en-us", rate: int = 160) -> Audio:
    """Synthesize ``text`` (22.05 kHz mono)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise EngineError("espeak-ng is not installed", "apt-get install espeak-ng")
    with tempfile.TemporaryDirectory(prefix="ivr-espeak-") as tmp:
        wav = Path(tmp) / "say.wav"
        proc = subprocess.run(
            [exe, "-v", voice, "-s", str(rate), "-w", str(wav), text],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if proc.returncode != 0 or not wav.exists():
            raise EngineError(f"espeak-ng failed for voice {voice!r}: {proc.stderr.strip()}")
        return read_wav(wav)


def corpus(
    phrases: Sequence[str],
    voices: Sequence[str] = VOICES,
    rates: Sequence[int] = RATES,
) -> Iterator[Utterance]:
    for voice in voices:
        for rate in rates:
            for text in phrases:
                yield Utterance(text, voice, rate, speak(text, voice, rate))
