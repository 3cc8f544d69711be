"""Calls through ``forms.vxml`` (forms, fields, grammars, ``<filled>``) as VoiceXML runs them.

The form interpretation algorithm visits the form items in order; a field's
value decides its ``<filled>``; ``<clear>`` sends the call back to a field;
``destexpr`` joins strings and collected digits into the transfer's target.
"""

from __future__ import annotations

from ivr.calls import call_result

from .helpers import call, press, said, say, wait

DEPT = "Say or press 1 for billing, 2 for sales, 3 to enter an extension."


def test_a_block_before_the_first_field_speaks_a_document_variable() -> None:
    _, out = call("forms.vxml")
    assert said(out) == ["Hello, this is the Acme self service line.", DEPT]


def test_a_block_before_the_first_field_is_spoken_before_its_prompt() -> None:
    _, out = call("forms.vxml")
    assert said(out)[-1] == DEPT
    assert said(out)[0].endswith("this is the Acme self service line.")


def test_the_fields_value_picks_its_filled_branch_and_an_assignment_reaches_the_transfer() -> None:
    session, _ = call("forms.vxml")
    assert said(press(session, "1")) == ["Key your account number, six to eight digits, then star."]
    assert said(press(session, "123456*")) == ["You entered 123456. Is that right?"]
    out = press(session, "1")
    assert said(out) == ["One moment."]
    assert call_result(session)["target"] == "sip:billing@acme.example"


def test_a_no_to_the_boolean_field_clears_both_fields_and_asks_for_the_number_again() -> None:
    session, _ = call("forms.vxml")
    press(session, "1")
    press(session, "123456*")
    assert said(press(session, "2")) == ["Key your account number, six to eight digits, then star."]
    assert session.state.node == "account"


def test_fewer_digits_than_the_grammar_allows_is_a_nomatch() -> None:
    session, _ = call("forms.vxml")
    press(session, "1")
    out = press(session, "12345")
    assert said(out)[0] == "Sorry, I did not understand."
    assert session.state.node == "account"


def test_destexpr_joins_a_string_and_the_collected_digits() -> None:
    session, _ = call("forms.vxml")
    press(session, "3")
    press(session, "1234")  # digits?length=4 is complete at four keys: no wait, no #
    result = call_result(session)
    assert (result["target"], result["route"]) == ("tel:+15551234", "15551234")


def test_clear_then_throw_nomatch_runs_the_fields_handler_and_asks_again() -> None:
    session, _ = call("forms.vxml")
    press(session, "3")
    out = press(session, "0000")
    assert said(out) == ["That is not an extension.", "Enter the four digit extension."]
    assert session.state.node == "start_ext"
    assert session.outcome is None


def test_a_voice_grammars_tag_gives_the_phrase_its_value() -> None:
    session, _ = call("forms.vxml")
    out = say(session, "buy something")
    assert said(out)[0] == "Sales it is."
    assert session.state.node == "sales"


def test_option_values_decide_an_or_condition() -> None:
    session, _ = call("forms.vxml")
    press(session, "2")
    out = press(session, "2")
    assert said(out) == ["A regular order."]
    assert call_result(session)["target"] == "tel:+15550000"


def test_goto_nextitem_runs_the_named_block_and_its_runtime_condition() -> None:
    session, _ = call("forms.vxml")
    press(session, "2")
    out = press(session, "3")
    assert said(out) == ["Large orders go to our bulk desk."]
    assert session.outcome == "hangup"  # tries is 0: not above 2


def test_a_noinput_handler_assigns_and_throws_an_event_the_document_catches() -> None:
    session, _ = call("forms.vxml")
    press(session, "1")
    assert said(wait(session, 5)) == [
        "I did not hear anything.",
        "Key your account number, six to eight digits, then star.",
    ]
    out = wait(session, 5)
    assert said(out) == ["Transferring you."]
    assert call_result(session)["target"] == "tel:+15550000"


def test_the_form_level_interdigittimeout_applies_to_its_fields() -> None:
    session, _ = call("forms.vxml")
    press(session, "1")
    assert session.node.settings.inter_digit_timeout == 3.0
    assert session.node.collect is not None and session.node.collect.terminator == "*"
