"""What the split of the session into ``ivr.call`` must keep: a call frees itself,
the transcript reads as before, and the layout stays small."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from ivr.call.record import Recorder, VisitKind
from ivr.events import KeyPress, Speech
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.refs import Ref
from ivr.session import Session
from tests.core.menus import TINY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny() -> Menu:
    return load_menu_text(TINY, "tiny.yaml")


def test_a_finished_call_is_freed_without_the_cyclic_collector(tiny: Menu) -> None:
    # thousands of calls in a test run or a benchmark must not wait for the collector
    gc.disable()
    try:
        session = Session(tiny)
        session.start()
        session.send(Speech("operator"))  # confirm: true
        session.send(KeyPress("1"))  # held: "1" may start the shortcut 110
        session.settle()
        assert session.route is not None and session.route.id == "police"
        ref = weakref.ref(session)
        del session
        assert ref() is None
    finally:
        gc.enable()


def test_keys_pressed_one_after_another_make_one_transcript_line() -> None:
    record = Recorder()
    record.caller("1", "press", 0.0)
    record.caller("2", "press", 0.5)
    record.caller("help", "say", 1.0)
    record.caller("3", "press", 2.0)
    assert [(ln.text, ln.kind, ln.at) for ln in record.transcript] == [
        ("12", "press", 0.0),
        ("help", "say", 1.0),
        ("3", "press", 2.0),
    ]


def test_taking_a_choice_is_visited_under_its_ref_kind() -> None:
    record = Recorder()
    record.took(Ref.shortcut("fire"))
    record.took(Ref.option("main.1"))
    assert record.visits == [("shortcut", "shortcut:fire"), ("option", "main.1")]
    assert record.visits[0][0] is VisitKind.SHORTCUT
    with pytest.raises(KeyError):
        record.took(Ref.fail())  # too many failures is not a choice a caller takes


@pytest.mark.parametrize(
    "path", [ROOT / "ivr" / "session.py", *sorted((ROOT / "ivr" / "call").glob("*.py"))]
)
def test_each_part_of_the_call_stays_readable_in_one_sitting(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
