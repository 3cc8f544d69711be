"""What the menu does with a described need, and why: the policy's vocabulary.

Kept apart from ``ivr.understand.policy`` (which decides) so that the session
and the tests can speak of verdicts without the deciding machinery.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ivr.refs import Ref, RefKind
from ivr.understand.ranker import Scored


class Verdict(enum.Enum):
    ACT = "act"  # do it now
    CONFIRM = "confirm"  # "It sounds like you need X. Is that right?"
    CHOOSE = "choose"  # "Did you mean A or B?"
    NONE = "none"  # nothing fits: the node's no-match handling


class Reason(enum.Enum):
    PHRASE = "a menu phrase, and the sentence around it agrees"
    MEANING = "the description is close to one target and clearly closer than to any other"
    UNSURE = "the description is close to one target, but not clearly"
    TWO_CLOSE = "two different targets fit about as well"
    WORD_VS_SENTENCE = "a menu word points one way and the sentence another"
    EMERGENCY_TOO = "an emergency fits about as well: offered first, never skipped"
    CAN_WAIT = "the caller says it can wait: no emergency line without asking"
    NEGATED = "the caller negated what points to this target"
    OVER = "the caller tells of something over and done: no emergency line without asking"
    TWO_NEEDS = "the caller names two needs for different services: both offered"
    PLEA = "the caller asks for help without saying what happened: the emergencies offered"
    WEAK = "the description is only weakly about one target (or two): asked, never acted on"
    NOTHING = "nothing fits"


def parsed_ref(ref: str) -> Ref | None:
    try:
        return Ref.parse(ref)
    except ValueError:
        return None


def is_command(ref: str) -> bool:
    parsed = parsed_ref(ref)
    return parsed is not None and parsed.kind is RefKind.CMD


def shortcut_of(ref: str) -> str | None:
    """The service an emergency number names (``shortcut:ambulance``), else ``None``."""
    parsed = parsed_ref(ref)
    return parsed.id if parsed is not None and parsed.kind is RefKind.SHORTCUT else None


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    refs: tuple[str, ...]  # refs' text forms (option ids, commands), in the order to offer them
    reason: Reason
    scores: tuple[Scored, ...] = ()  # the ranker's best few, for logs and the bench
