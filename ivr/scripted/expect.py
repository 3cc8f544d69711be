"""Checking one expectation step against the state of a call.

Each check returns ``None`` when it holds, else a ``Mismatch`` saying in words
what was expected and what happened, so a failure reads like a bug report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ivr.scripted.model import CallStep
from ivr.session import Line, Session


@dataclass(frozen=True)
class Mismatch:
    expected: str
    got: str


@dataclass(frozen=True)
class Heard:
    """One ``say`` or ``play`` step: the words typed in the call file (or the recording's
    path as written) and what the menu was given."""

    said: str
    heard: str
    confidence: float
    source: str = "grammar"  # or "transcript": a free transcript of a described need
    played: bool = False  # a recording, not typed words


@dataclass
class CallView:
    """What the expectations look at: the session and the IVR's latest turn."""

    session: Session
    turn: list[Line]  # IVR lines said in response to the latest caller action
    heard: list[Heard]


def where_the_call_is(session: Session) -> str:
    """The state of a call in a few words: routed, hung up, or waiting at a node."""
    if session.outcome == "route" and session.route is not None:
        route = session.route
        return f"routed to {route.display} ({route.name.get(session.lang)})"
    if session.outcome == "hangup":
        last = next((ln for ln in reversed(session.transcript) if ln.who == "caller"), None)
        if last is not None and last.kind == "hangup":
            return "the caller hung up"
        return f"the IVR hung up at node {session.state.node!r}"
    return f"still waiting at node {session.state.node!r} (mode {session.state.mode})"


def _said(turn: Sequence[Line]) -> str:
    if not turn:
        return "the IVR has said nothing yet"
    return "the IVR said: " + " / ".join(f'"{line.text}"' for line in turn)


def _prompt(step: CallStep, view: CallView) -> Mismatch | None:
    text = " ".join(line.text for line in view.turn)
    if step.value.casefold() in text.casefold():
        return None
    return Mismatch(f'the latest prompt to contain "{step.value}"', _said(view.turn))


def _prompt_regex(step: CallStep, view: CallView) -> Mismatch | None:
    text = " ".join(line.text for line in view.turn)
    if re.search(step.value, text, re.IGNORECASE):
        return None
    return Mismatch(f"the latest prompt to match /{step.value}/ (ignoring case)", _said(view.turn))


def _route(step: CallStep, view: CallView) -> Mismatch | None:
    session = view.session
    if session.route is not None and session.route.number == step.value:
        return None
    wanted = next((s for s in session.menu.services.values() if s.number == step.value), None)
    shown = wanted.display if wanted else step.value
    return Mismatch(f"routed to {shown}", where_the_call_is(session))


def _target(step: CallStep, view: CallView) -> Mismatch | None:
    session = view.session
    if session.route is not None and session.route.target == step.value:
        return None
    return Mismatch(f"routed to {step.value!r}", where_the_call_is(session))


def _service(step: CallStep, view: CallView) -> Mismatch | None:
    session = view.session
    if session.route is not None and session.route.id == step.value:
        return None
    service = session.menu.services[step.value]
    return Mismatch(
        f"routed to service {step.value!r} ({service.display})", where_the_call_is(session)
    )


def _node(step: CallStep, view: CallView) -> Mismatch | None:
    session = view.session
    if session.state.node == step.value and not session.ended:
        return None
    if session.state.node == step.value:
        got = f"the call ended at node {step.value!r}: {where_the_call_is(session)}"
    else:
        got = where_the_call_is(session)
        if session.ended:
            got += f", last at node {session.state.node!r}"
    return Mismatch(f"waiting at node {step.value!r}", got)


def _hangup(step: CallStep, view: CallView) -> Mismatch | None:
    session = view.session
    hung_up = session.outcome == "hangup"
    if hung_up == step.flag:
        return None
    expected = "the call to have been hung up" if step.flag else "the call not to be hung up"
    return Mismatch(expected, where_the_call_is(session))


def _outcome(step: CallStep, view: CallView) -> Mismatch | None:
    session = view.session
    outcome = session.outcome or "waiting"
    if outcome == step.value:
        return None
    return Mismatch(f"outcome {step.value}", f"outcome {outcome}: {where_the_call_is(session)}")


def _transcript(step: CallStep, view: CallView) -> Mismatch | None:
    wanted = step.value.casefold()
    if any(wanted in line.text.casefold() for line in view.session.transcript):
        return None
    return Mismatch(f'"{step.value}" somewhere in the transcript', "it is not there")


def _heard(step: CallStep, view: CallView) -> Mismatch | None:
    if not view.heard:
        return Mismatch(f'the menu to have heard "{step.value}"', "nothing has been said yet")
    last = view.heard[-1]
    if step.value.casefold() in last.heard.casefold():
        return None
    what = f"the recording {last.said}" if last.played else f'"{last.said}"'
    return Mismatch(
        f'the menu to have heard "{step.value}"',
        f'it heard "{last.heard}" (confidence {last.confidence:.2f}) for {what}',
    )


CHECKS: dict[str, Callable[[CallStep, CallView], Mismatch | None]] = {
    "expect_prompt": _prompt,
    "expect_prompt_regex": _prompt_regex,
    "expect_route": _route,
    "expect_service": _service,
    "expect_target": _target,
    "expect_node": _node,
    "expect_hangup": _hangup,
    "expect_outcome": _outcome,
    "expect_transcript_contains": _transcript,
    "expect_heard": _heard,
}


def check(step: CallStep, view: CallView) -> Mismatch | None:
    return CHECKS[step.kind](step, view)
