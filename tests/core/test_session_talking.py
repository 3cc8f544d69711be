"""A caller who is talking (or typing) is never cut off by the no-input reprompt."""

from __future__ import annotations

import pytest

from ivr.events import KeyPress, Say, Silence, Speech, Talking
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.session import Session
from tests.core.menus import TINY

NO_INPUT = "Sorry, I didn't hear anything."


@pytest.fixture(scope="module")
def tiny() -> Menu:
    return load_menu_text(TINY, "tiny.yaml")


def said(outputs: list[object]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Say)]


def started(menu: Menu) -> Session:
    session = Session(menu)
    session.start()
    return session


def test_no_reprompt_fires_while_the_caller_is_talking(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Silence(3))
    session.send(Talking())
    assert session.next_deadline() is None
    out = session.send(Silence(60))
    assert NO_INPUT not in said(out) and session.state.no_input == 0


def test_what_the_talking_caller_finally_says_is_heard_as_usual(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Talking())
    session.send(Silence(30))
    session.send(Speech("I smell gas"))
    assert session.route is not None and session.route.id == "fire"


def test_talking_is_not_a_caller_event_and_does_not_touch_the_transcript(tiny: Menu) -> None:
    session = started(tiny)
    before = list(session.transcript)
    session.send(Talking())
    session.send(Talking(started=False))
    assert session.caller_events == 0 and session.transcript == before


def test_stopping_without_a_word_gives_the_whole_timeout_again(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Silence(4))
    session.send(Talking())
    session.send(Silence(10))
    session.send(Talking(started=False))
    assert session.next_deadline() == 5
    assert NO_INPUT not in said(session.send(Silence(4.9)))
    assert NO_INPUT in said(session.send(Silence(0.2)))


def test_a_stop_without_a_start_changes_nothing(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Silence(2))
    session.send(Talking(started=False))
    assert session.next_deadline() == 3


def test_a_node_entered_while_the_caller_talks_waits_for_them(tiny: Menu) -> None:
    session = started(tiny)
    session.send(KeyPress("1"))  # held: it may become 110 or 112
    session.send(Talking())
    out = session.send(Silence(2))  # the held key is taken: the emergency node
    assert any(text.startswith("Emergencies") for text in said(out))
    assert session.next_deadline() is None
    session.send(Talking(started=False))
    assert session.next_deadline() == 5


def test_a_key_ends_the_talking_state(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Talking())
    session.send(KeyPress("3"))  # facts: read out, then the menu listens again
    assert not session.state.talking and session.next_deadline() == 5
