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
from ivr.model import Action, ActionKind, Handler
from ivr.variables import evaluate


def no_input(call: Call) -> None:
    state = call.state
    state.no_input += 1
    call.record.visit(VisitKind.NO_INPUT, state.node)
    limit = call.node.settings.max_no_input
    if limit and state.no_input >= limit:
        _give_up(call)
    elif not _handled(call, call.node.on_no_input, state.no_input):
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
    limit = call.node.settings.max_no_match
    if limit and state.no_match >= limit:
        _give_up(call)
    elif not _handled(call, call.node.on_no_match, state.no_match):
        _reprompt(call, reason, state.no_match)


def _handled(call: Call, handlers: tuple[Handler, ...], count: int) -> bool:
    """Run the node's own handler for this count (the highest count not above it,
    as VoiceXML picks a ``<catch>``); False when it has none that applies."""
    handler = next((h for h in reversed(handlers) if h.count <= count), None)
    if handler is None or call.state.mode.asks:  # a pending question asks again itself
        return False
    node = call.node
    call.say(handler.say.get(call.lang), "reprompt")
    action = handler.action
    if action is not None and action.kind in (ActionKind.HANGUP, ActionKind.EXIT):
        if action.kind is ActionKind.EXIT and call.state.history:
            call.perform(action)
        else:  # the call ends on failures, whatever the action says
            for name, value in action.sets:
                call.state.variables[name] = evaluate(value, call.state.variables)
            _goodbye(call, action)
    elif action is not None:
        call.perform(action)
    else:
        if handler.reprompt:
            call.say((node.short_prompt or node.prompt).get(call.lang), "reprompt")
        call.ready()
    return True


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
    """The node's ``on_max_failures``: a route, back to the menu that entered this one
    (a PBX submenu that ran out of tries), else goodbye."""
    call.record.visit(VisitKind.MAX_FAILURES, call.state.node)
    action = call.node.settings.on_max_failures
    if action.kind is ActionKind.ROUTE or (action.kind is ActionKind.EXIT and call.state.history):
        call.perform(action)
        return
    _goodbye(call, action)


def _goodbye(call: Call, action: Action) -> None:
    """The call ends on failures: the action's words, its goodbye (else the menu's)."""
    call.say(action.say.get(call.lang), "system")
    text = action.message.get(call.lang) or call.menu.messages.goodbye.get(call.lang)
    call.say(text, "system")
    call.hangup("max failures")
