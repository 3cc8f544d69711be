"""Turning the session's ``Say`` outputs into audio, with a text fallback.

Synthesis goes through the prompt cache, so a prompt is synthesised once and
plays at once afterwards. If the engine fails mid-call the caller is never
dropped: the failure is logged and the prompt is shown as text instead.
"""

from __future__ import annotations

import logging

from ivr.audio.pcm import Audio
from ivr.model import Menu
from ivr.tts.cache import PromptCache
from ivr.tts.speaker import TtsError, VoiceSettings, default_voice

log = logging.getLogger(__name__)


def menu_voices(menu: Menu) -> dict[str, VoiceSettings]:
    """The voice for each language of the menu: its ``voices:`` entry, else the default."""
    voices: dict[str, VoiceSettings] = {}
    for lang in menu.languages:
        voice = menu.voices.get(lang)
        if voice is not None:
            voices[lang] = VoiceSettings(voice.voice, voice.rate, voice.volume)
        else:
            voices[lang] = VoiceSettings(default_voice(lang))
    return voices


class PromptVoice:
    """Synthesises prompts for one call; remembers a failed engine and stops trying."""

    def __init__(self, cache: PromptCache, voices: dict[str, VoiceSettings], rate: int) -> None:
        self.cache = cache
        self.voices = voices
        self.rate = rate
        self.failed: str | None = None

    def render(self, text: str, lang: str) -> Audio | None:
        """The prompt as audio, or None when it must be shown as text."""
        if self.failed is not None:
            return None
        settings = self.voices.get(lang) or next(iter(self.voices.values()))
        try:
            return self.cache.get(text, settings, rate=self.rate)
        except TtsError as exc:
            self.failed = str(exc)
            log.error("speech synthesis failed, going on in text: %s", exc)
            return None
