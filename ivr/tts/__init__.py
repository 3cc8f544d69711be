"""Spoken prompts: text-to-speech behind the ``Speaker`` protocol, a disk cache, rendering.

Importing this package stays light (no pyttsx3, no numpy): the engine adapter
``ivr.tts.pyttsx3_speaker`` loads pyttsx3 only when it first speaks.
"""

from __future__ import annotations

from ivr.tts.speaker import (
    EngineUnavailableError,
    Speaker,
    TtsError,
    UnknownVoiceError,
    VoiceInfo,
    VoiceSettings,
    default_voice,
)

__all__ = [
    "EngineUnavailableError",
    "Speaker",
    "TtsError",
    "UnknownVoiceError",
    "VoiceInfo",
    "VoiceSettings",
    "default_voice",
    "make_speaker",
]


def make_speaker() -> Speaker:
    """The engine ivr speaks with: espeak-ng through pyttsx3 (imported only now)."""
    from ivr.tts.pyttsx3_speaker import Pyttsx3Speaker

    return Pyttsx3Speaker()
