"""Digit collection at a collect node: a PIN, a case number, a number to call.

Unlike a menu node, every key is part of one entry (``state.entry``): it ends
at the terminator, at the maximum length, or when the caller pauses for the
inter-digit timeout; ``*`` or ``#`` (whichever is not the terminator) goes
back. The entry then either is one the node lists, matches one of its patterns
(a PBX's ``_7XXX`` or ``/^(10[01][0-9])$/``, whose captures become call
variables), or is a service's number (when the node dials services), or it is
no match. A node that submits ``early`` acts as Asterisk's dial plan does: at
once when the digits match something no longer entry could extend, after the
inter-digit pause while a longer one still could.
"""

from __future__ import annotations

import re

from ivr.call import choices, questions
from ivr.call.context import Call
from ivr.call.record import VisitKind
from ivr.call.state import Choice, Mode
from ivr.dialpatterns import Repeat, asterisk_steps, could_continue
from ivr.model import Action, ActionKind, Collect, PatternKind
from ivr.refs import Ref
from ivr.variables import enter


def press(call: Call, key: str) -> None:
    state = call.state
    collect = _collect(call)
    if key == collect.terminator:
        submit(call)
    elif key in "*#" and key not in collect.symbols:
        state.entry = ""
        state.digit_deadline = None
        call.perform(Action(ActionKind.BACK))
    else:
        state.entry += key
        full = len(state.entry) >= collect.max_digits
        if full or (collect.early and _settled(collect, state.entry)):
            submit(call)
        else:
            state.digit_deadline = call.elapsed + call.node.settings.inter_digit_timeout


def _settled(collect: Collect, entry: str) -> bool:
    """No more keys could make a different match: act now (matched or not)."""
    if any(len(d) > len(entry) and d.startswith(entry) for d, _ in collect.entries):
        return False
    if collect.match_services:
        return False
    for pattern in collect.patterns:
        steps = asterisk_steps(pattern.text) if pattern.kind is PatternKind.ASTERISK else None
        if steps is None:  # a regular expression: only the length limit settles it
            return False
        if steps[-1].repeat is Repeat.ANY and re.fullmatch(pattern.regex, entry):
            return True  # "!" matches at once, before any later pattern could (pbx.c)
        if could_continue(steps, entry):
            return False
    return True


def typed_ahead(call: Call, keys: str) -> None:
    """Keys typed ahead of the prompt, one after another; stops where they end the
    call or leave the node."""
    for pressed in keys:
        if call.ended or call.state.mode is not Mode.COLLECT:
            return
        press(call, pressed)


def spoken(call: Call, digits: str) -> None:
    """Digits said in one go make a whole entry: what they leave unfinished is
    submitted at once rather than waited on."""
    state = call.state
    state.entry = ""
    for said in digits:
        press(call, said)
        if call.ended or state.mode is not Mode.COLLECT or not state.entry:
            return
    submit(call)


def submit(call: Call) -> None:
    state = call.state
    collect = _collect(call)
    entry, state.entry = state.entry, ""
    state.digit_deadline = None
    if len(entry) < collect.min_digits:
        call.no_match(VisitKind.INVALID_KEY if entry else VisitKind.NO_MATCH)
        return
    variables = state.variables
    enter(variables, collect.into, entry, None)
    for digits, action in collect.entries:
        if digits == entry:
            questions.offer(call, Choice(entry, action, Ref.entry(call.node.id, entry)), False)
            return
    for pattern in collect.patterns:
        match = re.fullmatch(pattern.regex, entry)
        if match is not None:
            enter(variables, collect.into, entry, match)
            ref = Ref.entry(call.node.id, pattern.text)
            questions.offer(call, Choice(entry, pattern.action, ref), False)
            return
    if collect.match_services and entry in call.index.service_numbers:
        sid = call.index.service_numbers[entry]
        questions.offer(call, choices.service(call, Ref.number(sid)), confirm=False)
        return
    call.no_match()


def _collect(call: Call) -> Collect:
    collect = call.node.collect
    if collect is None:  # pragma: no cover - the mode and the node always agree
        raise RuntimeError("digits collected outside a collect node")
    return collect
