"""espeak-ng through its command line: bit-for-bit repeatable speech.

pyttsx3's espeak driver streams audio through callbacks and its output varies
by a few samples from run to run; that is enough to move a recogniser's
confidence across a menu's threshold. The synthetic *callers* of scripted
test calls use this speaker instead, so a test call hears the same thing
every time. The menu itself keeps speaking through pyttsx3.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ivr.audio.pcm import Audio, AudioError, read_wav
from ivr.tts.speaker import EngineUnavailableError, TtsError, VoiceInfo, VoiceSettings

TIMEOUT_SECONDS = 30.0


class EspeakCliSpeaker:
    """A ``Speaker`` running ``espeak-ng -w`` once per sentence."""

    def __init__(self, program: str = "espeak-ng") -> None:
        found = shutil.which(program)
        if found is None:
            raise EngineUnavailableError(f"{program} is not installed", "apt-get install espeak-ng")
        self.program = found

    def synthesize(self, text: str, settings: VoiceSettings) -> Audio:
        with tempfile.TemporaryDirectory(prefix="ivr-espeak-") as tmp:
            path = Path(tmp) / "speech.wav"
            command = [
                self.program,
                "-v",
                settings.voice,
                "-s",
                str(settings.rate),
                "-w",
                str(path),
                "--",
                text,
            ]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
                )
            except subprocess.TimeoutExpired:
                raise TtsError(f"espeak-ng took over {TIMEOUT_SECONDS:g} s") from None
            if done.returncode != 0:
                problem = (done.stderr or done.stdout).strip().splitlines()
                raise TtsError(
                    f"espeak-ng failed: {problem[-1] if problem else done.returncode}",
                    "check the voice with: ivr voices",
                )
            try:
                audio = read_wav(path)
            except AudioError as exc:
                raise TtsError(f"espeak-ng wrote no usable audio ({exc})") from None
        if settings.volume != 1.0:
            audio = Audio(
                (audio.samples * np.float32(settings.volume)).astype(np.float32), audio.rate
            )
        return audio

    def voices(self) -> list[VoiceInfo]:
        return []
