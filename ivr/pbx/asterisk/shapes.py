"""Dialplan shapes that are ivr constructs, recognised once every node is compiled.

Some Asterisk idioms mean exactly what an ivr construct means, and reading them
as that construct keeps a menu's paths readable and a round trip exact:

* a context that takes every service's number, with or without ``#`` after
  it, dials services (``services: true``), and its ``*`` to the menu above is
  the collect's own way back;
* a number routed the same from every context of keys (``112``, written in
  each or ``include``d into each) is a speed-dial shortcut;
* a key that routes the same from every such context, straight or after a
  yes/no question (a context taking 1 for yes and 2, no input or a wrong key
  for "go back"), is the ``operator`` command, ``confirm: true`` with the
  question; a key that plays each context's menu again is ``repeat``;
* counters of no inputs and invalid keys are handlers by count (``counting``);
* a context whose extensions are then single keys is a menu of options (a key
  acts at once either way, and a key that is no option is an invalid key, as
  ``i`` has it); a key that says something and plays the same menu again is
  ``info:``;
* a route that always says the same first says it as the service's announcement.
"""

from __future__ import annotations

import json
from typing import Any

from ivr.pbx.asterisk.counting import counted_handlers
from ivr.pbx.asterisk.docwalk import (
    KEYS,
    announceable,
    announcements,
    body,
    drop_unreachable,
    entries,
    plain,
    same,
    says,
)
from ivr.pbx.asterisk.state import Doc
from ivr.pbx.yamlout import Commented


def reshape(doc: Doc, subroutine_nodes: set[str], context_of: dict[str, str]) -> None:
    """Rewrite ``doc`` (the compiled menu) in place with the constructs above."""
    nodes: dict[str, Commented] = doc["nodes"]
    said = says(doc)
    removed = _dial_services(nodes, doc.get("services", {}), said)
    menus = [n for n, node in nodes.items() if n not in subroutine_nodes and _keyed(body(node))]
    shortcuts: dict[str, Any] = {}
    commands: Doc = {}
    if len(menus) > 1:  # what every one of several menus does is global
        shortcuts = {
            digits: action
            for digits, action in _shortcuts(nodes, menus).items()
            if announceable(plain(action), said)
        }
        operator = _operator(nodes, menus, set(shortcuts), context_of)
        if operator is not None and announceable(operator[1], said):
            commands["operator"] = {"key": operator[0], **operator[1]}
        taken = {*shortcuts, *(c["key"] for c in commands.values())}
        repeat = _repeat(nodes, menus, taken, context_of)
        if repeat is not None:
            commands["repeat"] = {"key": repeat}
            taken.add(repeat)
        for nid in menus:
            for digits in taken:
                entries(body(nodes[nid])).pop(digits, None)
    if shortcuts:
        doc["shortcuts"] = list(dict.fromkeys(plain(a)["route"] for a in shortcuts.values()))
    if commands:
        doc["commands"] = commands
    drop_unreachable(doc)
    counted_handlers(doc, context_of)
    for nid in menus:
        if nid in nodes and _menu_of_keys(body(nodes[nid])):
            _as_options(nid, body(nodes[nid]))
    announcements(doc, [*removed, *(plain(a) for a in shortcuts.values())])


def _keyed(node: Doc) -> bool:
    """A context of exact extensions, waiting for keys as a dialplan does."""
    collect = node.get("collect")
    if not isinstance(collect, dict) or not collect.get("early") or "patterns" in collect:
        return False
    found = entries(node)
    return bool(found) and all(set(d) <= set(KEYS) for d in found)


def _shortcuts(nodes: dict[str, Commented], menus: list[str]) -> dict[str, Any]:
    """Numbers every menu routes the same: digits -> the action."""
    found: dict[str, Any] = {}
    for digits, action in entries(body(nodes[menus[0]])).items():
        route = plain(action)
        if len(digits) < 2 or set(route) - {"say", "route"} or "route" not in route:
            continue
        if all(same(entries(body(nodes[m])).get(digits), action) for m in menus[1:]):
            found[digits] = action
    return found


def _home(nid: str, context_of: dict[str, str]) -> str:
    """The node a context is named after (``main`` for ``main_t``, which reprompts there)."""
    return context_of.get(nid, nid)


def _question(nodes: dict[str, Commented], target: str, home: str) -> Doc | None:
    """The route a yes/no question at ``target`` takes on 1, when 2, silence and a wrong
    key return to ``home``; None when ``target`` is no such question."""
    question = body(nodes[target]) if target in nodes else {}
    found = {d: plain(a) for d, a in entries(question).items()}
    back = {"goto": home}
    if set(found) != {"1", "2"} or "route" not in found["1"] or found["2"] != back:
        return None
    for handlers in (question.get("on_no_input"), question.get("on_no_match")):
        if not isinstance(handlers, list) or [plain(h) for h in handlers] != [{"count": 1, **back}]:
            return None
    yes: Doc = found["1"]
    return yes


def _operator(
    nodes: dict[str, Commented], menus: list[str], shortcuts: set[str], context_of: dict[str, str]
) -> tuple[str, Doc] | None:
    """The one key that routes the same from every menu (maybe after a question)."""
    found: list[tuple[str, Doc]] = []
    for key in KEYS:
        if key in shortcuts:
            continue
        outcomes: list[Doc] = []
        for nid in menus:
            action = plain(entries(body(nodes[nid])).get(key))
            if not isinstance(action, dict):
                break
            home = _home(nid, context_of)
            if "route" in action and set(action) <= {"say", "route"}:
                outcomes.append(action)
            elif set(action) == {"goto"} and (yes := _question(nodes, action["goto"], home)):
                outcomes.append({**yes, "confirm": True})
            else:
                break
        else:
            if all(same(o, outcomes[0]) for o in outcomes):
                found.append((key, outcomes[0]))
    return found[0] if len(found) == 1 else None


def _repeat(
    nodes: dict[str, Commented], menus: list[str], taken: set[str], context_of: dict[str, str]
) -> str | None:
    """The key that plays each menu again (goes to the menu of its context) everywhere."""
    for key in KEYS:
        if key not in taken and all(
            plain(entries(body(nodes[m])).get(key)) == {"goto": _home(m, context_of)}
            and _home(m, context_of) in nodes
            for m in menus
        ):
            return key
    return None


def _menu_of_keys(node: Doc) -> bool:
    """Single keys only, and no handler that reads the keys pressed (``${EXTEN}``, which
    a collect node keeps and a menu of options does not)."""
    handlers = json.dumps([node.get("on_no_input"), node.get("on_no_match")], default=plain)
    return all(len(d) == 1 for d in entries(node)) and "${EXTEN" not in handlers


def _as_options(nid: str, node: Doc) -> None:
    """A collect node of single keys as a menu of options; a key that says something
    and plays the menu again is information."""
    options: list[Commented] = []
    for key, action in entries(node).items():
        taken = dict(plain(action))
        if set(taken) == {"say", "goto"} and taken["goto"] == nid:
            taken = {"info": taken["say"]}
        comment = action.comment if isinstance(action, Commented) else ""
        options.append(Commented({"key": key, **taken}, comment))
    del node["collect"]
    node["options"] = options


def _dial_services(
    nodes: dict[str, Commented], services: dict[str, Commented], said: dict[str, set[str | None]]
) -> list[Doc]:
    """A context taking every service's number (and number#) dials services; the
    actions its entries took (their words become announcements)."""
    numbers = {str(plain(s)["number"]): sid for sid, s in services.items() if "number" in plain(s)}
    removed: list[Doc] = []
    if not numbers:
        return removed
    wanted = {n + end: sid for n, sid in numbers.items() for end in ("", "#")}
    for node in nodes.values():
        collect = body(node).get("collect")
        if not isinstance(collect, dict) or not collect.get("early") or "patterns" in collect:
            continue
        found = entries(body(node))
        dialled = {d: plain(a) for d, a in found.items() if len(d) > 1}
        if set(dialled) != set(wanted) or any(
            dialled[d].get("route") != sid or not announceable(dialled[d], said)
            for d, sid in wanted.items()
        ):
            continue
        for digits, action in dialled.items():
            removed.append(action)
            del found[digits]
        for key in [k for k in found if k in "*#" and _back(plain(found[k]))]:
            del found[key]  # the way back to the menu above: the collect's own back
        if not found:
            del collect["entries"]
        lengths = [len(n) for n in numbers]
        collect.update(
            min_digits=min(lengths), max_digits=max(lengths), terminator="#", services=True
        )
        del collect["early"]
        collect.pop("back", None)  # a dial node's * goes back, as ivr's own do
    return removed


def _back(action: Doc) -> bool:
    """A plain way to another node (its counters set to 0 on the way, if any)."""
    sets = action.get("set", {})
    return set(action) <= {"goto", "set"} and all(v == "0" for v in sets.values())
