"""The chaos caller: calls end within the menu's bound, never raise, never misroute."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ivr.call import failures, speech
from ivr.chaos.caller import Bound
from ivr.chaos.oracle import SafetyOracle, replay
from ivr.chaos.runner import run_call, run_chaos
from ivr.events import HangUp, KeyPress, Listen, Route, Silence, Speech
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.session import Session
from tests.quality.conftest import Cli


@pytest.fixture(scope="module")
def norway() -> Menu:
    return load_menu(Path(__file__).resolve().parents[2] / "menus" / "norway.yaml")


def test_norway_survives_a_thousand_chaos_calls(norway: Menu) -> None:
    report = run_chaos(norway, 1000, seed=7)
    assert [f.to_json() for f in report.failures] == []
    assert report.calls == 1000 and report.outcomes["route"] > 0 and report.outcomes["hangup"] > 0
    assert report.bound is not None and report.max_steps <= report.bound.max_steps


def test_every_norway_number_is_reached_by_some_chaos_call(norway: Menu) -> None:
    report = run_chaos(norway, 1500, seed=11)
    assert set(report.routes) == {s.number for s in norway.services.values()}


def test_calls_run_into_the_menus_limits_and_still_end(menus: Path) -> None:
    menu = load_menu(menus / "limits.yaml")
    bound = Bound.for_menu(menu)
    assert bound == Bound(2 * ((6 + 1) + (100 + 1)), 20 + 8.0)
    report = run_chaos(menu, 500, seed=3)
    assert report.failures == []
    assert report.simulated_s / report.calls <= menu.max_call_seconds + 8.0


def test_same_seed_same_calls(norway: Menu) -> None:
    one, two = run_chaos(norway, 200, seed=42), run_chaos(norway, 200, seed=42)
    assert (one.events, one.routes, one.simulated_s) == (two.events, two.routes, two.simulated_s)


def test_the_oracle_flags_a_route_nobody_chose(norway: Menu) -> None:
    oracle = SafetyOracle(norway, lang="en")
    oracle.check(None, "main", [Listen("main", "menu", 5.0)])
    problem = oracle.check(KeyPress("3"), "main", [Route("fire", "110", "110", "the fire service")])
    assert problem == (
        "routed to fire (110) but the caller chose ['mental_health'] with: key 3 at main"
    )


@pytest.mark.parametrize(
    ("events", "node", "service"),
    [
        ([KeyPress("4"), KeyPress("1"), Silence(5.0)], "main", "police_info"),  # typed ahead
        ([Speech("I smell gas")], "main", "fire"),  # tree search from the top
        ([Speech("car accident"), KeyPress("2")], "emergency", "fire"),  # choose question
        ([KeyPress("1"), KeyPress("1"), KeyPress("3")], "emergency", "ambulance"),  # shortcut
        ([Speech("oh two eight hundred")], "main", "police_info"),  # a spoken service number
        ([KeyPress("0"), KeyPress("1")], "gp", "police"),  # operator command, confirmed
        ([Speech("zork", 0.2, ("fire service",)), KeyPress("1")], "emergency", "fire"),  # runner-up
    ],
)
def test_the_oracle_accepts_routes_the_caller_chose(
    norway: Menu, events: list[Any], node: str, service: str
) -> None:
    oracle = SafetyOracle(norway, lang="en")
    for event in events[:-1]:
        assert oracle.check(event, node, []) is None
    route = Route(service, norway.services[service].number, "", "")
    assert oracle.check(events[-1], node, [route]) is None


def test_the_oracle_flags_a_route_only_a_runner_up_of_another_utterance_named(
    norway: Menu,
) -> None:
    oracle = SafetyOracle(norway, lang="en")
    heard = Speech("zork", 0.2, ("fire service",))
    oracle.check(heard, "emergency", [Listen("emergency", "menu", 5)])  # not asked about
    route = Route("fire", "110", "110", "the fire service")
    problem = oracle.check(KeyPress("1"), "emergency", [route])
    assert problem is not None and problem.startswith("routed to fire (110)")


def test_real_sessions_pass_the_oracle_on_scripted_calls(norway: Menu) -> None:
    for events in (
        [Speech("I smell gas")],
        [KeyPress("4"), KeyPress("1"), Silence(3.0)],
        [Speech("car accident"), KeyPress("2")],
        [KeyPress("4"), KeyPress("5"), *[KeyPress(k) for k in "02800#"]],
        [KeyPress("0"), KeyPress("1"), Silence(2.0)],
    ):
        session, problems = replay(norway, events, lang="en")
        assert session.outcome == "route" and problems == []


def test_a_session_that_misroutes_is_caught_with_its_seed(
    norway: Menu, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Session.connect
    monkeypatch.setattr(
        Session, "connect", lambda self, s: original(self, self.menu.services["fire"])
    )
    report = run_chaos(norway, 200, seed=1)
    unsafe = [f for f in report.failures if f.kind == "unsafe"]
    assert unsafe and "routed to fire (110)" in unsafe[0].message
    again = run_call(norway, unsafe[0].seed)  # the seed alone replays the call
    assert again.failure is not None and again.failure.events == unsafe[0].events


def test_an_exception_in_the_session_is_a_failure_not_a_crash(
    norway: Menu, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(call: Session, text: str, confidence: float, runners_up: object = ()) -> None:
        raise ValueError("matcher exploded")

    monkeypatch.setattr(speech, "hear", broken)
    report = run_chaos(norway, 50, seed=5)
    kinds = {f.kind for f in report.failures}
    assert kinds == {"exception"}
    assert report.failures[0].message.startswith("ValueError: matcher exploded (at ")
    assert report.failures[0].events[-1].startswith("say ")


def test_a_hanging_session_is_stopped_and_reported(
    norway: Menu, monkeypatch: pytest.MonkeyPatch
) -> None:
    def spin(call: Session) -> None:
        while True:
            pass

    monkeypatch.setattr(failures, "no_input", spin)
    result = run_call(norway, 3, wall_limit=0.3)
    for seed in range(3, 40):
        result = run_call(norway, seed, wall_limit=0.3)
        if result.failure is not None:
            break
    assert result.failure is not None and result.failure.kind == "hang"
    assert result.failure.message == "no answer within 0.3 s of wall time"


def test_a_call_that_never_ends_is_unbounded(menus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    menu = load_menu(menus / "limits.yaml")
    monkeypatch.setattr(Session, "send", lambda self, event: [])  # deaf: the call never ends
    result = run_call(menu, 1)
    assert result.failure is not None and result.failure.kind == "unbounded"
    assert result.failure.message == f"still going after {Bound.for_menu(menu).max_steps} events"


def test_cli_json_summary(cli: Cli, norway_path: Path) -> None:
    code, out, _ = cli("chaos", str(norway_path), "--calls", "100", "--seed", "9", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"calls", "events", "max_steps", "errors", "wall_s", "simulated_s"} <= set(data)
    assert data["calls"] == 100 and data["errors"] == 0 and data["seed"] == 9


def test_cli_prints_each_failure_with_its_replay(
    cli: Cli, norway_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Session.connect
    monkeypatch.setattr(
        Session, "connect", lambda self, s: original(self, self.menu.services["fire"])
    )
    code, out, _ = cli("chaos", str(norway_path), "--calls", "100", "--seed", "1",
                       "--max-failures", "1")  # fmt: skip
    assert code == 1
    first = out.splitlines()[0]
    seed = int(first.split()[3])
    assert first.startswith(f"FAILED call seed {seed} (unsafe): routed to fire (110)")
    assert f"  replay: ivr chaos {norway_path} --calls 1 --seed {seed}" in out
    assert "     1. " in out
    code, again, _ = cli("chaos", str(norway_path), "--calls", "1", "--seed", str(seed))
    assert code == 1 and again.splitlines()[0] == first


def test_cli_refuses_zero_calls(cli: Cli, norway_path: Path) -> None:
    code, _, err = cli("chaos", str(norway_path), "--calls", "0")
    assert code == 1 and err == "Error: --calls 0 is out of range (give 1 to 10,000,000)\n"


def test_hang_up_ends_the_call(norway: Menu) -> None:
    session, problems = replay(norway, [HangUp()])
    assert session.outcome == "hangup" and problems == []


def test_digits_node_still_collects_after_a_confirm_detour(norway: Menu) -> None:
    """Found by ivr chaos (seed 275665): a confirm question at a collect node answered with
    something else used to leave the node in menu mode, so 0 became the operator key."""
    keyed = [KeyPress(k) for k in "02800#"]
    events = [KeyPress("4"), KeyPress("5"), Speech("repeat", 0.4), Speech("blah"), *keyed,
              Silence(3.0)]  # fmt: skip
    session, problems = replay(norway, events, lang="en")
    assert problems == []
    assert session.route is not None and session.route.number == "02800"
