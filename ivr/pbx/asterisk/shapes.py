"""Dialplan shapes that are ivr constructs, recognised once every node is compiled.

Some Asterisk idioms mean exactly what an ivr construct means, and reading them
as that construct keeps a menu's paths readable and a round trip exact:

* a context whose extensions are single keys (and global numbers, below) is a
  menu of options: a key acts at once either way, and a key that is no option
  is an invalid key (``i``) here, not "back";
* a number routed the same from every such menu (``112``, written in each
  context or ``include``d into each) is a speed-dial shortcut;
* a key that routes the same from every menu, straight or after a yes/no
  question (a context taking 1 for yes and 2, no input or a wrong key for "go
  back"), is the ``operator`` command, with ``confirm: true`` for the question;
  a key that plays the menu again at every menu is ``repeat``;
* a key that says something and plays the same menu again is ``info:``;
* a context that takes every service's number, with or without ``#`` after it,
  dials services (``services: true``);
* a route that always says the same first says it as the service's announcement.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

from ivr.pbx.asterisk.state import Doc
from ivr.pbx.yamlout import Commented

KEYS = "0123456789*#"


def _body(node: Commented) -> Doc:
    """A node's mapping (the compiler builds every node as a plain dict)."""
    return cast(Doc, node.value)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Commented) else value


def _same(a: Any, b: Any) -> bool:
    return json.dumps(_plain(a), sort_keys=True, default=_plain) == json.dumps(
        _plain(b), sort_keys=True, default=_plain
    )


def _entries(body: Doc) -> dict[str, Any]:
    collect = body.get("collect")
    entries = collect.get("entries", {}) if isinstance(collect, dict) else {}
    return entries if isinstance(entries, dict) else {}


def reshape(doc: Doc, subroutine_nodes: set[str]) -> None:
    """Rewrite ``doc`` (the compiled menu) in place with the constructs above."""
    nodes: dict[str, Commented] = doc["nodes"]
    said = _says(doc)
    _counted_handlers(doc)
    removed = _dial_services(nodes, doc.get("services", {}), said)
    menus = [n for n, node in nodes.items() if n not in subroutine_nodes and _keyed(_body(node))]
    if not menus:
        _announcements(doc, removed)
        return
    shortcuts = {
        digits: action
        for digits, action in _shortcuts(nodes, menus).items()
        if _announceable(_plain(action), said)
    }
    commands: Doc = {}
    operator = _operator(nodes, menus, shortcuts)
    if operator is not None and not _announceable(operator[1], said):
        operator = None
    if operator is not None:
        key, action = operator
        commands["operator"] = {"key": key, **action}
    repeat = _repeat(nodes, menus, {*shortcuts, *(c["key"] for c in commands.values())})
    if repeat is not None:
        commands["repeat"] = {"key": repeat}
    taken = {*shortcuts, *(c["key"] for c in commands.values())}
    for nid in menus:
        body = _body(nodes[nid])
        for digits in taken:
            _entries(body).pop(digits, None)
        if all(len(d) == 1 for d in _entries(body)):
            _as_options(nid, body)
    if shortcuts:
        doc["shortcuts"] = list(dict.fromkeys(_plain(shortcuts[d])["route"] for d in shortcuts))
    if commands:
        doc["commands"] = commands
    _drop_unreachable(doc)
    _announcements(doc, [*removed, *(_plain(a) for a in shortcuts.values())])


def _counted_handlers(doc: Doc) -> None:
    """A counter that ``t`` (or ``i``) adds one to and GotoIf compares, reset as the
    context is entered, is the node's no-input (no-match) count: its branches are
    handlers by count. A reprompt that waits again in the same context, for the same
    keys, is the node listening again (its prompt said by the handler)."""
    nodes: dict[str, Commented] = doc["nodes"]
    plans: list[tuple[Doc, str, list[Commented], str]] = []
    for node in nodes.values():
        body = _body(node)
        for kind in ("on_no_input", "on_no_match"):
            found = _counting(nodes, body.get(kind))
            if found is not None:
                counter, rules = found
                at = body[kind][0].comment if isinstance(body[kind][0], Commented) else ""
                made = [_handler(nodes, body, count, action, at) for count, action in rules]
                handlers = [h for h in made if h is not None]
                if len(handlers) == len(made):
                    plans.append((body, kind, handlers, counter))
    for body, kind, handlers, _ in plans:
        body[kind] = list(handlers)
    _drop_unreachable(doc)
    for counter in {c for *_, c in plans}:
        if _only_counts(doc, counter):
            _forget(doc, counter)


def _counting(
    nodes: dict[str, Commented], handlers: Any
) -> tuple[str, list[tuple[int, Doc]]] | None:
    """(counter, [(count, action)]) when ``handlers`` is one that adds to a counter
    and goes to branches on it; None otherwise."""
    if not isinstance(handlers, list) or len(handlers) != 1:
        return None
    first = _plain(handlers[0])
    sets = first.get("set")
    if set(first) != {"count", "set", "goto"} or not isinstance(sets, dict) or len(sets) != 1:
        return None
    counter, value = next(iter(sets.items()))
    if value != f"${{{counter}}}+1":
        return None
    rules: list[tuple[int, Doc]] = []
    target = first["goto"]
    while True:
        body = _body(nodes[target]) if target in nodes else {}
        branch = body.get("branch")
        if not isinstance(branch, list):
            return None
        last: Doc = {}
        for rule in (_plain(r) for r in branch):
            when = rule.get("when")
            action = {k: v for k, v in rule.items() if k not in ("when", "otherwise")}
            if rule.get("otherwise"):
                last = action
            elif (
                isinstance(when, dict)
                and when.get("var") == counter
                and when.get("op") == ">="
                and str(when.get("value", "")).isdigit()
            ):
                rules.append((int(when["value"]), action))
            else:
                return None
        following = last.get("goto")
        if set(last) == {"goto"} and following in nodes and "branch" in _body(nodes[following]):
            target = following
            continue
        rules.append((1, last))
        return counter, sorted(rules, key=lambda r: r[0])


def _same_choices(a: Doc, b: Doc) -> bool:
    return all(_same(a.get(k), b.get(k)) for k in ("collect", "on_no_input", "on_no_match"))


def _handler(
    nodes: dict[str, Commented], body: Doc, count: int, action: Doc, at: str
) -> Commented | None:
    """One handler: ``action``, or the node listening again when the action waits in
    the node's context for the same keys (its prompt then said with the rest)."""
    target = action.get("goto")
    plain = {k: v for k, v in action.items() if k != "set"}
    if action.get("set"):
        return None
    if isinstance(target, str) and target in nodes and set(plain) <= {"say", "goto"}:
        again = _body(nodes[target])
        if again is body or _same_choices(again, body):
            said = " ".join(t for t in (plain.get("say"), again.get("prompt")) if t)
            return Commented({"count": count, **({"say": said} if said else {})}, at)
    return Commented({"count": count, **plain}, at)


def _only_counts(doc: Doc, counter: str) -> bool:
    """Whether ``counter`` is used for nothing but being reset, counted and compared."""
    text = json.dumps(doc["nodes"], default=_plain)
    return f"${{{counter}}}" not in text and f'"var": "{counter}"' not in text


def _forget(doc: Doc, counter: str) -> None:
    """Take the resets of a counter the handlers now keep out of every action."""
    doc.get("variables", {}).pop(counter, None)
    for node in doc["nodes"].values():
        for action in _actions(node):
            sets = action.get("set")
            if isinstance(sets, dict) and sets.pop(counter, None) is not None and not sets:
                del action["set"]
    if not doc.get("variables", True):
        del doc["variables"]


def _says(doc: Doc) -> dict[str, set[str | None]]:
    """What each route says first, over every action of the menu."""
    found: dict[str, set[str | None]] = {}
    for node in doc["nodes"].values():
        for action in _actions(node):
            if "route" in action:
                found.setdefault(action["route"], set()).add(action.get("say"))
    return found


def _announceable(action: Doc, said: dict[str, set[str | None]]) -> bool:
    """Whether a route can leave its node (as a shortcut or command, which say nothing
    of their own) without losing what it says: it says nothing, or every route to
    that service says the same, which becomes the service's announcement."""
    say = action.get("say")
    return say is None or said.get(action["route"], set()) == {say}


def _keyed(body: Doc) -> bool:
    """A context of exact extensions waiting for keys as a dialplan does."""
    collect = body.get("collect")
    if not isinstance(collect, dict) or not collect.get("early") or "patterns" in collect:
        return False
    return bool(_entries(body)) and all(set(d) <= set(KEYS) for d in _entries(body))


def _shortcuts(nodes: dict[str, Commented], menus: list[str]) -> dict[str, Any]:
    """Numbers every menu routes the same: digits -> the action."""
    first = _entries(_body(nodes[menus[0]]))
    found: dict[str, Any] = {}
    for digits, action in first.items():
        plain = _plain(action)
        if len(digits) < 2 or set(plain) - {"say", "route"} or "route" not in plain:
            continue
        if all(_same(_entries(_body(nodes[m])).get(digits), action) for m in menus[1:]):
            found[digits] = action
    return found


def _question(nodes: dict[str, Commented], target: str, caller: str) -> Doc | None:
    """The route a yes/no question at ``target`` takes on 1, when 2, silence and a wrong
    key return to ``caller``; None when ``target`` is no such question."""
    body = _body(nodes[target]) if target in nodes else {}
    entries = {d: _plain(a) for d, a in _entries(body).items()}
    if set(entries) != {"1", "2"} or "route" not in entries["1"]:
        return None
    back = entries["2"]
    if set(back) != {"goto"} or back["goto"] not in (caller, _home(nodes, caller)):
        return None
    for handlers in (body.get("on_no_input"), body.get("on_no_match")):
        if not isinstance(handlers, list) or [_plain(h) for h in handlers] != [
            {"count": 1, **back}
        ]:
            return None
    yes: Doc = entries["1"]
    return yes


def _home(nodes: dict[str, Commented], nid: str) -> str:
    """The node a reprompt variant belongs to: ``main_t`` waits in ``main``'s context
    (its ``#`` plays ``main`` again), else the node itself."""
    action = _plain(_entries(_body(nodes[nid])).get("#")) if nid in nodes else None
    return str(action["goto"]) if isinstance(action, dict) and set(action) == {"goto"} else nid


def _operator(
    nodes: dict[str, Commented], menus: list[str], shortcuts: dict[str, Any]
) -> tuple[str, Doc] | None:
    """The one key that routes the same from every menu (maybe after a question)."""
    found: list[tuple[str, Doc]] = []
    for key in KEYS:
        if key in shortcuts:
            continue
        outcomes: list[Doc] = []
        for nid in menus:
            action = _plain(_entries(_body(nodes[nid])).get(key))
            if not isinstance(action, dict):
                break
            if "route" in action and set(action) <= {"say", "route"}:
                outcomes.append(action)
            elif set(action) == {"goto"} and (yes := _question(nodes, action["goto"], nid)):
                outcomes.append({**yes, "confirm": True})
            else:
                break
        else:
            if all(_same(o, outcomes[0]) for o in outcomes):
                found.append((key, outcomes[0]))
    return found[0] if len(found) == 1 else None


def _repeat(nodes: dict[str, Commented], menus: list[str], taken: set[str]) -> str | None:
    """The key that plays each menu again (goes to the menu itself) at every menu."""
    for key in KEYS:
        if key not in taken and all(
            _plain(_entries(_body(nodes[m])).get(key)) == {"goto": m} for m in menus
        ):
            return key
    return None


def _as_options(nid: str, body: Doc) -> None:
    """A collect node of single keys as a menu of options; a key that says something
    and plays the menu again is information."""
    options: list[Commented] = []
    for key, action in _entries(body).items():
        plain = dict(_plain(action))
        if set(plain) == {"say", "goto"} and plain["goto"] == nid:
            plain = {"info": plain["say"]}
        comment = action.comment if isinstance(action, Commented) else ""
        options.append(Commented({"key": key, **plain}, comment))
    del body["collect"]
    body["options"] = options


def _dial_services(
    nodes: dict[str, Commented], services: dict[str, Commented], said: dict[str, set[str | None]]
) -> list[Doc]:
    """A context taking every service's number (and number#) dials services; the
    actions its entries took (their words become announcements)."""
    numbers = {
        str(_plain(s)["number"]): sid for sid, s in services.items() if "number" in _plain(s)
    }
    removed: list[Doc] = []
    if not numbers:
        return removed
    for node in nodes.values():
        collect = _body(node).get("collect")
        if not isinstance(collect, dict) or not collect.get("early") or "patterns" in collect:
            continue
        entries = _entries(_body(node))
        dialled = {d: _plain(a) for d, a in entries.items() if len(d) > 1}
        wanted = {n + end: sid for n, sid in numbers.items() for end in ("", "#")}
        if set(dialled) != set(wanted) or any(
            dialled[d].get("route") != sid or not _announceable(dialled[d], said)
            for d, sid in wanted.items()
        ):
            continue
        for digits in dialled:
            removed.append(dialled[digits])
            del entries[digits]
        for key in [k for k, a in entries.items() if k in "*#" and set(_plain(a)) == {"goto"}]:
            del entries[key]  # the way back to the menu above: the collect's own back
        if not entries:
            del collect["entries"]
        lengths = [len(n) for n in numbers]
        collect.update(
            min_digits=min(lengths), max_digits=max(lengths), terminator="#", services=True
        )
        del collect["early"]
    return removed


def _actions(value: Any) -> Iterator[Doc]:
    """Every action mapping in a node (entries, options, rules, handlers)."""
    value = _plain(value)
    if isinstance(value, dict):
        if "route" in value or "goto" in value:
            yield value
        for item in value.values():
            yield from _actions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _actions(item)


def _drop_unreachable(doc: Doc) -> None:
    """Nodes no action leads to any more (questions now asked by a command)."""
    nodes: dict[str, Commented] = doc["nodes"]
    reached = {doc["start"]}
    todo = [doc["start"]]
    while todo:
        for action in _actions(nodes[todo.pop()]):
            target = action.get("goto")
            if isinstance(target, str) and target not in reached:
                reached.add(target)
                todo.append(target)
    for nid in [n for n in nodes if n not in reached]:
        del nodes[nid]


def _announcements(doc: Doc, removed: list[Doc]) -> None:
    """A service every route to says the same thing first: that is its announcement
    (``removed``: routes taken out of their nodes, as shortcuts or dialled services)."""
    routes: dict[str, list[Doc]] = {}
    for action in removed:
        routes.setdefault(action["route"], []).append(dict(action))
    for node in doc["nodes"].values():
        for action in _actions(node):
            if "route" in action:
                routes.setdefault(action["route"], []).append(action)
    for command in doc.get("commands", {}).values():
        if "route" in command:
            routes.setdefault(command["route"], []).append(command)
    for sid, actions in routes.items():
        says = {a.get("say") for a in actions}
        if len(says) == 1 and (said := next(iter(says))):
            _plain(doc["services"][sid])["announce"] = said
            for action in actions:
                del action["say"]
