"""What the rest of ivr may assume about a text-to-speech engine.

The call loop, the prompt cache and the renderer only see this ``Speaker``
protocol, so they run against a fake in tests and never import pyttsx3
themselves. Voice ids are espeak-ng identifiers as pyttsx3 lists them
(``gmw/en``, ``gmq/nb``), optionally with an espeak variant (``gmw/en-us+f3``).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ivr.errors import IvrError

if TYPE_CHECKING:
    from ivr.audio.pcm import Audio

#: espeak-ng clamps speaking rates to this range (words per minute); outside it
#: a request would silently be something else, so it is refused instead.
MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
DEFAULT_RATE_WPM = 160

#: Default voices for the languages our menus use. ``gmw/en`` is espeak's
#: British English voice (its language tag is ``en-gb``), the one an unmarked
#: "en" gets in espeak itself; Norwegian has no ``no`` voice, only Bokmål.
_DEFAULT_VOICES: dict[str, str] = {
    "en": "gmw/en",
    "en-gb": "gmw/en",
    "en-us": "gmw/en-us",
    "nb": "gmq/nb",
    "no": "gmq/nb",
    "nb-no": "gmq/nb",
}

#: Language tags people type that espeak knows under another tag.
_LANGUAGE_ALIASES: dict[str, str] = {"no": "nb", "nb-no": "nb"}


class TtsError(IvrError):
    """Synthesis failed; a caller can fall back to showing the prompt as text."""


class EngineUnavailableError(TtsError):
    """The speech engine (package or system library) is not installed here."""


class UnknownVoiceError(IvrError):
    """A voice id the engine does not have: a configuration mistake, not an engine failure."""


@dataclass(frozen=True)
class VoiceSettings:
    """How a prompt should sound; part of the prompt cache key, hence frozen.

    ``volume`` scales the samples (0 silent .. 1 the engine's full level).
    """

    voice: str = "gmw/en"
    rate: int = DEFAULT_RATE_WPM
    volume: float = 1.0

    def __post_init__(self) -> None:
        if not self.voice.strip():
            raise IvrError("voice id is empty", "list the voices with: ivr voices")
        if isinstance(self.rate, bool) or not isinstance(self.rate, int):
            raise IvrError(f"speaking rate must be whole words per minute, got {self.rate!r}")
        if not MIN_RATE_WPM <= self.rate <= MAX_RATE_WPM:
            raise IvrError(
                f"speaking rate {self.rate} words per minute is out of range",
                f"espeak-ng speaks between {MIN_RATE_WPM} and {MAX_RATE_WPM}; 160 is typical",
            )
        if not 0.0 <= float(self.volume) <= 1.0:
            raise IvrError(f"volume {self.volume} is out of range", "use 0.0 (silent) to 1.0")


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: ``languages`` are BCP-47-like tags such as ``en-gb``."""

    id: str
    name: str
    languages: tuple[str, ...]


@runtime_checkable
class Speaker(Protocol):
    """Turns text into audio. Implementations must be safe to call from any thread."""

    def synthesize(self, text: str, settings: VoiceSettings) -> Audio:
        """Speak ``text``; raise ``TtsError`` if the engine fails, ``UnknownVoiceError``
        if ``settings.voice`` is not installed."""
        ...

    def voices(self) -> list[VoiceInfo]: ...


def normalise_language(lang: str) -> str:
    tag = lang.strip().lower().replace("_", "-")
    return _LANGUAGE_ALIASES.get(tag, tag)


def speaks_language(voice: VoiceInfo, lang: str) -> bool:
    """True if ``voice`` speaks ``lang`` or a regional form of it ("en" matches "en-gb")."""
    tag = normalise_language(lang)
    return any(
        have == tag or have.startswith(tag + "-") for have in (x.lower() for x in voice.languages)
    )


def default_voice(lang: str, voices: Sequence[VoiceInfo] | None = None) -> str:
    """The voice id to use for a language when the menu does not name one.

    Known languages come from a fixed table so that the choice never depends on
    the order espeak lists its voices in; others need the installed ``voices``.
    """
    tag = lang.strip().lower().replace("_", "-")
    if tag in _DEFAULT_VOICES:
        return _DEFAULT_VOICES[tag]
    if voices is not None:
        norm = normalise_language(tag)
        exact = [v for v in voices if norm in (x.lower() for x in v.languages)]
        regional = [v for v in voices if speaks_language(v, norm)]
        for candidates in (exact, regional):
            if candidates:
                return sorted(candidates, key=lambda v: (len(v.id), v.id))[0].id
    raise IvrError(
        f"no default voice for language {lang!r}",
        "name a voice explicitly; list them with: ivr voices --lang " + (tag or "en"),
    )


def check_voice(
    voice: str, voices: Sequence[VoiceInfo], variants: Sequence[str] | None = ()
) -> None:
    """Refuse a voice id the engine lacks, because espeak would silently use another one.

    ``variants`` are the names allowed after a ``+``; ``None`` means they could
    not be listed, and then any variant is let through rather than refused.
    """
    base, plus, variant = voice.partition("+")
    known = {v.id for v in voices}
    if base in known and (not plus or variants is None or variant in variants):
        return
    if base in known and variants is not None:
        close = difflib.get_close_matches(variant, list(variants), n=3, cutoff=0.5)
        raise UnknownVoiceError(
            f"unknown voice variant {variant!r} in {voice!r}",
            _did_you_mean([f"{base}+{c}" for c in close])
            + "list the variants with: ivr voices --variants",
        )
    raise UnknownVoiceError(f"unknown voice {voice!r}", _voice_hint(base, voices))


def _voice_hint(wanted: str, voices: Sequence[VoiceInfo]) -> str:
    ids = [v.id for v in voices]
    lowered = wanted.lower()
    # People type a language ("en-us") or a name ("English"): try those before spelling.
    by_suffix = [i for i in ids if i.rsplit("/", 1)[-1] == lowered]
    # "english" should suggest the English voices before "Chinese (latin as English)".
    named = [v for v in voices if lowered and lowered in v.name.lower()]
    by_name = [v.id for v in sorted(named, key=lambda v: not v.name.lower().startswith(lowered))]
    by_language = [v.id for v in voices if speaks_language(v, lowered)]
    by_spelling = difflib.get_close_matches(lowered, ids, n=3, cutoff=0.6)
    close: list[str] = []
    for candidate in [*by_suffix, *by_spelling, *by_language, *by_name]:
        if candidate not in close:
            close.append(candidate)
    return _did_you_mean(close[:5]) + "list the voices with: ivr voices"


def _did_you_mean(candidates: Sequence[str]) -> str:
    return f"did you mean {' or '.join(candidates)}? " if candidates else ""
