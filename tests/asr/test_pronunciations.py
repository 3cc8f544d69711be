"""Words cmudict lacks that pocketsphinx can still be told how to say."""

from __future__ import annotations

from ivr.asr.base import Grammar
from ivr.asr.pocketsphinx_decoders import (
    cmudict,
    dictionary_text,
    dictionary_unknown,
    pronunciations,
)


def test_an_initialism_is_said_letter_by_letter() -> None:
    known = cmudict()
    assert "gp" not in known
    assert pronunciations("gp") == [f"{known['g'][0]} {known['p'][0]}"]


def test_a_compound_of_two_known_words_is_said_as_the_two() -> None:
    known = cmudict()
    assert "helpline" not in known
    assert pronunciations("helpline") == [f"{known['help'][0]} {known['line'][0]}"]


def test_a_word_with_no_way_to_say_it_stays_unknown() -> None:
    assert pronunciations("legevakt") == []
    assert dictionary_unknown(["gp", "legevakt", "fire"]) == ["legevakt"]


def test_the_decoders_dictionary_holds_the_spelled_initialism() -> None:
    text = dictionary_text(Grammar(["register with a gp"]))
    assert "gp JH IY P IY" in text.splitlines()
