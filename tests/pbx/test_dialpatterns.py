"""Asterisk extension patterns: what they match, and whether more keys could."""

from __future__ import annotations

import re

import pytest

from ivr.dialpatterns import asterisk_regex, asterisk_steps, could_continue, example


@pytest.mark.parametrize(
    ("pattern", "matches", "refuses"),
    [
        ("_7XXX", ["7000", "7999"], ["700", "70000", "8000"]),
        ("_NXX", ["200", "999"], ["100", "099", "20"]),
        ("_ZX", ["10", "99"], ["01", "1"]),
        ("_[1-3]X", ["10", "39"], ["40", "1"]),
        ("_[13579]", ["1", "9"], ["2"]),
        ("_9.", ["91", "9123#"], ["9"]),
        ("_9!", ["9", "912"], ["8"]),
        ("_555-12XX", ["5551234"], ["555-1234"]),
        ("_*7X", ["*70"], ["7"]),
    ],
)
def test_asterisk_patterns_match_as_pbx_c_does(
    pattern: str, matches: list[str], refuses: list[str]
) -> None:
    regex = asterisk_regex(pattern)
    assert regex is not None
    assert all(re.fullmatch(regex, m) for m in matches)
    assert not any(re.fullmatch(regex, r) for r in refuses)


@pytest.mark.parametrize("text", ["7XXX", "_", "_7Q", "_[", "_[a-b]", "_[]"])
def test_what_is_not_an_asterisk_pattern_is_refused(text: str) -> None:
    assert asterisk_steps(text) is None


@pytest.mark.parametrize(
    ("pattern", "digits", "more"),
    [
        ("_1XX", "1", True),
        ("_1XX", "12", True),
        ("_1XX", "123", False),
        ("_9.", "9", True),
        ("_9.", "91", True),  # "." takes any number more
        ("_9!", "9", False),  # "!" matches at once: Asterisk does not wait
        ("_2X", "3", False),  # cannot match at all
    ],
)
def test_could_continue_says_whether_waiting_for_more_keys_makes_sense(
    pattern: str, digits: str, more: bool
) -> None:
    steps = asterisk_steps(pattern)
    assert steps is not None
    assert could_continue(steps, digits) is more


def test_the_example_of_a_pattern_is_the_least_shortest_string_it_accepts() -> None:
    assert example(r"(10[01][0-9])", 4) == "1000"
    assert example(asterisk_regex("_NXX") or "", 3) == "200"
    assert example(r"5{7}", 4) is None  # longer than the node's entries
