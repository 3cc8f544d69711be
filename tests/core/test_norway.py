"""The flagship menu: plain-words needs reach the right number, in English and Norwegian.

A wrong route here is the worst bug this project can have, so each case names the
seed fact it rests on.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ivr.events import KeyPress, Speech
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.session import Session

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def norway() -> Menu:
    return load_menu(ROOT / "menus" / "norway.yaml")


def say(menu: Menu, text: str, lang: str = "en", at: str = "2026-11-23 21:00") -> Session:
    session = Session(menu, lang=lang, start_time=datetime.fromisoformat(at))
    session.start()
    session.send(Speech(text))
    return session


ENGLISH = [
    ("my dad has chest pain", "113"),  # 004: chest pains -> 113
    ("she is unconscious", "113"),
    ("I think he is having a stroke, his speech is slurred", "113"),
    ("my wife can't breathe", "113"),
    ("I smell gas", "110"),  # 004: gas leaks -> 110
    ("my house is on fire", "110"),
    ("there is smoke coming from the kitchen", "110"),
    ("someone is breaking in to my house", "112"),  # 004: crime in progress -> 112
    ("a hiker is missing in the mountains", "112"),  # 004: police lead search and rescue
    ("my friend's boat has not returned", "112"),
    ("my bike was stolen last week", "02800"),  # 004: minor incidents, advice -> 02800
    ("I want to report a theft", "02800"),
    ("my son has a high fever", "116117"),  # 004: high fever in children -> 116 117 (GP closed)
    ("I think I broke my arm, a broken bone", "116117"),
    ("I feel depressed and need someone to talk to", "116123"),  # 004: emotional crisis
    ("I am deaf", "1412"),  # 004: 1412 for the deaf and hard of hearing
    ("I need to register with a GP", "81059500"),  # 000: register with a GP -> 810 59 500
    ("someone is breaking into my house", "112"),
    ("my son broke his arm", "116117"),
    ("I have been scammed", "02800"),
    ("one one three", "113"),
    ("one hundred and twelve", "112"),
    ("call one one six one two three", "116123"),
]

NORWEGIAN = [
    ("pappa har brystsmerter", "113"),
    ("hun er bevisstløs", "113"),
    ("jeg lukter gass", "110"),
    ("det brenner i huset", "110"),
    ("det er innbrudd hos naboen", "112"),
    ("en turgåer er savnet på fjellet", "112"),
    ("sykkelen min ble stjålet", "02800"),
    ("barnet har høy feber", "116117"),
    ("jeg er deprimert", "116123"),
    ("jeg er døv", "1412"),
    ("jeg vil bytte fastlege", "81059500"),
    ("noen bryter seg inn", "112"),
    ("en en tre", "113"),
    ("hundre og ti", "110"),
]


@pytest.mark.parametrize(("text", "number"), ENGLISH)
def test_english_needs_reach_the_right_number(norway: Menu, text: str, number: str) -> None:
    session = say(norway, text)
    assert session.route is not None, [line.text for line in session.transcript]
    assert session.route.number == number


@pytest.mark.parametrize(("text", "number"), NORWEGIAN)
def test_norwegian_needs_reach_the_right_number(norway: Menu, text: str, number: str) -> None:
    session = say(norway, text, lang="nb")
    assert session.route is not None, [line.text for line in session.transcript]
    assert session.route.number == number


def test_doctor_during_gp_hours_offers_gp_first(norway: Menu) -> None:
    session = say(norway, "my son has a high fever", at="2026-11-24 10:00")
    assert session.route is None and session.state.node == "gp_open"
    session.send(KeyPress("1"))
    session.settle()
    assert session.route is not None and session.route.number == "116117"


def test_car_accident_asks_ambulance_or_fire(norway: Menu) -> None:
    session = say(norway, "there has been a car accident")
    assert session.route is None and session.state.mode == "choose"
    assert session.transcript[-1].text == (
        "Did you mean an ambulance or the fire service? For an ambulance, press 1. For the fire "
        "service, press 2."
    )


@pytest.mark.parametrize(
    "text",
    ["it's not a fire", "hello", "what is this", "I don't know", "the weather is nice"],
)
def test_unclear_words_never_route(norway: Menu, text: str) -> None:
    session = say(norway, text)
    assert session.route is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("toothache", "free for children up to the age of 18"),  # 000: dental care
        ("I am pregnant", "Bekkestua, Storøya, Marie Plathe and Sandvika"),  # 000: maternity
        ("I need an interpreter", "interpreter if you need one"),  # 000: interpreters
        ("my baby needs a vaccination", "children up to six years old"),  # 000: clinics
        ("I am a tourist and not registered", "whatever their residence status"),  # 000
    ],
)
def test_information_branches_answer_from_the_seeds(norway: Menu, text: str, fragment: str) -> None:
    session = say(norway, text)
    infos = [line.text for line in session.transcript if line.kind == "info"]
    assert infos and fragment in infos[0]
    assert session.route is None and not session.ended


def test_every_service_is_reachable_by_speech(norway: Menu) -> None:
    reached = {number for _, number in ENGLISH}
    assert reached == {s.number for s in norway.services.values()}


def test_an_emergency_described_deep_in_the_menu_still_reaches_113(norway: Menu) -> None:
    session = Session(norway, start_time=datetime(2026, 11, 24, 10, 0))
    session.start()
    session.send(KeyPress("2"))  # GP hours: the gp_open node
    session.settle()
    assert session.state.node == "gp_open"
    session.send(Speech("my husband has chest pain"))
    assert session.route is not None and session.route.number == "113"
