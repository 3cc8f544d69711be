"""What flows into and out of a call session.

Small frozen dataclasses in the spirit of Wyoming's events: the session takes
caller events and returns outputs for a front end to act on (speak, listen,
connect, hang up). Neither side knows about audio or wall-clock time.
The kinds of outputs are ``Literal`` types: front ends branch on them, so a
misspelt kind is a type error rather than a branch that silently never runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PHONE_KEYS = "0123456789*#"

#: What a ``Say`` is: the node's prompt, a prompt repeated after a failure, an answer
#: read out, the announcement before a route, or a system message (questions, limits).
SayKind = Literal["prompt", "reprompt", "info", "route", "system"]
#: What a ``Listen`` waits for: a menu choice, digits, or the answer to a question.
ListenMode = Literal["menu", "digits", "confirm", "choose"]
#: Why the menu ended the call.
HangupReason = Literal["call limit", "max failures", "caller chose to end"]
#: What cut a prompt short.
BargeBy = Literal["key", "speech"]


# -- caller events -------------------------------------------------------------
@dataclass(frozen=True)
class KeyPress:
    """One phone key: 0-9, * or #."""

    key: str


@dataclass(frozen=True)
class Speech:
    """What the caller said, as text, with the recogniser's confidence (1.0 for typed text).

    ``runners_up``: other menu phrases the recogniser found likely (best first). When
    ``text`` leads nowhere sure, the menu asks about them ("Did you mean A or B?")
    rather than saying it did not understand; it never acts on one unasked.
    """

    text: str
    confidence: float = 1.0
    runners_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class Silence:
    """Time passing with nothing from the caller; drives timeouts on the virtual clock."""

    seconds: float


@dataclass(frozen=True)
class BargeIn:
    """The caller interrupted the prompt being played after ``played_seconds``."""

    played_seconds: float
    by: BargeBy = "key"


@dataclass(frozen=True)
class HangUp:
    """The caller put the phone down."""


@dataclass(frozen=True)
class Talking:
    """The caller started talking or typing (``started``), or stopped without a word
    that counts (a cough, an erased line).

    No no-input timeout may fire while the caller talks: its reprompt would cut
    into their sentence. A stop that brings no ``Speech`` starts the timeout afresh.
    """

    started: bool = True


Event = KeyPress | Speech | Silence | BargeIn | HangUp | Talking


# -- session outputs -------------------------------------------------------------
@dataclass(frozen=True)
class Say:
    """Speak ``text``. ``kind`` tells prompts, reprompts, messages and announcements apart."""

    text: str
    kind: SayKind
    node: str
    barge_in: bool = True


@dataclass(frozen=True)
class Listen:
    """Wait for the caller; ``phrases`` is what a recogniser grammar should allow here."""

    node: str
    mode: ListenMode
    timeout: float
    phrases: tuple[str, ...] = ()
    #: The caller may describe a need in their own words here (a node that searches the
    #: whole menu): a front end that can transcribe free speech should, rather than force
    #: a sentence onto the nearest phrase.
    free: bool = False


@dataclass(frozen=True)
class Route:
    """Connect the caller to a service number; the call ends here."""

    service: str
    number: str
    display: str
    name: str
    #: The destination as a PBX menu wrote it, variables filled in ("" for a number).
    target: str = ""


@dataclass(frozen=True)
class Hangup:
    """The menu ends the call."""

    reason: HangupReason


Output = Say | Listen | Route | Hangup
