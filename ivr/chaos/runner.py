"""Running chaos calls: many seeds, a report, and a wall-clock limit per call.

The only part of the chaos caller that is not pure: a call that loops inside the
session never returns to be checked, so each call runs under a ``SIGALRM`` timer
(on the main thread, where signals can be caught), and a run reports how long
it took on the wall clock.
"""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ivr.analysis.flow import Flow
from ivr.chaos.caller import Bound, ChaosCaller, menu_phrases
from ivr.chaos.oracle import SafetyOracle, describe, invariants
from ivr.events import Event
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.paths import WEEK_START
from ivr.session import Session

log = logging.getLogger(__name__)

CALL_WALL_LIMIT_S = 10.0  # one call taking longer than this on the wall clock is a hang


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
                invariant = invariants(session, outputs, before, bound)
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
