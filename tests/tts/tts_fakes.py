"""Test doubles for the text-to-speech tests (pytest puts this folder on sys.path)."""

from __future__ import annotations

import wave
from collections.abc import Callable

import numpy as np

from ivr.audio.pcm import Audio
from ivr.tts.speaker import TtsError, VoiceInfo, VoiceSettings

FAKE_VOICES = [
    VoiceInfo("gmw/en", "English (Great Britain)", ("en-gb",)),
    VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
    VoiceInfo("gmq/nb", "Norwegian Bokmål", ("nb",)),
    VoiceInfo("gmw/de", "German", ("de",)),
]


class FakeSpeaker:
    """Counts calls; 'speaks' a tone whose length grows with the text, at 22.05 kHz."""

    cache_tag = "fake"

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[tuple[str, VoiceSettings]] = []
        self.fail_on = fail_on

    def synthesize(self, text: str, settings: VoiceSettings) -> Audio:
        self.calls.append((text, settings))
        if self.fail_on is not None and self.fail_on in text:
            raise TtsError(f"fake engine refuses {text!r}")
        n = 2205 * (1 + len(text) // 5)
        t = np.arange(n, dtype=np.float32) / 22050.0
        tone = 0.5 * settings.volume * np.sin(2 * np.pi * 440.0 * t)
        return Audio(tone.astype(np.float32), 22050)

    def voices(self) -> list[VoiceInfo]:
        return list(FAKE_VOICES)


class FakeVoice:
    def __init__(self, id: str, name: str, languages: list[str]) -> None:
        self.id = id
        self.name = name
        self.languages = languages


class FakeEngine:
    """Plays pyttsx3's espeak driver, including its failures, one scripted run at a time.

    Each entry of ``script`` decides what the next ``runAndWait`` does:
    ``ok`` writes the WAV and reports the finished utterance; ``missing`` writes
    nothing; ``empty`` leaves a 0-byte file; ``partial`` a header promising more
    data than follows; ``raise`` throws inside the loop like pyttsx3 does and
    then refuses every run until ``endLoop``; ``silent-ok`` writes the WAV but
    never calls back. After the script ends, every run is ``ok``.
    """

    def __init__(self, script: list[str] | None = None) -> None:
        self.script = list(script or [])
        self.queue: list[tuple[str, str]] = []
        self.runs = 0
        self.saved_texts: list[str] = []
        self.voice_sets: list[str] = []
        self.in_loop = False
        self.callbacks: dict[str, list[Callable[..., None]]] = {}

    def connect(self, topic: str, cb: Callable[..., None]) -> dict[str, object]:
        self.callbacks.setdefault(topic, []).append(cb)
        return {"topic": topic, "cb": cb}

    def getProperty(self, name: str) -> object:
        if name == "voices":
            return [FakeVoice(v.id, v.name, list(v.languages)) for v in FAKE_VOICES]
        raise KeyError(name)

    def setProperty(self, name: str, value: object) -> None:
        if name == "voice":
            self.voice_sets.append(str(value))

    def save_to_file(self, text: str, filename: str) -> None:
        self.queue.append((text, filename))

    def endLoop(self) -> None:
        if not self.in_loop:
            raise RuntimeError("run loop not started")
        self.in_loop = False

    def runAndWait(self) -> None:
        if self.in_loop:
            raise RuntimeError("run loop already started")
        self.runs += 1
        if len(self.queue) != 1:
            raise AssertionError(f"{len(self.queue)} utterances queued for one run")
        text, filename = self.queue.pop()
        self.saved_texts.append(text)
        action = self.script.pop(0) if self.script else "ok"
        if action == "raise":
            self.in_loop = True
            raise RuntimeError("synthesis blew up")
        if action in ("ok", "silent-ok", "partial"):
            n = 100 * len(text)
            samples = (0.3 * np.sin(np.arange(n) / 5.0)).astype(np.float32)
            pcm = Audio(samples, 22050).to_pcm16()
            with wave.open(filename, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(22050)
                wav.writeframes(pcm)
            if action == "partial":
                with open(filename, "r+b") as f:
                    f.truncate(44 + len(pcm) // 2)
        elif action == "empty":
            open(filename, "wb").close()
        if action in ("ok", "partial", "empty"):
            for cb in self.callbacks.get("finished-utterance", []):
                cb(name=None, completed=True)
