"""simplemma's dictionaries as the respeller's judge of real words (ivr.nlu.spelling)."""

from __future__ import annotations

import pytest

from ivr.nlu.spelling import open_known

pytest.importorskip("simplemma")


def test_real_words_of_english_and_bokmal_are_known_and_slips_are_not() -> None:
    known = open_known()
    assert known is not None
    assert known("someone", "en") and known("sweet", "en")
    assert not known("somone", "en") and not known("kitchin", "en")
    assert known("kjæresten", "nb") and not known("kjærsten", "nb")


def test_a_language_without_a_dictionary_counts_every_word_as_known() -> None:
    known = open_known()
    assert known is not None
    assert known("xyzzy", "ko")


def test_the_norway_menu_mends_a_typed_slip_before_it_understands() -> None:
    from ivr.loader import load_menu
    from ivr.menuindex import MenuIndex
    from tests.scripted.conftest import NORWAY

    index = MenuIndex(load_menu(NORWAY), known=open_known())
    assert index.respell("somone just grabbed my bag", "en") == "someone just grabbed my bag"
    assert index.respell("my daughter's inhaler", "en") == "my daughter's inhaler"
