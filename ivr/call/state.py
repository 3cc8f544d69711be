"""What a call is doing at this moment: its mode, and the state each dialogue keeps.

All of it is plain data on purpose: the dialogues read and change it, the session
reads it to decide which dialogue an event goes to, and a test or a front end can
look at it (``session.state.mode``) without calling anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ivr.events import ListenMode
from ivr.model import Action, Node
from ivr.refs import Ref


class Mode(StrEnum):
    """Every state a call can be in.

    A ``StrEnum`` so that the value reads as it always has (``mode == "confirm"``,
    ``f"mode {mode}"``) for front ends and tests written against the plain strings.
    """

    MENU = "menu"  # waiting for a key or a phrase that picks one of the node's choices
    COLLECT = "collect"  # collecting digits at a collect node (a PIN, a number to call)
    CONFIRM = "confirm"  # asked "Did you say X?": yes/1 or no/2
    CHOOSE = "choose"  # asked "Did you mean A or B?": a label or its key
    ENDED = "ended"  # routed or hung up: nothing more happens

    @property
    def asks(self) -> bool:
        """A question is pending: its answers come before the node's own choices."""
        return self in _ASKING

    @property
    def listen(self) -> ListenMode:
        """What a ``Listen`` in this mode waits for (an ended call does not listen)."""
        return _LISTEN[self]

    @classmethod
    def at(cls, node: Node) -> Mode:
        """The mode a node listens in when no question is pending."""
        return cls.COLLECT if node.collect is not None else cls.MENU


_ASKING = frozenset({Mode.CONFIRM, Mode.CHOOSE})
_LISTEN: dict[Mode, ListenMode] = {
    Mode.MENU: "menu",
    Mode.COLLECT: "digits",
    Mode.CONFIRM: "confirm",
    Mode.CHOOSE: "choose",
}


@dataclass(frozen=True)
class Choice:
    """Something the caller may be taking: what to call it in a question, and what it does."""

    label: str
    action: Action
    ref: Ref


@dataclass
class CallState:
    """The state of the call's state machine (the transcript is kept apart, in ``Recorder``)."""

    node: str
    mode: Mode = Mode.MENU
    history: list[str] = field(default_factory=list)  # menu nodes to go ``back`` to
    buffer: str = ""  # keys not yet acted on (dial plan, type-ahead)
    entry: str = ""  # digits collected so far at a collect node
    digit_deadline: float | None = None  # when held keys stop waiting for more
    input_deadline: float | None = None  # when waiting for the caller counts as no input
    talking: bool = False  # the caller is talking or typing: no input deadline meanwhile
    no_input: int = 0
    no_match: int = 0
    choices: list[Choice] = field(default_factory=list)  # what a pending question offers
    variables: dict[str, str] = field(default_factory=dict)  # ${name}s of a PBX menu
