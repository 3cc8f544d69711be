"""Time to service, checked against figures worked out by hand (60 wpm: a word a second)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from ivr.analysis.timing import (
    KEY_SECONDS,
    TtsDurations,
    WordRateDurations,
    parse_budget,
    time_to_service,
)
from ivr.audio.pcm import Audio
from ivr.calls import Step, run_step
from ivr.errors import IvrError
from ivr.loader import load_menu
from ivr.model import Voice
from ivr.session import Session


@pytest.fixture
def timing_menu(menus: Path):  # type: ignore[no-untyped-def]
    menu = load_menu(menus / "timing.yaml")
    return replace(menu, voices={"en": Voice("gmw/en", 60)})  # a word a second


def by_service(menu) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {rt.service: rt for rt in time_to_service(menu)}


def test_shortcut_by_barge_in_is_keys_plus_announcement(timing_menu) -> None:  # type: ignore[no-untyped-def]
    fire = by_service(timing_menu)["fire"]
    assert fire.presses == 3 and fire.fewest_keys == "110"
    assert fire.paths["barge"].seconds == pytest.approx(3 * KEY_SECONDS + 4)
    assert fire.paths["listen"].seconds == pytest.approx(7 + 3 * KEY_SECONDS + 4)


def test_worst_case_adds_every_allowed_timeout_and_reprompt(timing_menu) -> None:  # type: ignore[no-untyped-def]
    fire = by_service(timing_menu)["fire"]
    # prompt 7, then twice: timeout 4 + "Sorry." 1 + short prompt 2 / full prompt 7 + help 3
    assert fire.paths["worst"].seconds == pytest.approx(7 + (4 + 1 + 2) + (4 + 1 + 7 + 3) + 0.9 + 4)


def test_menu_route_counts_inter_digit_waits_and_confirmation(timing_menu) -> None:  # type: ignore[no-untyped-def]
    doc = by_service(timing_menu)["doc"]
    assert doc.fewest_keys == "121" and doc.presses == 3
    # "1" could start 110, so the session waits 2 s after it, at main and at the confirmation
    key_and_wait = KEY_SECONDS + 2
    assert doc.paths["barge"].seconds == pytest.approx(
        key_and_wait + KEY_SECONDS + key_and_wait + 4
    )
    confirm_words = 14  # "Did you say doc? Say yes or press 1. Say no or press 2."
    assert doc.paths["listen"].seconds == pytest.approx(
        7 + key_and_wait + 4 + KEY_SECONDS + confirm_words + key_and_wait + 4
    )
    assert doc.paths["barge"].nodes == ("main", "sub")


def test_the_session_waits_exactly_the_modelled_inter_digit_time(timing_menu) -> None:  # type: ignore[no-untyped-def]
    session = Session(timing_menu)
    session.start()
    for key in "121":
        run_step(session, Step("press", key))
    assert session.route is not None and session.route.id == "doc"
    assert session.elapsed == pytest.approx(2 * 2.0)  # two waits, as the model counts


def test_norway_emergency_numbers_are_reached_within_ten_seconds_by_barge_in(
    norway_path: Path,
) -> None:
    times = by_service(load_menu(norway_path))
    for sid in ("fire", "police", "ambulance"):
        assert times[sid].paths["barge"].seconds <= 10
        assert times[sid].paths["barge"].keys == load_menu(norway_path).services[sid].number


def test_word_rate_uses_the_menu_voice_rate(timing_menu) -> None:  # type: ignore[no-untyped-def]
    durations = WordRateDurations(timing_menu)
    assert durations("one two three", "en") == pytest.approx(3.0)
    assert durations("one two three", "xx") == pytest.approx(3 * 60 / 160)


@dataclass
class FakeSpeaker:
    """Two seconds of audio per prompt, whatever its length."""

    texts: list[str]

    def synthesize(self, text: str, settings: object) -> Audio:
        self.texts.append(text)
        return Audio(np.zeros(16000 * 2, dtype=np.float32), 16000)

    def voices(self) -> list[object]:
        return []


def test_tts_durations_time_the_synthesised_audio(menus: Path, tmp_path: Path) -> None:
    # espeak-ng refuses rates under 80 wpm, so this copy of the menu speaks at 120
    text = (menus / "timing.yaml").read_text().replace("rate: 80", "rate: 120")
    (tmp_path / "timing.yaml").write_text(text)
    menu = load_menu(tmp_path / "timing.yaml")
    speaker = FakeSpeaker([])
    durations = TtsDurations(menu, speaker)
    times = {rt.service: rt for rt in time_to_service(menu, durations=durations)}
    assert times["fire"].paths["listen"].seconds == pytest.approx(2 + 0.9 + 2)
    assert "Press 1 for the doctor menu now." in speaker.texts


@pytest.mark.parametrize(
    ("text", "target", "seconds", "mode"),
    [("113<=10s", "113", 10.0, "barge"), (" 116 117 <= 7.5 ", "116117", 7.5, "barge"),
     ("ambulance<=60s:listen", "ambulance", 60.0, "listen"),
     ("110<=90:worst", "110", 90.0, "worst")],
)  # fmt: skip
def test_budgets_parse(text: str, target: str, seconds: float, mode: str) -> None:
    budget = parse_budget(text)
    assert (budget.target, budget.seconds, budget.mode) == (target, seconds, mode)


@pytest.mark.parametrize("text", ["113", "113<10s", "<=10s", "113<=ten", "113<=10s:fast"])
def test_bad_budgets_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(IvrError) as caught:
        parse_budget(text)
    assert caught.value.hint


def test_keys_are_read_menu_by_menu_with_the_confirmation_as_its_own_step(timing_menu) -> None:  # type: ignore[no-untyped-def]
    times = by_service(timing_menu)
    doc = times["doc"]
    assert doc.paths["barge"].steps == ("1", "2", "1")
    assert doc.paths["barge"].said == "1 then 2 then 1"  # the last 1 says yes
    assert times["fire"].paths["barge"].said == "1 1 0" and times["fire"].fewest_said == "1 1 0"


def test_norway_emergency_numbers_are_keyed_within_15_s_by_a_caller_who_listens_to_the_end(
    norway_path: Path,
) -> None:
    menu = load_menu(norway_path)
    for lang in menu.languages:
        times = {rt.service: rt for rt in time_to_service(menu, lang=lang)}
        for sid in menu.shortcuts:
            listened = times[sid].paths["listen"]
            assert listened.seconds - times[sid].announce_s <= 15, (lang, sid)
            assert listened.steps == (menu.services[sid].number,)
