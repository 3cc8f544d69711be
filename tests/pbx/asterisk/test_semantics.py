"""Asterisk's small languages: extension patterns, ``$[...]`` conditions, counters,
GotoIfTime specs, variable cuts and application arguments, each as the PBX reads
it (``main/pbx.c``, ``main/ast_expr2.y``, ``main/pbx_timing.c``,
``main/pbx_variables.c``, ``main/app.c``)."""

from __future__ import annotations

import pytest

from ivr.pbx.asterisk.conditions import Malformed, Unsupported, When, condition_rules, set_value
from ivr.pbx.asterisk.patterns import (
    Mode,
    dialable,
    match,
    normalize,
    regex,
    sort_key,
    substring,
    substring_groups,
)
from ivr.pbx.asterisk.timing import BadTiming, Window, asterisk_spec, windows
from ivr.pbx.asterisk.values import split_args, split_outside, spoken


@pytest.mark.parametrize(
    ("pattern", "digits", "matches"),
    [
        ("_7XXX", "7123", True),
        ("_7XXX", "712", False),
        ("_NXX", "123", False),  # N is 2-9
        ("_NXX", "223", True),
        ("_Z", "0", False),  # Z is 1-9
        ("_[15-7]0", "60", True),
        ("_[15-7]0", "40", False),
        ("_X.", "1", False),  # "." is one or more
        ("_X.", "12", True),
        ("_8!", "8", True),  # "!" is zero or more
        ("_NXX-XXXX", "5551234", True),  # the dash is eye candy
        ("555-1212", "5551212", True),
    ],
)
def test_patterns_match_as_asterisk_matches_them(pattern: str, digits: str, matches: bool) -> None:
    assert match(pattern, digits) is matches


def test_a_pattern_that_could_take_more_digits_is_told_apart_from_a_full_match() -> None:
    assert match("_7XXX", "71", Mode.MATCHMORE)
    assert not match("_7XXX", "7123", Mode.MATCHMORE)
    assert match("_X.", "123", Mode.MATCHMORE)  # "." may always take more
    assert not match("_8!", "8", Mode.MATCHMORE)  # "!" decides at once
    assert match("112", "1", Mode.CANMATCH) and not match("112", "1", Mode.MATCH)


def test_exact_names_come_first_then_the_most_specific_pattern() -> None:
    names = ["_X.", "_Z", "_NXX-XXXX", "7000", "_[15-7]0", "_8!", "_7XXX"]
    assert sorted(names, key=sort_key) == [
        "7000", "_7XXX", "_8!", "_[15-7]0", "_NXX-XXXX", "_Z", "_X.",
    ]  # fmt: skip


def test_patterns_become_regular_expressions_with_a_group_a_position_when_asked() -> None:
    assert regex("_NXX") == "^[2-9][0-9][0-9]$"
    assert regex("_9X.", groups=True) == "^(9)([0-9])(.+)$"
    assert regex("*12") == "^\\*12$"


def test_only_names_a_caller_can_key_are_dialable() -> None:
    assert [n for n in ("s", "i", "t", "h", "112", "*9", "_X.", "fax") if dialable(n)] == [
        "112", "*9", "_X.",
    ]  # fmt: skip
    assert normalize("555-1212") == "5551212" and normalize("_[1-3]-X") == "_[1-3]X"


@pytest.mark.parametrize(
    ("value", "offset", "length", "cut"),
    [
        ("95551234", 1, None, "5551234"),
        ("95551234", -4, None, "1234"),
        ("95551234", 0, 1, "9"),
        ("95551234", 1, -2, "55512"),
        ("123", 5, None, ""),
    ],
)
def test_variable_cuts_follow_pbx_variables_c(
    value: str, offset: int, length: int | None, cut: str
) -> None:
    assert substring(value, offset, length) == cut


def test_a_cut_of_matched_digits_is_written_with_the_patterns_groups() -> None:
    assert substring_groups("_9NXX", 1, -1) == "${2}${3}"
    assert substring_groups("_9X.", 1, -1) is None  # the end is not a fixed position


@pytest.mark.parametrize(
    ("condition", "rules"),
    [
        ('$["${x}" = "1"]', [(When("x", "=", "1"), True), (None, False)]),
        ("$[${tries} >= 3]", [(When("tries", ">=", "3"), True), (None, False)]),
        ("$[3 < ${tries}]", [(When("tries", ">", "3"), True), (None, False)]),
        ("$[${a} = 1 & ${b} != 2]", [
            (When("a", "!=", "1"), False), (When("b", "=", "2"), False), (None, True),
        ]),
        ("$[${a} = 1 | ${b} = 2]", [
            (When("a", "=", "1"), True), (When("b", "=", "2"), True), (None, False),
        ]),
        ("$[!(${a} = 1)]", [(When("a", "!=", "1"), True), (None, False)]),
        ("${open}", [(When("open", "=", ""), False), (When("open", "=", "0"), False),
                     (None, True)]),
        ("$[2 > 10]", [(None, False)]),  # numbers compare as numbers
        ('$["b" > "10"]', [(None, True)]),  # other text as text
    ],
)  # fmt: skip
def test_gotoif_conditions_become_branch_rules(
    condition: str, rules: list[tuple[When | None, bool]]
) -> None:
    assert condition_rules(condition) == rules


def test_a_condition_asterisk_cannot_read_is_told_apart_from_one_ivr_cannot_branch_on() -> None:
    with pytest.raises(Malformed):
        condition_rules("$[ = 1]")  # an empty variable, on the PBX too
    with pytest.raises(Unsupported):
        condition_rules("$[${a} = ${b}]")
    with pytest.raises(Unsupported):
        condition_rules("$[${a} & ${b} = 1 | ${c} = 2]")


@pytest.mark.parametrize(
    ("value", "written", "exact"),
    [
        ("$[${tries}+1]", "${tries}+1", True),
        ("$[ ${tries} - 1 ]", "${tries}-1", True),
        ("$[1 + ${n}]", "${n}+1", True),
        ("$[6*7]", "42", True),
        ("plain ${x}", "plain ${x}", True),
        ("$[${a} * ${b}]", "$[${a} * ${b}]", False),
    ],
)
def test_set_values_become_counters_the_simulator_computes(
    value: str, written: str, exact: bool
) -> None:
    assert set_value(value) == (written, exact)


def test_gotoiftime_ranges_include_their_last_minute_and_wrap_on_the_same_day() -> None:
    found, ignored = windows("08:00-16:59,mon-fri,*,*")
    assert found == [Window((0, 1, 2, 3, 4), 8 * 60, 17 * 60)] and ignored == []
    night, _ = windows("22:00-06:00,sat,*,*")
    assert night == [Window((5,), 22 * 60, 24 * 60), Window((5,), 0, 6 * 60 + 1)]
    assert windows("*,fri-mon,*,*")[0] == [Window((0, 4, 5, 6), 0, 24 * 60)]
    assert windows("*,*,1,jan")[1] == ["days of the month '1'", "months 'jan'"]
    with pytest.raises(BadTiming):
        windows("25:00-26:00,*,*,*")


def test_an_ivr_window_is_written_back_as_asterisk_ranges() -> None:
    weekdays = frozenset(range(5))
    assert asterisk_spec(weekdays, 8 * 60, 16 * 60) == ["08:00-15:59,mon&tue&wed&thu&fri,*,*"]
    assert asterisk_spec(frozenset({4}), 22 * 60, 6 * 60) == [
        "22:00-23:59,fri,*,*",
        "00:00-05:59,sat,*,*",
    ]


def test_arguments_split_at_commas_outside_quotes_and_brackets() -> None:
    assert split_args('a,"b,c",d(e,f),[g,h],\\,i') == ["a", "b,c", "d(e,f)", "[g,h]", ",i"]
    assert split_outside("$[${a}?1:2]?yes:no", "?") == ("$[${a}?1:2]", "yes:no")


def test_sound_names_are_spoken_with_their_variables_left_for_the_call() -> None:
    assert spoken("custom/press-1-for-sales") == "press 1 for sales"
    assert spoken("digits/${EXTEN}") == "${EXTEN}"
    assert spoken("custom/hello_${NAME}-there") == "hello ${NAME} there"
