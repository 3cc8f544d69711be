"""The chaos caller: random keys, phrases, silences, barge-ins and hang-ups against a menu.

Every call must end (a route or a hang-up) within the bound the menu's own
limits imply, must never raise, and must respect the safety property:

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
    the service's purpose); or S is the ``on_max_failures`` route of a node the
    caller was at.

The oracle reads the menu through ``ivr.analysis.flow``, not through the
session, so a session bug cannot vouch for itself. It is deliberately more
lenient than the matcher (any gaps between words, no negation), so it never
flags a correct route; what it catches is a route nobody asked for.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import signal
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ivr.analysis.flow import Flow
from ivr.defaults import NO_WORDS, YES_WORDS
from ivr.events import (
    PHONE_KEYS,
    BargeIn,
    Event,
    HangUp,
    Hangup,
    KeyPress,
    Listen,
    Output,
    Route,
    Say,
    Silence,
    Speech,
)
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.session import Session
from ivr.textnorm import digit_runs, tokens
from ivr.understand.lexicon import terms

log = logging.getLogger(__name__)

MIN_SILENCE = 0.2
MAX_SILENCE = 8.0
CALL_WALL_LIMIT_S = 10.0  # one call taking longer than this on the wall clock is a hang
WEEK_START = datetime(2026, 11, 23)  # a Monday

_RANDOM_WORDS = (
    "hello", "um", "what", "the", "cat", "is", "not", "no", "yes", "maybe", "fire", "water",
    "please", "help", "one", "two", "three", "oh", "double", "hundred", "and", "twelve",
    "nei", "ja", "hjelp", "brann", "ikke", "tusen", "ambulanse", "!!!", "🙂", "æøå", "",
    "   ", "press", "star", "hash", "0", "113", "9999999999999", "x" * 300,
)  # fmt: skip


@dataclass(frozen=True)
class Bound:
    """How long a call may last, from the menu's own limits."""

    max_steps: int
    max_seconds: float

    @classmethod
    def for_menu(cls, menu: Menu) -> Bound:
        """Caller events are capped by ``max_caller_events`` (the next one ends the call);
        each silence the chaos caller sends is at least ``MIN_SILENCE`` long and the call
        ends at ``max_call_seconds``; a barge-in only ever precedes another event."""
        caller_events = menu.max_caller_events + 1
        silences = math.ceil(menu.max_call_seconds / MIN_SILENCE) + 1
        return cls(2 * (caller_events + silences), menu.max_call_seconds + MAX_SILENCE)


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
    return "hang up"


# -- the safety oracle --------------------------------------------------------------
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
            routes |= self._failure_routes(possible)
            if isinstance(event, KeyPress):
                digits += event.key
                found, gotos = self._key(possible, event.key)
            elif isinstance(event, Speech):
                found, gotos, spoken = self._speech(possible, event.text)
                digits += spoken
            else:
                continue
            routes |= found
            possible |= gotos
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
            out |= self.flow.routes_through(
                node_id, self.menu.nodes[node_id].settings.on_max_failures
            )
        return out

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
            for owner, action, described in self._descriptions():
                if said & described:
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


# -- the random caller ----------------------------------------------------------------
def menu_phrases(menu: Menu) -> list[str]:
    """Every phrase of the menu in every language, sorted so runs are reproducible."""
    return sorted(
        {p for node in menu.nodes.values() for o in node.options for p in o.phrases.all()}
        | {p for c in menu.commands for p in c.phrases.all()}
    )


class ChaosCaller:
    """Chooses the next caller event from what the menu just did."""

    def __init__(
        self, menu: Menu, rng: random.Random, lang: str, phrases: Sequence[str] | None = None
    ) -> None:
        self.menu = menu
        self.rng = rng
        self.lang = lang
        self.queue: list[Event] = []
        self.phrases = list(phrases) if phrases is not None else menu_phrases(menu)
        self.numbers = [s.number for s in menu.services.values()]
        self.answers = [*YES_WORDS.get(lang, ()), *NO_WORDS.get(lang, ())]
        # "noise" callers rarely choose anything but keep going back to the main menu,
        # so calls run into the failure, event and time limits instead of routing
        self.profile = rng.choice(("mixed", "mixed", "mixed", "mixed", "noise", "noise", "keys"))

    def next(self, outputs: Sequence[Output]) -> Event:
        if self.queue:
            return self.queue.pop(0)
        rng = self.rng
        roll = rng.random()
        if self.profile == "noise":
            if roll < 0.4:
                return KeyPress(rng.choice("9*#"))
            if roll < 0.7:
                words = [rng.choice(_RANDOM_WORDS) for _ in range(rng.randint(0, 4))]
                return Speech(" ".join(words) or rng.choice(self.answers), self._confidence())
            if roll < 0.72:
                return BargeIn(rng.uniform(0, 3), "key")
            return Silence(rng.uniform(MIN_SILENCE, 3.0))
        if self.profile == "keys" and roll > 0.1:
            return KeyPress(rng.choice(PHONE_KEYS)) if roll > 0.3 else self._silence()
        speaking = [o for o in outputs if isinstance(o, Say) and o.barge_in]
        listen = next((o for o in reversed(outputs) if isinstance(o, Listen)), None)
        if speaking and roll < 0.07:
            played = rng.uniform(0.0, 0.08 * len(speaking[-1].text.split()) + 0.1)
            follow = self._key_or_speech()
            self.queue.append(follow)
            by = "key" if isinstance(follow, KeyPress) else "speech"
            return BargeIn(played, by)
        if roll < 0.10:
            return HangUp() if rng.random() < 0.3 else self._silence()
        if roll < 0.35:
            return self._silence()
        if roll < 0.45 and listen is not None and listen.phrases:
            return Speech(self._mutate(rng.choice(listen.phrases)), self._confidence())
        return self._key_or_speech()

    def _silence(self) -> Silence:
        rng = self.rng
        if rng.random() < 0.3:
            node = rng.choice(list(self.menu.nodes.values()))
            return Silence(rng.choice((node.settings.no_input_timeout,
                                       node.settings.inter_digit_timeout)))  # fmt: skip
        return Silence(rng.uniform(MIN_SILENCE, MAX_SILENCE))

    def _confidence(self) -> float:
        return 1.0 if self.rng.random() < 0.5 else round(self.rng.random(), 2)

    def _key_or_speech(self) -> Event:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return KeyPress(rng.choice(PHONE_KEYS))
        if roll < 0.6 and self.numbers:
            number = rng.choice(self.numbers)
            keys = [KeyPress(k) for k in number[: rng.randint(1, len(number))]]
            if rng.random() < 0.5:
                keys.append(KeyPress("#"))
            self.queue.extend(keys[1:])
            return keys[0]
        if roll < 0.8 and self.phrases:
            return Speech(self._mutate(rng.choice(self.phrases)), self._confidence())
        if roll < 0.9 and self.answers:
            return Speech(rng.choice(self.answers), self._confidence())
        count = rng.randint(0, 6)
        return Speech(" ".join(rng.choice(_RANDOM_WORDS) for _ in range(count)), self._confidence())

    def _mutate(self, phrase: str) -> str:
        rng = self.rng
        roll = rng.random()
        words = phrase.split()
        if roll < 0.4:
            return phrase
        if roll < 0.55:
            return f"{rng.choice(_RANDOM_WORDS)} {phrase}"
        if roll < 0.65:
            return ("it is not " if self.lang == "en" else "det er ikke ") + phrase
        if roll < 0.75 and len(words) > 1:
            return " ".join(words[: rng.randint(1, len(words) - 1)])
        if roll < 0.85:
            return phrase.upper() + rng.choice(("!", "?", "...", ""))
        other = rng.choice(self.phrases)
        return f"{phrase} {other}"


# -- running calls ---------------------------------------------------------------------
@dataclass
class Failure:
    seed: int
    kind: str  # exception, unsafe, unbounded, hang, invariant
    message: str
    events: list[str]
    lang: str
    start: str

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "kind": self.kind, "message": self.message,
                "lang": self.lang, "start": self.start, "events": self.events}  # fmt: skip


@dataclass
class CallResult:
    seed: int
    outcome: str
    steps: int
    simulated_s: float
    failure: Failure | None = None
    route: str | None = None


@dataclass
class ChaosReport:
    calls: int = 0
    events: int = 0
    max_steps: int = 0
    failures: list[Failure] = field(default_factory=list)
    wall_s: float = 0.0
    simulated_s: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    bound: Bound | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "events": self.events,
            "max_steps": self.max_steps,
            "errors": len(self.failures),
            "wall_s": round(self.wall_s, 3),
            "simulated_s": round(self.simulated_s, 1),
            "outcomes": dict(self.outcomes),
            "routes": dict(self.routes),
            "bound": {"max_steps": self.bound.max_steps, "max_seconds": self.bound.max_seconds}
            if self.bound
            else None,
            "failures": [f.to_json() for f in self.failures],
        }


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _wall_limit(seconds: float) -> Iterator[None]:
    """Raise ``_Hang`` in this call after ``seconds`` (only where SIGALRM can be used)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise _Hang(f"no answer within {seconds:g} s of wall time")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_call(
    menu: Menu, seed: int, *, index: MenuIndex | None = None, flow: Flow | None = None,
    bound: Bound | None = None, wall_limit: float = CALL_WALL_LIMIT_S,
    shared: dict[str, Any] | None = None,
) -> CallResult:  # fmt: skip
    """One chaos call, fully determined by ``seed`` (and the menu)."""
    rng = random.Random(seed)
    lang = rng.choice(menu.languages)
    start = WEEK_START + timedelta(minutes=rng.randrange(7 * 24 * 60))
    bound = bound or Bound.for_menu(menu)
    events: list[Event] = []
    session = Session(menu, lang=lang, start_time=start, index=index)
    shared = shared if shared is not None else {}
    oracle = SafetyOracle(
        menu, flow, lang, shared.setdefault("tables", {}), shared.setdefault("descriptions", {})
    )
    caller = ChaosCaller(menu, rng, lang, shared.get("phrases"))

    def fail(kind: str, message: str) -> CallResult:
        failure = Failure(seed, kind, message, [describe(e) for e in events], lang,
                          start.strftime("%Y-%m-%d %H:%M"))  # fmt: skip
        return CallResult(seed, "failed", len(events), session.elapsed, failure)

    try:
        with _wall_limit(wall_limit):
            outputs = session.start()
            problem = oracle.check(None, menu.start, outputs)
            while not session.ended:
                if len(events) >= bound.max_steps:
                    return fail("unbounded", f"still going after {len(events)} events")
                event = caller.next(outputs)
                events.append(event)
                node = session.state.node
                before = session.elapsed
                outputs = session.send(event)
                problem = problem or oracle.check(event, node, outputs)
                if problem:
                    return fail("unsafe", problem)
                invariant = _invariants(session, outputs, before, bound)
                if invariant:
                    return fail("invariant", invariant)
    except _Hang as exc:
        return fail("hang", str(exc))
    except Exception as exc:  # every exception is a finding of the chaos run
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{frame.filename}:{frame.lineno}"
        log.debug("chaos call %d raised", seed, exc_info=True)
        return fail("exception", f"{type(exc).__name__}: {exc} (at {where})")
    route = session.route.number if session.route else None
    return CallResult(seed, session.outcome or "none", len(events), session.elapsed, None, route)


def _invariants(session: Session, outputs: Sequence[Output], before: float, bound: Bound) -> str:
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


def run_chaos(menu: Menu, calls: int, seed: int, *, wall_limit: float = CALL_WALL_LIMIT_S,
              max_failures: int = 20) -> ChaosReport:  # fmt: skip
    """``calls`` calls with seeds ``seed``, ``seed + 1``, ...; each is replayable alone."""
    index = MenuIndex(menu)
    flow = Flow(menu)
    bound = Bound.for_menu(menu)
    report = ChaosReport(bound=bound)
    shared: dict[str, Any] = {"phrases": menu_phrases(menu), "tables": {}}
    started = time.perf_counter()
    for number in range(calls):
        result = run_call(menu, seed + number, index=index, flow=flow, bound=bound,
                          wall_limit=wall_limit, shared=shared)  # fmt: skip
        report.calls += 1
        report.events += result.steps
        report.max_steps = max(report.max_steps, result.steps)
        report.simulated_s += result.simulated_s
        report.outcomes[result.outcome] += 1
        if result.route:
            report.routes[result.route] += 1
        if result.failure is not None and len(report.failures) < max_failures:
            report.failures.append(result.failure)
        elif result.failure is not None:
            report.outcomes["failed (not listed)"] += 1
    report.wall_s = time.perf_counter() - started
    return report


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
