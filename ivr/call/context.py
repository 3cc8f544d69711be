"""What a dialogue may use of the call that drives it.

The dialogues (keys, digits, questions, speech, actions, failures) each run one
part of a call but share its state, its clock and its ways out (speaking,
failing, acting). This protocol is that shared part, written down:
``ivr.session.Session`` provides it, and a dialogue depends on nothing else of
the session. The dialogues are functions of the call rather than objects the
session holds, so a call owns no cycle of references and is freed as soon as
its front end lets go of it.
"""

from __future__ import annotations

from typing import Protocol

from ivr.call.record import Recorder, VisitKind
from ivr.call.state import CallState
from ivr.events import HangupReason, SayKind
from ivr.menuindex import MenuIndex
from ivr.model import Action, Menu, Node, Service


class Call(Protocol):
    """The session as its dialogues see it."""

    menu: Menu
    lang: str
    index: MenuIndex
    state: CallState
    record: Recorder
    elapsed: float  # virtual seconds since the call started

    @property
    def node(self) -> Node:
        """The node the call is at."""

    @property
    def ended(self) -> bool: ...

    def say(self, text: str, kind: SayKind) -> None:
        """Speak (nothing for an empty text: a menu may leave a message out)."""

    def ready(self) -> None:
        """Ready for the caller: act on keys typed ahead, else listen."""

    def enter(self, node_id: str) -> None: ...

    def no_match(self, reason: VisitKind = VisitKind.NO_MATCH) -> None:
        """The caller's input picked nothing: count it, then reprompt or give up."""

    def select_key(self, key: str, confidence: float = 1.0) -> None:
        """One key (or one spoken digit) as a choice in the current mode."""

    def perform(self, action: Action) -> None: ...

    def connect(self, service: Service) -> None:
        """Announce the service and connect the caller: the call ends."""

    def hangup(self, reason: HangupReason) -> None: ...
