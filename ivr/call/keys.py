"""Keys outside digit collection: buffered like a dial plan, then taken as choices.

A phone exchange matches dialled digits against its numbers as they come: while
the digits so far could still become an emergency shortcut ("1" of "112"), it
waits the inter-digit timeout before treating them as a menu choice. Keys left
over once a key is taken were typed ahead for the node it leads to. The held
keys are ``state.buffer``.
"""

from __future__ import annotations

import logging

from ivr.call import choices, questions
from ivr.call.context import Call
from ivr.call.record import VisitKind
from ivr.call.state import Choice
from ivr.refs import Ref

log = logging.getLogger(__name__)

MAX_TYPEAHEAD = 32  # keys held for the next node, as a phone line's digit buffer would


def press(call: Call, key: str) -> None:
    state = call.state
    if len(state.buffer) >= MAX_TYPEAHEAD:
        log.info("type-ahead buffer full; dropping key %s", key)
        return
    state.buffer += key
    resolve(call, final=False)


def resolve(call: Call, final: bool) -> None:
    """Act on the held keys, unless they may still become a shortcut and more may
    come (``final`` is false while the caller may still be dialling)."""
    state = call.state
    shortcuts = call.index.shortcut_numbers
    buffer = state.buffer
    if not buffer or call.ended:
        return
    if buffer in shortcuts:
        state.buffer = ""
        state.digit_deadline = None
        questions.offer(call, choices.service(call, Ref.shortcut(shortcuts[buffer])), False)
        return
    if not final and any(n.startswith(buffer) for n in shortcuts):
        state.digit_deadline = call.elapsed + call.node.settings.inter_digit_timeout
        return
    state.digit_deadline = None
    # the first key is a choice here; the rest were typed ahead for wherever it leads
    state.buffer = buffer[1:]
    call.select_key(buffer[0])


def select(call: Call, key: str, confidence: float) -> None:
    """A key at a node: one of its options or a global command, else an invalid key.
    A recogniser unsure of a spoken digit (low ``confidence``) has it confirmed."""
    choice = choice_for(call, key)
    if choice is None:
        call.no_match(VisitKind.INVALID_KEY)
        return
    low = confidence < call.node.settings.confirm_below
    questions.offer(call, choice, low or choice.action.confirm)


def choice_for(call: Call, key: str) -> Choice | None:
    """What ``key`` picks at the call's node: one of its options, else a global command."""
    for option in call.node.options:
        if option.key == key:
            return choices.option(call, option.id)
    for command in call.menu.commands:
        if command.key == key:
            return choices.command(call, command.name)
    return None
