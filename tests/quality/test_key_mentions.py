"""Which keys a prompt tells a caller to press."""

from __future__ import annotations

import pytest

from ivr.analysis.prompts import announced_numbers, key_mentions


@pytest.mark.parametrize(
    ("lang", "text", "keys"),
    [
        ("en", "Press 1 for X, 2 for Y, or 3 for Z.", ["1", "2", "3"]),
        ("en", "Press 1 ambulance, 2 police, 3 fire, 4 someone missing.", ["1", "2", "3", "4"]),
        ("en", "Press 0 for an operator, star to go back, hash to repeat, and 9 for the menu.",
         ["0", "*", "#", "9"]),
        ("en", "Press one for sales and nine to hear this again.", ["1", "9"]),
        ("en", "Say or key 1 1 3 for an ambulance, 1 1 2 for the police at any time.",
         ["113", "112"]),
        ("en", "Press 2 for young people aged 12 to 24.", ["2"]),
        ("en", "Press 2 to register, on 8 1 0, 5 9, 5 0 0.", ["2"]),
        ("en", "Our office is open 8 to 4. There are 25 staff.", []),
        ("nb", "Trykk 1 for brann, 2 for politi eller 4 hvis noen er savnet.", ["1", "2", "4"]),
        ("nb", "Trykk fire for helse. Trykk stjerne for å gå tilbake, firkant for å gjenta.",
         ["4", "*", "#"]),
        ("nb", "Tast 1 1 3 når som helst.", ["113"]),
    ],
)  # fmt: skip
def test_key_mentions(lang: str, text: str, keys: list[str]) -> None:
    assert [m.keys for m in key_mentions(text, lang)] == keys


@pytest.mark.parametrize(
    ("text", "number"),
    [("Connecting you on 1 1 6 1 1 7.", "116117"), ("Call 116 117 now.", "116117"),
     ("on 8 1 0, 5 9, 5 0 0.", "81059500"), ("dial one one three", "113"),
     ("ring 02800", "02800")],
)  # fmt: skip
def test_announced_numbers_digit_by_digit_or_grouped(text: str, number: str) -> None:
    assert any(number in run for run in announced_numbers(text, "en"))
