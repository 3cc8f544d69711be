"""Content-addressed disk cache of synthesized prompts.

A menu speaks the same few dozen sentences on every call; synthesizing them
once and reading a small WAV afterwards makes a prompt start in well under a
millisecond and keeps the (single, locked) engine free. The key is a hash of
everything that changes the audio, so editing a prompt's text, voice or rate
simply misses; nothing is ever invalidated by hand.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from ivr.audio.pcm import Audio, AudioError, read_wav, write_wav
from ivr.audio.resample import resample
from ivr.errors import IvrError
from ivr.tts.speaker import Speaker, VoiceSettings

logger = logging.getLogger(__name__)

#: Bump when the stored audio for the same inputs would change (resampler,
#: text cleaning, WAV layout), so old entries are no longer found.
FORMAT_VERSION = 2  # 2: prompts resampled by the windowed sinc, not the FFT


def default_cache_dir() -> Path:
    """``$IVR_CACHE_DIR``, else ``$XDG_CACHE_HOME/ivr/prompts``, else ``~/.cache/ivr/prompts``."""
    explicit = os.environ.get("IVR_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "ivr" / "prompts"


def normalise_text(text: str) -> str:
    """Whitespace does not change what espeak says, so it must not change the key."""
    return " ".join(text.split())


class PromptCache:
    """Synthesize each distinct prompt once; later requests read the stored WAV.

    ``rate`` in ``get`` is the sample rate the caller wants (8000 for a phone
    line); ``None`` keeps the engine's own rate. A cache directory that cannot
    be written only costs speed: the audio is still returned and a warning logged.
    """

    def __init__(self, speaker: Speaker, directory: str | Path | None = None) -> None:
        self.speaker = speaker
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        # Another engine (or a fake in tests) must never be served this one's audio.
        self._engine_tag = str(getattr(speaker, "cache_tag", type(speaker).__qualname__))
        self._write_warned = False

    def key(self, text: str, settings: VoiceSettings, rate: int | None = None) -> str:
        fields = {
            "text": normalise_text(text),
            "voice": settings.voice,
            "wpm": settings.rate,
            "volume": round(float(settings.volume), 6),
            "rate": rate or 0,
            "format": FORMAT_VERSION,
            "engine": self._engine_tag,
        }
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.wav"

    def get(self, text: str, settings: VoiceSettings, rate: int | None = None) -> Audio:
        if rate is not None and rate <= 0:
            raise IvrError(f"sample rate must be positive, got {rate}")
        key = self.key(text, settings, rate)
        path = self.path_for(key)
        cached = self._read(path, rate)
        if cached is not None:
            return cached
        audio = self.speaker.synthesize(normalise_text(text), settings)
        if rate is not None and audio.rate != rate:
            audio = resample(audio, rate)
        self._write(path, audio)
        return audio

    def contains(self, text: str, settings: VoiceSettings, rate: int | None = None) -> bool:
        return self.path_for(self.key(text, settings, rate)).is_file()

    def _read(self, path: Path, rate: int | None) -> Audio | None:
        if not path.is_file():
            return None
        try:
            audio = read_wav(path)
        except AudioError as exc:
            logger.warning("ignoring a damaged prompt cache entry %s: %s", path, exc)
            return None
        if len(audio.samples) == 0 or (rate is not None and audio.rate != rate):
            logger.warning("ignoring an unusable prompt cache entry %s", path)
            return None
        return audio

    def _write(self, path: Path, audio: Audio) -> None:
        try:
            write_wav(path, audio)  # atomic: a crash never leaves a half entry behind
        except IvrError as exc:
            level = logging.DEBUG if self._write_warned else logging.WARNING
            logger.log(level, "cannot store prompt in cache %s: %s", self.directory, exc)
            self._write_warned = True
