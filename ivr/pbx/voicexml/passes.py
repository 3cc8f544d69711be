"""Tidying the compiled nodes once every dialog is known.

A form's blocks and transfers compile to pass-through nodes (a branch with
only ``otherwise``); a goto into one is replaced by what it does, so a choice
that leads to "say this, then transfer" is one action. What is left is checked
for loops that never wait for the caller (``<goto>`` cycles: an error, as the
call would spin), services whose every route says the same words get those
words as their ``announce`` (so shortcuts and commands say them too), and
nodes no call can reach are dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, cast

from ivr.pbx.common import PbxWarning
from ivr.pbx.voicexml.escalation import Ladder
from ivr.pbx.voicexml.flow import refs
from ivr.pbx.yamlout import Commented

Body = dict[str, Any]
_ACTION_KEYS = ("goto", "route", "do", "info")


def plain(item: Any) -> dict[str, Any]:
    value = item.value if isinstance(item, Commented) else item
    return cast(dict[str, Any], value)  # the compiler builds dicts only


def actions(body: Body) -> Iterator[dict[str, Any]]:
    """Every action of a node, as the mutable dict that holds it."""
    for key in ("options", "branch", "on_no_input", "on_no_match"):
        for item in body.get(key, ()):
            yield plain(item)
    failures = body.get("settings", {}).get("on_max_failures")
    if isinstance(failures, dict):
        yield failures
    collect = body.get("collect")
    if collect is not None:
        for item in collect.get("entries", {}).values():
            yield plain(item)
        for item in collect.get("patterns", ()):
            yield plain(item)


def passthrough(body: Body) -> dict[str, Any] | None:
    """The one rule of a node that only passes on, else None."""
    rules = body.get("branch")
    if not rules or len(rules) != 1 or body.get("prompt"):
        return None
    rule = plain(rules[0])
    return rule if rule.get("otherwise") is True else None


def merge(first: dict[str, Any], then: dict[str, Any]) -> dict[str, Any] | None:
    """``first`` (a goto) followed by ``then``, as one action; None when ``then`` reads
    or overwrites what ``first`` sets or says."""
    first_set, then_set = first.get("set", {}), then.get("set", {})
    reads = refs(str(then.get("say", ""))) | {r for v in then_set.values() for r in refs(v)}
    if reads & set(first_set) or set(then_set) & refs(str(first.get("say", ""))):
        return None
    out = {k: v for k, v in first.items() if k not in ("goto", "say", "set")}
    say = " ".join(s for s in (first.get("say", ""), then.get("say", "")) if s)
    merged = {**first_set, **then_set}
    tail = {k: v for k, v in then.items() if k in (*_ACTION_KEYS, "reprompt")}
    if out.get("confirm") and not ({"goto", "route"} & set(tail)):
        out.pop("confirm")
    rebuilt: dict[str, Any] = {}
    for key, value in out.items():  # keep the action's own keys first (key, words, count ...)
        rebuilt[key] = value
    if say:
        rebuilt["say"] = say
    if merged:
        rebuilt["set"] = merged
    rebuilt.update(tail)
    return rebuilt


def inline(nodes: dict[str, tuple[Body, int]], start: str) -> None:
    """Replace gotos into pass-through nodes (never the start) by what those do."""
    for nid, (body, _) in nodes.items():
        for action in actions(body):
            seen: set[str] = set()
            while True:
                target = action.get("goto")
                if not isinstance(target, str) or target == start or target in seen:
                    break
                rule = passthrough(nodes[target][0]) if target in nodes else None
                if rule is None:
                    break
                seen.add(target)
                merged = merge(action, rule)
                if merged is None:
                    break
                action.clear()
                action.update(merged)
        for item in body.get("options", ()):
            option = plain(item)
            if option.get("goto") == nid and "say" in option and "set" not in option:
                option["info"] = option.pop("say")
                option.pop("goto")


def loops(nodes: dict[str, tuple[Body, int]]) -> list[tuple[int, list[str]]]:
    """Pass-through chains that come back to themselves: (line, the node ids in the loop)."""
    found: list[tuple[int, list[str]]] = []
    reported: set[str] = set()
    for nid in nodes:
        path: list[str] = []
        cursor: str | None = nid
        while cursor is not None and cursor in nodes and cursor not in path:
            rule = passthrough(nodes[cursor][0])
            if rule is None or set(rule) & {"route", "do", "info"}:
                cursor = None
                break
            path.append(cursor)
            cursor = rule.get("goto")
        if cursor is not None and cursor in path and cursor not in reported:
            cycle = path[path.index(cursor) :]
            reported.update(cycle)
            found.append((nodes[cursor][1], cycle))
    return found


def reachable(nodes: dict[str, tuple[Body, int]], start: str, extra: list[str]) -> list[str]:
    """Node ids a call can reach from ``start`` (and the ``extra`` command targets)."""
    seen: dict[str, None] = {}
    queue = deque([start, *extra])
    while queue:
        nid = queue.popleft()
        if nid in seen or nid not in nodes:
            continue
        seen[nid] = None
        queue.extend(a["goto"] for a in actions(nodes[nid][0]) if isinstance(a.get("goto"), str))
    return list(seen)


def edges(nodes: dict[str, tuple[Body, int]]) -> set[tuple[str, str]]:
    """(from, to) for every goto between nodes."""
    return {
        (nid, a["goto"])
        for nid, (body, _) in nodes.items()
        for a in actions(body)
        if isinstance(a.get("goto"), str)
    }


def hoist_announcements(
    nodes: dict[str, tuple[Body, int]],
    services: dict[str, tuple[Body, int]],
    elsewhere: dict[str, list[str]],
) -> None:
    """A service every route to which says the same words announces them itself."""
    routes: dict[str, list[dict[str, Any]]] = {}
    for body, _ in nodes.values():
        for action in actions(body):
            if isinstance(action.get("route"), str):
                routes.setdefault(action["route"], []).append(action)
    for sid, found in routes.items():
        says = {str(a.get("say", "")) for a in found} | set(elsewhere.get(sid, []))
        if len(says) == 1 and "" not in says and not refs(next(iter(says))) and sid in services:
            services[sid][0]["announce"] = next(iter(says)).replace("{", "(").replace("}", ")")
            for action in found:
                action.pop("say", None)


def services_entries(
    nodes: dict[str, tuple[Body, int]], services: dict[str, tuple[Body, int]]
) -> None:
    """A digit entry whose exact entries are every service's number, each routing to that
    service and nothing else, is ivr's ``services: true`` (key any service number)."""
    numbers = {sid: body.get("number") for sid, (body, _) in services.items()}
    for body, _ in nodes.values():
        collect = body.get("collect")
        if collect is None or "patterns" in collect or not collect.get("entries"):
            continue
        routed: set[str] = set()
        for digits, item in collect["entries"].items():
            action = plain(item)
            if set(action) != {"route"} or numbers.get(action["route"]) != digits:
                break
            routed.add(action["route"])
        else:
            if routed == {sid for sid, n in numbers.items() if n}:
                collect.pop("entries")
                collect["services"] = True


def escalations(
    nodes: dict[str, tuple[Body, int]],
    ladders: dict[str, tuple[Ladder, str, list[PbxWarning]]],
    warnings: list[PbxWarning],
) -> tuple[str, str, str] | None:
    """Dialogs whose handlers are ivr's escalation get it back (settings, short prompt);
    the apologies they share, for the menu's messages. None when they do not agree."""
    found = {nid: entry for nid, entry in ladders.items() if nid in nodes}
    said = {ladder.messages() for ladder, _, _ in found.values()}
    if len(said) != 1:
        return None
    for nid, (ladder, again, replaced) in found.items():
        body = nodes[nid][0]
        body.pop("on_no_input", None)
        body.pop("on_no_match", None)
        rebuilt: Body = {}
        for key, value in body.items():
            rebuilt[key] = value
            if key == "prompt" and again:
                rebuilt["short_prompt"] = again
        settings = rebuilt.setdefault("settings", {})
        settings["max_no_input"] = ladder.max_no_input
        settings["max_no_match"] = ladder.max_no_match
        settings["on_max_failures"] = dict(ladder.give_up)
        body.clear()
        body.update(rebuilt)
        for warning in replaced:
            if warning in warnings:
                warnings.remove(warning)
    return next(iter(said))
