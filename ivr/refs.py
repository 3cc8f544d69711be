"""Refs: the one name every part of the simulator gives a thing a caller can pick.

The session records the refs a call took (``Session.visits``), coverage counts
them, the analyses and the diagrams name exits by them and the phrase indexes
file phrases under them. Their text form (``main.1``, ``cmd:operator``,
``shortcut:ambulance``...) is written into transcripts and coverage files, so it
must never drift; building and reading it in one place keeps every module
spelling it the same way, and ``Ref.parse`` refuses text no module would write.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum


class RefKind(StrEnum):
    """What a ref names. The value is its prefix in the text form (options have none)."""

    OPTION = "option"  # an option of a node: "main.1", "main.w2"
    CMD = "cmd"  # a global command: "cmd:operator"
    SHORTCUT = "shortcut"  # an emergency number keyed or said anywhere: "shortcut:ambulance"
    NUMBER = "number"  # a service's number entered at a collect node: "number:police"
    ENTRY = "entry"  # a listed entry of a collect node: "entry:dial:1234"
    BRANCH = "branch"  # the Nth rule of a time branch, counted from 1: "branch:hours:2"
    KEY = "key"  # a key with a fixed meaning at a collect node: "key:back"
    FAIL = "fail"  # too many failures at a node: "fail" (it names no more than that)


_PART = re.compile(r"[^:\s]+")  # ids are names and digits: no colon, no whitespace
_ENTRY = re.compile(r"[0-9*#]+|_[^\s]+|/[^\s]*/")
_FAIL = str(RefKind.FAIL)


@dataclass(frozen=True)
class Ref:
    """A typed ref. ``str(ref)`` is its text form; ``Ref.parse`` reads it back."""

    kind: RefKind
    id: str

    def __post_init__(self) -> None:
        # a ref that could not be read back would write an unreadable coverage file
        if _bad_id(self.kind, self.id):
            raise ValueError(f"{self.id!r} is not the id of a {self.kind} ref")

    def __str__(self) -> str:
        return self.text

    @functools.cached_property
    def text(self) -> str:
        """The text form (kept: every visit and every phrase lookup writes it)."""
        if self.kind is RefKind.OPTION:
            return self.id
        if self.kind is RefKind.FAIL:
            return _FAIL
        return f"{self.kind}:{self.id}"

    # -- the kinds built from parts ------------------------------------------------
    @staticmethod
    def option(option_id: str) -> Ref:
        return _ref(RefKind.OPTION, option_id)

    @staticmethod
    def cmd(name: str) -> Ref:
        return _ref(RefKind.CMD, name)

    @staticmethod
    def shortcut(service_id: str) -> Ref:
        return _ref(RefKind.SHORTCUT, service_id)

    @staticmethod
    def number(service_id: str) -> Ref:
        return _ref(RefKind.NUMBER, service_id)

    @staticmethod
    def entry(node_id: str, digits: str) -> Ref:
        return _ref(RefKind.ENTRY, f"{node_id}:{digits}")

    @staticmethod
    def branch(node_id: str, rule: int) -> Ref:
        """The ``rule``-th rule (from 1) of a time branch."""
        return _ref(RefKind.BRANCH, f"{node_id}:{rule}")

    @staticmethod
    def key(meaning: str) -> Ref:
        return _ref(RefKind.KEY, meaning)

    @staticmethod
    def fail() -> Ref:
        return _ref(RefKind.FAIL, "")

    @classmethod
    def parse(cls, text: str) -> Ref:
        """The ref ``text`` writes; ``ValueError`` for text that is no ref's text form."""
        return _parse(text)


def _bad_id(kind: RefKind, ref_id: str) -> bool:
    if kind is RefKind.FAIL:
        return ref_id != ""
    if kind in (RefKind.ENTRY, RefKind.BRANCH):  # "NODE:PART": the node comes first
        node, colon, part = ref_id.partition(":")
        if not colon or _PART.fullmatch(node) is None:
            return True
        if kind is RefKind.ENTRY:  # keys (0-9 * #) or a pattern as written ("_7XXX", "/^1$/")
            return _ENTRY.fullmatch(part) is None
        return _PART.fullmatch(part) is None or not _positive(part)  # rules count from 1
    if _PART.fullmatch(ref_id) is None:
        return True
    # an option id equal to a kind's bare text form would read back as that kind
    return kind is RefKind.OPTION and ref_id == _FAIL


def _positive(text: str) -> bool:
    return text.isascii() and text.isdecimal() and int(text) > 0


@functools.lru_cache(maxsize=4096)
def _ref(kind: RefKind, ref_id: str) -> Ref:
    """Cached: a call makes the refs of its choices over and over, and checks each."""
    return Ref(kind, ref_id)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Ref:
    """Cached: the session reads the refs of the phrases it matches on every utterance."""
    if text == _FAIL:
        return _ref(RefKind.FAIL, "")
    prefix, colon, rest = text.partition(":")
    if not colon:
        kind, ref_id = RefKind.OPTION, text
    else:
        try:
            kind = RefKind(prefix)
        except ValueError:
            raise ValueError(f"{text!r} is not a ref: no ref kind is called {prefix!r}") from None
        if kind in (RefKind.OPTION, RefKind.FAIL):
            raise ValueError(f"{text!r} is not a ref: {prefix!r} is not written as a prefix")
        ref_id = rest
    try:
        return _ref(kind, ref_id)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a ref: {exc}") from None
