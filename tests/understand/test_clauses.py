"""Where a caller's sentence is cut into parts weighed on their own."""

from __future__ import annotations

import pytest

from ivr.understand.clauses import after_but, parts


def test_a_sentence_is_cut_at_words_that_start_another_need() -> None:
    text = "I need to register with a GP and also my son has a high fever"
    assert parts(text, "en") == ["I need to register with a GP", "my son has a high fever"]
    nb = "Jeg vil vite når babyen skal vaksineres, og så må jeg melde at sykkelen er stjålet"
    assert parts(nb, "nb") == [
        "Jeg vil vite når babyen skal vaksineres",
        "må jeg melde at sykkelen er stjålet",
    ]


def test_a_bare_and_never_cuts_one_need_in_two() -> None:
    text = "my dad has chest pain and is sweating"
    assert parts(text, "en") == [text]


def test_parts_too_short_to_say_anything_are_dropped() -> None:
    text = "fire! my kitchen is burning. please hurry"
    assert parts(text, "en") == [text]  # one part left: nothing to weigh apart
    assert parts("my kitchen is burning. my son is not breathing", "en") == [
        "my kitchen is burning",
        "my son is not breathing",
    ]


def test_what_follows_the_last_but_is_the_point() -> None:
    text = "sorry to ring so late, it's probably nothing, but I can't lift my right arm"
    assert after_but(text, "en") == "I can't lift my right arm"
    nb = "unnskyld at jeg ringer, det er sikkert ingenting, men jeg får ikke løftet armen"
    assert after_but(nb, "nb") == "jeg får ikke løftet armen"
    assert after_but("sorry to bother you, but", "en") is None
    assert after_but("my son has a fever", "en") is None


@pytest.mark.parametrize("text", ["", " ", ",,,", "...", "but", "and also", "men men men"])
def test_empty_and_odd_sentences_are_left_whole(text: str) -> None:
    assert parts(text, "en") == [text]
    assert after_but(text, "en") is None
    assert parts(text, "xx") == [text]  # a language with no markers
