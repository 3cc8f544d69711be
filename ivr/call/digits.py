"""Digit collection at a collect node: a PIN, a case number, a number to call.

Unlike a menu node, every key is part of one entry: it ends at the terminator,
at the maximum length, or when the caller pauses for the inter-digit timeout;
``*`` or ``#`` (whichever is not the terminator) goes back. The entry then
either is one the node lists, or a service's number (when the node dials
services), or it is no match.
"""

from __future__ import annotations

from ivr.call.context import Call
from ivr.call.questions import Questions
from ivr.call.record import VisitKind
from ivr.call.state import Choice, Mode
from ivr.model import Action, ActionKind, Collect
from ivr.refs import Ref


class DigitEntry:
    """Collects the digits of an entry (``state.entry``) and acts on it when it ends."""

    def __init__(self, call: Call, questions: Questions) -> None:
        self.call = call
        self.questions = questions

    def key(self, key: str) -> None:
        call = self.call
        state = call.state
        collect = self._collect()
        if key == collect.terminator:
            self.submit()
        elif key in "*#":
            state.entry = ""
            state.digit_deadline = None
            call.perform(Action(ActionKind.BACK))
        else:
            state.entry += key
            if len(state.entry) >= collect.max_digits:
                self.submit()
            else:
                state.digit_deadline = call.elapsed + call.node.settings.inter_digit_timeout

    def keys(self, keys: str) -> None:
        """Keys typed ahead of the prompt, or spoken, one after another; stops where
        they end the entry (or the call, or leave the node)."""
        for key in keys:
            if self.call.ended or self.call.state.mode is not Mode.COLLECT:
                return
            self.key(key)

    def spoken(self, digits: str) -> None:
        """Digits said in one go make a whole entry: what they leave unfinished is
        submitted at once rather than waited on."""
        state = self.call.state
        state.entry = ""
        for key in digits:
            self.key(key)
            if self.call.ended or state.mode is not Mode.COLLECT or not state.entry:
                return
        self.submit()

    def submit(self) -> None:
        call = self.call
        state = call.state
        collect = self._collect()
        entry, state.entry = state.entry, ""
        state.digit_deadline = None
        if len(entry) < collect.min_digits:
            call.no_match(VisitKind.INVALID_KEY if entry else VisitKind.NO_MATCH)
            return
        for digits, action in collect.entries:
            if digits == entry:
                self.questions.offer(Choice(entry, action, Ref.entry(call.node.id, entry)), False)
                return
        if collect.match_services and entry in call.index.service_numbers:
            sid = call.index.service_numbers[entry]
            self.questions.offer(call.choices.service(Ref.number(sid)), confirm=False)
            return
        call.no_match()

    def _collect(self) -> Collect:
        collect = self.call.node.collect
        if collect is None:  # pragma: no cover - the mode and the node always agree
            raise RuntimeError("digits collected outside a collect node")
        return collect
