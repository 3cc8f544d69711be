"""Reading recordings: every format a caller's recording comes in, and every way a file
can be wrong, each said in one line that names the file and what to do."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ivr.audio import files
from ivr.audio.files import MAX_SECONDS, DecoderMissingError, read_audio
from ivr.audio.pcm import Audio, AudioError, read_wav, write_wav
from ivr.errors import IvrError

sf = pytest.importorskip("soundfile")

RATE = 16000


def tone(seconds: float = 0.5, rate: int = RATE, freq: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def error_of(path: str | Path, **kwargs: float | None) -> str:
    with pytest.raises(AudioError) as caught:
        read_audio(path, **kwargs)
    text = str(caught.value)
    assert "\n" not in text and "Traceback" not in text
    assert isinstance(caught.value, IvrError)  # the CLI prints it as one Error: line
    return text


# -- what it reads -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("subtype", "tolerance"),
    [("PCM_U8", 1 / 64), ("PCM_16", 1e-4), ("PCM_24", 1e-6), ("PCM_32", 1e-6),
     ("FLOAT", 1e-7), ("DOUBLE", 1e-7)],
)  # fmt: skip
def test_wavs_of_every_sample_width_read_back_as_the_same_signal(
    tmp_path: Path, subtype: str, tolerance: float
) -> None:
    signal = tone()
    path = tmp_path / f"{subtype}.wav"
    sf.write(path, signal, RATE, subtype=subtype)
    audio = read_audio(path)
    assert audio.rate == RATE and audio.samples.dtype == np.float32
    assert len(audio.samples) == len(signal)
    assert float(np.max(np.abs(audio.samples - signal))) <= tolerance


def test_a_32_bit_extensible_wav_is_read_and_read_wav_takes_it_too(tmp_path: Path) -> None:
    path = tmp_path / "ext.wav"
    signal = tone(rate=44100)
    sf.write(path, signal, 44100, subtype="PCM_32", format="WAVEX")
    header = path.read_bytes()
    assert struct.unpack("<H", header[20:22])[0] == 0xFFFE  # WAVE_FORMAT_EXTENSIBLE
    for audio in (read_audio(path), read_wav(path)):  # read_wav refused it before
        assert audio.rate == 44100
        assert float(np.max(np.abs(audio.samples - signal))) < 1e-6


def test_channels_are_mixed_down_by_averaging(tmp_path: Path) -> None:
    stereo = np.stack([np.full(8000, 0.5), np.full(8000, 0.1)], axis=1).astype(np.float32)
    sf.write(tmp_path / "st.wav", stereo, 8000, subtype="PCM_16")
    audio = read_audio(tmp_path / "st.wav")
    assert audio.rate == 8000 and len(audio.samples) == 8000
    assert np.allclose(audio.samples, 0.3, atol=1e-3)
    six = np.tile(np.linspace(-0.5, 0.5, 6, dtype=np.float32), (4000, 1))
    sf.write(tmp_path / "six.wav", six, 48000, subtype="PCM_24")  # written as extensible
    assert np.allclose(read_audio(tmp_path / "six.wav").samples, 0.0, atol=1e-5)


@pytest.mark.parametrize(
    ("name", "fmt", "subtype", "rate"),
    [("a.flac", "FLAC", "PCM_16", 44100), ("a.ogg", "OGG", "VORBIS", 8000),
     ("a.opus", "OGG", "OPUS", 48000), ("a.aiff", "AIFF", "PCM_16", 11025)],
)  # fmt: skip
def test_flac_ogg_and_other_containers_are_read_at_their_own_rate(
    tmp_path: Path, name: str, fmt: str, subtype: str, rate: int
) -> None:
    signal = tone(1.0, rate)
    path = tmp_path / name
    try:
        sf.write(path, np.stack([signal, signal], axis=1), rate, format=fmt, subtype=subtype)
    except (RuntimeError, ValueError) as exc:  # a libsndfile built without the codec
        pytest.skip(f"this libsndfile cannot write {fmt}/{subtype}: {exc}")
    audio = read_audio(path)
    assert audio.rate == rate
    assert audio.seconds == pytest.approx(1.0, abs=0.05)
    # lossy codecs change the samples, not the loudness
    assert audio.rms_dbfs() == pytest.approx(Audio(signal, rate).rms_dbfs(), abs=1.0)


def test_float_samples_beyond_full_scale_are_scaled_not_clipped(tmp_path: Path) -> None:
    signal = tone() * 600.0  # an unnormalised float export
    sf.write(tmp_path / "loud.wav", signal, RATE, subtype="FLOAT")
    audio = read_audio(tmp_path / "loud.wav")
    assert float(np.max(np.abs(audio.samples))) == pytest.approx(1.0)
    assert np.allclose(audio.samples, signal / np.max(np.abs(signal)), atol=1e-6)


def test_a_wav_the_project_writes_reads_back(tmp_path: Path) -> None:
    write_wav(tmp_path / "ours.wav", Audio(tone(), RATE))
    assert np.allclose(read_audio(tmp_path / "ours.wav").samples, tone(), atol=1e-4)


# -- hostile files -----------------------------------------------------------------


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.wav"
    assert error_of(path) == f"{path}: no such file (check the path)"


def test_a_directory(tmp_path: Path) -> None:
    assert error_of(tmp_path) == (
        f"{tmp_path}: is a directory, not an audio file (give the recording's file name)"
    )


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert error_of(path) == f"{path}: is empty (0 bytes) (record or export the audio again)"


def test_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    began = time.monotonic()
    assert error_of(fifo) == (f"{fifo}: is not a regular file (save the recording to a file first)")
    assert time.monotonic() - began < 1.0  # never blocks waiting for a writer


@pytest.fixture
def wav_bytes(tmp_path: Path) -> bytes:
    sf.write(tmp_path / "whole.wav", tone(), RATE, subtype="PCM_16")
    return (tmp_path / "whole.wav").read_bytes()


@pytest.mark.parametrize("cut", [4, 12, 20, 30, 40])
def test_a_truncated_wav_header(tmp_path: Path, wav_bytes: bytes, cut: int) -> None:
    path = tmp_path / "cut.wav"
    path.write_bytes(wav_bytes[:cut])
    message = error_of(path)
    assert message.startswith(f"{path}: is a damaged WAV file: its header is truncated or corrupt")
    assert message.endswith("(record or export the audio again)")


def test_a_corrupt_header_with_a_zero_rate(tmp_path: Path) -> None:
    path = tmp_path / "rate0.wav"
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, 0, 0, 2, 16)
    path.write_bytes(
        b"RIFF" + struct.pack("<I", 44) + b"WAVEfmt " + fmt + b"data" + struct.pack("<I", 8)
        + bytes(8)
    )  # fmt: skip
    assert error_of(path).startswith(f"{path}: is a damaged WAV file: its header is truncated")


def test_a_header_with_an_absurd_rate(tmp_path: Path) -> None:
    path = tmp_path / "slow.wav"
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, 100, 200, 2, 16)
    path.write_bytes(
        b"RIFF" + struct.pack("<I", 36 + 2000) + b"WAVEfmt " + fmt + b"data"
        + struct.pack("<I", 2000) + bytes(2000)
    )  # fmt: skip
    assert error_of(path) == (
        f"{path}: has a sample rate of 100 Hz, which no recording of speech has (its header "
        "is damaged?) (record or export it again at 8 kHz or more (up to 768000 Hz))"
    )


def test_a_wav_with_a_header_and_no_samples(tmp_path: Path, wav_bytes: bytes) -> None:
    path = tmp_path / "hollow.wav"
    path.write_bytes(wav_bytes[:44])
    assert error_of(path) == f"{path}: holds no audio (0 samples) (record the caller's words again)"


def test_a_wav_cut_short_to_a_sample(tmp_path: Path, wav_bytes: bytes) -> None:
    path = tmp_path / "stub.wav"
    path.write_bytes(wav_bytes[:46])
    assert error_of(path) == (
        f"{path}: holds only 0.1 ms of audio, too short for a word (a file cut short?) "
        "(record or export the audio again)"
    )


def test_a_flac_whose_audio_data_is_cut_off(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    sf.write(tmp_path / "whole.flac", rng.uniform(-0.5, 0.5, RATE * 2), RATE, subtype="PCM_16")
    data = (tmp_path / "whole.flac").read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(data[: len(data) // 3])
    message = error_of(path)
    assert message.startswith(f"{path}: is damaged: its audio data cannot be decoded (libsndfile:")


def test_a_damaged_flac_header(tmp_path: Path) -> None:
    sf.write(tmp_path / "whole.flac", tone(), RATE)
    path = tmp_path / "cut.flac"
    path.write_bytes((tmp_path / "whole.flac").read_bytes()[:30])
    assert error_of(path).startswith(f"{path}: is a damaged FLAC file: its header is truncated")


def test_text_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "need.wav"
    path.write_text("my father has chest pain\n", encoding="utf-8")
    assert error_of(path) == f"{path}: is text, not audio (give a WAV, FLAC or OGG recording)"
    path.write_text("ærlig talt, æøå " * 8, encoding="utf-8")  # cut inside a character
    assert error_of(path) == f"{path}: is text, not audio (give a WAV, FLAC or OGG recording)"


def test_an_image_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "photo.wav"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert (
        error_of(path) == f"{path}: is a PNG image, not audio (give a WAV, FLAC or OGG recording)"
    )


def test_random_bytes_are_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    message = error_of(path)
    assert message.startswith(f"{path}: is not an audio file (libsndfile:")
    assert message.endswith("(give a WAV, FLAC or OGG recording)")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_samples_that_are_not_numbers(tmp_path: Path, bad: float) -> None:
    signal = tone()
    signal[100] = bad
    signal[200] = bad
    path = tmp_path / "nan.wav"
    sf.write(path, signal, RATE, subtype="FLOAT")
    assert error_of(path) == (
        f"{path}: has 2 samples that are not numbers (NaN or infinity) "
        "(export the recording again, e.g. as 16-bit PCM)"
    )


def test_a_recording_longer_than_an_utterance_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "long.flac"
    sf.write(path, np.zeros(8000 * 3600, np.float32), 8000)  # an hour: compresses to little
    began = time.monotonic()
    assert error_of(path) == (
        f"{path}: is 3600.0 s long; a caller's utterance may be at most {MAX_SECONDS:g} s "
        "(cut the recording down to what the caller says)"
    )
    assert time.monotonic() - began < 0.5  # the header said so: nothing decoded
    assert read_audio(path, max_seconds=None).seconds == pytest.approx(3600.0)


def test_a_wav_whose_header_lies_about_its_length_is_read_as_far_as_it_goes(
    tmp_path: Path, wav_bytes: bytes
) -> None:
    data = bytearray(wav_bytes)
    data[40:44] = struct.pack("<I", 0x7FFFFFF0)  # "data" chunk claims 2 GB
    path = tmp_path / "liar.wav"
    path.write_bytes(bytes(data))
    audio = read_audio(path)
    assert audio.seconds == pytest.approx(0.5, abs=0.01)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can reach (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="ivr-perm-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_file_without_read_permission(shared_dir: Path) -> None:
    path = shared_dir / "secret.wav"
    sf.write(path, tone(), RATE)
    path.chmod(0o000)
    expected = f"{path}: cannot be read (permission denied) (check the file's permissions)"
    if os.geteuid() != 0:
        assert error_of(path) == expected
        return
    # root reads anything: ask as an unprivileged user, in a child process
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is not installed")
    code = (
        "import sys\nfrom ivr.audio.files import read_audio\nfrom ivr.audio.pcm import AudioError\n"
        "try:\n    read_audio(sys.argv[1])\nexcept AudioError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-c", code, str(path)],
        capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    if done.returncode != 0 and "ivr" in done.stderr and "No module" in done.stderr:
        pytest.skip(f"the unprivileged user cannot import ivr here: {done.stderr[-200:]}")
    assert done.stdout.strip() == expected, done.stderr


def test_a_bad_path_name(tmp_path: Path) -> None:
    message = error_of(str(tmp_path / "bad\x00name.wav"))
    assert "cannot be opened" in message and message.endswith("(check the path)")


# -- without soundfile -------------------------------------------------------------


def test_without_soundfile_pcm_wavs_still_read_and_flac_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> object:
        raise DecoderMissingError(
            "reading this audio needs the soundfile package (gone)", "pip install 'ivr[audio]'"
        )

    monkeypatch.setattr(files, "_soundfile", missing)
    assert not files.soundfile_available()
    sf.write(tmp_path / "a.wav", tone(), RATE, subtype="PCM_16")
    assert read_audio(tmp_path / "a.wav").seconds == pytest.approx(0.5)
    sf.write(tmp_path / "long.wav", np.zeros(RATE * 61, np.float32), RATE, subtype="PCM_16")
    assert "is 61.0 s long" in error_of(tmp_path / "long.wav")
    sf.write(tmp_path / "a.flac", tone(), RATE)
    with pytest.raises(DecoderMissingError) as caught:
        read_audio(tmp_path / "a.flac")
    assert str(caught.value) == (
        f"{tmp_path / 'a.flac'}: reading this audio needs the soundfile package (gone) "
        "(pip install 'ivr[audio]')"
    )
    sf.write(tmp_path / "f.wav", tone(), RATE, subtype="FLOAT")
    assert "the standard library cannot read" in error_of(tmp_path / "f.wav")
    (tmp_path / "t.wav").write_text("hello")
    assert str(error_of(tmp_path / "t.wav")).endswith("(pip install 'ivr[audio]')")
