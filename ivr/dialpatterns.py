"""Digit patterns as PBXs write them, matched and looked ahead on.

An Asterisk extension pattern (``_7XXX``, ``_NXX.``, ``_[1-3]!``) is read into
a list of steps, each a set of keys taken once, one or more times, or any
number of times. The same steps give the regular expression a collect entry
is matched with and the answer Asterisk's dial plan needs after every key:
could more keys still make a match? (``pbx.c`` waits for the digit timeout
while they could, and acts at once when they cannot.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

ALL_KEYS = frozenset("0123456789*#")


class Repeat(Enum):
    ONCE = "once"
    SOME = "+"  # ``.``: one or more
    ANY = "*"  # ``!``: zero or more


@dataclass(frozen=True)
class Step:
    keys: frozenset[str]
    repeat: Repeat


_CLASSES = {"X": "0123456789", "Z": "123456789", "N": "23456789"}


def asterisk_steps(pattern: str) -> tuple[Step, ...] | None:
    """The steps of ``_...``, or None when it is not an Asterisk pattern."""
    if not pattern.startswith("_") or len(pattern) < 2:
        return None
    steps: list[Step] = []
    body = pattern[1:]
    i = 0
    while i < len(body):
        c = body[i].upper()
        if c in _CLASSES:
            steps.append(Step(frozenset(_CLASSES[c]), Repeat.ONCE))
        elif c == ".":
            steps.append(Step(ALL_KEYS, Repeat.SOME))
        elif c == "!":
            steps.append(Step(ALL_KEYS, Repeat.ANY))
        elif c == "[":
            end = body.find("]", i)
            keys = _bracket(body[i + 1 : end]) if end > i else None
            if keys is None:
                return None
            steps.append(Step(keys, Repeat.ONCE))
            i = end
        elif c in ALL_KEYS:
            steps.append(Step(frozenset(c), Repeat.ONCE))
        elif c != "-":  # Asterisk ignores dashes in patterns (_555-1212)
            return None
        i += 1
    return tuple(steps) if steps else None


def _bracket(inner: str) -> frozenset[str] | None:
    """``[1-5]``, ``[13579]``, ``[0-3*]``."""
    if not inner:
        return None
    keys: set[str] = set()
    i = 0
    while i < len(inner):
        c = inner[i]
        if c not in ALL_KEYS:
            return None
        if i + 2 < len(inner) and inner[i + 1] == "-" and inner[i + 2].isdigit() and c.isdigit():
            keys.update(str(d) for d in range(int(c), int(inner[i + 2]) + 1))
            i += 3
        else:
            keys.add(c)
            i += 1
    return frozenset(keys) or None


def steps_regex(steps: tuple[Step, ...]) -> str:
    """The regular expression (for ``re.fullmatch``) of a pattern's steps."""
    parts = []
    for step in steps:
        keys = "".join(re.escape(k) for k in sorted(step.keys))
        atom = keys if len(step.keys) == 1 else f"[{keys}]"
        parts.append(atom + {Repeat.ONCE: "", Repeat.SOME: "+", Repeat.ANY: "*"}[step.repeat])
    return "".join(parts)


def asterisk_regex(pattern: str) -> str | None:
    steps = asterisk_steps(pattern)
    return None if steps is None else steps_regex(steps)


def _after(steps: tuple[Step, ...], digits: str) -> set[int]:
    """Positions in ``steps`` reachable after reading ``digits`` (NFA simulation); a
    repeating step keeps its position after a key."""
    states = _closure(steps, {0})
    for key in digits:
        moved: set[int] = set()
        for pos in states:
            if pos < len(steps) and key in steps[pos].keys:
                moved.add(pos + 1)
                if steps[pos].repeat is not Repeat.ONCE:
                    moved.add(pos)  # stays on ``.``/``!`` for more keys
        states = _closure(steps, moved)
        if not states:
            break
    return states


def _closure(steps: tuple[Step, ...], states: set[int]) -> set[int]:
    """Add the positions past ``!`` steps, which may take no key at all."""
    out = set(states)
    todo = list(states)
    while todo:
        pos = todo.pop()
        if pos < len(steps) and steps[pos].repeat is Repeat.ANY and pos + 1 not in out:
            out.add(pos + 1)
            todo.append(pos + 1)
    return out


def could_continue(steps: tuple[Step, ...], digits: str) -> bool:
    """True when more keys after ``digits`` could still match the pattern. A tail of
    ``!`` alone does not count: Asterisk matches it at once, without waiting."""
    return any(
        any(step.repeat is not Repeat.ANY for step in steps[pos:]) for pos in _after(steps, digits)
    )


def example(regex: str, longest: int) -> str | None:
    """The shortest digit string a pattern accepts (the least of that length): what a
    diagram, a path or a test calls it by. None when none of up to 6 digits does."""
    compiled = re.compile(regex)
    for length in range(1, min(longest, 6) + 1):
        for number in range(min(10**length, 20_000)):
            text = str(number).zfill(length)
            if compiled.fullmatch(text):
                return text
    return None
