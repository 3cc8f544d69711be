"""The Norway menu exported to each PBX format and imported back.

What must survive a round trip: every keypad path to every number (``ivr
paths``), and the scripted calls of the original that the format can carry
(the exporter's README names what it cannot). Measured here, per format, so
a lost feature shows up as a call that no longer passes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ivr.calls import Step, call_result, run_step
from ivr.cli.main import main
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.paths import RoutePath, route_paths
from ivr.scripted.callfile import load_call_file
from ivr.scripted.model import ScriptedCall
from ivr.scripted.runner import run_call
from ivr.session import Session

ROOT = Path(__file__).resolve().parents[2]
NORWAY = ROOT / "menus" / "norway.yaml"
CALLS = ROOT / "tests" / "calls" / "norway.calls.yaml"
MAIN_FILE = {"freeswitch": "ivr_menus.xml", "asterisk": "extensions.conf", "voicexml": "menu.vxml"}
#: What a caller can do on each system: keys everywhere; speech where the format has
#: grammars (VoiceXML choices), not the free description of a need (no format has it).
SPEECH = {"freeswitch": False, "asterisk": False, "voicexml": True}


_NO_INPUT_SOUND = "FreeSWITCH plays nothing after a timeout: no 'didn't hear' apology"
_KEYS_TOGETHER = (
    "keys for two menus typed together are one entry where a menu takes several digits "
    "(the caller must pause, as on the real system)"
)
#: Calls of the original that a format carries in principle but that run differently
#: on its export, and why; each is also in the export's README. The test fails when
#: this list is wrong either way, so a format that improves shows up here.
DIFFERENT: dict[str, dict[str, str]] = {
    "freeswitch": {
        "no input once reprompts with the short prompt": _NO_INPUT_SOUND,
        "no input three times hangs up with the safety message": _NO_INPUT_SOUND,
        "dial nothing but silence": _NO_INPUT_SOUND,
        "dial too short a number is an invalid key, an unknown one a no match": (
            "FreeSWITCH has one invalid-sound for a too short number and an unknown one"
        ),
        "dial 4 5 then 02800 hash reaches the police information line": _KEYS_TOGETHER,
        "dial without the hash key submits after a pause": _KEYS_TOGETHER,
        "dial star goes back to other services": _KEYS_TOGETHER,
    },
    "asterisk": {
        "dial too short a number is an invalid key, an unknown one a no match": (
            "Asterisk has one i extension for a too short number and an unknown one"
        ),
    },
    "voicexml": {},
}


def routed_number(menu: Menu, path: RoutePath) -> str | None:
    """The number a call reaches pressing the path's keys node by node (pausing between
    nodes, as a caller of a PBX menu that takes several digits at once must)."""
    session = Session(menu, start_time=path.at)
    session.start()
    for keys in path.presses or (path.keys,):
        run_step(session, Step("press", keys))
    session.settle()
    result = call_result(session)
    return str(result["route"]) if result["outcome"] == "route" else None


def paths_hold(where: Menu, paths: list[RoutePath], source: Menu) -> dict[str, str | None]:
    """The paths of ``source`` that do not reach the same number on ``where``."""
    wrong: dict[str, str | None] = {}
    for path in paths:
        wanted = path.destination(source).number
        got = routed_number(where, path)
        if got != wanted:
            wrong[f"{'/'.join(path.presses or (path.keys,))} at {path.at}: {wanted}"] = got
    return wrong


def exported(kind: str, folder: Path) -> Path:
    out = folder / kind
    code = main(["export", str(NORWAY), "--to", kind, "--out", str(out), "--no-sounds"])
    assert code == 0
    return out / MAIN_FILE[kind]


def carried(call: ScriptedCall, kind: str) -> bool:
    """A call the format can carry: English (one language is exported), keys, and
    menu phrases where the format hears speech."""
    if call.lang not in (None, "en") or call.audio:
        return False
    actions = {step.kind for step in call.steps if step.is_action}
    allowed = {"press", "silence", "hangup"} | ({"say"} if SPEECH[kind] else set())
    return actions <= allowed


@pytest.mark.parametrize("kind", sorted(MAIN_FILE))
def test_every_keypad_path_reaches_the_same_number_both_ways(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The export may have more paths (a PBX without global keys lists the shortcuts at
    every menu), but each path of either menu reaches the same number on the other."""
    original = load_menu(NORWAY)
    again = load_menu(exported(kind, tmp_path))
    capsys.readouterr()
    mine = [p for p in route_paths(original) if p.via == "menu"]
    theirs = [p for p in route_paths(again) if p.via == "menu"]
    assert len(theirs) >= len(mine)
    assert paths_hold(again, mine, original) == {}
    assert paths_hold(original, theirs, again) == {}


@pytest.mark.parametrize("kind", sorted(MAIN_FILE))
def test_the_norway_calls_the_format_carries_pass_on_the_imported_export(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load_call_file(CALLS)
    again = replace(loaded, menu=load_menu(exported(kind, tmp_path)))
    capsys.readouterr()
    calls = [c for c in loaded.calls.calls if carried(c, kind)]
    assert len(calls) >= 20  # the keypad calls alone are more than this
    failed = set()
    for call in calls:
        outcome = run_call(again, call)
        if not outcome.ok:
            failed.add(call.name)
    assert failed == set(DIFFERENT[kind])
