"""The caller's side of a live call: typing and talking hold the no-input timeout,
Ctrl-D hangs up, held keys are shown, confidence is put in words, and text and voice
show the same lines in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.audio.fakes import FakeClock
from ivr.live import call as live_call
from ivr.live.call import LiveCall
from ivr.live.inputs import (
    CallerHungUp,
    Draft,
    Heard,
    InputLost,
    Key,
    LiveInput,
    SpeechBegan,
    SpeechDropped,
    Typed,
)
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.session import Session
from tests.core.menus import TINY
from tests.live.displays import ListDisplay
from tests.live.test_live_call import make_call, run_for

NO_INPUT = "IVR Sorry, I didn't hear anything."


@pytest.fixture
def tiny() -> Menu:
    return load_menu_text(TINY)


def text_call(menu: Menu) -> tuple[LiveCall, FakeClock, ListDisplay]:
    clock = FakeClock()
    display = ListDisplay()
    call = LiveCall(Session(menu), display, clock=clock)
    call.begin(clock())
    return call, clock, display


def test_typing_holds_the_reprompt_however_long_the_caller_takes(tiny: Menu) -> None:
    call, clock, display = text_call(tiny)
    run_for(call, clock, 3.0)
    call.step(Draft("my dad has"), clock())
    run_for(call, clock, 30.0)  # a long pause in the middle of the sentence
    assert NO_INPUT not in display.lines
    call.step(Typed("my dad has a burglar in the house"), clock())
    assert call.session.route is not None and call.session.route.id == "police"


def test_an_erased_line_gives_the_caller_the_whole_timeout_again(tiny: Menu) -> None:
    call, clock, display = text_call(tiny)
    run_for(call, clock, 4.0)
    call.step(Draft("x"), clock())
    run_for(call, clock, 10.0)
    call.step(Draft(""), clock())
    run_for(call, clock, 4.5)
    assert NO_INPUT not in display.lines
    run_for(call, clock, 1.0)
    assert NO_INPUT in display.lines


def test_the_line_being_typed_is_shown_as_it_grows(tiny: Menu) -> None:
    call, clock, display = text_call(tiny)
    call.step(Draft("f"), clock())
    call.step(Draft("fi"), clock())
    call.step(Typed("fire"), clock())
    start = display.lines.index("DRAFT f")
    assert display.lines[start : start + 4] == ["DRAFT f", "DRAFT fi", "DRAFT ", "CALLER fire"]


def test_speech_holds_the_reprompt_until_it_is_heard(tiny: Menu, tmp_path: Path) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, output.plays[0].audio.seconds + 1.0)
    call.step(SpeechBegan(), clock())
    run_for(call, clock, 8.0)  # a long utterance
    assert NO_INPUT not in display.lines
    call.step(Heard("I smell gas", 0.9), clock())
    assert call.session.route is not None and call.session.route.id == "fire"


@pytest.mark.parametrize("stop", [SpeechDropped(), InputLost("recogniser", "crashed")])
def test_speech_that_comes_to_nothing_restarts_the_timeout(
    tiny: Menu, tmp_path: Path, stop: LiveInput
) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, output.plays[0].audio.seconds + 1.0)
    call.step(SpeechBegan(), clock())
    run_for(call, clock, 8.0)
    call.step(stop, clock())
    run_for(call, clock, 4.5)
    assert NO_INPUT not in display.lines
    run_for(call, clock, 1.0)
    assert NO_INPUT in display.lines


def test_a_speech_start_never_followed_up_stops_holding_the_timeout(
    tiny: Menu, tmp_path: Path
) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, output.plays[0].audio.seconds + 1.0)
    call.step(SpeechBegan(), clock())
    run_for(call, clock, live_call.TALK_HOLD_LIMIT + 6.0)
    assert NO_INPUT in display.lines


def test_typing_cuts_the_prompt_as_speaking_does(tiny: Menu, tmp_path: Path) -> None:
    call, clock, output, _, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, 1.0)
    call.step(Draft("g"), clock())
    assert output.plays[0].played_seconds == pytest.approx(1.0)
    assert call.barge_ins[0].by == "speech"


def test_ctrl_d_hangs_up_mid_prompt_with_an_outcome(tiny: Menu, tmp_path: Path) -> None:
    call, clock, output, display, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    run_for(call, clock, 1.0)
    call.step(CallerHungUp(), clock())
    assert call.session.ended and call.session.caller_hung_up
    assert display.lines[-1] == "HUNG UP"
    assert output.plays[0].played_seconds == pytest.approx(1.0)  # stopped there
    assert not call.busy


def test_a_key_that_may_become_a_shortcut_is_shown_as_waiting(tiny: Menu) -> None:
    call, clock, display = text_call(tiny)
    call.step(Key("1"), clock())
    assert display.lines[-1] == "WAITING 1 ... waiting in case you dial 110 or 112"
    run_for(call, clock, 2.5)  # the inter-digit timeout: option 1 after all
    shown = [line for line in display.lines if not line.startswith("NODE")]
    cleared = shown.index("WAITING ")
    assert cleared > shown.index("CALLER 1")
    assert shown[cleared + 1].startswith("IVR Emergencies.")  # cleared before it


def test_an_unsure_utterance_is_shown_in_words_and_the_menu_asks(tiny: Menu) -> None:
    call, clock, display = text_call(tiny)
    call.step(Heard("fire", 0.45), clock())
    assert "CALLER heard 'fire', not sure: asking" in display.lines
    said = [line for line in display.lines if line.startswith(("CALLER", "IVR"))]
    caller = said.index("CALLER heard 'fire', not sure: asking")
    assert said[caller + 1].startswith("IVR Did you say")
    assert not any("0.45" in line for line in display.lines)


def test_voice_shows_the_route_after_its_announcement_as_text_does(
    tiny: Menu, tmp_path: Path
) -> None:
    steps: list[LiveInput] = [Key("2")]
    text, clock, display = text_call(tiny)
    for item in steps:
        text.step(item, clock())
    voice, vclock, _, vdisplay, _ = make_call(tiny, tmp_path)
    voice.begin(vclock())
    for item in steps:
        voice.step(item, vclock())
    voice.drain()

    def shown(lines: list[str]) -> list[str]:
        return [line for line in lines if line.split()[0] in ("IVR", "CALLER", "RESULT")]

    assert shown(vdisplay.lines) == shown(display.lines)
    assert shown(display.lines)[-2:] == [
        "IVR Putting you through to the info line.",
        "RESULT 02800",
    ]


def test_a_key_that_cuts_the_announcement_does_not_hide_the_route(
    tiny: Menu, tmp_path: Path
) -> None:
    call, clock, _, display, _ = make_call(tiny, tmp_path)
    call.begin(clock())
    call.step(Key("2"), clock())  # the info line: its announcement starts
    run_for(call, clock, 0.5)
    call.step(Key("5"), clock())
    assert "RESULT 02800" in display.lines
