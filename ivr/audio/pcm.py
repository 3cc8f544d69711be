"""Mono PCM buffers and WAV input/output.

Every engine wants a different rate (espeak-ng writes 22.05 kHz, telephones
carry 8 kHz, the recognisers want 16 kHz), so audio crosses the code base in
one shape: mono float32 samples in [-1, 1] plus their rate. ``ivr.audio.resample``
converts between rates (``audioop`` is gone in Python 3.13, hence numpy).
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ivr.errors import IvrError

FloatArray = npt.NDArray[np.float32]


class AudioError(IvrError):
    """An audio file that cannot be read, or audio that cannot be converted.

    For a file, ``file`` is its path as given and ``reason`` what is wrong with
    it, so a caller that names the file its own way (a call file's line and
    column) can reuse the reason; ``str()`` is ``FILE: REASON (HINT)``.
    """

    def __init__(self, message: str, hint: str | None = None, *, file: str | None = None) -> None:
        self.file = file
        self.reason = message
        super().__init__(f"{file}: {message}" if file is not None else message, hint)


@dataclass(frozen=True)
class Audio:
    """Mono audio: float32 samples in [-1, 1] at ``rate`` Hz."""

    samples: FloatArray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0

    def to_pcm16(self) -> bytes:
        clipped = np.clip(self.samples, -1.0, 1.0)
        return (clipped * 32767.0).round().astype("<i2").tobytes()

    @classmethod
    def from_pcm16(cls, data: bytes, rate: int) -> Audio:
        ints = np.frombuffer(data, dtype="<i2")
        return cls((ints.astype(np.float32) / 32768.0), rate)

    def rms_dbfs(self) -> float:
        """Loudness in dB relative to full scale; -inf for digital silence."""
        if len(self.samples) == 0:
            return float("-inf")
        rms = float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))
        return float("-inf") if rms == 0.0 else 20.0 * float(np.log10(rms))


def read_wav(path: str | Path) -> Audio:
    """Read a PCM WAV file of any rate, width (8/16/24/32 bit) and channel count as mono.

    The standard library reads the WAVs this project writes itself; a WAV it
    cannot take (float samples, WAVE_FORMAT_EXTENSIBLE) is handed to
    ``ivr.audio.files.read_audio`` (libsndfile) when soundfile is installed.
    Recordings from elsewhere should be read with ``read_audio``, which checks more.
    """
    try:
        with wave.open(str(path), "rb") as wav:
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            rate = wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioError(f"{path}: is a directory, not a WAV file") from None
    except (wave.Error, EOFError) as exc:
        if str(exc).startswith("unknown format"):
            from ivr.audio.files import read_audio, soundfile_available

            if soundfile_available():
                return read_audio(path, max_seconds=None, min_seconds=None)
        raise AudioError(f"{path}: not a PCM WAV file ({exc})") from None
    if rate <= 0 or channels <= 0:
        raise AudioError(f"{path}: WAV header has rate {rate} and {channels} channels")
    samples = _decode(frames, width, path)
    usable = len(samples) - len(samples) % channels
    mono = samples[:usable].reshape(-1, channels).mean(axis=1, dtype=np.float32)
    return Audio(mono.astype(np.float32), rate)


def _decode(frames: bytes, width: int, path: str | Path) -> FloatArray:
    if width == 1:
        return (np.frombuffer(frames, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if width == 3:
        raw = np.frombuffer(frames[: len(frames) - len(frames) % 3], dtype=np.uint8)
        triples = raw.reshape(-1, 3).astype(np.int32)
        ints = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        return (ints.astype(np.float32) / float(1 << 23)).astype(np.float32)
    if width == 4:
        return (np.frombuffer(frames, dtype="<i4").astype(np.float64) / 2147483648.0).astype(
            np.float32
        )
    raise AudioError(f"{path}: unsupported sample width of {width} bytes")


def write_wav(path: str | Path, audio: Audio) -> None:
    """Write 16-bit mono PCM atomically: a crash never leaves a half-written file."""
    from ivr.fsutil import atomic_output

    with atomic_output(path, "WAV file") as raw, wave.open(raw, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(audio.rate)
        wav.writeframes(audio.to_pcm16())


def silence(seconds: float, rate: int) -> Audio:
    return Audio(np.zeros(round(seconds * rate), dtype=np.float32), rate)


def concat(parts: list[Audio]) -> Audio:
    """Join clips, converting every one to the first clip's rate."""
    from ivr.audio.resample import resample  # it builds on Audio: imported here, not above

    if not parts:
        raise AudioError("nothing to join")
    rate = parts[0].rate
    return Audio(
        np.concatenate([resample(p, rate).samples for p in parts]).astype(np.float32), rate
    )


def mix_noise(audio: Audio, snr_db: float, seed: int = 0) -> Audio:
    """Add white noise at the given signal-to-noise ratio (for robustness tests)."""
    rng = np.random.default_rng(seed)
    power = float(np.mean(np.square(audio.samples, dtype=np.float64))) or 1e-12
    noise_power = power / (10.0 ** (snr_db / 10.0))
    noise = rng.normal(0.0, np.sqrt(noise_power), len(audio.samples))
    return Audio(np.clip(audio.samples + noise, -1.0, 1.0).astype(np.float32), audio.rate)
