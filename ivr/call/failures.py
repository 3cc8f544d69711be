"""No input and no match: reprompts that escalate, then the node's way out.

A caller who did not hear or did not understand gets more help each time: the
apology and the short prompt first, then the full prompt, then the help text.
After the node's limit the call does not loop forever: ``on_max_failures``
routes (often to a person) or says goodbye. The counts are ``state.no_input``
and ``state.no_match``, reset on entering a node.
"""

from __future__ import annotations

from ivr.call import questions
from ivr.call.context import Call
from ivr.call.record import VisitKind
from ivr.model import ActionKind


def no_input(call: Call) -> None:
    state = call.state
    state.no_input += 1
    call.record.visit(VisitKind.NO_INPUT, state.node)
    if state.no_input >= call.node.settings.max_no_input:
        _give_up(call)
    else:
        _reprompt(call, VisitKind.NO_INPUT, state.no_input)


def no_match(call: Call, reason: VisitKind = VisitKind.NO_MATCH) -> None:
    """Nothing picked; ``reason`` tells an invalid key (also a no match) apart."""
    state = call.state
    state.buffer = ""
    state.entry = ""
    state.digit_deadline = None
    state.no_match += 1
    call.record.visit(VisitKind.NO_MATCH, state.node)
    if reason is not VisitKind.NO_MATCH:
        call.record.visit(reason, state.node)
    if state.no_match >= call.node.settings.max_no_match:
        _give_up(call)
    else:
        _reprompt(call, reason, state.no_match)


def _reprompt(call: Call, reason: VisitKind, level: int) -> None:
    node = call.node
    lang = call.lang
    messages = call.menu.messages
    apology = {
        VisitKind.NO_INPUT: messages.no_input,
        VisitKind.INVALID_KEY: messages.invalid_key,
    }.get(reason, messages.no_match)
    call.say(apology.get(lang), "reprompt")
    if call.state.mode.asks:  # the question again, not the node's options
        questions.ask(call)
        return
    if level <= 1 and node.short_prompt:
        call.say(node.short_prompt.get(lang), "reprompt")
    else:
        call.say(node.prompt.get(lang), "reprompt")
        if level >= 2 and node.help:
            call.say(node.help.get(lang), "reprompt")
    call.ready()


def _give_up(call: Call) -> None:
    """The node's ``on_max_failures``: a route, else goodbye."""
    call.record.visit(VisitKind.MAX_FAILURES, call.state.node)
    action = call.node.settings.on_max_failures
    if action.kind is ActionKind.ROUTE and action.target:
        call.connect(call.menu.services[action.target])
    else:
        text = action.message.get(call.lang) or call.menu.messages.goodbye.get(call.lang)
        call.say(text, "system")
        call.hangup("max failures")
