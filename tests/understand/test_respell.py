"""Typing slips mended against the menu's words, never real words (ivr.understand.respell)."""

from __future__ import annotations

import pytest

from ivr.events import Route, Speech
from ivr.loader import load_menu_text
from ivr.menuindex import MenuIndex
from ivr.session import Session
from ivr.understand.respell import MAX_WORDS, Respeller, slips

#: A stand-in dictionary: the real words of these tests' sentences.
REAL = {"someone", "just", "grabbed", "sweet", "sweat", "running", "hello", "kitchen"}


def known(word: str, lang: str) -> bool:
    return word in REAL


WORDS = {"en": ["someone", "just", "kitchen", "fire", "daughter", "sweat", "hitting", "hiding"]}


def test_a_slip_in_a_word_of_the_menu_is_mended() -> None:
    respell = Respeller(WORDS, known)
    assert respell("somone just grabbed my bag", "en") == "someone just grabbed my bag"
    assert respell("fire in the kitchin!", "en") == "fire in the kitchen!"
    assert respell("my daugter", "en") == "my daughter"  # a letter dropped
    assert respell("my duaghter", "en") == "my daughter"  # two swapped


def test_real_words_and_short_words_stay_as_written() -> None:
    respell = Respeller(WORDS, known)
    assert respell("choking on a sweet", "en") == "choking on a sweet"  # not "sweat"
    assert respell("fier", "en") == "fire"  # four letters, one menu word a swap away
    assert respell("fre", "en") == "fre"  # under four letters: too many neighbours


def test_a_slip_two_menu_words_are_equally_near_is_left_alone() -> None:
    respell = Respeller(WORDS, known)
    assert respell("someone hiting me", "en") == "someone hiting me"  # hitting or hiding


def test_contractions_and_other_languages_are_left_alone() -> None:
    respell = Respeller(WORDS, known)
    assert respell("my daughter's kitchin", "en") == "my daughter's kitchen"
    assert respell("kitchin", "nb") == "kitchin"


def test_slips_counts_edits_and_swaps_and_stops_early() -> None:
    assert slips("kitchin", "kitchen", 1) == 1
    assert slips("duaghter", "daughter", 1) == 1
    assert slips("abc", "abcdef", 1) == 2  # more than the most asked for
    assert slips("", "", 1) == 0


def test_a_text_far_longer_than_any_need_is_left_as_it_is() -> None:
    respell = Respeller(WORDS, known)
    assert respell("somone " * (MAX_WORDS + 1), "en") == "somone " * (MAX_WORDS + 1)
    assert respell("somone " * MAX_WORDS, "en") == "someone " * MAX_WORDS


@pytest.mark.parametrize("text", ["", "   ", "123 456", "!!!", "ÆØÅ æøå", "a" * 500])
def test_odd_text_passes_through(text: str) -> None:
    respell = Respeller(WORDS, known)
    assert respell(text, "en") == text


MENU = """\
menu: slips
start: main
services:
  police: {number: "112", name: the police}
  info: {number: "02800", name: the police information line, purpose: Questions for the police.}
shortcuts: [police]
nodes:
  main:
    settings: {search: tree}
    prompt: Tell me what happened.
    options:
      - {key: 1, label: the police, words: [robbery, someone is attacking me], route: police}
      - {key: 2, label: police information, words: [police information], route: info}
"""


def test_a_typed_slip_no_longer_hides_the_menu_phrase_in_a_call() -> None:
    menu = load_menu_text(MENU, "slips.yaml")

    def call(index: MenuIndex) -> str | None:
        session = Session(menu, index=index)
        session.start()
        routes = [o for o in session.send(Speech("robbbery")) if isinstance(o, Route)]
        return routes[0].display if routes else None

    assert call(MenuIndex(menu, known=lambda w, lang: False)) == "112"
    assert call(MenuIndex(menu)) is None  # no dictionary: nothing mended
