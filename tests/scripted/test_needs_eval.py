"""Needs files (bench/needs/*.yaml): strict loading, and the verdict of each need.

The verdict tests use texts whose behaviour does not depend on how well the
menu understands free speech (keys said as words, service numbers, a
recogniser's confidence, phrases listed twice in a small menu), so they hold
while the understanding itself is being improved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from ivr.errors import MenuErrors
from ivr.events import Speech
from ivr.loader import load_menu, load_menu_text
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.scripted.needs import (
    Need,
    NeedCall,
    Question,
    Said,
    Verdict,
    action_outcome,
    evaluate_need,
    keys_to,
    load_needs,
    option_outcome,
    outcome_names,
    steps_to,
)
from tests.scripted.conftest import NORWAY, REPO

NEEDS_DIR = REPO / "bench" / "needs"
NEEDS_FILES = (
    "en-dev", "en-dev2", "en-dev3", "en-dev4", "en-dev5", "en-dev6", "en-dev7", "en-heldout",
    "nb-dev", "nb-dev2", "nb-dev3", "nb-dev4", "nb-dev5", "nb-dev6", "nb-dev7", "nb-heldout",
)  # fmt: skip
NIGHT = datetime(2026, 11, 23, 21, 0)  # a Monday evening: GP offices closed
DAY = datetime(2026, 11, 23, 10, 0)

SMALL = """\
menu: small
start: main
services:
  fire: {number: "110", name: Fire}
  police: {number: "112", name: Police}
  info_line: {number: "02800", name: Info line}
shortcuts: [fire, police]
commands:
  repeat: {key: "#", words: [repeat]}
  back: {key: "*", words: [back]}
  main_menu: {key: "9", words: [main menu]}
  help: {words: [help]}
nodes:
  main:
    settings: {search: tree}
    prompt: Press 1 for emergencies, 2 for the info line, 3 for facts, 5 for the clock.
    options:
      - key: 1
        words: [emergency]
        goto: emergency
      - key: 2
        words: [information line]
        route: info_line
      - key: 3
        words: [facts]
        info: Here are some facts.
      - key: 5
        words: [clock]
        goto: hours
  emergency:
    prompt: Press 1 for fire, 2 for police.
    options:
      - key: 1
        words: [fire, car crash]
        route: fire
      - key: 2
        words: [police, car crash]
        route: police
  hours:
    branch:
      - when: {days: mon-fri, time: "08:00-16:00"}
        route: info_line
      - otherwise: true
        goto: emergency
"""


@pytest.fixture(scope="module")
def norway() -> Menu:
    return load_menu(NORWAY)


@pytest.fixture(scope="module")
def small() -> Menu:
    return load_menu_text(SMALL, "small.yaml")


@pytest.fixture
def write_needs(tmp_path: Path) -> Callable[..., Path]:
    def write(body: str, name: str = "en-test", header: bool = True) -> Path:
        path = tmp_path / f"{name}.yaml"
        head = f'set: {name}\nlang: en\nat: "2026-11-23 21:00"\n' if header else ""
        path.write_text(head + body, encoding="utf-8")
        return path

    return write


def errors_of(path: Path, menu: Menu) -> list[str]:
    with pytest.raises(MenuErrors) as info:
        load_needs(path, menu)
    return [str(e) for e in info.value.errors]


def need(text: str, expect: tuple[str, ...] = (), at: datetime = NIGHT, ask: bool = False) -> Need:
    from ivr.errors import Location

    return Need(1, text, expect, ask, at, Location("<test>", 1, 1))


# -- loading ----------------------------------------------------------------------------------
def test_a_good_file_loads_with_times_lines_and_every_kind_of_expectation(
    write_needs: Callable[..., Path], norway: Menu
) -> None:
    path = write_needs(
        "needs:\n"
        '  - text: "my dad has chest pain"\n'
        '    expect: "113"\n'
        '  - text: "a car crashed into the river"\n'
        '    expect: ["110", "113"]\n'
        "    trap: two needs\n"
        '  - text: "is dental care free"\n'
        "    expect: health_info.4\n"
        '  - text: "questions about my gp"\n'
        "    expect: node:gp\n"
        '  - text: "I think something is wrong"\n'
        "    expect: ask\n"
        '    at: "2026-11-23 10:00"\n'
        '  - text: "fire!"\n'
        "    expect: 110\n"
    )
    loaded = load_needs(path, norway)
    assert (loaded.name, loaded.lang, loaded.at) == ("en-test", "en", NIGHT)
    assert not loaded.held_out
    needs = loaded.needs
    assert [n.expect for n in needs] == [
        ("113",),
        ("110", "113"),
        ("health_info.4",),
        ("node:gp",),
        (),
        ("110",),
    ]
    assert [n.must_ask for n in needs] == [False, False, False, False, True, False]
    assert needs[1].trap == "two needs"
    assert needs[4].at == DAY and needs[0].at == NIGHT
    assert [n.number for n in needs] == [1, 2, 3, 4, 5, 6]
    assert needs[0].where.line == 5  # lines 1-3 are the header, 4 is needs:


def test_held_out_sets_are_marked_by_name(write_needs: Callable[..., Path], norway: Menu) -> None:
    path = write_needs('needs:\n  - {text: "fire", expect: "110"}\n', name="en-heldout")
    assert load_needs(path, norway).held_out


def test_unknown_and_missing_keys_are_named(write_needs: Callable[..., Path], norway: Menu) -> None:
    path = write_needs(
        'language: en\nneeds:\n  - text: "fire"\n    expected: "110"\n  - expect: "110"\n',
        header=False,
    )
    name = str(path)
    assert errors_of(path, norway) == [
        f"{name}:1:1: unknown key 'language' in the needs file "
        "(allowed keys: set, lang, at, needs)",
        f"{name}:1:1: the needs file is missing required key 'set' (add set: ...)",
        f"{name}:1:1: the needs file is missing required key 'lang' (add lang: ...)",
        f"{name}:1:1: the needs file is missing required key 'at' (add at: ...)",
        f"{name}:3:5: need 1 is missing required key 'expect' (add expect: ...)",
        f"{name}:4:5: unknown key 'expected' in need 1 (allowed keys: text, expect, trap, at)",
        f"{name}:5:5: need 2 is missing required key 'text' (add text: ...)",
    ]


def test_file_fields_are_checked(write_needs: Callable[..., Path], norway: Menu) -> None:
    path = write_needs(
        'set: en-dev\nlang: de\nat: "tonight"\nneeds: []\n', name="en-other", header=False
    )
    name = str(path)
    assert errors_of(path, norway) == [
        f"{name}:1:6: set 'en-dev' does not match the file name 'en-other.yaml' "
        "(name the set after its file: set: en-other)",
        f"{name}:2:7: language 'de' is not one of the menu's languages (use one of en, nb)",
        f"{name}:3:5: the needs file: 'at' must be a date and time, not str 'tonight' "
        '(write e.g. at: "2026-11-23 21:00" (a Monday at 9 pm))',
        f"{name}:4:8: 'needs' is empty (add at least one need with text and expect)",
    ]


def test_bad_expectations_are_refused_with_what_would_be_right(
    write_needs: Callable[..., Path], norway: Menu
) -> None:
    path = write_needs(
        "needs:\n"
        '  - {text: "a", expect: "999"}\n'  # 5
        '  - {text: "b", expect: "116117"}\n'  # 6
        '  - {text: "c", expect: "node:gpp"}\n'  # 7
        '  - {text: "d", expect: "node:main"}\n'  # 8
        '  - {text: "e", expect: "node:doctor_now"}\n'  # 9
        '  - {text: "f", expect: "emergency.1"}\n'  # 10
        '  - {text: "g", expect: "health_info.9"}\n'  # 11
        '  - {text: "h", expect: ["113", ask]}\n'  # 12
        '  - {text: "i", expect: ambulance}\n'  # 13
        '  - {text: "j", expect: ["113", "113"]}\n'  # 14
        '  - {text: "k", expect: 0113}\n'  # 15
        '  - {text: "l", expect: []}\n'  # 16
        '  - {text: "m", expect: "113", at: 2026-11-23}\n'  # 17
    )
    name = str(path)
    infos = "gp.2, gp.3, gp.4, health_info.1, health_info.2, health_info.3, health_info.4"
    errors = errors_of(path, norway)
    expected = [
        f"{name}:5:25: need 1: no service of the menu has the number '999' (the menu's "
        "numbers are 110, 112, 113, 116 117, 116 123, 1412, 02800, 810 59 500)",
        f"{name}:6:25: need 2: write the number as the menu displays it: '116 117', "
        "not '116117' (reports and outcomes use the displayed form)",
        f"{name}:7:25: need 3: the menu has no node 'gpp' (did you mean 'gp'? nodes: "
        "main, more, emergency, doctor_now, gp_open, gp, health_info, dial)",
        f"{name}:8:25: need 4: node:main is the start node, where every call already is "
        "(expect a service number, an option id or another node)",
        f"{name}:9:25: need 5: node:doctor_now is a time branch: a call passes straight "
        "through it (expect where it leads at the need's time (116 117))",
        f"{name}:10:25: need 6: option 'emergency.1' is not an information option; it "
        'leads to 113 (expect where it leads: expect: "113")',
        f"{name}:11:25: need 7: the menu has no option 'health_info.9' (did you mean "
        f"'health_info.4'? information options: {infos})",
        f"{name}:12:33: need 8: 'ask' cannot be one of several expectations "
        "(write expect: ask on its own: the menu must ask, whatever it offers)",
        f"{name}:13:25: need 9: expect 'ambulance' is not a service number, an option id "
        'or node:ID (e.g. expect: "113", expect: health_info.4, expect: node:gp or '
        "expect: ask)",
        f"{name}:14:33: need 10: '113' is expected twice (list it once)",
        f"{name}:15:25: need 11: expect 0113 was read by YAML as the number 75 "
        '(quote the number: expect: "0113")',
        f'{name}:16:25: need 12: \'expect\' is empty (e.g. expect: ["110", "113"])',
        f"{name}:17:36: need 13: 'at' must be a date and time, not a date without a time "
        '(write e.g. at: "2026-11-23 21:00" (a Monday at 9 pm))',
    ]
    assert errors == expected


def test_the_same_sentence_twice_is_refused_unless_its_time_differs(
    write_needs: Callable[..., Path], norway: Menu
) -> None:
    path = write_needs(
        "needs:\n"
        '  - {text: "I need a doctor", expect: "116 117"}\n'
        '  - {text: "I need  a Doctor", expect: "116 117"}\n'
        '  - {text: "I need a doctor", expect: node:gp_open, at: "2026-11-23 10:00"}\n'
    )
    assert errors_of(path, norway) == [
        f"{path}:6:12: need 2: the same text and time as need 1 (line 5) "
        "(every sentence once: a repeat would count twice in the figures)"
    ]


def test_a_file_that_is_not_yaml_or_not_there_is_one_located_error(
    tmp_path: Path, norway: Menu
) -> None:
    missing = tmp_path / "en-none.yaml"
    assert errors_of(missing, norway) == [f"{missing}:1:1: no such file (check the path)"]
    listed = tmp_path / "en-list.yaml"
    listed.write_text("- fire\n", encoding="utf-8")
    assert errors_of(listed, norway) == [
        f"{listed}:1:1: a needs file must be a mapping, not a list (write it as key: value lines)"
    ]


# -- outcomes ---------------------------------------------------------------------------------
def test_outcome_names_are_numbers_information_options_and_stopping_nodes(
    norway: Menu,
) -> None:
    names = outcome_names(norway)
    assert {"113", "116 117", "810 59 500", "health_info.4", "gp.3", "node:gp"} <= names
    assert "node:main" not in names and "node:doctor_now" not in names
    assert "emergency.1" not in names  # a route option is named by its number


def test_where_a_choice_leads_follows_time_branches(norway: Menu) -> None:
    doctor = norway.option_by_id("main.2")
    assert doctor is not None
    assert option_outcome(norway, doctor, NIGHT) == "116 117"
    assert option_outcome(norway, doctor, DAY) == "node:gp_open"
    dental = norway.option_by_id("health_info.4")
    assert dental is not None and option_outcome(norway, dental, NIGHT) == "health_info.4"
    operator = next(c for c in norway.commands if c.name == "operator")
    assert action_outcome(norway, operator.action, NIGHT) == "112"
    back = next(c for c in norway.commands if c.name == "back")
    assert action_outcome(norway, back.action, NIGHT) is None


# -- verdicts ---------------------------------------------------------------------------------
def test_right_at_once(norway: Menu) -> None:
    ev = evaluate_need(
        norway, need("my dad has chest pain", ("113",)), lang="en", index=MenuIndex(norway)
    )
    assert (ev.verdict, ev.outcome, ev.first, ev.question) == (
        Verdict.RIGHT,
        "113",
        "113",
        Question.NONE,
    )
    assert not ev.asked and ev.answer is None and ev.heard == "my dad has chest pain"


def test_keys_said_as_words_reach_nodes_branches_and_routes(norway: Menu) -> None:
    idx = MenuIndex(norway)
    assert evaluate_need(norway, need("press 2", ("116 117",)), lang="en", index=idx).verdict is (
        Verdict.RIGHT
    )
    day = evaluate_need(norway, need("press 2", ("node:gp_open",), DAY), lang="en", index=idx)
    assert (day.verdict, day.outcome) == (Verdict.RIGHT, "node:gp_open")
    menu_node = evaluate_need(norway, need("four", ("node:more",)), lang="en", index=idx)
    assert (menu_node.verdict, menu_node.outcome) == (Verdict.RIGHT, "node:more")


def test_an_information_option_read_out_is_its_outcome(small: Menu) -> None:
    ev = evaluate_need(small, need("three", ("main.3",)), lang="en")
    assert (ev.verdict, ev.outcome) == (Verdict.RIGHT, "main.3")


def test_wrong_when_an_unexpected_outcome_is_acted_on_without_asking(small: Menu) -> None:
    ev = evaluate_need(small, need("one one two", ("110",)), lang="en")
    assert (ev.verdict, ev.outcome, ev.question) == (Verdict.WRONG, "112", Question.NONE)
    assert ev.wrong_without_asking
    to_node = evaluate_need(small, need("one", ("110",)), lang="en")
    assert (to_node.verdict, to_node.outcome) == (Verdict.WRONG, "node:emergency")


def test_missed_when_nothing_is_understood(small: Menu) -> None:
    ev = evaluate_need(small, need("one one two", ("112",)), lang="en", speech=Speech("112", 0.1))
    assert (ev.verdict, ev.outcome, ev.question) == (Verdict.MISSED, None, Question.NONE)
    assert ev.confidence == 0.1


def test_a_confirmation_answered_yes_is_right_and_no_is_asked(norway: Menu) -> None:
    # below the menu's confirm_below (0.6), above reject_below (0.2): "Did you say ...?"
    yes = evaluate_need(norway, need("113", ("113",)), lang="en", speech=Speech("113", 0.4))
    assert (yes.verdict, yes.question, yes.offered, yes.answer, yes.outcome) == (
        Verdict.RIGHT,
        Question.CONFIRM,
        ("113",),
        "yes",
        "113",
    )
    assert yes.first is None and yes.asked
    no = evaluate_need(norway, need("113", ("112",)), lang="en", speech=Speech("113", 0.4))
    assert (no.verdict, no.answer, no.outcome) == (Verdict.ASKED, "no", None)


def test_a_confirmation_is_answered_in_the_call_language(norway: Menu) -> None:
    call = NeedCall(norway, need("113", ("113",)), lang="nb", index=MenuIndex(norway))
    call.hear(Speech("113", 0.4))
    ev = call.finish()
    assert (ev.verdict, ev.answer) == (Verdict.RIGHT, "ja")


def test_a_choice_is_answered_by_the_key_of_the_expected_one(small: Menu) -> None:
    first = evaluate_need(small, need("car crash", ("110",)), lang="en")
    assert first.question is Question.CHOOSE
    assert set(first.offered) == {"110", "112"}
    key = str(first.offered.index("110") + 1)
    assert (first.verdict, first.answer, first.outcome) == (Verdict.RIGHT, key, "110")
    second = evaluate_need(small, need("car crash", ("112",)), lang="en")
    assert (second.verdict, second.outcome) == (Verdict.RIGHT, "112")
    assert second.answer == str(second.offered.index("112") + 1)
    neither = evaluate_need(small, need("car crash", ("02800",)), lang="en")
    assert (neither.verdict, neither.answer, neither.outcome) == (Verdict.ASKED, "no", None)


def test_expect_ask_is_right_only_when_the_menu_asks_first(small: Menu) -> None:
    asked = evaluate_need(small, need("car crash", ask=True), lang="en")
    assert (asked.verdict, asked.question, asked.answer) == (
        Verdict.RIGHT,
        Question.CHOOSE,
        None,
    )
    acted = evaluate_need(small, need("one one zero", ask=True), lang="en")
    assert (acted.verdict, acted.outcome) == (Verdict.WRONG, "110")
    missed = evaluate_need(small, need("x", ask=True), lang="en", speech=Speech("110", 0.0))
    assert missed.verdict is Verdict.MISSED


def test_a_choice_leading_through_a_time_branch_is_judged_by_where_it_ends(
    small: Menu,
) -> None:
    # "clock" is a goto into a branch: by day it routes to the info line, at night to a node
    by_day = evaluate_need(
        small, need("clock", ("02800",), DAY), lang="en", speech=Speech("clock", 0.3)
    )
    assert by_day.question is Question.CONFIRM and by_day.offered == ("02800",)
    assert (by_day.verdict, by_day.outcome) == (Verdict.RIGHT, "02800")
    at_night = evaluate_need(
        small, need("clock", ("node:emergency",)), lang="en", speech=Speech("clock", 0.3)
    )
    assert at_night.offered == ("node:emergency",)
    assert (at_night.verdict, at_night.outcome) == (Verdict.RIGHT, "node:emergency")


def test_keys_can_bring_the_call_to_a_node_first_without_being_judged(norway: Menu) -> None:
    call = NeedCall(norway, need("four", ("health_info.4",)), lang="en", keys="44")
    call.hear(Speech("four"))
    ev = call.finish()
    assert (ev.verdict, ev.outcome) == (Verdict.RIGHT, "health_info.4")


def test_the_decision_is_timed_with_the_clock_given(small: Menu) -> None:
    ticks = iter([10.0, 10.25])
    ev = evaluate_need(small, need("one one zero", ("110",)), lang="en", clock=lambda: next(ticks))
    assert ev.decision_seconds == pytest.approx(0.25)
    assert evaluate_need(small, need("one one zero", ("110",)), lang="en").decision_seconds is None


def test_a_need_is_heard_once_and_judged_after(small: Menu) -> None:
    call = NeedCall(small, need("110", ("110",)), lang="en")
    with pytest.raises(RuntimeError):
        call.finish()
    call.hear(Speech("110"))
    with pytest.raises(RuntimeError):
        call.hear(Speech("110"))
    assert call.finish().verdict is Verdict.RIGHT
    with pytest.raises(RuntimeError):
        call.finish()


# -- the project's own needs files --------------------------------------------------------------
@pytest.mark.parametrize("name", NEEDS_FILES)
def test_every_need_in_the_benchmark_sets_loads_and_names_a_real_outcome(
    name: str, norway: Menu
) -> None:
    path = NEEDS_DIR / f"{name}.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is not written yet")
    loaded = load_needs(path, norway)
    assert loaded.name == name and loaded.needs
    assert loaded.held_out == ("heldout" in name)
    names = outcome_names(norway)
    for item in loaded.needs:
        assert item.must_ask or item.expect, item.where
        assert set(item.expect) <= names, item.where


def test_no_other_needs_files_hide_from_the_benchmark() -> None:
    if not NEEDS_DIR.is_dir():
        pytest.skip("bench/needs/ is not there yet")
    found = {p.stem for p in NEEDS_DIR.glob("*.yaml")}
    assert found <= set(NEEDS_FILES), "the benchmark reads only " + ", ".join(NEEDS_FILES)


def test_keys_to_a_node_follow_time_branches(norway: Menu) -> None:
    assert keys_to(norway, "main", NIGHT) == ""
    assert keys_to(norway, "health_info", NIGHT) == "44"
    assert keys_to(norway, "more", NIGHT) == "4"
    assert keys_to(norway, "gp_open", DAY) == "2"
    assert keys_to(norway, "gp_open", NIGHT) is None  # at night "2" routes to 116 117


def test_a_node_without_a_key_is_reached_by_saying_its_options_label(norway: Menu) -> None:
    steps = steps_to(norway, "emergency", NIGHT)
    assert steps is not None and len(steps) == 1 and isinstance(steps[0], Said)
    assert steps[0].option.label.get("en") == "emergencies"
    assert keys_to(norway, "emergency", NIGHT) is None  # no keys alone get there
    from ivr.errors import Location

    need = Need(1, "ambulance", ("113",), False, NIGHT, Location("n", 1, 1))
    call = NeedCall(norway, need, lang="en", keys=steps)
    assert call.session.state.node == "emergency"
    call.hear(Speech("ambulance"))
    assert call.finish().verdict is Verdict.RIGHT
