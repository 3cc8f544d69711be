"""What the caller's side produces during a live call, put in one queue by each source."""

from __future__ import annotations

from dataclasses import dataclass

from ivr.audio.pcm import Audio


@dataclass(frozen=True)
class Key:
    """A phone key pressed on the keyboard."""

    key: str


@dataclass(frozen=True)
class Typed:
    """A line typed on the keyboard: treated as speech."""

    text: str


@dataclass(frozen=True)
class Draft:
    """The line being typed so far ("" once erased): the caller is talking, and the
    terminal shows the line as it grows."""

    text: str


@dataclass(frozen=True)
class CallerHungUp:
    """The caller put the phone down (Ctrl-D on the terminal)."""


@dataclass(frozen=True)
class SpeechBegan:
    """The voice activity detector heard the caller start talking."""


@dataclass(frozen=True)
class SpeechDropped:
    """What the detector took for the start of speech was too short to be speech."""


@dataclass(frozen=True)
class Heard:
    """A recognised utterance; ``source`` is "grammar" (a phrase of the node's grammar) or
    "transcript" (a free transcript of a described need)."""

    text: str
    confidence: float
    audio: Audio | None = None
    decode_seconds: float = 0.0
    source: str = "grammar"
    #: Menu phrases the recogniser also found likely (``ivr.events.Speech``).
    runners_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartialText:
    """What the recogniser has heard so far (live feedback only)."""

    text: str


@dataclass(frozen=True)
class LevelReading:
    """Input level for the meter, in dBFS."""

    dbfs: float


@dataclass(frozen=True)
class InputLost:
    """A source failed (device gone, engine error); the call goes on without it."""

    source: str
    message: str


@dataclass(frozen=True)
class EndOfInput:
    """The keyboard input ended (end of a pipe, Ctrl-D)."""


@dataclass(frozen=True)
class Notice:
    """Something the caller should know about the call itself, said once (a system line)."""

    text: str


LiveInput = (
    Key
    | Typed
    | Draft
    | CallerHungUp
    | SpeechBegan
    | SpeechDropped
    | Heard
    | PartialText
    | LevelReading
    | InputLost
    | EndOfInput
    | Notice
)
