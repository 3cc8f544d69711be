"""``ivr export --to asterisk``: a dialplan Asterisk loads, and our reader reads back
into a menu whose keypad paths and calls are the original's."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from ivr.events import KeyPress, Silence
from ivr.loader import load_menu, load_menu_text
from ivr.model import Menu
from ivr.paths import RoutePath, route_paths
from ivr.pbx.asterisk import export_menu, import_text
from ivr.pbx.asterisk.compile import read_dialplan
from ivr.pbx.asterisk.export import Exported
from ivr.pbx.common import SoundList, sounds_index_text
from ivr.session import Session
from tests.core.test_cli import run_cli
from tests.pbx.asterisk.helpers import MONDAY_NOON

ROOT = Path(__file__).resolve().parents[3]
NORWAY = load_menu(ROOT / "menus" / "norway.yaml")


class FakeSink:
    """Names each prompt by its place in the list and keeps the texts."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def sound(self, text: str, lang: str) -> str:
        if (text, lang) not in self.texts:
            self.texts.append((text, lang))
        return f"p{self.texts.index((text, lang))}"


def exported(menu: Menu = NORWAY, lang: str | None = None) -> tuple[Exported, FakeSink]:
    sink = FakeSink()
    return export_menu(menu, sink, lang), sink


def reimported(menu: Menu, folder: Path) -> Menu:
    """The export written as the CLI writes it (with its sounds index), read back."""
    sounds = SoundList()
    result = export_menu(menu, sounds)
    (folder / "sounds").mkdir(parents=True)
    (folder / "sounds" / "index.json").write_text(sounds_index_text(sounds))
    path = folder / "extensions.conf"
    path.write_text(result.files["extensions.conf"])
    back = import_text(result.files["extensions.conf"], str(path))
    assert back.warnings == ()
    return load_menu_text(back.yaml_text, str(path))


def test_the_norway_export_is_a_dialplan_our_reader_takes_without_a_warning() -> None:
    result, _ = exported()
    assert list(result.files) == ["extensions.conf"]
    plan = read_dialplan(result.files["extensions.conf"], "extensions.conf")
    assert plan.errors == [] and plan.warnings == [] and plan.autofallthrough
    assert set(NORWAY.nodes) <= set(plan.contexts)  # a context per node, named after it
    assert "operator_confirm" in plan.contexts


def test_every_menu_context_takes_the_shortcuts_and_keyed_commands() -> None:
    plan = read_dialplan(exported()[0].files["extensions.conf"], "extensions.conf")
    menus = [nid for nid, node in NORWAY.nodes.items() if node.options]
    assert len(menus) == 6
    for nid in menus:
        assert {"110", "112", "113", "#", "*", "9", "0", "i", "t"} <= set(
            plan.contexts[nid].extensions
        )
    assert "110" not in plan.contexts["doctor_now"].extensions  # a branch takes no keys


def test_prompts_are_sound_files_named_by_the_sink_in_the_menus_folder() -> None:
    result, sink = exported()
    text = result.files["extensions.conf"]
    prompt = NORWAY.nodes["main"].prompt.get("en")
    number = sink.texts.index((prompt, "en"))
    assert f"same => n(prompt),Background(norway/p{number})" in text
    assert all(lang == "en" for _, lang in sink.texts)
    assert all(f"norway/p{i})" in text for i in range(len(sink.texts)))  # none unused


def test_a_time_branch_is_gotoiftime_ending_a_minute_early() -> None:
    text = exported()[0].files["extensions.conf"]
    section = text.split("[doctor_now]")[1].split("\n\n")[0]
    assert "exten => s,1,GotoIfTime(08:00-15:59,mon&tue&wed&thu&fri,*,*?rule1)" in section
    assert " same => n(rule1),Goto(gp_open,s,1)" in section
    assert " same => n,Dial(PJSIP/116117)" in section


def test_the_notes_say_what_a_dialplan_cannot_carry() -> None:
    notes = exported()[0].notes
    assert "Options without a key are left out (main: emergencies)." in notes
    assert any(n.startswith("Speech is not exported") for n in notes)
    assert any(n.startswith("Only the en prompts are exported") for n in notes)
    assert any(n.startswith("Back (and a submenu's exit) goes to the node above") for n in notes)


def test_the_norwegian_export_speaks_norwegian() -> None:
    result, sink = exported(lang="nb")
    assert {lang for _, lang in sink.texts} == {"nb"}
    assert any("Nød- og helsetelefonen" in text for text, _ in sink.texts)
    assert any(n.startswith("Only the nb prompts are exported") for n in result.notes)


def keypad(menu: Menu) -> set[tuple[str, str, str | None]]:
    return {
        (p.keys, p.destination(menu).number, p.when) for p in route_paths(menu) if p.via == "menu"
    }


def routed(menu: Menu, path: RoutePath) -> str | None:
    """The number ``path``'s keys reach on ``menu``, at the path's time."""
    session = Session(menu, start_time=path.at or MONDAY_NOON)
    session.start()
    for key in path.keys:
        session.send(KeyPress(key))
    session.settle()
    return session.route.number if session.route else None


def test_norway_read_back_has_the_same_keypad_paths_both_ways(tmp_path: Path) -> None:
    again = reimported(NORWAY, tmp_path)
    assert keypad(again) == keypad(NORWAY)
    everything = [(p, NORWAY) for p in route_paths(again)] + [
        (p, again) for p in route_paths(NORWAY)
    ]
    for path, other in everything:  # shortcuts and commands too, run on the other menu
        origin = again if other is NORWAY else NORWAY
        assert routed(other, path) == path.destination(origin).number, path


def test_norway_read_back_keeps_shortcuts_commands_and_announcements(tmp_path: Path) -> None:
    again = reimported(NORWAY, tmp_path)
    assert sorted(again.services[s].number for s in again.shortcuts) == ["110", "112", "113"]
    operator = next(c for c in again.commands if c.name == "operator")
    assert (operator.key, operator.action.confirm) == ("0", True)
    assert again.services[operator.action.target or ""].number == "112"
    assert again.nodes["dial"].collect is not None and again.nodes["dial"].collect.match_services
    fire = next(s for s in again.services.values() if s.number == "110")
    assert fire.announce.get("en") == NORWAY.services["fire"].announce.get("en")


def test_norway_read_back_escalates_no_input_as_the_original(tmp_path: Path) -> None:
    again = reimported(NORWAY, tmp_path)
    transcripts = []
    for menu in (NORWAY, again):
        session = Session(menu, start_time=MONDAY_NOON)
        session.start()
        for _ in range(3):
            session.send(Silence(6))
        transcripts.append((" ".join(line.text for line in session.transcript), session.outcome))
    short, full = NORWAY.nodes["main"].short_prompt.get("en"), NORWAY.nodes["main"].help.get("en")
    for text, outcome in transcripts:
        assert short in text and full in text and outcome == "hangup"


FEATURES = """\
menu: shop
start: main
variables: {tries: "0"}
messages: {connecting: "", goodbye: "Bye."}
services:
  desk: {name: Desk, target: "Dial(SIP/${EXTEN})"}
  sales: {name: Sales, number: "5000"}
nodes:
  main:
    prompt: Key an extension, or 1 for sales.
    settings: {max_no_input: 0}
    on_no_input:
      - {count: 1, say: "Still there?", reprompt: true}
      - {count: 2, say: "Goodbye.", do: hangup}
    collect:
      max_digits: 4
      early: true
      entries:
        "1": {set: {tries: "${tries}+1"}, goto: check}
      patterns:
        - {match: "_2XXX", route: desk}
  check:
    branch:
      - when: {var: tries, op: ">=", value: "2"}
        say: "Twice now."
        route: sales
      - otherwise: true
        goto: main
"""


def test_the_pbx_constructs_survive_an_export_and_a_read_back(tmp_path: Path) -> None:
    menu = load_menu_text(FEATURES, "shop.yaml")
    text = export_menu(menu, FakeSink()).files["extensions.conf"]
    assert "exten => _2XXX,1,Dial(SIP/${EXTEN})" in text
    assert 'GotoIf($["${tries}" >= "2"]?rule1)' in text
    again = reimported(menu, tmp_path)
    for keys, wanted in (("2345", "Dial(SIP/2345)"), ("1", None)):
        for each in (menu, again):
            session = Session(each, start_time=MONDAY_NOON)
            session.start()
            for key in keys:
                session.send(KeyPress(key))
            session.settle()
            assert (session.route.target if session.route else None) == wanted


def test_the_menus_variables_are_the_dialplans_globals() -> None:
    text = export_menu(load_menu_text(FEATURES, "shop.yaml"), FakeSink()).files["extensions.conf"]
    assert "[globals]\ntries=0" in text


def test_ivr_export_writes_a_dialplan_ivr_call_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "asterisk"
    code, _, _ = run_cli(
        capsys, "export", str(ROOT / "menus" / "norway.yaml"), "--to", "asterisk",
        "--out", str(out), "--no-sounds",
    )  # fmt: skip
    assert code == 0
    index = json.loads((out / "sounds" / "index.json").read_text())
    assert len(index["sounds"]) > 20
    code, text, _ = run_cli(capsys, "call", str(out / "extensions.conf"), "--press", "41", "--json")
    assert code == 0
    outcome = json.loads(text)
    assert (outcome["route"], outcome["target"]) == ("02800", "Dial(PJSIP/02800)")
    assert outcome["transcript"][0]["text"].startswith("Emergency and health line.")


def test_a_late_call_at_the_doctor_branch_takes_the_other_rule_after_the_round_trip(
    tmp_path: Path,
) -> None:
    again = reimported(NORWAY, tmp_path)
    evening = datetime(2026, 11, 23, 16, 0)
    for menu in (NORWAY, again):
        session = Session(menu, start_time=evening)
        session.start()
        session.send(KeyPress("2"))
        assert session.route is not None and session.route.number == "116117"
