"""Counters kept in variables, read back as the simulator's handlers by count.

A dialplan counts no inputs and invalid keys itself: ``t`` adds one to a
variable and GotoIf compares it (``GotoIf($[${NOINPUT} >= 3]?max)``). When the
variable is set to 0 on every way into the context, it is exactly the
simulator's count for the node (reset on entering it), so its branches are the
node's handlers by count; a reprompt that waits again in the same context, for
the same keys, is the node listening again, its prompt said by the handler.
The counter then serves nothing else and goes.
"""

from __future__ import annotations

import json
from typing import Any

from ivr.pbx.asterisk.docwalk import actions, body, drop_unreachable, plain, same
from ivr.pbx.asterisk.state import Doc
from ivr.pbx.yamlout import Commented


def counted_handlers(doc: Doc, context_of: dict[str, str]) -> None:
    nodes: dict[str, Commented] = doc["nodes"]
    plans: list[tuple[str, str, list[Commented], str]] = []
    for nid, node in nodes.items():
        mine = body(node)
        for kind in ("on_no_input", "on_no_match"):
            found = _counting(nodes, mine.get(kind))
            if found is None:
                continue
            counter, rules, chain = found
            at = mine[kind][0].comment if isinstance(mine[kind][0], Commented) else ""
            made = [_handler(nodes, nid, count, action, at, context_of) for count, action in rules]
            inner = chain | {str(a["goto"]) for _, a in rules if "goto" in a}
            inner |= {n for n in nodes if context_of.get(n) == context_of.get(nid)}
            if all(h is not None for h in made) and _reset_on_entry(doc, nid, counter, inner):
                plans.append((nid, kind, [h for h in made if h is not None], counter))
    for nid, kind, handlers, _ in plans:
        body(nodes[nid])[kind] = handlers
    drop_unreachable(doc)
    for counter in {plan[3] for plan in plans}:
        if _only_counts(doc, counter):
            _forget(doc, counter)


def _counting(
    nodes: dict[str, Commented], handlers: Any
) -> tuple[str, list[tuple[int, Doc]], set[str]] | None:
    """(counter, [(count, action)], the branch nodes) when ``handlers`` is one that
    adds to a counter and goes to branches on it; None otherwise."""
    if not isinstance(handlers, list) or len(handlers) != 1:
        return None
    first = plain(handlers[0])
    sets = first.get("set")
    if set(first) != {"count", "set", "goto"} or not isinstance(sets, dict) or len(sets) != 1:
        return None
    counter, value = next(iter(sets.items()))
    if value != f"${{{counter}}}+1":
        return None
    rules: list[tuple[int, Doc]] = []
    target = first["goto"]
    chain: set[str] = set()
    while True:
        branch = body(nodes[target]).get("branch") if target in nodes else None
        if not isinstance(branch, list) or target in chain:
            return None
        chain.add(target)
        last: Doc = {}
        for rule in (plain(r) for r in branch):
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
        if set(last) == {"goto"} and following in nodes and "branch" in body(nodes[following]):
            target = following
            continue
        rules.append((1, last))
        by_count: dict[int, Doc] = {}
        for count, action in rules:  # a threshold tested first wins over a later one
            by_count.setdefault(count, action)
        return counter, sorted(by_count.items()), chain


def _handler(
    nodes: dict[str, Commented],
    nid: str,
    count: int,
    action: Doc,
    at: str,
    context_of: dict[str, str],
) -> Commented | None:
    """One handler: ``action``, or the node listening again when the action waits in
    the node's context for the same keys (its prompt then said with the rest)."""
    if action.get("set"):
        return None
    target = action.get("goto")
    if isinstance(target, str) and target in nodes and set(action) <= {"say", "goto"}:
        again, mine = body(nodes[target]), body(nodes[nid])
        same_keys = all(same(again.get(k), mine.get(k)) for k in ("collect", "options"))
        if target == nid or (context_of.get(target) == context_of.get(nid) and same_keys):
            said = " ".join(t for t in (action.get("say"), again.get("prompt")) if t)
            return Commented({"count": count, **({"say": said} if said else {})}, at)
    return Commented({"count": count, **action}, at)


def _reset_on_entry(doc: Doc, nid: str, counter: str, inner: set[str]) -> bool:
    """Whether every way into ``nid`` from outside its own handling (its branches, and
    the nodes of its own context, which play its menu again) sets ``counter`` to 0,
    as the simulator's count starts again on entering a node."""
    for other, node in doc["nodes"].items():
        if other == nid or other in inner:
            continue
        for action in actions(node):
            if action.get("goto") == nid and plain(action.get("set", {})).get(counter) != "0":
                return False
    return True


def _only_counts(doc: Doc, counter: str) -> bool:
    """Whether ``counter`` is used for nothing but being reset, counted and compared."""
    text = json.dumps(doc["nodes"], default=plain)
    return f"${{{counter}}}" not in text and f'"var": "{counter}"' not in text


def _forget(doc: Doc, counter: str) -> None:
    """Take the resets of a counter the handlers now keep out of every action."""
    doc.get("variables", {}).pop(counter, None)
    for node in doc["nodes"].values():
        for action in actions(node):
            sets = action.get("set")
            if isinstance(sets, dict) and sets.pop(counter, None) is not None and not sets:
                del action["set"]
    if "variables" in doc and not doc["variables"]:
        del doc["variables"]
