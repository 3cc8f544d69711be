"""Calls through imported dialplans behave as the PBX would.

Each construct of the issue's Asterisk list, driven through a real
``Session`` on the menu ``ivr import`` makes of a fixture: which extension
digits reach, when the dial plan waits for more, what the route's target is,
where the caller is after a timeout or an invalid key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.errors import MenuError
from ivr.events import KeyPress, Silence
from ivr.session import Session
from tests.pbx.asterisk.helpers import (
    MONDAY_NOON,
    SATURDAY,
    call,
    fixture_menu,
    imported_text,
    menu_of,
    result,
    said,
)

ACME = fixture_menu("acme.conf")
PATTERNS = fixture_menu("patterns.conf")


def started(menu_name: str = "acme") -> Session:
    session = Session(ACME if menu_name == "acme" else PATTERNS, start_time=MONDAY_NOON)
    session.start()
    return session


@pytest.mark.parametrize(
    ("keys", "target", "route"),
    [
        ("7000", "Dial(PJSIP/reception)", None),  # exact before _7XXX
        ("7001", "Dial(PJSIP/7001)", "7001"),  # ${EXTEN} filled in
        ("5551234", "Dial(PJSIP/local/5551234)", "5551234"),  # _NXX-XXXX before _X.
        ("20", "Dial(PJSIP/trunk/20)", None),  # only _X. takes it
        ("50", "Dial(PJSIP/desk5)", None),  # _[15-7]0, ${EXTEN:0:1}
    ],
)
def test_digits_reach_the_extension_asterisk_would_pick(
    keys: str, target: str, route: str | None
) -> None:
    outcome = result(call(PATTERNS, keys))
    assert (outcome["outcome"], outcome["target"], outcome["route"]) == ("route", target, route)


def test_a_cut_of_the_dialled_digits_is_filled_into_the_destination() -> None:
    outcome = result(call(ACME, "95551234"))
    assert (outcome["target"], outcome["route"]) == ("Dial(PJSIP/trunk/5551234)", "5551234")
    assert result(call(ACME, "2345"))["target"] == "Dial(PJSIP/2345,20)"


def test_a_key_that_a_longer_extension_could_follow_waits_the_digit_timeout() -> None:
    session = started()
    session.send(KeyPress("1"))  # 112 and 113 (included) could follow
    assert session.waiting_for_digits and session.next_deadline() == 3  # TIMEOUT(digit)=3
    session.send(Silence(2.9))
    assert session.state.node == "acme-main"
    session.send(Silence(0.2))
    assert session.state.node == "acme-sales"


def test_an_extension_no_longer_one_could_follow_is_taken_at_once() -> None:
    session = started()
    for key in "113":
        session.send(KeyPress(key))
    assert result(session)["target"] == "Dial(PJSIP/113)"  # from the included context


def test_a_pattern_matched_digit_plays_and_goes_back_to_the_menu() -> None:
    session = started("patterns")
    session.send(KeyPress("5"))  # _Z, but 50 and longer could still come
    assert session.waiting_for_digits
    session.send(Silence(2))
    assert said(session)[-2:] == ["single digit 5", "dial an extension"]
    assert session.state.node == "dial"


def test_an_invalid_key_runs_i_and_the_third_hangs_up_by_its_counter() -> None:
    once = call(ACME, "5")
    assert said(once)[-2:] == ["pbx invalid", "press 1 for sales press 2 for support"]
    assert once.state.node == "acme-main" and not once.ended
    thrice = call(ACME, "5", "5", "5")
    assert said(thrice)[-1] == "vm goodbye" and result(thrice)["outcome"] == "hangup"


def test_silence_runs_t_after_timeout_response_and_the_welcome_is_not_said_again() -> None:
    session = started()
    session.send(Silence(7.9))  # TIMEOUT(response)=8
    assert len(said(session)) == 2
    session.send(Silence(0.2))
    assert said(session) == [
        "thank you for calling acme",
        "press 1 for sales press 2 for support",
        "are you still there",
        "press 1 for sales press 2 for support",
    ]


def test_without_i_and_t_asterisk_hangs_up_on_a_wrong_key_and_on_silence() -> None:
    assert result(call(PATTERNS, "0"))["outcome"] == "hangup"
    assert result(call(PATTERNS, 6))["outcome"] == "hangup"


def test_read_keeps_the_digits_in_its_variable_and_gotoif_branches_on_it() -> None:
    existing = call(ACME, "1", 3, "2")
    assert result(existing)["target"] == "Dial(PJSIP/2001)"
    other = call(ACME, "1", 3, "3")
    assert other.state.node == "acme-main"  # neither 1 nor 2: back to the menu
    assert other.state.variables["CHOICE"] == "3"


def test_read_asks_again_for_each_attempt_then_goes_on_with_nothing() -> None:
    session = call(ACME, "1", 3 + 5)  # the first attempt times out
    assert session.state.node == "acme-sales"
    assert said(session)[-2:] == ["new customers press 1 existing press 2"] * 2
    session.send(Silence(5))  # the second: Read ends with CHOICE empty
    assert session.state.node == "acme-main"
    assert session.state.variables["CHOICE"] == ""


def test_gosub_runs_the_subroutine_and_gotoiftime_picks_by_the_clock() -> None:
    assert result(call(ACME, "2"))["target"] == "Queue(support)"
    assert result(call(ACME, "2", at=SATURDAY))["target"] == "VoiceMail(support@default,u)"


def test_autofallthrough_hangs_up_when_the_prompt_ends_without_a_key(tmp_path: Path) -> None:
    text = (
        "[general]\nautofallthrough=yes\n[ivr]\n"
        "exten => s,1,Background(custom/press-1)\n"
        "exten => 1,1,Queue(one)\n"
    )
    menu = menu_of(imported_text(text, tmp_path))
    assert result(call(menu, 0.5))["outcome"] == "hangup"
    assert result(call(menu, "1"))["target"] == "Queue(one)"  # a key during the prompt


def test_without_autofallthrough_the_call_waits_for_a_key_then_runs_t() -> None:
    menu = fixture_menu("fallthrough.conf")
    assert result(call(menu, 3.9))["outcome"] == "waiting"
    ended = call(menu, 4)
    assert said(ended)[-1] == "vm goodbye" and result(ended)["outcome"] == "hangup"
    assert result(call(menu, "1"))["target"] == "Queue(one)"


def test_a_waitexten_timeout_goes_on_with_the_next_priority_rather_than_t(
    tmp_path: Path,
) -> None:
    text = (
        "[ivr]\nexten => s,1,Background(custom/menu)\n same => n,WaitExten(3)\n"
        " same => n,Playback(custom/no-choice-made)\n same => n,Hangup()\n"
        "exten => 1,1,Queue(one)\nexten => t,1,Playback(custom/never-said)\n"
    )
    session = call(menu_of(imported_text(text, tmp_path)), 3)
    assert said(session) == ["menu", "no choice made"] and result(session)["outcome"] == "hangup"


def test_i_knows_the_invalid_extension_as_invalid_exten(tmp_path: Path) -> None:
    text = (
        "[ivr]\nexten => s,1,Background(custom/menu)\n same => n,WaitExten(3)\n"
        "exten => 1,1,Queue(one)\n"
        "exten => i,1,Playback(custom/you-dialled)\n same => n,SayDigits(${INVALID_EXTEN})\n"
        " same => n,Goto(s,1)\n"
    )
    session = call(menu_of(imported_text(text, tmp_path)), "7")
    assert said(session)[1:3] == ["you dialled", "7"]


def test_a_labelled_priority_is_where_a_goto_lands() -> None:
    menu = fixture_menu("syntax.conf")
    session = call(menu, "4")  # Goto(front,s,start)
    assert said(session) == ["hello world", "hello world"] and not session.ended
    assert said(call(menu, "1"))[-2:] == ["semi;colon", "hello world"]  # then Goto(s,start)


def test_a_goto_loop_that_never_waits_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = "[ivr]\nexten => s,1,NoOp()\n same => n(top),Set(X=1)\n same => n,Goto(top)\n"
    with pytest.raises(MenuError) as caught:
        imported_text(text, tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'extensions.conf'}:4:1: the dialplan loops back to ivr,s,2 without "
        "waiting for the caller (put a WaitExten, Read or Background in the loop, or end it "
        "with Hangup)"
    )


def test_star_with_no_extension_is_an_invalid_key_as_on_the_pbx() -> None:
    assert said(call(ACME, "*"))[-2] == "pbx invalid"


def test_a_global_is_filled_into_a_destination() -> None:
    assert result(call(ACME, "0"))["target"] == "Dial(PJSIP/100,30)"


def test_a_pattern_ending_in_bang_matches_at_once() -> None:
    session = started("patterns")
    session.send(KeyPress("8"))
    assert result(session)["target"] == "Dial(PJSIP/any-length)"
