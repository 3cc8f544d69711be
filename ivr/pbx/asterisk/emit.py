"""What an ivr action becomes in a dialplan: the applications that do it.

A goto is ``Goto(NODE,s,1)``, a route the announcement and ``Dial``, information
is played before the prompt comes again (``Goto(s,prompt)``), a confirmation a
Gosub to a small question context. Variables an action sets come first
(``Set``, ``${x}+1`` written ``$[${x}+1]``), then what it says, as the simulator
does them.
"""

from __future__ import annotations

import re

from ivr.errors import IvrError
from ivr.model import Action, ActionKind, Menu, Node, Service
from ivr.pbx.common import PromptSink, route_digits

#: Applications for one extension: "App(args)", or "(label)App(args)" for a labelled one.
Apps = list[str]

_APP_CALL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\(.*\)$")
_SUM = re.compile(r"^(\$\{[A-Za-z0-9_]+\})\s*([-+])\s*(\d+)$")


def lines(name: str, apps: Apps, comment: str = "") -> list[str]:
    """``exten => name,1,...`` and ``same => n,...`` lines for ``apps``."""
    out: list[str] = []
    for index, app in enumerate(apps):
        label = ""
        if app.startswith("("):
            label, app = app[: app.index(")") + 1], app[app.index(")") + 1 :]
        head = f"exten => {name},1{label}," if index == 0 else f" same => n{label},"
        note = f"  ; {one_line(comment)}" if index == 0 and comment else ""
        out.append(head + app + note)
    return out


def one_line(text: str) -> str:
    return " ".join(text.split())


def set_value(value: str) -> str:
    """A ``set:`` value as Asterisk writes it: ``${x}+1`` is ``$[${x}+1]``."""
    found = _SUM.match(value.strip())
    return f"$[{found.group(1)}{found.group(2)}{found.group(3)}]" if found else value


class Emitter:
    """Actions to applications, for one menu in one language."""

    def __init__(self, menu: Menu, sounds: PromptSink, lang: str) -> None:
        if lang not in menu.languages:
            raise IvrError(
                f"language {lang!r} is not one of this menu's languages",
                f"use one of {', '.join(menu.languages)}",
            )
        self.menu = menu
        self.sounds = sounds
        self.lang = lang
        self.notes: list[str] = []
        self.contexts = {nid: f"{nid}_node" if nid.lower() in ("general", "globals") else nid
                         for nid in menu.nodes}  # fmt: skip
        self.confirms: dict[tuple[str, str, str], str] = {}
        self.confirm_blocks: list[list[str]] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def sound(self, text: str) -> str | None:
        """The sound file (``<menu id>/NAME``) that says ``text``; None for silence."""
        text = text.strip()
        if not text:
            return None
        if "${" in text:
            self.note(
                "A prompt with call variables in it (${...}) is recorded with the "
                "variables' names, not their values."
            )
        return f"{self.menu.id}/{self.sounds.sound(text, self.lang)}"

    def play(self, text: str) -> Apps:
        name = self.sound(text)
        return [f"Playback({name})"] if name else []

    def prelude(self, action: Action) -> Apps:
        """What an action does first: its variables, then what it says."""
        sets = [f"Set({name}={set_value(value)})" for name, value in action.sets]
        return [*sets, *self.play(action.say.get(self.lang))]

    def dial(self, service: Service) -> str:
        """The application that puts the call through to ``service``."""
        target = service.target.strip()
        if target and _APP_CALL.match(target):
            return target  # a destination an Asterisk dialplan wrote (Dial, Queue, ...)
        number = service.number or (route_digits(target) if target else None)
        if not number:
            self.note(f"The destination {target!r} is dialled as PJSIP/{target}.")
            number = target
        return f"Dial(PJSIP/{number})"

    def route(self, service_id: str) -> Apps:
        service = self.menu.services[service_id]
        template = service.announce or self.menu.messages.connecting
        said = template.get(self.lang).format(
            service=service.name.get(self.lang), number=service.display
        )
        return [*self.play(said), self.dial(service), "Hangup()"]

    def goodbye(self, action: Action) -> Apps:
        text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
        return [*self.play(text), "Hangup()"]

    def above(self, node: Node) -> str | None:
        """The node ``back`` leads to: the one above in the tree, past branches."""
        parent = node.parent
        while parent is not None and self.menu.nodes[parent].branch:
            parent = self.menu.nodes[parent].parent
        return parent

    def action(self, action: Action, node: Node, label: str = "") -> Apps:
        """The applications that do ``action`` at ``node`` (``label``: what a confirm
        question calls it)."""
        if action.confirm:
            return self.confirm(action, node, label)
        return [*self.prelude(action), *self._act(action, node, label)]

    def _act(self, action: Action, node: Node, label: str) -> Apps:
        kind = action.kind
        if kind is ActionKind.GOTO and action.target:
            return [f"Goto({self.contexts[action.target]},s,1)"]
        if kind is ActionKind.ROUTE and action.target:
            return self.route(action.target)
        if kind is ActionKind.INFO:
            self.note(
                "An information option plays its text and then the node's whole prompt "
                "(the simulator says the short prompt)."
            )
            return [*self.play(action.message.get(self.lang)), "Goto(s,prompt)"]
        if kind in (ActionKind.BACK, ActionKind.EXIT):
            parent = self.above(node)
            if parent is not None:
                self.note(
                    "Back (and a submenu's exit) goes to the node above in the menu tree, "
                    "not to the node the caller came from (a dialplan keeps no history)."
                )
                return [f"Goto({self.contexts[parent]},s,1)"]
            if kind is ActionKind.EXIT:
                return self.goodbye(action)
            return [*self.play(self.menu.messages.at_top.get(self.lang)), "Goto(s,prompt)"]
        if kind is ActionKind.MAIN_MENU:
            return [f"Goto({self.contexts[self.menu.start]},s,1)"]
        if kind is ActionKind.REPEAT:
            return ["Goto(s,prompt)"]
        if kind is ActionKind.HELP:
            text = (node.help or self.menu.messages.help).get(self.lang)
            return [*self.play(text), "Goto(s,prompt)"]
        if kind is ActionKind.OPERATOR:
            operator = next((c for c in self.menu.commands if c.name == "operator"), None)
            if operator is not None:
                return self.action(operator.action, node, self.command_label("operator"))
        return self.goodbye(action)

    def command_label(self, name: str) -> str:
        command = next(c for c in self.menu.commands if c.name == name)
        words = command.phrases.get(self.lang)
        return words[0] if words else name.replace("_", " ")

    def confirm(self, action: Action, node: Node, label: str) -> Apps:
        """A question first, as the simulator asks it: a subroutine context that takes
        1 (yes: the action) or 2 (no), then returns to the node's prompt."""
        self.note(
            "A confirmation question takes keys only (1 yes, 2 no); no, no input and an "
            "invalid key return to the node's prompt."
        )
        key = (action.kind.value, action.target or "", label)
        if key not in self.confirms:
            base = re.sub(r"[^A-Za-z0-9_]+", "_", label or action.target or "").strip("_")
            name = f"{base or 'confirm'}_confirm"
            while name in self.contexts.values() or name in self.confirms.values():
                name += "_"
            self.confirms[key] = name
            question = self.menu.messages.confirm.get(self.lang).format(label=label)
            plain = Action(action.kind, action.target, action.message, False,
                           action.say, action.sets)  # fmt: skip
            block = [f"[{name}]  ; {one_line(question)}"]
            prompt = self.sound(question)
            block += lines("s", [*([f"Background({prompt})"] if prompt else []), "WaitExten(5)"])
            yes = self.action(plain, node)
            if plain.kind not in (ActionKind.ROUTE, ActionKind.HANGUP):
                yes = ["StackPop()", *yes]  # leaves the question for good: no Return
            block += lines("1", yes, "yes")
            for other in ("2", "i", "t"):
                block += lines(other, ["Return()"], "no" if other == "2" else "")
            self.confirm_blocks.append(block)
        return [f"Gosub({self.confirms[key]},s,1)", "Goto(s,prompt)"]
