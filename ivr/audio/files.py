"""Reading recordings from anywhere: any WAV, FLAC or OGG file as mono ``Audio``.

Decoding is left to libsndfile (through ``soundfile``, whose wheel bundles
it): PCM of 8 to 32 bits, float, WAVE_FORMAT_EXTENSIBLE, RF64, FLAC, OGG
Vorbis and Opus, AIFF. Channels are mixed down by averaging; the rate is the
file's own (resampling is the recogniser's business).

What this module adds is the checking a file from a user needs, each problem
said in one line that names the file and what to do (``AudioError``, never a
traceback): no such file, a directory, no permission, empty, a damaged header,
something that is not audio at all (text, an image), no samples, samples that
are not numbers, and a length no caller's utterance has (``MAX_SECONDS``).

Without soundfile (an install with only ``ivr[tts]``) plain PCM WAVs are
still read, by the standard library (``read_wav``).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

from ivr.audio.pcm import Audio, AudioError, FloatArray

log = logging.getLogger(__name__)

#: Longest recording taken as one caller utterance, in seconds.
MAX_SECONDS = 60.0
#: Shorter than this holds no word (a "yes" takes 0.2 s): a file cut short.
MIN_SECONDS = 0.05
#: Sample rates outside this range are a damaged header, not a recording of speech.
MIN_RATE, MAX_RATE = 4000, 768_000
#: More channels than this is not a phone call.
MAX_CHANNELS = 64
#: Frames decoded at a time, so memory stays bounded whatever the channel count.
BLOCK_FRAMES = 65536

AUDIO_HINT = "give a WAV, FLAC or OGG recording"
AGAIN_HINT = "record or export the audio again"

#: Magic bytes of containers libsndfile reads, for "damaged X file" messages.
_AUDIO_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"RIFF", "WAV"),
    (b"RIFX", "WAV"),
    (b"RF64", "WAV"),
    (b"fLaC", "FLAC"),
    (b"OggS", "OGG"),
    (b"FORM", "AIFF"),
    (b"caff", "CAF"),
)
#: Magic bytes of common files that are not audio.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)


class DecoderMissingError(AudioError):
    """The file may be fine, but this install has nothing to decode it with."""


def soundfile_available() -> bool:
    """True when the soundfile package (and its libsndfile) can be imported."""
    try:
        _soundfile()
    except DecoderMissingError:
        return False
    return True


def _soundfile() -> Any:
    try:
        import soundfile  # type: ignore[import-untyped, unused-ignore]
    except (ImportError, OSError) as exc:  # OSError: the bundled libsndfile would not load
        raise DecoderMissingError(
            f"reading this audio needs the soundfile package ({exc})",
            "pip install 'ivr[audio]'",
        ) from None
    return soundfile


def read_audio(
    path: str | Path,
    *,
    max_seconds: float | None = MAX_SECONDS,
    min_seconds: float | None = MIN_SECONDS,
) -> Audio:
    """Read a recording as mono float32 at its own rate; ``AudioError`` says what is wrong.

    ``max_seconds`` caps the length (``None``: no cap), checked before any
    sample is decoded, so a huge file costs nothing; ``min_seconds`` refuses
    clips too short to hold a word (``None``: anything with a sample).
    """
    name = str(path)
    head = _check_file(name)
    try:
        sf = _soundfile()
    except DecoderMissingError as missing:
        if _kind(head) == "WAV":
            return _checked(_read_with_wave(name, max_seconds), name, max_seconds, min_seconds)
        raise DecoderMissingError(missing.reason, missing.hint, file=name) from None
    try:
        handle = sf.SoundFile(name)
    except (RuntimeError, OSError, ValueError, TypeError, sf.SoundFileError) as exc:
        raise _refused(name, head, exc) from None
    with handle:
        rate, channels, frames = int(handle.samplerate), int(handle.channels), int(handle.frames)
        _check_format(name, rate, channels, frames, max_seconds)
        limit = frames if max_seconds is None else min(frames, int(max_seconds * rate) + 1)
        blocks: list[FloatArray] = []
        got = 0
        try:
            while got < limit:
                block = handle.read(min(BLOCK_FRAMES, limit - got), dtype="float32", always_2d=True)
                if len(block) == 0:
                    break
                got += len(block)
                blocks.append(block.mean(axis=1, dtype=np.float32))
        except (RuntimeError, OSError, ValueError, sf.SoundFileError) as exc:
            raise AudioError(
                "is damaged: its audio data cannot be decoded "
                f"(libsndfile: {_libsndfile_says(exc)})",
                AGAIN_HINT,
                file=name,
            ) from None
    if got < frames:
        log.warning("%s: the header announces %d samples, the file holds %d", name, frames, got)
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    audio = Audio(samples.astype(np.float32, copy=False), rate)
    return _checked(audio, name, max_seconds, min_seconds)


def _check_file(name: str) -> bytes:
    """The file's first bytes, after checking it exists, is a readable regular file, not empty."""
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise AudioError("no such file", "check the path", file=name) from None
    except PermissionError:
        raise AudioError(
            "cannot be read (permission denied)", "check the file's permissions", file=name
        ) from None
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise AudioError(f"cannot be opened ({exc})", "check the path", file=name) from None
    if stat.S_ISDIR(info.st_mode):
        raise AudioError(
            "is a directory, not an audio file", "give the recording's file name", file=name
        )
    if not stat.S_ISREG(info.st_mode):
        raise AudioError("is not a regular file", "save the recording to a file first", file=name)
    if info.st_size == 0:
        raise AudioError("is empty (0 bytes)", AGAIN_HINT, file=name)
    try:
        with open(name, "rb") as raw:
            return raw.read(64)
    except PermissionError:
        raise AudioError(
            "cannot be read (permission denied)", "check the file's permissions", file=name
        ) from None
    except OSError as exc:
        raise AudioError(f"cannot be read ({exc.strerror or exc})", AGAIN_HINT, file=name) from None


def _kind(head: bytes) -> str | None:
    for magic, kind in _AUDIO_MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _refused(name: str, head: bytes, exc: BaseException) -> AudioError:
    """Why libsndfile would not open the file, in words: damaged audio, or not audio."""
    said = _libsndfile_says(exc)
    kind = _kind(head)
    if kind is not None:
        return AudioError(
            f"is a damaged {kind} file: its header is truncated or corrupt (libsndfile: {said})",
            AGAIN_HINT,
            file=name,
        )
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            return AudioError(f"is {what}, not audio", AUDIO_HINT, file=name)
    if _looks_like_text(head):
        return AudioError("is text, not audio", AUDIO_HINT, file=name)
    return AudioError(f"is not an audio file (libsndfile: {said})", AUDIO_HINT, file=name)


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sample is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return bool(text) and all(c.isprintable() or c in "\t\r\n" for c in text)


def _libsndfile_says(exc: BaseException) -> str:
    said = getattr(exc, "error_string", None)
    text = str(said if said else exc).strip().rstrip(".")
    return " ".join(text.split()) or type(exc).__name__


def _check_format(
    name: str, rate: int, channels: int, frames: int, max_seconds: float | None
) -> None:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError(
            f"has a sample rate of {rate} Hz, which no recording of speech has "
            "(its header is damaged?)",
            f"record or export it again at 8 kHz or more (up to {MAX_RATE} Hz)",
            file=name,
        )
    if not 1 <= channels <= MAX_CHANNELS:
        raise AudioError(f"has {channels} channels", "give a mono or stereo recording", file=name)
    if frames <= 0:
        raise AudioError("holds no audio (0 samples)", "record the caller's words again", file=name)
    _check_length(name, frames / rate, max_seconds)


def _check_length(name: str, seconds: float, max_seconds: float | None) -> None:
    if max_seconds is not None and seconds > max_seconds:
        raise AudioError(
            f"is {seconds:.1f} s long; a caller's utterance may be at most {max_seconds:g} s",
            "cut the recording down to what the caller says",
            file=name,
        )


def _checked(
    audio: Audio, name: str, max_seconds: float | None, min_seconds: float | None
) -> Audio:
    """The decoded samples: enough of them, all numbers, in [-1, 1]."""
    if len(audio.samples) == 0:
        raise AudioError("holds no audio (0 samples)", "record the caller's words again", file=name)
    _check_length(name, audio.seconds, max_seconds)
    if min_seconds is not None and audio.seconds < min_seconds:
        raise AudioError(
            f"holds only {audio.seconds * 1000:.1f} ms of audio, too short for a word "
            "(a file cut short?)",
            AGAIN_HINT,
            file=name,
        )
    finite = np.isfinite(audio.samples)
    if not finite.all():
        bad = int(len(finite) - np.count_nonzero(finite))
        raise AudioError(
            f"has {bad} sample{'s' if bad != 1 else ''} that are not numbers (NaN or infinity)",
            "export the recording again, e.g. as 16-bit PCM",
            file=name,
        )
    peak = float(np.max(np.abs(audio.samples)))
    if peak > 1.0:
        # Float files may hold any scale; keep the waveform rather than clip it.
        log.info("%s: float samples peak at %.3g; scaled into [-1, 1]", name, peak)
        return Audio((audio.samples / peak).astype(np.float32), audio.rate)
    return audio


def _read_with_wave(name: str, max_seconds: float | None) -> Audio:
    """A PCM WAV through the standard library, for installs without soundfile."""
    import wave

    from ivr.audio.pcm import read_wav

    try:
        with wave.open(name, "rb") as wav:
            rate, channels, frames = wav.getframerate(), wav.getnchannels(), wav.getnframes()
    except (wave.Error, EOFError) as exc:
        raise AudioError(
            f"is a WAV file the standard library cannot read ({exc})",
            "pip install 'ivr[audio]' (soundfile reads float and extensible WAVs, FLAC, OGG)",
            file=name,
        ) from None
    _check_format(name, rate, channels, frames, max_seconds)
    return read_wav(name)
