"""What a chaos call must never do, checked from outside the session.

Every call must end (a route or a hang-up) within the bound the menu's own
limits imply (``invariants``), must never raise, and must respect the safety
property (``SafetyOracle``):

    A route happens only right after the caller chose it. Precisely: when the
    session emits ``Route(S)`` in answer to an event, some caller input since
    the session last listened afresh (the last ``Listen`` of an answer is in
    ``menu`` or ``digits`` mode; confirm and choose questions keep the window
    open, and one event can enter a node and then ask a question there)
    chose ``S``: a key (or spoken digit) selecting an option or command that routes to S,
    directly or through a branch node, possibly after keys typed ahead through
    ``goto`` options; a phrase of such an option (or of any option when the
    node searches the whole tree) spoken with its words in order; the digits
    of S's number keyed or spoken; a phrase of any option that routes to a
    shortcut (emergency) service, which is heard at every node just as its
    number can be keyed anywhere; at a node that searches the whole menu, a
    description sharing a content word (``ivr.understand.lexicon.terms``) with
    what the menu says an option leading to S is for (its phrases, examples,
    the service's purpose), or a plea for help (``ivr.understand.cues.pleads``)
    when S is an emergency (shortcut) service, which a plea is offered; any of
    these said by one of the recogniser's runners-up (``Speech.runners_up``),
    which the menu asks about and the caller may then choose; or S is
    the ``on_max_failures`` route of a node the caller was at.

The oracle reads the menu through ``ivr.analysis.flow``, not through the
session, so a session bug cannot vouch for itself. It is deliberately more
lenient than the matcher (any gaps between words, no negation), so it never
flags a correct route; what it catches is a route nobody asked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ivr.analysis.flow import Flow
from ivr.chaos.caller import Bound
from ivr.events import (
    BargeIn,
    Event,
    Hangup,
    KeyPress,
    Listen,
    Output,
    Route,
    Say,
    Silence,
    Speech,
    Talking,
)
from ivr.model import Menu
from ivr.session import Session
from ivr.textnorm import digit_runs, tokens
from ivr.understand.cues import pleads
from ivr.understand.lexicon import terms


def describe(event: Event) -> str:
    """A short, replayable spelling of an event."""
    if isinstance(event, KeyPress):
        return f"key {event.key}"
    if isinstance(event, Speech):
        return f"say {event.text!r} @{event.confidence:.2f}"
    if isinstance(event, Silence):
        return f"silence {event.seconds:.3f}"
    if isinstance(event, BargeIn):
        return f"barge-in {event.by} after {event.played_seconds:.2f}s"
    if isinstance(event, Talking):
        return "starts talking" if event.started else "stops talking"
    return "hang up"


class SafetyOracle:
    """Checks every ``Route`` against what the caller chose (see the module docstring)."""

    def __init__(
        self, menu: Menu, flow: Flow | None = None, lang: str | None = None,
        tables: dict[tuple[str, str], list[tuple[tuple[str, ...], str, Any]]] | None = None,
        descriptions: dict[str, list[tuple[str, Any, frozenset[str]]]] | None = None,
    ) -> None:  # fmt: skip
        self.menu = menu
        self.flow = flow or Flow(menu)
        self.lang = lang or menu.default_lang
        # (node, lang) -> [(phrase words, node of the exit, action)]; shareable between calls
        self.tables = tables if tables is not None else {}
        self.window: list[tuple[Event, str]] = []
        # lang -> [(node, action, content words of what the menu says the option is for)]
        self._described = descriptions if descriptions is not None else {}
        self.numbers = {s.number: sid for sid, s in menu.services.items()}
        self.shortcuts = {menu.services[s].number: s for s in menu.shortcuts}

    def check(self, event: Event | None, node: str, outputs: Sequence[Output]) -> str | None:
        """Record ``event`` (sent at ``node``); return a violation message, or None."""
        if event is not None and isinstance(event, KeyPress | Speech | Silence):
            self.window.append((event, node))
        problem = None
        for out in outputs:
            if isinstance(out, Route):
                allowed = self.allowed()
                if out.service not in allowed:
                    chosen = "; ".join(describe(e) + f" at {n}" for e, n in self.window)
                    problem = (
                        f"routed to {out.service} ({out.number}) but the caller chose "
                        f"{sorted(allowed) or 'nothing that routes'} with: {chosen or 'nothing'}"
                    )
        listens = [o for o in outputs if isinstance(o, Listen)]
        if listens and listens[-1].mode in ("menu", "digits"):
            self.window = []
        return problem

    def allowed(self) -> set[str]:
        flow = self.flow
        routes: set[str] = set()
        possible: set[str] = set()
        digits = ""
        for event, node in self.window:
            possible.add(node)
            possible |= self._failure_gotos(possible)
            routes |= self._failure_routes(possible)
            if isinstance(event, KeyPress):
                digits += event.key
                found, gotos = self._key(possible, event.key)
                more_found, more_gotos = self._entered(possible, digits)
                found |= more_found
                gotos |= more_gotos
            elif isinstance(event, Speech):
                found, gotos, spoken = self._speech(possible, event.text)
                digits += spoken
                if spoken:
                    more_found, more_gotos = self._entered(possible, digits)
                    found |= more_found
                    gotos |= more_gotos
                for phrase in event.runners_up:  # what else was heard: asked about, then chosen
                    more_found, more_gotos, _ = self._speech(possible, phrase)
                    found |= more_found
                    gotos |= more_gotos
            else:
                continue
            routes |= found
            possible |= gotos
            possible |= self._failure_gotos(possible)
            routes |= self._failure_routes(possible)
        for number, sid in self.numbers.items():
            if number in digits and (number in self.shortcuts or self._collects(possible)
                                     or self._spoken_numbers()):  # fmt: skip
                routes.add(sid)
        for node_id in possible:
            collect = self.menu.nodes[node_id].collect
            if collect is not None:
                for entry, action in collect.entries:
                    if entry in digits:
                        routes |= flow.routes_through(node_id, action)
        return routes

    def _spoken_numbers(self) -> bool:
        return any(isinstance(e, Speech) for e, _ in self.window)

    def _collects(self, nodes: set[str]) -> bool:
        return any(
            (c := self.menu.nodes[n].collect) is not None and c.match_services for n in nodes
        )

    def _failure_routes(self, nodes: set[str]) -> set[str]:
        out: set[str] = set()
        for node_id in nodes:
            for action in self._failure_actions(node_id):
                out |= self.flow.routes_through(node_id, action)
        return out

    def _failure_actions(self, node_id: str) -> list[Any]:
        """What silence or wrong answers at a node can do without the caller choosing:
        its ``on_max_failures`` and its handlers (a VoiceXML catch, Asterisk's t and i)."""
        node = self.menu.nodes[node_id]
        handlers = (*node.on_no_input, *node.on_no_match)
        return [node.settings.on_max_failures, *(h.action for h in handlers if h.action)]

    def _failure_gotos(self, nodes: set[str]) -> set[str]:
        """Nodes the caller can be moved to by failures (a submenu exiting to its parent,
        a handler's goto), and on through them."""
        found: set[str] = set()
        stack = list(nodes)
        while stack:
            node_id = stack.pop()
            for action in self._failure_actions(node_id):
                for target in self._follow(node_id, action)[1]:
                    if target not in found and target not in nodes:
                        found.add(target)
                        stack.append(target)
        return found

    def _entered(self, nodes: set[str], digits: str) -> tuple[set[str], set[str]]:
        """Entries and patterns of collect nodes that the keys so far could have made
        (any run of them: an entry ends at its length limit, before later keys)."""
        routes: set[str] = set()
        gotos: set[str] = set()
        tails = {digits[i:j] for i in range(len(digits)) for j in range(i + 1, len(digits) + 1)}
        for node_id in list(nodes):
            collect = self.menu.nodes[node_id].collect
            if collect is None:
                continue
            actions = [a for entry, a in collect.entries if entry in tails]
            actions += [
                p.action for p in collect.patterns if any(re.fullmatch(p.regex, t) for t in tails)
            ]
            for action in actions:
                found, more = self._follow(node_id, action)
                routes |= found
                gotos |= more
        return routes, gotos

    def _follow(self, node_id: str, action: Any) -> tuple[set[str], set[str]]:
        routes = self.flow.routes_through(node_id, action)
        gotos: set[str] = set()
        stack = [t for k, t in self.flow.action_dests(node_id, action) if k == "node"]
        while stack:
            target = stack.pop()
            if target in gotos:
                continue
            gotos.add(target)
            for rule in self.menu.nodes[target].branch:
                stack += [t for k, t in self.flow.action_dests(target, rule.action) if k == "node"]
        return routes, gotos

    def _key(self, nodes: set[str], key: str) -> tuple[set[str], set[str]]:
        routes: set[str] = set()
        gotos: set[str] = set()
        for node_id in list(nodes):
            for ex in self.flow.exits[node_id]:
                if ex.keys == key and ex.kind in ("option", "command"):
                    found, more = self._follow(node_id, ex.action)
                    routes |= found
                    gotos |= more
        return routes, gotos

    def _speech(self, nodes: set[str], text: str) -> tuple[set[str], set[str], str]:
        toks = tokens(text, self.lang)
        words = [t.digits or t.text for t in toks]
        runs = digit_runs(toks)
        spoken = "".join(runs)
        routes: set[str] = set()
        gotos: set[str] = set()
        for run in runs:
            for key in run:
                found, more = self._key(nodes, key)
                routes |= found
                gotos |= more
        present = set(words)
        for node_id in list(nodes):
            for pwords, owner, action in self._table(node_id):
                if present.issuperset(pwords) and _in_order(pwords, words):
                    found, more = self._follow(owner, action)
                    routes |= found
                    gotos |= more
        if any(self.menu.nodes[n].settings.search == "tree" for n in nodes):
            said = {t.removeprefix("not_") for t in terms(text, self.lang)}
            plea = pleads(text, self.lang)
            for owner, action, described in self._descriptions():
                if said & described or (plea and action.target in self.menu.shortcuts):
                    found, more = self._follow(owner, action)
                    routes |= found
                    gotos |= more
        return routes, gotos, spoken

    def _descriptions(self) -> list[tuple[str, Any, frozenset[str]]]:
        """Per option: the content words of everything the menu says it is for."""
        key = self.lang
        if key not in self._described:
            rows = []
            for node in self.menu.nodes.values():
                for option in node.options:
                    texts = [*option.phrases.get(self.lang), *option.examples.get(self.lang)]
                    service = self.menu.services.get(option.action.target or "")
                    if service is not None and option.action.kind.value == "route":
                        texts += [service.purpose.get(self.lang), *service.examples.get(self.lang)]
                    words = {t.removeprefix("not_") for x in texts for t in terms(x, self.lang)}
                    rows.append((node.id, option.action, frozenset(words)))
            self._described[key] = rows
        return self._described[key]

    def _table(self, node_id: str) -> list[tuple[tuple[str, ...], str, Any]]:
        key = (node_id, self.lang)
        if key not in self.tables:
            exits = list(self.flow.exits[node_id])
            tree = self.menu.nodes[node_id].settings.search == "tree"
            shortcuts = set(self.menu.shortcuts)
            exits += [
                ex for n, es in self.flow.exits.items() if n != node_id for ex in es
                if ex.kind == "option" and (tree or _routes_to(ex.action, shortcuts))
            ]  # fmt: skip
            rows = []
            for ex in exits:
                for phrase in dict(ex.phrases).get(self.lang, ()):
                    pwords = tuple(t.digits or t.text for t in tokens(phrase, self.lang))
                    if pwords:
                        rows.append((pwords, ex.node, ex.action))
            self.tables[key] = rows
        return self.tables[key]


def _routes_to(action: Any, services: set[str]) -> bool:
    return bool(action.kind.value == "route" and action.target in services)


def _in_order(needle: Sequence[str], hay: Sequence[str]) -> bool:
    it = iter(hay)
    return all(any(word == h for h in it) for word in needle)


def invariants(session: Session, outputs: Sequence[Output], before: float, bound: Bound) -> str:
    """What is wrong with the session after one event ("" if nothing): checked after every
    event, so a broken clock, a call that outlives its bound or output after the end is
    caught at the event that caused it rather than as a confusing later failure."""
    if session.elapsed < before:
        return f"the clock went back from {before} to {session.elapsed}"
    if session.elapsed > bound.max_seconds:
        return f"the call ran {session.elapsed:.1f} s, past the bound of {bound.max_seconds:g} s"
    for index, out in enumerate(outputs):
        if isinstance(out, Route | Hangup):
            if not session.ended:
                return f"{type(out).__name__} but the call goes on"
            if index != len(outputs) - 1:
                return f"outputs after {type(out).__name__}: {outputs[index + 1 :]}"
        if isinstance(out, Say) and not out.text.strip():
            return "an empty Say"
    listens = [o for o in outputs if isinstance(o, Listen)]
    if listens and listens[-1].node != session.state.node:
        return f"listening at {listens[-1].node} while at {session.state.node}"
    if session.ended and session.outcome not in ("route", "hangup"):
        return f"ended with outcome {session.outcome!r}"
    return ""


def replay(menu: Menu, events: Sequence[Event], lang: str | None = None,
           start: datetime | None = None) -> tuple[Session, list[str]]:  # fmt: skip
    """Feed ``events`` to a fresh session; returns it and any safety violations seen."""
    session = Session(menu, lang=lang, start_time=start)
    oracle = SafetyOracle(menu, lang=session.lang)
    problems: list[str] = []
    first = oracle.check(None, menu.start, session.start())
    if first:
        problems.append(first)
    for event in events:
        node = session.state.node
        problem = oracle.check(event, node, session.send(event))
        if problem:
            problems.append(problem)
    return session, problems
