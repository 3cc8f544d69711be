"""What a taken choice does: go to a node, route, read out information, move around.

Kept in one place so that every way into an action (a key, a phrase, a digit
entry, a confirmed question, a time branch) does the same thing.
"""

from __future__ import annotations

from ivr.call.context import Call
from ivr.model import Action, ActionKind
from ivr.variables import evaluate


def perform(call: Call, action: Action) -> None:
    state = call.state
    node = call.node
    menu = call.menu
    lang = call.lang
    kind = action.kind
    for name, value in action.sets:  # a PBX menu's variables, before anything is said
        state.variables[name] = evaluate(value, state.variables)
    call.say(action.say.get(lang), "info")
    if kind is ActionKind.GOTO and action.target:
        if not node.branch:  # ``back`` from the target skips the branch that led there
            state.history.append(state.node)
        call.enter(action.target)
    elif kind is ActionKind.ROUTE and action.target:
        call.connect(menu.services[action.target])
    elif kind is ActionKind.INFO:
        call.say(action.message.get(lang), "info")
        call.say((node.short_prompt or node.prompt).get(lang), "prompt")
        call.ready()
    elif kind is ActionKind.BACK:
        if state.history:
            call.enter(state.history.pop())
        else:
            call.say(menu.messages.at_top.get(lang), "system")
            call.say(node.prompt.get(lang), "prompt")
            call.ready()
    elif kind is ActionKind.MAIN_MENU:
        state.history.clear()
        call.enter(menu.start)
    elif kind is ActionKind.REPEAT:
        call.say(node.prompt.get(lang), "prompt")
        call.ready()
    elif kind is ActionKind.HELP:
        call.say((node.help or menu.messages.help).get(lang), "info")
        call.say((node.short_prompt or node.prompt).get(lang), "prompt")
        call.ready()
    elif kind is ActionKind.EXIT:  # a submenu returns to the menu that entered it
        if state.history:
            call.enter(state.history.pop())
        else:
            call.say(action.message.get(lang) or menu.messages.goodbye.get(lang), "system")
            call.hangup("caller chose to end")
    elif kind is ActionKind.HANGUP:
        call.say(action.message.get(lang) or menu.messages.goodbye.get(lang), "system")
        call.hangup("caller chose to end")
    elif kind is ActionKind.OPERATOR:
        operator = next((c for c in menu.commands if c.name == "operator"), None)
        if operator is None:  # the loader refuses do: operator without one
            raise RuntimeError("no operator command")
        perform(call, operator.action)
    else:  # pragma: no cover - every ActionKind is handled above
        raise RuntimeError(f"unhandled action {action}")
