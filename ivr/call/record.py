"""What a call leaves behind: its transcript and the visits that coverage counts.

Kept apart from the state machine because other parts read it after the call,
not the session: scripted calls print the transcript and check it, coverage
counts the visits of many calls, the CLI saves both. The state machine only
reports what happened; how it is written down is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from ivr.events import SayKind
from ivr.refs import Ref, RefKind

Who = Literal["ivr", "caller"]
#: What the caller did: pressed keys, said something, stayed silent, hung up.
CallerKind = Literal["press", "say", "silence", "hangup"]


@dataclass(frozen=True)
class Line:
    """One line of the call transcript."""

    who: Who
    text: str
    kind: SayKind | CallerKind
    at: float  # virtual seconds since the call started


class VisitKind(StrEnum):
    """What a visit records. A ``StrEnum``: visits are compared with and stored as
    the plain strings coverage files are written from."""

    NODE = "node"  # entered a node
    BRANCH = "branch"  # a time branch took a rule ("node:line")
    BARGE_IN = "barge_in"  # the caller cut the prompt short
    NO_INPUT = "no_input"
    NO_MATCH = "no_match"
    INVALID_KEY = "invalid_key"  # also counted as a no_match
    MAX_FAILURES = "max_failures"
    CONFIRM = "confirm"  # asked "Did you say ...?"
    AMBIGUOUS = "ambiguous"  # asked "Did you mean A or B?"
    DECLINED = "declined"  # the caller said no to a question
    # a choice taken, named by its ref (the same values as ``RefKind``)
    OPTION = "option"
    CMD = "cmd"
    SHORTCUT = "shortcut"
    NUMBER = "number"
    ENTRY = "entry"


#: The kinds of ref a call can take (a branch rule, a back key or a failure is not
#: a choice), by the same name as the visit of taking one.
_TOOK = {
    kind: VisitKind(kind)
    for kind in (RefKind.OPTION, RefKind.CMD, RefKind.SHORTCUT, RefKind.NUMBER, RefKind.ENTRY)
}

#: The failures coverage reports per listening node.
ERRORS = (VisitKind.NO_INPUT, VisitKind.NO_MATCH, VisitKind.INVALID_KEY, VisitKind.MAX_FAILURES)

Visit = tuple[VisitKind, str]  # (what, where): a node id, "node:line" or a ref's text


class Recorder:
    """The transcript, the visits and the nodes entered, in the order they happened."""

    def __init__(self) -> None:
        self.transcript: list[Line] = []
        self.visits: list[Visit] = []
        self.nodes: list[str] = []

    def said(self, text: str, kind: SayKind, at: float) -> None:
        self.transcript.append(Line("ivr", text, kind, at))

    def caller(self, text: str, kind: CallerKind, at: float) -> None:
        """Keys pressed one after another make one line ("1 2 3" reads as "123")."""
        last = self.transcript[-1] if self.transcript else None
        if kind == "press" and last is not None and last.who == "caller" and last.kind == "press":
            self.transcript[-1] = Line("caller", last.text + text, "press", last.at)
        else:
            self.transcript.append(Line("caller", text, kind, at))

    def visit(self, kind: VisitKind, where: str) -> None:
        self.visits.append((kind, where))

    def entered(self, node_id: str) -> None:
        self.nodes.append(node_id)
        self.visit(VisitKind.NODE, node_id)

    def took(self, ref: Ref) -> None:
        """A choice taken: visited under its ref kind's name, as ``(kind, ref text)``."""
        self.visits.append((_TOOK[ref.kind], ref.text))
