"""The Norway menu exported to FreeSWITCH and read back: the same services by the same
keys. Every route path of the original reaches the same number on the re-import, and
every path of the re-import reaches the same number on the original (the re-import
has more: shortcuts and the operator are entries at every FreeSWITCH menu, and the
direct-dial menu lists every number; each works on the original too)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ivr.calls import Step, call_result, run_step
from ivr.loader import load_menu, load_menu_text
from ivr.model import Menu
from ivr.paths import RoutePath, route_paths
from ivr.pbx.common import SoundList, sounds_index_text
from ivr.pbx.freeswitch import export_menu, import_text
from ivr.session import Session
from tests.conftest import NORWAY
from tests.pbx.freeswitch.conftest import FEATURES


@pytest.fixture(scope="module")
def original() -> Menu:
    return load_menu(NORWAY)


@pytest.fixture(scope="module")
def folder(original: Menu, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``ivr export --to freeswitch`` writes (without rendering the sounds)."""
    out = tmp_path_factory.mktemp("norway-freeswitch")
    sounds = SoundList()
    for name, text in export_menu(original, sounds).files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    (out / "sounds").mkdir()
    (out / "sounds" / "index.json").write_text(sounds_index_text(sounds), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def reimported(folder: Path) -> Menu:
    file = folder / "ivr_menus.xml"
    return load_menu_text(import_text(file.read_text(encoding="utf-8"), str(file)).yaml_text)


def presses(menu: Menu, path: RoutePath) -> list[str]:
    """The path's keys split where the caller moves on to another node (a FreeSWITCH
    menu takes keys typed together as one entry, so the caller pauses between menus)."""
    keys, steps = path.keys, []
    for here, there in zip(path.nodes, path.nodes[1:], strict=False):
        node = menu.nodes[here]
        if node.branch:
            continue
        choices = [(o.key or "", o.action) for o in node.options]
        choices += list(node.collect.entries) if node.collect is not None else []
        key = next(k for k, a in choices if a.target == there and k and keys.startswith(k))
        steps.append(key)
        keys = keys[len(key) :]
    if keys.endswith("1") and len(keys) > 1 and _confirmed(menu, path.nodes[-1], keys[:-1]):
        return [*steps, keys[:-1], "1"]
    return [*steps, keys] if keys else steps


def _confirmed(menu: Menu, node_id: str, key: str) -> bool:
    node = menu.nodes[node_id]
    actions = [o.action for o in node.options if o.key == key]
    actions += [c.action for c in menu.commands if c.key == key]
    return any(a.confirm for a in actions)


def routed_number(menu: Menu, steps: list[str], at: datetime | None) -> str | None:
    session = Session(menu, start_time=at)
    session.start()
    for keys in steps:
        run_step(session, Step("press", keys))
    result = call_result(session)
    return result["route"] if result["outcome"] == "route" else None


def number_of(menu: Menu, path: RoutePath) -> str:
    return path.destination(menu).number


def test_the_reimport_has_every_key_path_of_the_original(original: Menu, reimported: Menu) -> None:
    before = {(p.keys, number_of(original, p)) for p in route_paths(original)}
    after = {(p.keys, number_of(reimported, p)) for p in route_paths(reimported)}
    assert before <= after
    assert {n for _, n in before} == {n for _, n in after}


def test_every_path_of_the_original_routes_the_same_on_the_reimport(
    original: Menu, reimported: Menu
) -> None:
    for path in route_paths(original):
        steps = presses(original, path)
        assert routed_number(reimported, steps, path.at) == number_of(original, path), steps


def test_every_path_of_the_reimport_routes_the_same_on_the_original(
    original: Menu, reimported: Menu
) -> None:
    for path in route_paths(reimported):
        steps = presses(reimported, path)
        assert routed_number(original, steps, path.at) == number_of(reimported, path), steps


def test_the_time_of_day_branch_survives_the_round_trip(reimported: Menu) -> None:
    monday_noon, monday_evening = datetime(2026, 11, 23, 12, 0), datetime(2026, 11, 23, 19, 0)
    assert routed_number(reimported, ["2"], monday_evening) == "116117"
    assert routed_number(reimported, ["2"], monday_noon) is None  # the GP menu asks first
    assert routed_number(reimported, ["2", "2"], monday_noon) == "81059500"


def test_the_reimported_prompts_speak_the_original_words(original: Menu, reimported: Menu) -> None:
    start = reimported.nodes[reimported.start]
    assert start.prompt.get("en") == original.nodes["main"].prompt.get("en")
    assert start.short_prompt.get("en") == original.nodes["main"].short_prompt.get("en")


def test_a_freeswitch_menu_imported_and_exported_again_keeps_its_targets_and_keys() -> None:
    text = FEATURES.read_text(encoding="utf-8")
    first = load_menu_text(import_text(text, str(FEATURES)).yaml_text)
    result = export_menu(first, SoundList())
    again = load_menu_text(import_text(result.files["ivr_menus.xml"], "again.xml").yaml_text)
    for menu in (first, again):
        assert {p.keys: p.destination(menu).target for p in route_paths(menu)} == {
            "0": "transfer 1000 XML default",
            "1000": "transfer 1000 XML features",
            "11": "transfer 2001 XML default",
            "12000000": "transfer 7000000 XML orders",
            "22": "transfer 3000 XML default",
            "8": "voicemail default example.com 1000",
            "9": "bridge sofia/gateway/carrier/5550100",
        }
    assert not any("failure handlers" in note for note in result.notes)
