"""Running one scripted call: the steps a caller takes, in order, through a session.

Shared by ``ivr call`` and the scripted test runner so both mean the same by
"press", "say", "play" and "silence".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ivr.errors import IvrError
from ivr.events import PHONE_KEYS, KeyPress, Output, Silence, Speech
from ivr.session import Session

GRAMMAR, TRANSCRIPT = "grammar", "transcript"


@dataclass(frozen=True)
class Recognised:
    """What a recogniser made of one utterance.

    ``source`` says where the text comes from: ``"grammar"`` (one phrase of the
    node's grammar) or ``"transcript"`` (a free transcript of a described need).
    """

    text: str
    confidence: float
    source: str = GRAMMAR
    #: Menu phrases the recogniser also found likely (``ivr.events.Speech``).
    runners_up: tuple[str, ...] = ()


#: Turns typed caller words into what the menu hears: a ``Recognised``, or a
#: (text, confidence) pair; the audio mode puts a synthesiser and a recogniser here.
Hearing = Callable[[str], Recognised | tuple[str, float]]

#: Turns a recording (its path, as given) into what the menu hears.
Playing = Callable[[str], Recognised]


def recognised(heard: Recognised | tuple[str, float]) -> Recognised:
    """A hearing's answer as a ``Recognised`` (a bare pair came from a grammar)."""
    if isinstance(heard, Recognised):
        return heard
    text, confidence = heard
    return Recognised(text, float(confidence))


@dataclass(frozen=True)
class Step:
    kind: str  # "press", "say", "play" or "silence"
    value: str


def check_keys(keys: str) -> str:
    bad = [k for k in keys if k not in PHONE_KEYS]
    if bad or not keys:
        shown = repr(bad[0]) if bad else "nothing"
        raise IvrError(f"--press {keys!r}: {shown} is not a phone key", "use 0-9, * and #")
    return keys


def run_step(
    session: Session,
    step: Step,
    hearing: Hearing | None = None,
    playing: Playing | None = None,
) -> list[Output]:
    """Apply one step and return what the menu did. A press is followed by the caller's
    pause (the inter-digit timeout); a play step recognises the recording at the node
    the call is at and hands the session what was heard."""
    if step.kind == "press":
        outputs: list[Output] = []
        for key in check_keys(step.value):
            outputs += session.send(KeyPress(key))
        return outputs + session.settle()
    if step.kind == "say":
        heard = Recognised(step.value, 1.0) if hearing is None else recognised(hearing(step.value))
        return session.send(Speech(heard.text, heard.confidence, heard.runners_up))
    if step.kind == "play":
        if playing is None:
            raise IvrError(
                f"cannot play {step.value!r}: no recogniser was set up for recordings",
                "this is a bug in the front end",
            )
        heard = playing(step.value)
        return session.send(Speech(heard.text, heard.confidence, heard.runners_up))
    if step.kind == "silence":
        try:
            seconds = float(step.value)
        except ValueError:
            raise IvrError(
                f"--silence {step.value!r} is not a number of seconds", "e.g. --silence 6"
            ) from None
        if not 0 <= seconds <= 3600:
            raise IvrError(f"--silence {seconds:g} is out of range", "give 0 to 3600 seconds")
        return session.send(Silence(seconds))
    raise IvrError(f"unknown step {step.kind!r}", "use press, say, play or silence")


def call_result(session: Session) -> dict[str, Any]:
    """The JSON shape of a finished (or waiting) call."""
    route = session.route
    return {
        "outcome": session.outcome or "waiting",
        "route": (route.number or None) if route else None,
        "target": route.target or None if route else None,
        "service": route.name.get(session.lang) if route else None,
        "nodes": list(session.nodes),
        "reason": session.hangup_reason,
        "transcript": [
            {"who": line.who, "text": line.text, "kind": line.kind, "at": round(line.at, 3)}
            for line in session.transcript
        ],
    }
