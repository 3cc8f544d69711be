"""Fixtures for audio tests: the virtual PulseAudio devices and espeak-ng speech."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ivr.audio.pcm import Audio, read_wav
from ivr.errors import IvrError

from .virtual_devices import (
    VirtualAudio,
    VirtualAudioError,
    missing_programs,
    start_virtual_audio,
    stop_virtual_audio,
    using_virtual_audio,
    warm_up,
)


@pytest.fixture(scope="session")
def virtual_audio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualAudio]:
    """One private PulseAudio daemon for the session; skipped when it cannot exist here."""
    missing = missing_programs()
    if missing:
        pytest.skip(f"virtual audio needs {', '.join(missing)} (apt: pulseaudio pulseaudio-utils)")
    pytest.importorskip("sounddevice", reason="virtual audio tests need sounddevice")
    from ivr.audio.discovery import list_devices
    from ivr.audio.ports import AudioDeviceError

    try:
        list_devices()
    except AudioDeviceError as exc:  # no PortAudio library: nothing to test on
        pytest.skip(str(exc))
    _start_tts_outside_the_virtual_server()
    audio = start_virtual_audio(tmp_path_factory.mktemp("vaudio"))
    try:
        with using_virtual_audio(audio):
            warm_up(audio)
        yield audio
    finally:
        stop_virtual_audio(audio, remove=False)


def _start_tts_outside_the_virtual_server() -> None:
    """libespeak-ng binds to a PulseAudio server running when pyttsx3 first starts it,
    and that one engine serves the whole process: start it before the private server,
    so the speech later tests synthesise does not depend on whether this ran first."""
    try:
        from ivr.tts import make_speaker
        from ivr.tts.speaker import VoiceSettings

        make_speaker().synthesize("ready", VoiceSettings())
    except (ImportError, IvrError) as exc:  # no TTS here: nothing to pre-start
        print(f"(text-to-speech not started before the audio server: {exc})")


@pytest.fixture
def virtual_audio(virtual_audio_server: VirtualAudio) -> Iterator[VirtualAudio]:
    """The virtual devices, with this process pointed at them for the test's duration."""
    if not virtual_audio_server.alive():
        raise VirtualAudioError(
            f"the virtual PulseAudio daemon died:\n{virtual_audio_server.log_tail()}"
        )
    with using_virtual_audio(virtual_audio_server) as audio:
        yield audio


def espeak(text: str, path: Path, voice: str = "en-us") -> Audio:
    """Real synthetic speech from the espeak-ng command line (22.05 kHz mono)."""
    subprocess.run(
        ["espeak-ng", "-v", voice, "-w", str(path), text],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return read_wav(path)


@pytest.fixture
def say(tmp_path: Path) -> Callable[..., Audio]:
    """``say(text)`` -> Audio spoken by espeak-ng; skips when espeak-ng is absent."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt: espeak-ng)")
    counter = iter(range(1_000_000))

    def speak(text: str, voice: str = "en-us") -> Audio:
        return espeak(text, tmp_path / f"say{next(counter)}.wav", voice)

    return speak
