"""WAV input/output, on tones whose exact values are known."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.pcm import Audio, AudioError, read_wav, write_wav


def tone(rate: int, freq: float = 300.0, seconds: float = 1.0) -> Audio:
    t = np.arange(int(rate * seconds)) / rate
    return Audio((0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate)


def test_wav_round_trip_and_stereo_mixdown(tmp_path: Path) -> None:
    path = tmp_path / "t.wav"
    write_wav(path, tone(8000))
    back = read_wav(path)
    assert back.rate == 8000 and abs(back.rms_dbfs() - tone(8000).rms_dbfs()) < 0.01
    stereo = tmp_path / "s.wav"
    with wave.open(str(stereo), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        left = (tone(22050).samples * 32767).astype("<i2")
        wav.writeframes(np.stack([left, left], axis=1).tobytes())
    mono = read_wav(stereo)
    assert mono.rate == 22050 and len(mono.samples) == 22050


def test_unreadable_wavs_are_audio_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    with pytest.raises(AudioError, match="not a PCM WAV file"):
        read_wav(bad)
    with pytest.raises(AudioError, match="no such file"):
        read_wav(tmp_path / "missing.wav")
