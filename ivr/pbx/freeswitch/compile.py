"""FreeSWITCH menus compiled to an ivr menu document, with FreeSWITCH's semantics.

Followed from ``switch_ivr_menu_execute`` and ``play_and_collect`` in
``src/switch_ivr_menu.c`` (signalwire/freeswitch):

- A menu plays ``greet-long`` on entry and ``greet-short`` on each repeat
  (``reps > 0``); a key during the greeting interrupts it. Digits are then
  collected up to the menu's length, the largest of ``digit-len`` and its
  longest literal entry, until ``#`` or the ``inter-digit-timeout``; only then
  are entries matched. So a menu of single keys is an ``options`` node and
  anything longer a ``collect`` node that submits at its length, ``#`` or a
  pause (``early: false``).
- ``timeout`` (ms, default 10000) is the wait for the first digit;
  ``inter-digit-timeout`` defaults to half of it.
- Failures (wrong or empty entries) and timeouts are counted apart, against
  ``max-failures`` and ``max-timeouts`` (default: ``max-failures``, else 3).
  ``invalid-sound`` plays after each wrong entry, then the menu goes round
  again; nothing plays after a timeout. At the limit the menu runs
  ``exec-on-max-failures`` / ``exec-on-max-timeouts`` and ends: a submenu
  returns to the menu that entered it (``do: exit``); the outermost one plays
  ``exit-sound`` and the IVR ends. These are written as ``on_no_match`` /
  ``on_no_input`` handlers by count, with no built-in limit, since the
  built-in escalation has one shared ``on_max_failures``.
- ``menu-sub`` enters a menu whose ``menu-back`` (or running out of tries)
  returns here; ``menu-top`` goes to the outermost menu; ``menu-exit`` ends
  the IVR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ivr.errors import Location, MenuError, MenuErrors
from ivr.pbx.common import PbxWarning, node_id, pbx_error
from ivr.pbx.freeswitch.config import ACTIONS, FsConfig, FsMenu
from ivr.pbx.freeswitch.dialplan import Dialplan
from ivr.pbx.freeswitch.nodes import NodeMaker
from ivr.pbx.freeswitch.prompts import Prompts
from ivr.pbx.freeswitch.steps import StepMaker
from ivr.pbx.yamlout import Commented

#: Messages the simulator would otherwise add: FreeSWITCH says only what the menu plays.
SILENT_MESSAGES = ("connecting", "goodbye", "no_input", "no_match", "invalid_key")


@dataclass(frozen=True)
class Compiled:
    document: dict[str, Any]
    warnings: tuple[PbxWarning, ...]
    starts: tuple[str, ...]
    start: str


def compile_config(
    config: FsConfig, prompts: Prompts, dialplan: Dialplan, start: str | None
) -> Compiled:
    """The ivr document of the menus a call starting at ``start`` can reach."""
    file = config.file
    if not config.order:
        hint = "a FreeSWITCH IVR file holds <menu name=... greet-long=...> elements"
        if config.includes:
            hint = f"this file only includes others ({', '.join(config.includes)}): import those"
        raise pbx_error(Location(file, 1, 1), "no <menu name=...> in this file", hint)
    name = start if start is not None else config.order[0]
    if name not in config.menus:
        raise pbx_error(
            Location(file, 1, 1),
            f"no menu named {name!r}",
            f"the menus are: {', '.join(config.order)}",
        )
    warnings: list[PbxWarning] = list(config.warnings)

    def warn(line: int, text: str, file: str | None = None) -> None:
        warnings.append(PbxWarning(Location(file or config.file, line, 1), text))

    for unreadable in dialplan.unreadable:
        warn(1, f"dialplan file not read: {unreadable}")
    top = config.menus[name]
    steps = StepMaker(file, prompts, config.menus, dialplan, warn)
    steps.top_exit = prompts.text(top.attr("exit-sound"))
    steps.need(name)
    maker = NodeMaker(steps, prompts, steps.warn)
    nodes: dict[str, Commented] = {}
    errors: list[MenuError] = []
    while steps.pending:
        menu = config.menus[steps.pending.pop(0)]
        errors += _refused_entries(config.file, menu)
        nodes[steps.node_ids[menu.name]] = Commented(maker.node(menu), f"{file}:{menu.line}")
    if errors:
        raise MenuErrors(errors)
    nodes.update(steps.branches)
    _refuse_silent_loops(nodes)
    document: dict[str, Any] = {
        "menu": node_id(name),
        "title": f"FreeSWITCH menu {name}",
        "languages": [config.language],
        "start": steps.node_ids[name],
        "messages": {key: "" for key in SILENT_MESSAGES},
        "services": dict(steps.services),
        "nodes": nodes,
    }
    if not steps.services:
        del document["services"]
    unique = list(dict.fromkeys(warnings))
    return Compiled(document, tuple(unique), tuple(config.order), name)


def _refused_entries(file: str, menu: FsMenu) -> list[MenuError]:
    """Entries FreeSWITCH refuses to build the menu with ('Unable to build xml menu')."""
    errors: list[MenuError] = []
    for entry in menu.entries:
        where = Location(file, entry.line, 1)
        if entry.action not in ACTIONS:
            what = f"action {entry.action!r}" if entry.has_action else "no action"
            errors.append(
                pbx_error(
                    where,
                    f"entry with {what}: FreeSWITCH refuses to build menu {menu.name!r}",
                    f"use one of {', '.join(ACTIONS)} (lower case)",
                )
            )
        elif not entry.digits:
            errors.append(
                pbx_error(
                    where,
                    f"entry without digits: FreeSWITCH refuses to build menu {menu.name!r}",
                    'add digits="1" (or a /regular expression/)',
                )
            )
    return errors


_GOTO = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _refuse_silent_loops(nodes: dict[str, Commented]) -> None:
    """Menus that never play a greeting nor listen, sending the call round each other
    (or dialplan extensions transferring in a ring), would loop forever."""
    edges: dict[str, str] = {}
    for nid, node in nodes.items():
        rules = node.value.get("branch")
        if rules and "goto" in rules[0].value and _GOTO.match(str(rules[0].value["goto"])):
            edges[nid] = rules[0].value["goto"]
    for first in edges:
        trail = [first]
        while trail[-1] in edges and len(trail) <= len(edges):
            following = edges[trail[-1]]
            if following in trail:
                loop = trail[trail.index(following) :]
                source, _, line = nodes[loop[0]].comment.rpartition(":")
                raise pbx_error(
                    Location(source, int(line), 1),
                    f"{' -> '.join([*loop, following])} never play a greeting or listen "
                    "for a key: a call would go round them forever",
                    "give one of them a greet-long",
                )
            trail.append(following)
