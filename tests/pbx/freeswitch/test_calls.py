"""Calls through imported FreeSWITCH menus, run by the session: each feature behaves
as ``switch_ivr_menu_execute`` runs it (which menu the caller is in, what is said,
where the call is routed and the route's target as FreeSWITCH would dial it)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ivr.calls import Step, call_result, run_step
from ivr.events import KeyPress, Silence
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.session import Session
from tests.pbx.freeswitch.conftest import DEMO_STYLE, FEATURES, imported, snippet


def load(path: Path) -> Menu:
    return load_menu_text(imported(path).yaml_text, name=str(path))


@pytest.fixture(scope="module")
def features() -> Menu:
    return load(FEATURES)


def call(menu: Menu, *steps: str, at: datetime | None = None) -> dict[str, Any]:
    """Run ``press:KEYS`` / ``silence:SECONDS`` steps; the call's JSON result."""
    session = Session(menu, start_time=at)
    session.start()
    for step in steps:
        kind, _, value = step.partition(":")
        run_step(session, Step(kind, value))
    return call_result(session)


def said(result: dict[str, Any]) -> list[str]:
    return [line["text"] for line in result["transcript"] if line["who"] == "ivr"]


def test_greet_long_on_entry_and_greet_short_after_a_wrong_entry(features: Menu) -> None:
    result = call(features, "press:7")
    assert said(result) == [
        "Welcome to Example Corp. Press 1 for sales, 2 for support, 3 for our opening hours, "
        "or key an extension from 1000 to 1019. Press 0 for the operator.",
        "ivr that was an invalid entry",
        "Press 1 sales, 2 support, 3 opening hours, 0 operator, or an extension.",
    ]


def test_a_lone_key_is_held_until_the_inter_digit_timeout_of_digit_len_four(
    features: Menu,
) -> None:
    session = Session(features)
    session.start()
    session.send(KeyPress("1"))
    assert session.waiting_for_digits and session.node.id == "main"
    session.send(Silence(1.9))
    assert session.node.id == "main"
    session.send(Silence(0.2))  # the menu's inter-digit-timeout is 2000 ms
    assert session.node.id == "sales"


def test_hash_ends_the_entry_at_once(features: Menu) -> None:
    session = Session(features)
    session.start()
    session.send(KeyPress("1"))
    session.send(KeyPress("#"))
    assert session.node.id == "sales"


def test_a_regex_capture_is_substituted_into_the_transfer(features: Menu) -> None:
    result = call(features, "press:1013")
    assert (result["outcome"], result["route"]) == ("route", "1013")
    assert result["target"] == "transfer 1013 XML features"


def test_digits_outside_the_regex_are_an_invalid_entry(features: Menu) -> None:
    result = call(features, "press:1020")
    assert result["outcome"] == "waiting"
    assert "ivr that was an invalid entry" in said(result)


def test_a_bridge_routes_to_its_dial_string(features: Menu) -> None:
    result = call(features, "press:9")
    assert result["target"] == "bridge sofia/gateway/carrier/5550100"
    assert result["route"] == "5550100"


def test_an_application_the_simulator_cannot_run_ends_as_a_route_to_it(features: Menu) -> None:
    result = call(features, "press:8")
    assert result["target"] == "voicemail default example.com 1000"
    assert result["route"] is None


def test_timeouts_and_failures_are_counted_apart(features: Menu) -> None:
    # max-failures 3, max-timeouts 2: two failures and one timeout leave the call in the menu
    result = call(features, "press:7", "silence:10", "press:7")
    assert result["outcome"] == "waiting"
    ended = call(features, "press:7", "silence:10", "press:7", "silence:10")
    assert ended["outcome"] == "hangup"
    assert said(ended)[-1] == "vm goodbye"


def test_the_third_failure_plays_the_invalid_sound_then_the_exit_sound(features: Menu) -> None:
    result = call(features, "press:7", "press:7", "press:7")
    assert result["outcome"] == "hangup"
    assert said(result)[-1] == "ivr that was an invalid entry vm goodbye"


def test_a_submenu_out_of_tries_returns_to_its_parent_without_the_exit_sound(
    features: Menu,
) -> None:
    result = call(features, "press:1", "press:7", "press:7")
    assert result["outcome"] == "waiting"
    assert result["nodes"][-1] == "main"
    assert "This is never played" not in " ".join(said(result))


def test_menu_back_returns_and_menu_top_goes_to_the_outermost_menu(features: Menu) -> None:
    assert call(features, "press:1", "press:*")["nodes"][-1] == "main"
    deep = call(features, "press:1", "press:2", "press:0")
    assert deep["nodes"] == ["main", "sales", "orders", "main"]


def test_menu_exit_ends_the_call_with_the_exit_sound(features: Menu) -> None:
    result = call(features, "press:*")
    assert result["outcome"] == "hangup"
    assert said(result)[-1] == "vm goodbye"


def test_menu_play_sound_plays_then_greets_short(features: Menu) -> None:
    result = call(features, "press:3")
    assert said(result)[-2:] == [
        "We are open from nine to five, Monday to Friday.",
        "Press 1 sales, 2 support, 3 opening hours, 0 operator, or an extension.",
    ]
    assert result["nodes"] == ["main"]


def test_transfer_sound_plays_before_a_transfer(features: Menu) -> None:
    result = call(features, "press:0")
    assert said(result)[-1] == "Please hold while we transfer your call."
    assert (result["route"], result["target"]) == ("1000", "transfer 1000 XML default")


def test_an_order_number_is_six_digits_ended_by_hash(features: Menu) -> None:
    result = call(features, "press:1", "press:2", "press:123456#")
    assert (result["route"], result["target"]) == ("7123456", "transfer 7123456 XML orders")


def test_two_entries_on_one_key_play_then_transfer(features: Menu) -> None:
    result = call(features, "press:2", "press:2")
    assert said(result)[-1] == "An engineer will answer shortly."
    assert result["route"] == "3000"


def test_exec_on_max_failures_transfers_instead_of_leaving(features: Menu) -> None:
    result = call(features, "press:2", "press:5", "press:5")
    assert result["target"] == "transfer 1000 XML default"


def test_the_hangup_application_hangs_up(features: Menu) -> None:
    assert call(features, "press:2", "press:3")["outcome"] == "hangup"


def test_a_call_can_start_at_a_named_menu() -> None:
    menu = load_menu_text(imported(FEATURES, "orders").yaml_text, name=str(FEATURES))
    assert call(menu)["nodes"] == ["orders"]


def test_the_demo_style_extension_range_and_the_filled_in_bridge() -> None:
    menu = load(DEMO_STYLE)
    assert call(menu, "press:1018")["target"] == "transfer 1018 XML features"
    assert call(menu, "press:1")["target"] == "bridge sofia/domain/888@conference.example.org"


def test_a_dialplan_time_condition_routes_by_the_time_of_day(tmp_path: Path) -> None:
    (tmp_path / "dialplan").mkdir()
    (tmp_path / "dialplan" / "shop.xml").write_text(
        """<include><context name="shop">
  <extension name="hours">
    <condition field="destination_number" expression="^open_or_not$"/>
    <condition wday="mon-fri" hour="9-16">
      <action application="ivr" data="open"/>
      <anti-action application="playback" data="say:We are closed."/>
      <anti-action application="hangup" data=""/>
    </condition>
  </extension>
</context></include>""",
        encoding="utf-8",
    )
    text = """<include>
<menu name="front" greet-long="say:Press 1 for the shop.">
  <entry action="menu-exec-app" digits="1" param="transfer open_or_not XML shop"/>
</menu>
<menu name="open" greet-long="say:The shop is open."><entry action="menu-back" digits="*"/></menu>
</include>"""
    (tmp_path / "menus.xml").write_text(text, encoding="utf-8")
    menu = load(tmp_path / "menus.xml")
    tuesday_noon = datetime(2026, 11, 24, 12, 0)
    assert call(menu, "press:1", at=tuesday_noon)["nodes"][-1] == "open"
    saturday = call(menu, "press:1", at=datetime(2026, 11, 28, 12, 0))
    assert saturday["outcome"] == "hangup"
    assert said(saturday)[-1] == "We are closed."
    five_pm = call(menu, "press:1", at=datetime(2026, 11, 24, 17, 0))  # hour 9-16 ends 16:59
    assert five_pm["outcome"] == "hangup"
    assert call(menu, "press:1", at=datetime(2026, 11, 24, 16, 59))["nodes"][-1] == "open"


def test_set_variables_fill_in_a_later_transfer() -> None:
    result = snippet(
        """
        <menu name="m" greet-long="say:Hi" digit-len="1">
          <entry action="menu-exec-app" digits="1" param="set dept=2001"/>
          <entry action="menu-exec-app" digits="1" param="transfer ${dept} XML default"/>
        </menu>"""
    )
    menu = load_menu_text(result.yaml_text, name="menus.xml")
    assert call(menu, "press:1")["target"] == "transfer 2001 XML default"
