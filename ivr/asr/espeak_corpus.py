"""Labelled test utterances spoken by espeak-ng (and Debian's flite), for accuracy
checks without recordings.

Uses the ``espeak-ng`` and ``flite`` commands (not pyttsx3): one short-lived
process per utterance is thread-safe and needs no audio device. Several voices
and rates are used so a result is not tuned to one synthetic speaker. (The
project keeps festival and svox/pico voices out of all tuning: they are its
held-out synthesisers.)
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ivr.asr.base import EngineError
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

#: Plain-language needs a caller might say where a menu takes a description (written
#: for tuning and testing the free-speech path, not taken from the menu's examples).
NEEDS: tuple[str, ...] = (
    "my dad has chest pain",
    "someone broke into my car",
    "my house is on fire",
    "police please",
    "my mother collapsed and is not breathing",
    "there is smoke coming from the flat upstairs",
    "a man is trying to break into my neighbour's house",
    "my son has a very high fever",
    "I think my arm is broken",
    "I cut my hand badly and it will not stop bleeding",
    "I feel very depressed and need someone to talk to",
    "I want to report a stolen bicycle",
    "I lost my wallet on the bus yesterday",
    "I need to change my GP",
    "how do I register with a family doctor",
    "I am deaf and need to send a text message",
    "my friend took too many pills",
    "there was a car accident on the motorway",
    "I can smell gas in the kitchen",
    "my baby is having trouble breathing",
    "someone stole my phone",
    "my grandfather fell down the stairs",
    "I have a terrible toothache",
    "where can I get help for anxiety",
    "a child is missing in the forest",
    "the boat has not come back to the harbour",
    "my wife is having a stroke",
    "I was scammed on the internet",
    "the neighbours are playing loud music",
    "I need an ambulance right now",
    "my husband is unconscious",
    "I need a doctor tonight",
    "there is a fight outside the bar",
    "I think I broke my ankle playing football",
    "I am having a panic attack",
    "my daughter has a rash and a fever",
    "a tree fell on the road",
    "I need information about the health clinic",
    "I need to talk to someone about my feelings",
    "my car was vandalised last night",
)

VOICES: tuple[str, ...] = ("en-us", "en", "en+f3")
#: flite's voices (Debian ``flite``): three statistical-parametric voices and a diphone one.
FLITE_VOICES: tuple[str, ...] = ("slt", "kal16", "rms", "awb")
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


def flite_available() -> bool:
    return shutil.which("flite") is not None


def speak_flite(text: str, voice: str = "slt") -> Audio:
    """Synthesize ``text`` with Debian's flite (16 kHz mono; ``kal`` is 8 kHz)."""
    exe = shutil.which("flite")
    if exe is None:
        raise EngineError("flite is not installed", "apt-get install flite")
    with tempfile.TemporaryDirectory(prefix="ivr-flite-") as tmp:
        wav = Path(tmp) / "say.wav"
        proc = subprocess.run(
            [exe, "-voice", voice, "-t", text, "-o", str(wav)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if proc.returncode != 0 or not wav.exists():
            raise EngineError(f"flite failed for voice {voice!r}: {proc.stderr.strip()}")
        return read_wav(wav)


def telephone(audio: Audio, snr_db: float | None = None, seed: int = 0) -> Audio:
    """``audio`` as an 8 kHz line delivers it: resampled, peak at -3 dBFS, 0.25 s of
    silence each side, and white noise ``snr_db`` below the speech's own power."""
    import numpy as np

    from ivr.audio.resample import resample

    samples = resample(audio, 8000).samples.astype(np.float64)
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak > 0:
        samples *= 0.7 / peak
    pad = np.zeros(2000)
    line = np.concatenate([pad, samples, pad])
    if snr_db is not None:
        voiced = samples[np.abs(samples) > 1e-4]
        power = float(np.mean(np.square(voiced))) if len(voiced) else 1e-12
        noise = np.random.default_rng(seed).normal(
            0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(line)
        )
        line = line + noise
    return Audio(np.clip(line, -1.0, 1.0).astype(np.float32), 8000)


def corpus(
    phrases: Sequence[str],
    voices: Sequence[str] = VOICES,
    rates: Sequence[int] = RATES,
) -> Iterator[Utterance]:
    for voice in voices:
        for rate in rates:
            for text in phrases:
                yield Utterance(text, voice, rate, speak(text, voice, rate))
