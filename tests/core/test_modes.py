"""The call's modes: one enum names every state, and each one is reached and listened in."""

from __future__ import annotations

import pytest

from ivr.call.record import VisitKind
from ivr.call.state import Mode
from ivr.events import KeyPress, Listen, Output, Silence, Speech
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.refs import Ref
from ivr.session import Session
from tests.core.menus import TINY


@pytest.fixture(scope="module")
def tiny() -> Menu:
    return load_menu_text(TINY, "tiny.yaml")


def listened(out: list[Output]) -> Listen:
    listens = [o for o in out if isinstance(o, Listen)]
    assert listens, f"no Listen in {out}"
    return listens[-1]


def test_the_values_are_the_strings_front_ends_compare_with() -> None:
    assert [m.value for m in Mode] == ["menu", "collect", "confirm", "choose", "ended"]
    assert Mode.CONFIRM == "confirm" and f"{Mode.CHOOSE}" == "choose"


def test_only_the_questions_ask() -> None:
    assert {m for m in Mode if m.asks} == {Mode.CONFIRM, Mode.CHOOSE}


def test_a_listen_names_the_mode_as_front_ends_know_it() -> None:
    assert {m: m.listen for m in Mode if m is not Mode.ENDED} == {
        Mode.MENU: "menu",
        Mode.COLLECT: "digits",
        Mode.CONFIRM: "confirm",
        Mode.CHOOSE: "choose",
    }
    with pytest.raises(KeyError):
        _ = Mode.ENDED.listen  # an ended call does not listen


def test_a_node_listens_for_digits_only_when_it_collects(tiny: Menu) -> None:
    assert Mode.at(tiny.nodes["dial"]) is Mode.COLLECT
    assert Mode.at(tiny.nodes["main"]) is Mode.MENU


def test_a_call_goes_through_every_mode_and_listens_in_each(tiny: Menu) -> None:
    session = Session(tiny)
    assert listened(session.start()).mode == "menu" and session.state.mode is Mode.MENU

    out = session.send(Speech("car crash"))  # fire and police: which one?
    assert session.state.mode is Mode.CHOOSE and listened(out).mode == "choose"
    assert [str(c.ref) for c in session.state.choices] == ["emergency.1", "emergency.2"]

    out = session.send(Speech("no"))
    assert session.state.mode is Mode.MENU and listened(out).mode == "menu"

    out = session.send(KeyPress("4"))  # no shortcut starts with 4: taken at once
    assert session.state.mode is Mode.COLLECT and listened(out).mode == "digits"

    out = session.send(KeyPress("0"))  # operator is a command but not at a collect node
    assert session.state.mode is Mode.COLLECT and session.state.entry == "0"
    session.send(Silence(2))  # too short an entry: no match, still collecting
    assert session.state.mode is Mode.COLLECT and ("invalid_key", "dial") in session.visits

    out = session.send(Speech("operator"))  # confirm: true
    assert session.state.mode is Mode.CONFIRM and listened(out).mode == "confirm"
    assert session.state.choices[0].ref == Ref.cmd("operator")

    session.send(Speech("yes"))
    assert session.state.mode is Mode.ENDED and session.route is not None
    assert session.visits[-1] == (VisitKind.CMD, "cmd:operator")


def test_a_confirmation_not_answered_is_a_fresh_request_in_the_node_mode(tiny: Menu) -> None:
    session = Session(tiny)
    session.start()
    session.send(Speech("operator"))
    assert session.state.mode is Mode.CONFIRM
    session.send(Speech("facts"))  # neither yes nor no: the node's own option
    assert session.state.mode is Mode.MENU and session.state.choices == []
    assert ("option", "main.3") in session.visits


def test_visits_of_taken_choices_carry_their_ref_text(tiny: Menu) -> None:
    session = Session(tiny)
    session.start()
    session.send(KeyPress("4"))
    session.settle()
    for key in "02800#":
        session.send(KeyPress(key))
    assert session.route is not None and session.route.id == "info_line"
    kind, text = session.visits[-1]
    assert kind is VisitKind.NUMBER and Ref.parse(text) == Ref.number("info_line")
