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

from ivr.cli.main import main
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.paths import route_paths
from ivr.scripted.callfile import load_call_file
from ivr.scripted.model import ScriptedCall
from ivr.scripted.runner import run_call

ROOT = Path(__file__).resolve().parents[2]
NORWAY = ROOT / "menus" / "norway.yaml"
CALLS = ROOT / "tests" / "calls" / "norway.calls.yaml"
MAIN_FILE = {"freeswitch": "ivr_menus.xml", "asterisk": "extensions.conf", "voicexml": "menu.vxml"}
#: What a caller can do on each system: keys everywhere; speech where the format has
#: grammars (VoiceXML choices), not the free description of a need (no format has it).
SPEECH = {"freeswitch": False, "asterisk": False, "voicexml": True}


def keypad_paths(menu: Menu) -> set[tuple[str, str, str | None]]:
    return {
        (p.keys, p.destination(menu).number, p.when) for p in route_paths(menu) if p.via == "menu"
    }


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
def test_norway_exports_and_imports_back_with_the_same_keypad_paths(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = load_menu(NORWAY)
    again = load_menu(exported(kind, tmp_path))
    capsys.readouterr()
    assert keypad_paths(again) == keypad_paths(original)


@pytest.mark.parametrize("kind", sorted(MAIN_FILE))
def test_the_norway_calls_the_format_carries_pass_on_the_imported_export(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load_call_file(CALLS)
    again = replace(loaded, menu=load_menu(exported(kind, tmp_path)))
    capsys.readouterr()
    calls = [c for c in loaded.calls.calls if carried(c, kind)]
    assert len(calls) >= 20  # the keypad calls alone are more than this
    failed = {}
    for call in calls:
        outcome = run_call(again, call)
        if not outcome.ok:
            failed[call.name] = str(outcome.failure or outcome.error)
    assert failed == {}
