"""The call session: transitions, timeouts, type-ahead, confirmations, and safety."""

from __future__ import annotations

from datetime import datetime

import pytest

from ivr.errors import IvrError
from ivr.events import HangUp, Hangup, KeyPress, Listen, Route, Say, Silence, Speech
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.session import Session
from tests.core.menus import TINY


@pytest.fixture(scope="module")
def tiny() -> Menu:
    return load_menu_text(TINY, "tiny.yaml")


def press(session: Session, keys: str) -> None:
    for key in keys:
        session.send(KeyPress(key))
    session.settle()


def started(menu: Menu, **kwargs: object) -> Session:
    session = Session(menu, **kwargs)  # type: ignore[arg-type]
    session.start()
    return session


def test_start_says_the_prompt_and_listens_with_the_no_input_timeout(tiny: Menu) -> None:
    session = Session(tiny)
    out = session.start()
    assert isinstance(out[0], Say) and out[0].text.startswith("Main menu.")
    assert isinstance(out[-1], Listen) and out[-1].timeout == 5
    assert "emergency" in out[-1].phrases and "repeat" in out[-1].phrases


def test_keys_walk_down_the_tree_and_route(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "12")
    assert session.outcome == "route"
    assert session.route is not None and session.route.number == "112"
    assert session.nodes == ["main", "emergency"]


def test_a_key_that_could_start_a_shortcut_is_held_for_the_inter_digit_timeout(
    tiny: Menu,
) -> None:
    session = started(tiny)
    out = session.send(KeyPress("1"))
    assert out == []  # held back: "1" may become "110" or "112"
    assert session.waiting_for_digits and session.next_deadline() == 2
    out = session.send(Silence(2))
    assert session.nodes == ["main", "emergency"]
    assert any(isinstance(o, Say) and o.text.startswith("Emergencies") for o in out)


def test_a_key_that_cannot_start_a_shortcut_acts_at_once(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(KeyPress("2"))
    assert any(isinstance(o, Route) and o.number == "02800" for o in out)


def test_emergency_shortcut_keyed_anywhere_routes_at_once(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "1")  # now in the emergency node
    for key in "110":
        session.send(KeyPress(key))
    assert session.route is not None and session.route.number == "110"


def test_type_ahead_digits_are_used_by_the_next_node(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "11")
    assert session.route is not None and session.route.id == "fire"


def test_spoken_shortcut_routes_at_once(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("please call one one two now"))
    assert session.route is not None and session.route.number == "112"


def test_no_input_escalates_then_hangs_up_politely(tiny: Menu) -> None:
    session = started(tiny)
    first = session.send(Silence(5))
    texts = [o.text for o in first if isinstance(o, Say)]
    assert texts == ["Sorry, I didn't hear anything.", "Press 1, 2, 3 or 4."]
    second = session.send(Silence(5))
    texts = [o.text for o in second if isinstance(o, Say)]
    assert texts[0] == "Sorry, I didn't hear anything."
    assert texts[1].startswith("Main menu.")  # the full option list the second time
    assert texts[2] == "Say what you need."  # and the node's help
    third = session.send(Silence(5))
    assert session.outcome == "hangup" and session.route is None
    assert isinstance(third[-1], Hangup) and third[-1].reason == "max failures"
    assert ("max_failures", "main") in session.visits


def test_one_long_silence_fires_every_timeout_in_order(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Silence(60))
    assert session.outcome == "hangup"
    assert [v for v in session.visits if v[0] == "no_input"] == [("no_input", "main")] * 3
    assert session.elapsed == 15  # the call ended at the third timeout


def test_no_match_reprompts_and_counts_separately_from_no_input(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("bananas"))
    session.send(Silence(5))
    session.send(Speech("more bananas"))
    assert not session.ended
    session.send(Speech("still bananas"))
    assert session.outcome == "hangup"
    assert session.state.no_input == 1


def test_invalid_key_is_a_no_match_with_its_own_message(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(KeyPress("7"))
    assert isinstance(out[0], Say) and out[0].text == "Sorry, that key is not an option here."
    assert ("invalid_key", "main") in session.visits


def test_route_to_a_number_is_never_made_without_a_choice(tiny: Menu) -> None:
    session = started(tiny)
    for text in ["hello", "I am not sure", "it is not a fire", "", "what"]:
        session.send(Speech(text))
        if session.ended:
            break
    assert session.route is None


def test_negated_phrase_does_not_count(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "1")
    session.send(Speech("there is no fire but a burglar"))
    assert session.route is not None and session.route.id == "police"


def test_equal_matches_with_different_routes_ask_the_caller(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(Speech("there was a car crash"))
    assert session.route is None and session.state.mode == "choose"
    question = [o.text for o in out if isinstance(o, Say)][-1]
    assert question == "Did you mean fire or police? For fire, press 1. For police, press 2."
    session.send(KeyPress("2"))
    session.settle()
    assert session.route is not None and session.route.id == "police"


def test_choice_can_be_answered_by_speech(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("car crash"))
    session.send(Speech("fire"))
    assert session.route is not None and session.route.id == "fire"


def test_low_confidence_asks_for_confirmation_and_no_returns_to_the_menu(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(Speech("information line", confidence=0.5))
    assert [o.text for o in out if isinstance(o, Say)] == [
        "Did you say information line? Say yes or press 1. Say no or press 2."
    ]
    session.send(Speech("no"))
    assert session.route is None and session.state.mode == "menu"
    session.send(Speech("information line", confidence=0.5))
    session.send(Speech("yes"))
    assert session.route is not None and session.route.id == "info_line"


def test_very_low_confidence_is_rejected_as_no_match(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(Speech("information line", confidence=0.1))
    assert next(o.text for o in out if isinstance(o, Say)) == "Sorry, I didn't get that."


def test_operator_command_asks_before_routing(tiny: Menu) -> None:
    session = started(tiny)
    session.send(KeyPress("0"))
    assert session.state.mode == "confirm" and session.route is None
    press(session, "1")
    assert session.route is not None and session.route.id == "police"


def test_tree_search_at_the_top_reaches_a_deeper_option(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("I smell gas"))
    assert session.route is not None and session.route.id == "fire"


def test_submenus_search_only_their_own_options(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "4")  # dial node: digits only
    session.send(Speech("stolen"))
    assert session.route is None


def test_info_is_said_then_the_node_prompt_returns(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(KeyPress("3"))
    texts = [o.text for o in out if isinstance(o, Say)]
    assert texts == ["Here are some facts.", "Press 1, 2, 3 or 4."]
    assert session.state.node == "main"


def test_back_main_menu_repeat_and_help(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "1")
    out = session.send(KeyPress("*"))
    assert session.state.node == "main"
    assert [o.text for o in out if isinstance(o, Say)] == ["Press 1, 2, 3 or 4."]
    out = session.send(KeyPress("#"))
    assert next(o.text for o in out if isinstance(o, Say)).startswith("Main menu.")
    out = session.send(Speech("help"))
    assert next(o.text for o in out if isinstance(o, Say)) == "Say what you need."
    press(session, "1")
    session.send(Speech("main menu"))
    assert session.state.node == "main" and session.state.history == []
    out = session.send(KeyPress("*"))
    assert next(o.text for o in out if isinstance(o, Say)) == "You are already at the main menu."


def test_multi_digit_entry_with_terminator(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "4")
    press(session, "112#")
    assert session.route is not None and session.route.number == "112"


def test_multi_digit_entry_ends_after_the_inter_digit_timeout(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "4")
    session.send(KeyPress("0"))
    session.send(KeyPress("2"))
    session.send(KeyPress("8"))
    assert session.route is None
    session.send(KeyPress("0"))
    session.send(KeyPress("0"))  # max_digits reached: submitted at once
    assert session.route is not None and session.route.number == "02800"


def test_multi_digit_entry_too_short_or_unknown_is_a_no_match(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "4")
    press(session, "12#")
    assert ("invalid_key", "dial") in session.visits
    press(session, "999#")
    assert session.route is None and session.state.no_match == 2


def test_spoken_digits_fill_a_multi_digit_entry(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "4")
    session.send(Speech("oh two eight oh oh"))
    assert session.route is not None and session.route.number == "02800"


@pytest.mark.parametrize(
    ("at", "number"),
    [("2026-11-23 09:00", "02800"), ("2026-11-23 16:00", "112"), ("2026-11-28 10:00", "112")],
)
def test_time_of_day_branch_uses_the_injected_clock(tiny: Menu, at: str, number: str) -> None:
    session = started(tiny, start_time=datetime.fromisoformat(at))
    press(session, "5")
    assert session.route is not None and session.route.number == number


def test_the_clock_moves_with_silence(tiny: Menu) -> None:
    session = started(tiny, start_time=datetime(2026, 11, 23, 15, 59, 58))
    session.send(Silence(4))  # no_input: now 16:00:02... after the first timeout at 5 s
    session.send(Silence(1.5))
    press(session, "5")
    assert session.route is not None and session.route.number == "112"


def test_hangup_ends_the_call_and_later_events_are_ignored(tiny: Menu) -> None:
    session = started(tiny)
    session.send(HangUp())
    assert session.outcome == "hangup"
    assert session.send(KeyPress("2")) == []
    assert session.route is None


def test_caller_event_limit_ends_an_endless_call(tiny: Menu) -> None:
    session = started(tiny)
    for _ in range(250):
        session.send(KeyPress("#"))
        if session.ended:
            break
    assert session.outcome == "hangup" and session.caller_events == tiny.max_caller_events + 1


def test_bad_key_and_negative_silence_are_errors(tiny: Menu) -> None:
    session = started(tiny)
    with pytest.raises(IvrError, match="'x' is not a phone key"):
        session.send(KeyPress("x"))
    with pytest.raises(IvrError, match="time only moves forward"):
        session.send(Silence(-1))


def test_unknown_language_is_an_error(tiny: Menu) -> None:
    with pytest.raises(IvrError, match="language 'nb' is not one of this menu's languages"):
        Session(tiny, lang="nb")


def test_transcript_merges_consecutive_keys(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "12")
    caller = [line.text for line in session.transcript if line.who == "caller"]
    assert caller == ["12"]


def test_emergency_phrases_are_heard_in_every_node(tiny: Menu) -> None:
    session = started(tiny)
    press(session, "4")  # the dial node searches nothing else
    session.send(Speech("I smell gas"))
    assert session.route is not None and session.route.id == "fire"


def test_listen_carries_the_grammar_of_each_mode(tiny: Menu) -> None:
    session = started(tiny)
    assert "smell gas" in session.grammar()  # emergency phrases are always allowed
    out = session.send(Speech("information line", confidence=0.5))
    listen = out[-1]
    assert isinstance(listen, Listen) and listen.mode == "confirm"
    assert {"yes", "no", "one", "two"} <= set(listen.phrases)
    session.send(Speech("no"))
    out = session.send(Speech("car crash"))
    listen = out[-1]
    assert isinstance(listen, Listen) and listen.mode == "choose"
    assert {"fire", "police", "smell gas", "no"} <= set(listen.phrases)


def test_hangup_reason_is_kept(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Silence(30))
    assert session.hangup_reason == "max failures"
