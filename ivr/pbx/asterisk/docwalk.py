"""Reading and rewriting the compiled menu document: nodes, their entries, actions.

The compiler builds plain dicts, wrapped in ``Commented`` where a source line is
written above them; the passes that recognise ivr constructs in the document
(``shapes``, ``counting``) share these few ways of looking through it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

from ivr.pbx.asterisk.state import Doc
from ivr.pbx.yamlout import Commented

KEYS = "0123456789*#"


def body(node: Commented) -> Doc:
    """A node's mapping (the compiler builds every node as a plain dict)."""
    return cast(Doc, node.value)


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Commented) else value


def same(a: Any, b: Any) -> bool:
    def text(value: Any) -> str:
        return json.dumps(plain(value), sort_keys=True, default=plain)

    return text(a) == text(b)


def entries(node: Doc) -> dict[str, Any]:
    """A collect node's exact entries (the mapping itself, to edit in place)."""
    collect = node.get("collect")
    found = collect.get("entries", {}) if isinstance(collect, dict) else {}
    return found if isinstance(found, dict) else {}


def actions(value: Any) -> Iterator[Doc]:
    """Every action mapping in a node or list (entries, options, rules, handlers)."""
    value = plain(value)
    if isinstance(value, dict):
        if "route" in value or "goto" in value:
            yield value
        for item in value.values():
            yield from actions(item)
    elif isinstance(value, list):
        for item in value:
            yield from actions(item)


def drop_unreachable(doc: Doc) -> None:
    """Take out the nodes no action leads to any more."""
    nodes: dict[str, Commented] = doc["nodes"]
    reached = {doc["start"]}
    todo = [doc["start"]]
    while todo:
        for action in actions(nodes[todo.pop()]):
            target = action.get("goto")
            if isinstance(target, str) and target not in reached and target in nodes:
                reached.add(target)
                todo.append(target)
    for nid in [n for n in nodes if n not in reached]:
        del nodes[nid]


def says(doc: Doc) -> dict[str, set[str | None]]:
    """What each route says first, over every action of the menu."""
    found: dict[str, set[str | None]] = {}
    for node in doc["nodes"].values():
        for action in actions(node):
            if "route" in action:
                found.setdefault(action["route"], set()).add(action.get("say"))
    return found


def announceable(action: Doc, said: dict[str, set[str | None]]) -> bool:
    """Whether a route can leave its node (as a shortcut, a command or a dialled
    service, which say nothing of their own) without losing what it says: it says
    nothing, or every route to that service says the same, which becomes the
    service's announcement."""
    say = action.get("say")
    return say is None or said.get(action["route"], set()) == {say}


def announcements(doc: Doc, removed: list[Doc]) -> None:
    """A service every route to says the same thing first: that is its announcement
    (``removed``: routes taken out of their nodes, as shortcuts or dialled services)."""
    routes: dict[str, list[Doc]] = {}
    for action in removed:
        routes.setdefault(action["route"], []).append(dict(action))
    for node in doc["nodes"].values():
        for action in actions(node):
            if "route" in action:
                routes.setdefault(action["route"], []).append(action)
    for command in doc.get("commands", {}).values():
        if "route" in command:
            routes.setdefault(command["route"], []).append(command)
    for sid, found in routes.items():
        said = {a.get("say") for a in found}
        if len(said) == 1 and (text := next(iter(said))):
            plain(doc["services"][sid])["announce"] = text
            for action in found:
                del action["say"]
