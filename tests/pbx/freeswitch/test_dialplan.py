"""Transfers into dialplan extensions: time-of-day routing read as a branch, and what
the simulator does not follow named in a warning (the transfer stays a route)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.errors import MenuError
from ivr.pbx.common import Imported
from ivr.pbx.freeswitch import import_text
from tests.pbx.freeswitch.conftest import document, warnings_of

MENU = """<menu name="m" greet-long="say:Press 1.">
  <entry action="menu-exec-app" digits="1" param="transfer hours XML shop"/>
</menu>"""


def with_dialplan(extensions: str, tmp_path: Path) -> Imported:
    """The menu above, its dialplan in ``dialplan/shop.xml`` beside it."""
    (tmp_path / "dialplan").mkdir(exist_ok=True)
    context = f'<include><context name="shop">{extensions}</context></include>'
    (tmp_path / "dialplan" / "shop.xml").write_text(context, encoding="utf-8")
    file = tmp_path / "menus.xml"
    file.write_text(f"<include>{MENU}</include>", encoding="utf-8")
    return import_text(file.read_text(encoding="utf-8"), str(file))


def test_a_dialplan_in_the_same_document_is_followed() -> None:
    text = f"""<document type="freeswitch/xml">
<section name="configuration"><configuration name="ivr.conf"><menus>{MENU}</menus>
</configuration></section>
<section name="dialplan"><context name="shop">
  <extension name="hours">
    <condition field="destination_number" expression="^hours$"/>
    <condition wday="2-6" time-of-day="09:00-17:00">
      <action application="transfer" data="2000 XML default"/>
      <anti-action application="transfer" data="3000 XML default"/>
    </condition>
  </extension>
</context></section></document>"""
    doc = document(import_text(text, "all.xml"))
    assert doc["nodes"]["m"]["options"][0] == {"key": "1", "goto": "hours"}
    rules = doc["nodes"]["hours"]["branch"]
    assert rules[0]["when"] == {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "time": "09:00-17:00",  # FreeSWITCH also takes 17:00:00 itself: one second
    }
    assert rules[1]["otherwise"] is True
    assert [doc["services"][r["route"]]["target"] for r in rules] == [
        "transfer 2000 XML default",
        "transfer 3000 XML default",
    ]


def test_another_numbers_extension_is_passed_over_whatever_it_uses(tmp_path: Path) -> None:
    result = with_dialplan(
        """
        <extension name="other"><condition field="${caller_id_number}" expression="^1"/>
          <condition field="destination_number" expression="^other$">
            <action application="hangup"/></condition></extension>
        <extension name="hours"><condition field="destination_number" expression="^hours$">
          <action application="transfer" data="2000 XML default"/></condition></extension>""",
        tmp_path,
    )
    doc = document(result)
    assert doc["nodes"]["hours"]["branch"][0]["otherwise"] is True
    assert warnings_of(result) == []


def test_an_extension_using_what_the_simulator_cannot_follow_stays_a_route(
    tmp_path: Path,
) -> None:
    result = with_dialplan(
        """<extension name="hours">
          <condition field="destination_number" expression="^hours$"/>
          <condition minute-of-day="540-1020"><action application="hangup"/></condition>
        </extension>""",
        tmp_path,
    )
    option = document(result)["nodes"]["m"]["options"][0]
    assert "route" in option
    assert "a minute-of-day condition is not followed by the simulator" in warnings_of(result)[0]


def test_a_window_across_midnight_keeps_the_weekday_of_the_moment(tmp_path: Path) -> None:
    result = with_dialplan(
        """<extension name="night"><condition field="destination_number" expression="^hours$"/>
          <condition wday="sat" time-of-day="22:00-05:59:59">
            <action application="hangup"/></condition></extension>
        <extension name="day"><condition field="destination_number" expression="^hours$">
          <action application="transfer" data="2000 XML default"/></condition></extension>""",
        tmp_path,
    )
    rules = document(result)["nodes"]["hours"]["branch"]
    assert [r.get("when") for r in rules[:2]] == [
        {"days": ["sat"], "time": "22:00-24:00"},
        {"days": ["sat"], "time": "00:00-06:00"},
    ]


def test_no_extension_at_other_times_is_a_rejected_call(tmp_path: Path) -> None:
    result = with_dialplan(
        """<extension name="hours"><condition field="destination_number" expression="^hours$"/>
          <condition hour="9-16"><action application="transfer" data="2000 XML default"/>
          </condition></extension>""",
        tmp_path,
    )
    rules = document(result)["nodes"]["hours"]["branch"]
    assert rules[-1] == {"otherwise": True, "do": "hangup"}
    assert "FreeSWITCH rejects the call (NO_ROUTE_DESTINATION)" in warnings_of(result)[0]


def test_extensions_transferring_in_a_ring_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MenuError) as caught:
        with_dialplan(
            """
            <extension name="a"><condition field="destination_number" expression="^hours$">
              <action application="transfer" data="again XML shop"/></condition></extension>
            <extension name="b"><condition field="destination_number" expression="^again$">
              <action application="transfer" data="hours XML shop"/></condition></extension>""",
            tmp_path,
        )
    assert caught.value.message.startswith("again -> hours -> again never play a greeting")
    assert caught.value.where.file.endswith("shop.xml")


def test_an_unreadable_dialplan_file_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "dialplan").mkdir()
    (tmp_path / "dialplan" / "broken.xml").write_text("<include><context>", encoding="utf-8")
    file = tmp_path / "menus.xml"
    file.write_text(f"<include>{MENU}</include>", encoding="utf-8")
    result = import_text(file.read_text(encoding="utf-8"), str(file))
    assert "dialplan file not read" in warnings_of(result)[0]
    assert "route" in document(result)["nodes"]["m"]["options"][0]
