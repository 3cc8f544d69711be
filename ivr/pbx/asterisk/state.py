"""Where a call is in a dialplan, as the importer's abstract interpreter tracks it.

A ``Point`` is everything that decides what the dialplan does next without the
caller: the channel's context, the extension found there (maybe through an
``include``) and its priority, ``${EXTEN}`` when it is known at import time,
the Gosub stack (subroutines are inlined per call site) and the two timeouts
``Set(TIMEOUT(...))`` changes. Two runs that reach the same point behave the
same, so the nodes compiled from points are shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ivr.errors import Location

#: A piece of the menu document being built (a node, an action, a handler).
Doc = dict[str, Any]

DIGIT_TIMEOUT = 5.0  # TIMEOUT(digit) default: ast_pbx dtimeoutms in main/pbx.c
RESPONSE_TIMEOUT = 10.0  # TIMEOUT(response) default: rtimeoutms


def clamp(value: float, low: float, high: float) -> float | int:
    """``value`` within the simulator's limits, written as a whole number when it is one."""
    bounded = max(low, min(high, value))
    return int(bounded) if bounded == int(bounded) else bounded


@dataclass(frozen=True)
class Frame:
    """A Gosub's return address and the caller's ``${ARGn}``."""

    context: str
    owner: str
    exten: str
    value: str | None
    priority: int
    args: tuple[str, ...]


@dataclass(frozen=True)
class Point:
    context: str  # the channel's context: where digits and i/t are looked up
    owner: str  # the context the running extension is written in
    exten: str  # the extension's name (a pattern keeps its "_")
    value: str | None  # ${EXTEN}: known, or None for digits a pattern matched
    priority: int
    stack: tuple[Frame, ...] = ()
    args: tuple[str, ...] = ()
    digit: float = DIGIT_TIMEOUT
    response: float = RESPONSE_TIMEOUT

    def at(self, priority: int) -> Point:
        return replace(self, priority=priority)


@dataclass
class Run:
    """What one straight run through the dialplan has gathered so far: prompts said
    before the caller is listened to, variables set, and, once a Background has
    started, the prompt the caller may interrupt."""

    says: list[str] = field(default_factory=list)
    sets: dict[str, str] = field(default_factory=dict)
    prompt: list[str] | None = None  # None until a Background starts listening
    listen_context: str = ""
    listen_where: Location | None = None
    seen: set[Point] = field(default_factory=set)
    steps: int = 0

    @property
    def listening(self) -> bool:
        return self.prompt is not None

    def finish(self, terminal: Doc) -> Doc:
        """The action this run amounts to, ending in ``terminal`` (goto/route/do)."""
        action: Doc = {}
        said = " ".join(s for s in self.says if s)
        if said:
            action["say"] = said
        if self.sets:
            action["set"] = dict(self.sets)
        action.update(terminal)
        return action

    def needs_flush(self, name: str, value: str) -> bool:
        """Whether setting ``name`` to ``value`` (constants of this run already filled
        in) cannot join this run's other sets: the simulator sets them all at once, so
        no set may read another, nor change a variable another reads."""
        reads = any("${" + known + "}" in value for known in self.sets)
        read = any("${" + name + "}" in earlier for earlier in self.sets.values())
        return reads or read
