"""``ivr export --to freeswitch``: the Norway menu as FreeSWITCH menus and dialplan,
every prompt named through the sink, what cannot be said natively in the notes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import time
from pathlib import Path

import pytest

from ivr.loader import load_menu
from ivr.model import Menu, TimeWindow
from ivr.pbx.freeswitch import Exported, export_menu
from ivr.pbx.freeswitch.writexml import conditions
from tests.conftest import NORWAY


class FakeSink:
    """Records every prompt it is asked for and names it by its position."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def sound(self, text: str, lang: str) -> str:
        if (text, lang) not in self.texts:
            self.texts.append((text, lang))
        return f"s{self.texts.index((text, lang))}"

    def text_of(self, reference: str) -> str:
        name = Path(reference).stem
        return self.texts[int(name[1:])][0]


@pytest.fixture(scope="module")
def norway() -> Menu:
    return load_menu(NORWAY)


@pytest.fixture(scope="module")
def exported(norway: Menu) -> tuple[Exported, FakeSink]:
    sink = FakeSink()
    return export_menu(norway, sink), sink


def menus_of(result: Exported) -> dict[str, ET.Element]:
    root = ET.fromstring(result.files["ivr_menus.xml"])
    assert root.tag == "include"
    return {m.attrib["name"]: m for m in root.findall("menu")}


def entries(menu: ET.Element, digits: str) -> list[tuple[str, str]]:
    return [
        (e.attrib["action"], e.attrib.get("param", ""))
        for e in menu.findall("entry")
        if e.attrib["digits"] == digits
    ]


def test_the_export_is_a_menus_file_and_a_dialplan_file_both_well_formed(
    exported: tuple[Exported, FakeSink],
) -> None:
    result, _ = exported
    assert set(result.files) == {"ivr_menus.xml", "dialplan/norway.xml"}
    for text in result.files.values():
        ET.fromstring(text)


def test_every_node_but_the_branch_is_a_menu_and_the_start_comes_first(
    exported: tuple[Exported, FakeSink], norway: Menu
) -> None:
    result, _ = exported
    names = list(menus_of(result))
    assert names[0] == "main"
    expected = {n for n, node in norway.nodes.items() if not node.branch}
    assert expected <= set(names)
    assert "doctor_now" not in names


def test_every_prompt_is_a_sound_named_by_the_sink_under_sounds_dir(
    exported: tuple[Exported, FakeSink], norway: Menu
) -> None:
    result, sink = exported
    menus = menus_of(result)
    for node_id, node in norway.nodes.items():
        if node.branch:
            continue
        greet = menus[node_id].attrib["greet-long"]
        assert greet.startswith("$${sounds_dir}/norway/") and greet.endswith(".wav")
        assert sink.text_of(greet) == node.prompt.get("en")
    assert all(lang == "en" for _, lang in sink.texts)


def test_a_service_is_its_announcement_then_a_transfer(
    exported: tuple[Exported, FakeSink], norway: Menu
) -> None:
    result, sink = exported
    three = entries(menus_of(result)["main"], "3")
    assert [action for action, _ in three] == ["menu-play-sound", "menu-exec-app"]
    assert sink.text_of(three[0][1]) == norway.services["mental_health"].announce.get("en")
    assert three[1][1] == "transfer 116123 XML default"


def test_shortcuts_are_entries_at_every_menu_with_room_for_their_digits(
    exported: tuple[Exported, FakeSink],
) -> None:
    for name, menu in menus_of(exported[0]).items():
        if "_confirm_" in name:
            continue
        for number in ("110", "112", "113"):
            assert entries(menu, number)[-1] == ("menu-exec-app", f"transfer {number} XML default")
        assert int(menu.attrib["digit-len"]) >= 3


def test_the_operator_is_confirmed_in_a_submenu_of_its_own(
    exported: tuple[Exported, FakeSink],
) -> None:
    result, sink = exported
    menus = menus_of(result)
    assert entries(menus["main"], "0") == [("menu-sub", "main_confirm_0")]
    confirm = menus["main_confirm_0"]
    assert sink.text_of(confirm.attrib["greet-long"]).startswith("Did you say operator?")
    assert entries(confirm, "1")[-1] == ("menu-exec-app", "transfer 112 XML default")
    assert entries(confirm, "2") == [("menu-back", "")]


def test_goto_is_a_submenu_and_back_at_the_top_says_so(
    exported: tuple[Exported, FakeSink],
) -> None:
    result, sink = exported
    menus = menus_of(result)
    assert entries(menus["main"], "4") == [("menu-sub", "more")]
    assert entries(menus["more"], "*") == [("menu-back", "")]
    top_back = entries(menus["main"], "*")
    assert sink.text_of(top_back[0][1]) == "You are already at the main menu."
    assert entries(menus["more"], "9") == [("menu-top", "")]


def test_the_dial_node_takes_every_service_number_ended_by_hash(
    exported: tuple[Exported, FakeSink], norway: Menu
) -> None:
    dial = menus_of(exported[0])["dial"]
    assert dial.attrib["digit-len"] == "8"
    for service in norway.services.values():
        assert entries(dial, service.number)[-1][0] == "menu-exec-app"


def test_timings_and_counts_are_written_in_freeswitch_units(
    exported: tuple[Exported, FakeSink],
) -> None:
    main = menus_of(exported[0])["main"].attrib
    assert (main["timeout"], main["inter-digit-timeout"]) == ("5000", "1500")
    assert (main["max-failures"], main["max-timeouts"]) == ("3", "3")
    assert "exec-on-max-failures" not in main  # the outermost menu ends: exit-sound, hang up


def test_the_time_of_day_branch_is_routed_by_dialplan_extensions(
    exported: tuple[Exported, FakeSink],
) -> None:
    result, _ = exported
    assert entries(menus_of(result)["main"], "2") == [
        ("menu-exec-app", "transfer doctor_now XML norway")
    ]
    root = ET.fromstring(result.files["dialplan/norway.xml"])
    extensions = root.findall("./context[@name='norway']/extension")
    assert [e.attrib["name"] for e in extensions] == ["doctor_now_1", "doctor_now_2"]
    day = extensions[0].findall("condition")[1]
    assert (day.attrib["wday"], day.attrib["time-of-day"]) == ("2,3,4,5,6", "08:00-15:59:59")
    assert [(a.attrib["application"], a.attrib["data"]) for a in day.findall("action")] == [
        ("ivr", "gp_open")
    ]
    other = extensions[1].find("condition")
    assert other is not None
    assert [(a.attrib["application"], a.attrib["data"]) for a in other.findall("action")][-1] == (
        "transfer",
        "116117 XML default",
    )


def test_a_window_across_midnight_is_two_conditions_on_the_right_days() -> None:
    friday_night = TimeWindow(frozenset({4}), time(22, 0), time(6, 0))
    assert conditions(friday_night) == [
        {"wday": "6", "time-of-day": "22:00-23:59:59"},
        {"wday": "7", "time-of-day": "00:00-05:59:59"},
    ]


def test_the_notes_say_what_freeswitch_menus_cannot_do(
    exported: tuple[Exported, FakeSink],
) -> None:
    notes = " ".join(exported[0].notes)
    assert "Option main.w1 has no key" in notes
    assert "The repeat command on # is not exported" in notes
    assert "Only en is exported" in notes
    assert "Spoken answers" in notes
    assert all(note.endswith(".") for note in exported[0].notes)


def test_another_language_is_exported_on_request(norway: Menu) -> None:
    sink = FakeSink()
    result = export_menu(norway, sink, "nb")
    main = menus_of(result)["main"]
    assert sink.text_of(main.attrib["greet-long"]) == norway.nodes["main"].prompt.get("nb")
    assert {lang for _, lang in sink.texts} == {"nb"}
