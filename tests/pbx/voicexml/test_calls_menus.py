"""Calls through ``acme.vxml`` (menus, links, handlers) behave as a VoiceXML interpreter.

Each test drives a real ``Session`` on the imported menu and checks what the
W3C VoiceXML 2.0 Recommendation says the interpreter does: prompt counts,
handler selection by count, platform defaults, document links, transfers.
"""

from __future__ import annotations

from ivr.calls import call_result

from .helpers import call, press, said, say, wait

WELCOME = (
    "Welcome to Acme Widgets. For sales, press 1. For technical support, press 2. "
    "For opening hours, press 3. For goodbye, press 9."
)
SHORT = "Main menu. sales, 1. technical support, 2. opening hours, 3. goodbye, 9."


def test_the_first_prompt_enumerates_the_choices_with_the_keys_dtmf_true_gave_them() -> None:
    _, out = call("acme.vxml")
    assert said(out) == [WELCOME]


def test_a_choice_routes_with_its_transfer_destination_as_the_target() -> None:
    session, _ = call("acme.vxml")
    out = press(session, "1")
    result = call_result(session)
    assert (result["outcome"], result["target"], result["route"]) == (
        "route",
        "tel:+15550100",
        "15550100",
    )
    assert said(out) == ["Please hold for sales."]  # the block before the transfer


def test_a_sip_destination_routes_with_no_digits() -> None:
    session, _ = call("acme.vxml")
    press(session, "2")
    out = press(session, "1")
    assert (call_result(session)["target"], call_result(session)["route"]) == (
        "sip:orders@acme.example",
        None,
    )
    assert said(out) == ["Connecting you to the order desk."]


def test_a_reprompt_speaks_the_count_2_prompt_and_reentry_the_count_1_prompt() -> None:
    session, _ = call("acme.vxml")
    assert said(wait(session, 4)) == [f"Sorry, I did not hear you. {SHORT}"]
    press(session, "2")
    assert session.state.node == "support"
    assert said(press(session, "*")) == [WELCOME]  # entering again restarts the counter


def test_noinput_handlers_run_by_count_and_the_third_hangs_up() -> None:
    session, _ = call("acme.vxml")
    wait(session, 4)
    assert said(wait(session, 4)) == ["Please press a key."]  # count 2 only listens again
    assert said(wait(session, 4)) == ["We seem to have a bad line. Goodbye."]
    assert session.outcome == "hangup"


def test_a_nomatch_with_no_handler_of_its_count_gets_the_platform_default() -> None:
    session, _ = call("acme.vxml")
    assert said(press(session, "5")) == [f"Sorry, I did not understand. {SHORT}"]


def test_the_document_nomatch_count_3_wins_over_the_default_at_the_third_wrong_key() -> None:
    session, _ = call("acme.vxml")
    press(session, "5")
    press(session, "5")
    out = press(session, "5")
    assert said(out) == ["Let me get someone to help you."]
    assert call_result(session)["target"] == "tel:+15550000"


def test_a_dialog_nomatch_counts_before_the_document_one_of_a_higher_count() -> None:
    session, _ = call("acme.vxml")
    press(session, "2")
    assert said(press(session, "7")) == [
        "That is not a choice here.",
        "Press 1 for orders, 2 for repairs.",
    ]
    press(session, "7")
    press(session, "7")
    assert call_result(session)["target"] == "tel:+15550000"


def test_a_choice_with_a_grammar_is_heard_by_its_phrases() -> None:
    session, _ = call("acme.vxml")
    say(session, "help desk")
    assert session.state.node == "support"


def test_a_choice_without_a_grammar_is_heard_by_its_text() -> None:
    session, _ = call("acme.vxml")
    say(session, "opening hours")
    assert session.state.node == "main"
    assert session.outcome is None


def test_a_dialog_that_speaks_and_returns_is_information_at_the_menu() -> None:
    session, _ = call("acme.vxml")
    out = press(session, "3")
    assert said(out)[0] == "We are open from nine to five, Monday to Friday."
    assert session.state.node == "main"


def test_the_menus_own_timeout_property_overrides_the_documents() -> None:
    session, _ = call("acme.vxml")
    press(session, "2")
    assert said(wait(session, 4)) == []  # the document's 4s is not the menu's 7s
    assert said(wait(session, 3.5)) == ["Press 1 for orders, 2 for repairs."]


def test_a_document_link_works_in_every_dialog() -> None:
    session, _ = call("acme.vxml")
    press(session, "2")
    press(session, "0")
    assert call_result(session)["target"] == "tel:+15550000"


def test_a_link_whose_keys_are_its_transfers_number_is_a_speed_dial() -> None:
    session, _ = call("acme.vxml")
    press(session, "911")  # 9 alone is goodbye: the interpreter waits for more keys
    assert call_result(session)["target"] == "tel:911"


def test_a_lone_key_that_a_link_could_extend_is_taken_after_the_inter_digit_timeout() -> None:
    session, _ = call("acme.vxml")
    out = press(session, "9")
    assert said(out) == ["Thank you for calling Acme."]
    assert session.outcome == "hangup"


def test_the_start_dialog_can_be_chosen_by_its_id() -> None:
    session, out = call("acme.vxml", start="support")
    assert said(out) == ["Press 1 for orders, 2 for repairs."]
    press(session, "2")
    assert call_result(session)["target"] == "tel:+15550199"
