"""The caller's side in words: how sure the recogniser was, and keys held for more digits."""

from __future__ import annotations

from ivr.live.wording import heard_line, waiting_line
from ivr.model import Settings

SETTINGS = Settings()  # confirm below 0.6, reject below 0.3


def test_a_sure_utterance_is_shown_as_said_with_no_number() -> None:
    assert heard_line("ambulance", 0.92, SETTINGS, asked=False) == "ambulance"


def test_an_unsure_utterance_says_so_and_that_the_menu_asks() -> None:
    line = heard_line("ambulance", 0.36, SETTINGS, asked=True)
    assert line == "heard 'ambulance', not sure: asking"
    assert "0.36" not in line


def test_an_unsure_answer_the_menu_took_anyway_does_not_claim_it_asked() -> None:
    assert heard_line("yes", 0.5, SETTINGS, asked=False) == "heard 'yes', not sure"


def test_an_utterance_below_the_reject_level_is_named_too_unsure_to_act_on() -> None:
    assert heard_line("police", 0.1, SETTINGS, asked=False) == (
        "heard 'police'? too unsure to act on it"
    )


def test_the_thresholds_are_the_nodes_own() -> None:
    strict = Settings(confirm_below=0.95)
    assert heard_line("ambulance", 0.9, strict, asked=True).startswith("heard 'ambulance'")


def test_nothing_heard_is_said_in_words() -> None:
    assert heard_line("", 0.0, SETTINGS, asked=False) == "(nothing I could make out)"


def test_the_wait_names_the_numbers_the_keys_could_become() -> None:
    numbers = ["110", "112", "113", "116117"]
    assert waiting_line("1", numbers) == "1 ... waiting in case you dial 110, 112, 113 or 116117"
    assert waiting_line("11", ["110", "112"]) == "11 ... waiting in case you dial 110 or 112"
    assert waiting_line("9", []) == "9 ... waiting for more digits"
