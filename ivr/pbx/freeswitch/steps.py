"""One entry's action as a step of the call: what it plays, sets, and where it goes.

FreeSWITCH runs *every* entry whose digits match, in file order
(``switch_ivr_menu_execute`` does not stop at the first match), so two
entries on the same digits (``menu-play-sound`` then ``menu-exec-app
transfer ...``) play the sound and then transfer. Steps are how that is
compiled: sounds and variables gather until a step that leaves the menu, and
become that action's ``say:`` and ``set:``; with no such step the menu goes
round again, saying what was played.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ivr.pbx.common import node_id, service_id
from ivr.pbx.freeswitch.apps import KNOWN_APPS, AppKind, classify, spoken
from ivr.pbx.freeswitch.config import GLOBAL_REF, FsMenu
from ivr.pbx.freeswitch.dialplan import Dialplan, DpAction
from ivr.pbx.freeswitch.prompts import Prompts
from ivr.pbx.yamlout import Commented

_CAPTURE = re.compile(r"\$(?:\{(\d+)\}|(\d+))")
_CHANNEL_VAR = re.compile(r"(?<!\$)\$\{([^}]*)\}")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Action = dict[str, Any]
#: Dialplan applications that only prepare the call: nothing to simulate, nothing to say.
_QUIET = frozenset({"answer", "pre_answer", "ring_ready", "sleep", "log", "info"})


class Warn(Protocol):
    """Records a warning at ``line`` of ``file`` (default: the imported file)."""

    def __call__(self, line: int, text: str, file: str | None = None) -> None: ...


@dataclass(frozen=True)
class Step:
    """``action`` leaves the menu (goto/route/do); None goes round the menu again."""

    action: Action | None
    say: str = ""
    sets: tuple[tuple[str, str], ...] = ()


def merge(steps: Sequence[Step]) -> Action:
    """The action of entries run in turn: the sounds and variables before the first
    step that leaves the menu, then that step (later ones never run)."""
    says: list[str] = []
    sets: dict[str, str] = {}
    for step in steps:
        says.append(step.say)
        sets.update(step.sets)
        if step.action is not None:
            return with_extras(step.action, " ".join(s for s in says if s), sets)
    said = " ".join(s for s in says if s)
    # round the menu again: what was played, then greet-short (an info's short prompt)
    return with_extras({"info": said} if said else {"do": "repeat"}, "", sets)


def with_extras(action: Action, say: str, sets: dict[str, str]) -> Action:
    out = dict(action)
    if say:
        out["say"] = " ".join(x for x in (say, out.get("say", "")) if x)
    if sets:
        out["set"] = dict(sets)
    return out


def captures_to_vars(param: str) -> str:
    """A regex entry's ``$1`` / ``${1}`` as the call variables the schema fills in."""
    return _CAPTURE.sub(lambda m: "${" + (m.group(1) or m.group(2)) + "}", param)


#: Dialplan extensions transferring to each other deeper than this are not followed.
MAX_TRANSFERS = 8


@dataclass
class StepMaker:
    """Compiles actions for one file; menus, services and dialplan branches are
    gathered as they are met, so only what a call can reach is compiled."""

    file: str
    prompts: Prompts
    menus: dict[str, FsMenu]
    dialplan: Dialplan
    warn_at: Warn
    top_exit: str = ""  # the start menu's exit-sound: played when the whole IVR ends
    node_ids: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    services: dict[str, Commented] = field(default_factory=dict)
    branches: dict[str, Commented] = field(default_factory=dict)
    _dialplan_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    _source: str | None = None  # the dialplan file whose actions are being compiled

    def warn(self, line: int, text: str) -> None:
        self.warn_at(line, text, self._source)

    def need(self, name: str) -> str:
        """The node id of menu ``name``, queued to be compiled the first time."""
        if name not in self.node_ids:
            self.node_ids[name] = node_id(name)
            self.pending.append(name)
        return self.node_ids[name]

    def entry(self, menu: FsMenu, action: str, param: str, line: int) -> Step:
        """The step of a valid entry action (``menu-*``) with its parameter."""
        if action == "menu-exit":
            return Step({"do": "hangup"}, self.top_exit)
        if action == "menu-back":
            return Step({"do": "exit"}, self.exit_sound(menu))
        if action == "menu-top":
            return Step({"do": "main_menu"})
        if action == "menu-sub":
            return self.submenu(menu, param.strip(), line)
        if action == "menu-play-sound":
            return Step(None, self.prompts.text(param))
        return self.app(menu, param, line, on_max=False)

    def exit_sound(self, menu: FsMenu) -> str:
        """FreeSWITCH plays exit-sound only when the outermost menu ends."""
        return self.top_exit if next(iter(self.node_ids), None) == menu.name else ""

    def submenu(self, menu: FsMenu, name: str, line: int) -> Step:
        if name == menu.name:  # FreeSWITCH: a menu-sub to itself just goes round again
            return Step(None)
        if name in self.menus:
            return Step({"goto": self.need(name)})
        self.warn(
            line,
            f"menu-sub {name!r}: no such menu in this file; FreeSWITCH ends the IVR there "
            "('Invalid Menu!'), and so does the simulator",
        )
        return Step({"do": "hangup"}, self.top_exit)

    def app(self, menu: FsMenu | None, param: str, line: int, on_max: bool, depth: int = 0) -> Step:
        """A ``menu-exec-app`` (or ``exec-on-max-*``, or dialplan) application."""
        written = param.strip()
        app = classify(written)
        if app.kind in (AppKind.ROUTE, AppKind.OTHER):  # a destination: its variables matter
            app = classify(self._expand(written, line))
        if app.kind is AppKind.ROUTE:
            say = ""
            if app.name == "transfer" and menu is not None:
                say = self.prompts.text(menu.attr("transfer-sound"))
            branch = self._transfer(app.args, line, depth) if app.name == "transfer" else None
            if branch is not None:
                return Step({"goto": branch}, say)
            return Step({"route": self.service(f"{app.name} {app.args}", written, line)}, say)
        if app.kind is AppKind.HANGUP:
            return Step({"do": "hangup"})
        if app.kind is AppKind.SPEAK:
            return Step(None, self.prompts.text(spoken(app)))
        if app.kind is AppKind.SET:
            return Step(None, sets=self._sets(app.sets, line))
        target = app.args.split(" ")[0] if app.args else ""
        if app.kind is AppKind.MENU and target in self.menus:
            self.warn(
                line,
                f"ivr {target}: FreeSWITCH runs it as a new IVR (its own menu-top and exit "
                "sound); the simulator goes to it as menu-sub does",
            )
            return Step({"goto": self.need(target)})
        if app.kind is AppKind.NOTHING:
            self.warn(line, f"{app.name}: no effect on a simulated call; the menu goes on")
            return Step(None)
        if app.kind is AppKind.UNKNOWN:
            if on_max:
                self.warn(line, f"{app.name!r} is not an application: FreeSWITCH only logs it")
                return Step(None)
            self.warn(
                line,
                f"menu-exec-app {app.name!r} is not an application: FreeSWITCH fails the entry "
                "and ends the IVR, and so does the simulator (did you mean 'transfer "
                f"{written}'?)",
            )
            return Step({"do": "hangup"}, self.top_exit)
        unknown = "" if app.name in KNOWN_APPS else " (not one of FreeSWITCH's own)"
        self.warn(
            line,
            f"{app.name}{unknown}: not run by the simulator; the call ends there as a route "
            f"to {written!r}",
        )
        return Step({"route": self.service(f"{app.name} {app.args}".strip(), written, line)})

    def _transfer(self, args: str, line: int, depth: int) -> str | None:
        """The branch node of the dialplan extension ``transfer DEST XML CONTEXT`` reaches,
        when the dialplan is at hand and uses only what the simulator follows."""
        words = args.split()
        if not words or (len(words) > 1 and words[1] != "XML") or depth >= MAX_TRANSFERS:
            return None
        dest, context = words[0], words[2] if len(words) > 2 else "default"
        key = (context, dest)
        if key in self._dialplan_ids:
            return self._dialplan_ids[key]
        found = self.dialplan.rules(dest, context)
        if isinstance(found, str):
            if found:
                self.warn(
                    line,
                    f"transfer {dest} XML {context}: {found} is not followed by the simulator; "
                    "the call ends there as a route",
                )
            return None
        rules, ext = found
        nid = node_id(dest)  # the branch's own name, unless a menu has it
        if nid in self.menus or nid in (node_id(m) for m in self.menus):
            nid = node_id(f"dp_{context}_{dest}")
        self._dialplan_ids[key] = nid
        body: list[Commented] = []
        for rule in rules:
            when: dict[str, Any] = {}
            if rule.days is not None:
                when["days"] = list(rule.days)
            if rule.time is not None:
                when["time"] = rule.time
            head: dict[str, Any] = {"when": when} if when else {"otherwise": True}
            outer, self._source = self._source, ext.file
            action = self._dialplan_action(rule.actions, depth + 1)
            self._source = outer
            body.append(Commented({**head, **action}, f"{ext.file}:{rule.line}"))
        if "otherwise" not in body[-1].value:
            self.warn(
                line,
                f"transfer {dest} XML {context}: at other times no extension matches; "
                "FreeSWITCH rejects the call (NO_ROUTE_DESTINATION), the simulator hangs up",
            )
            body.append(
                Commented({"otherwise": True, "do": "hangup"}, f"{ext.file}:{ext.node.line}")
            )
        self.branches[nid] = Commented({"branch": body}, f"{ext.file}:{ext.node.line}")
        return nid

    def _dialplan_action(self, actions: tuple[DpAction, ...], depth: int) -> Action:
        """Dialplan actions run in turn; when they run out the call is hung up."""
        steps = [
            self.app(None, f"{a.app} {a.data}", a.line, False, depth)
            for a in actions
            if a.app not in _QUIET
        ]
        steps.append(Step({"do": "hangup"}))
        return merge(steps)

    def service(self, target: str, written: str, line: int) -> str:
        sid = service_id(target)
        if sid not in self.services:
            body = {"name": written, "target": target}
            self.services[sid] = Commented(body, f"{self.file}:{line}")
        return sid

    def _expand(self, param: str, line: int) -> str:
        """Variables the simulator cannot know, named in a warning and made visible."""
        for name in dict.fromkeys(GLOBAL_REF.findall(param)):
            self.warn(
                line,
                f"$${{{name}}}: a preprocessor variable from vars.xml, unknown here; the "
                f"simulator writes {name!r} in its place",
            )
        text = GLOBAL_REF.sub(lambda m: m.group(1), param)
        for name in dict.fromkeys(_CHANNEL_VAR.findall(text)):
            if not name.isdigit():
                self.warn(
                    line,
                    f"${{{name}}}: a channel variable; the simulator has it only if the menu "
                    "sets it (else it is empty)",
                )
        return text

    def _sets(self, pairs: tuple[tuple[str, str], ...], line: int) -> tuple[tuple[str, str], ...]:
        kept: list[tuple[str, str]] = []
        for name, value in pairs:
            if _VAR_NAME.match(name):
                kept.append((name, value))
            else:
                self.warn(line, f"set {name!r}: not a variable name the simulator keeps; ignored")
        return tuple(kept)
