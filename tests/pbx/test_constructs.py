"""The menu constructs PBX menus compile to, run by the session as the PBXs do.

Patterns with captures filled into the destination, Asterisk's early match,
variables and tests on them, handlers by count, submenus that exit to their
parent: each checked through a real ``Session`` on a small YAML menu.
"""

from __future__ import annotations

import pytest

from ivr.calls import call_result
from ivr.errors import MenuErrors
from ivr.events import KeyPress, Route, Say, Silence
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.paths import route_paths
from ivr.session import Session

FEATURES = """\
menu: pbx
start: main
messages: {connecting: "", no_match: "", no_input: "", invalid_key: "", goodbye: ""}
variables: {tries: "0"}
services:
  features: {name: "transfer ${1} XML features", target: "transfer ${1} XML features"}
  sales: {name: Sales, target: "Queue(sales)"}
  ext: {name: Extension, target: "Dial(SIP/${EXTEN})"}
nodes:
  main:
    prompt: Dial an extension.
    short_prompt: Again.
    collect:
      max_digits: 4
      entries:
        "1": {goto: sub}
        "*": {do: hangup}
      patterns:
        - match: "/^(10[01][0-9])$/"
          route: features
  sub:
    prompt: Sales submenu.
    settings:
      max_no_match: 2
      on_max_failures: {do: exit, say: "Back to the main menu."}
    options:
      - {key: 1, route: sales}
  ast:
    prompt: Asterisk style.
    collect:
      max_digits: 6
      early: true
      entries:
        "1": {route: sales}
      patterns:
        - {match: "_1XX", route: ext}
        - {match: "_2X", route: ext}
  read:
    prompt: Enter 1 or 2.
    collect: {max_digits: 1, into: choice, patterns: [{match: "_X", goto: test}]}
  test:
    branch:
      - when: {var: choice, op: "=", value: "1"}
        route: sales
      - otherwise: true
        set: {tries: "${tries}+1"}
        say: "Try number ${tries}."
        goto: read
  caught:
    prompt: Say something.
    settings: {max_no_input: 0, max_no_match: 0}
    on_no_input:
      - {count: 1, say: "I did not hear you.", reprompt: true}
      - {count: 3, say: "Still nothing.", do: hangup}
    options:
      - {key: 1, route: sales}
"""


def menu_at(start: str) -> Menu:
    return load_menu_text(FEATURES.replace("start: main", f"start: {start}"), "pbx.yaml")


def press(session: Session, keys: str) -> list[object]:
    out: list[object] = []
    for key in keys:
        out += session.send(KeyPress(key))
    return out


def said(outputs: list[object]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Say)]


def test_a_regex_capture_is_filled_into_the_destination_as_the_pbx_wrote_it() -> None:
    session = Session(menu_at("main"))
    session.start()
    out = press(session, "1005")
    routes = [o for o in out if isinstance(o, Route)]
    assert [(r.target, r.number) for r in routes] == [("transfer 1005 XML features", "1005")]
    result = call_result(session)
    assert (result["target"], result["route"]) == ("transfer 1005 XML features", "1005")


def test_a_destination_that_is_not_a_number_routes_with_no_digits() -> None:
    session = Session(menu_at("sub"))
    session.start()
    press(session, "1")
    assert call_result(session)["target"] == "Queue(sales)"
    assert call_result(session)["route"] is None


def test_star_is_an_entry_where_the_node_lists_it_rather_than_back() -> None:
    session = Session(menu_at("main"))
    session.start()
    press(session, "*")
    session.settle()
    session.send(Silence(5))
    assert session.outcome == "hangup"


def test_a_submenu_that_runs_out_of_tries_returns_to_its_parent() -> None:
    session = Session(menu_at("main"))
    session.start()
    press(session, "1")
    session.settle()
    assert session.state.node == "sub"
    out = press(session, "99")
    assert session.state.node == "main"
    assert "Back to the main menu." in said(out)
    assert said(out)[-1] == "Again."  # greet-short on the menu's second visit


def test_asterisk_style_acts_at_once_when_no_longer_extension_could_match() -> None:
    session = Session(menu_at("ast"))
    session.start()
    press(session, "21")
    assert session.outcome == "route"  # _2X is settled by two digits: no pause
    assert call_result(session)["target"] == "Dial(SIP/21)"


def test_asterisk_style_waits_while_a_longer_extension_could_still_match() -> None:
    session = Session(menu_at("ast"))
    session.start()
    press(session, "1")
    assert session.outcome is None and session.waiting_for_digits  # 1 or _1XX?
    session.settle()
    assert call_result(session)["target"] == "Queue(sales)"


def test_a_read_variable_is_tested_by_a_branch_and_a_counter_is_kept() -> None:
    session = Session(menu_at("read"))
    session.start()
    out = press(session, "2")
    assert "Try number 1." in said(out)
    out = press(session, "3")
    assert "Try number 2." in said(out)
    press(session, "1")
    assert call_result(session)["target"] == "Queue(sales)"


def test_the_handler_with_the_highest_count_not_above_the_counter_runs() -> None:
    session = Session(menu_at("caught"))
    session.start()
    first = session.send(Silence(5))
    second = session.send(Silence(5))
    assert said(first) == ["I did not hear you.", "Say something."]
    assert said(second) == ["I did not hear you.", "Say something."]  # count 1 still
    third = session.send(Silence(5))
    assert said(third)[0] == "Still nothing."
    assert session.outcome == "hangup"


def test_paths_follow_patterns_and_variable_branches_to_filled_destinations() -> None:
    menu = menu_at("read")
    paths = {(p.keys, p.destination(menu).target) for p in route_paths(menu)}
    assert ("1", "Queue(sales)") in paths
    main = menu_at("main")
    found = {(p.keys, p.destination(main).target) for p in route_paths(main)}
    assert ("1000", "transfer 1000 XML features") in found
    assert ("11", "Queue(sales)") in found


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('match: "/^(10[01][0-9])$/"', 'match: "/^(10[$/"'),
            "is not a regular expression",
        ),
        (('match: "_1XX"', 'match: "1XX"'), "is neither /a regular expression/ nor an Asterisk"),
        (("into: choice", "into: 9x"), "into: '9x' is not a variable name"),
        (('op: "="', 'op: "=~"'), "op"),
        (('{tries: "${tries}+1"}', "{tries: [1]}"), "set: tries must be text"),
        (("count: 3, say", "count: 1, say"), "repeats count 1"),
    ],
)
def test_bad_pbx_constructs_are_reported_by_line(change: tuple[str, str], message: str) -> None:
    text = FEATURES.replace(*change)
    assert text != FEATURES
    with pytest.raises(MenuErrors) as caught:
        load_menu_text(text, "pbx.yaml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("pbx.yaml:")


def test_an_imported_menu_points_every_location_at_the_pbx_file_line() -> None:
    from ivr.pbx.common import source_lines

    text = FEATURES.replace("  sub:\n", "  # ivr.xml:40\n  sub:\n")
    menu = load_menu_text(text, "ivr.xml", source_lines(text))
    assert (menu.nodes["sub"].where.line, menu.nodes["ast"].where.line) == (40, 40)
    assert menu.nodes["main"].where.line == 1  # above the first source comment
    with pytest.raises(MenuErrors) as caught:
        bad = text.replace("{key: 1, route: sales}\n  ast:", "{key: 1, route: nowhere}\n  ast:")
        assert bad != text
        load_menu_text(bad, "ivr.xml", source_lines(bad))
    assert str(caught.value).startswith("ivr.xml:40:1: node 'sub' option 1 routes to service")


def test_menu_variables_start_every_call_and_are_spoken_filled_in() -> None:
    menu = load_menu_text(
        FEATURES.replace('variables: {tries: "0"}', 'variables: {tries: "0", who: Acme}').replace(
            "prompt: Dial an extension.", "prompt: Welcome to ${who}."
        ),
        "pbx.yaml",
    )
    session = Session(menu)
    assert said(session.start()) == ["Welcome to Acme."]
    assert session.state.variables["tries"] == "0"
