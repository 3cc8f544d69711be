"""Stems, negation and Norwegian compounds as the rankers see them."""

from __future__ import annotations

from ivr.understand.lexicon import split_compound, terms


def test_a_norwegian_compound_of_two_known_words_is_split() -> None:
    assert split_compound("kjøkkenbrann", {"kjøkken", "brann"}, "nb") == ("kjøkken", "brann")


def test_a_compound_joined_by_s_is_split_at_the_joint() -> None:
    assert split_compound("hjemstur", {"hjem", "tur"}, "nb") == ("hjem", "tur")


def test_a_compound_with_an_unknown_modifier_is_kept_whole() -> None:
    # a bread knife in a kitchen accident is not a "knife" for the police
    assert split_compound("brødkniv", {"kniv"}, "nb") == ("brødkniv",)


def test_known_words_negations_and_english_are_never_split() -> None:
    known = {"brann", "bil", "bilbrann", "fire", "place"}
    assert split_compound("bilbrann", known, "nb") == ("bilbrann",)
    assert split_compound("not_bilbrann", {"bil", "brann"}, "nb") == ("not_bilbrann",)
    assert split_compound("fireplace", known, "en") == ("fireplace",)


def test_the_lexical_ranker_hears_a_compound_the_menu_never_wrote() -> None:
    from ivr.understand.ranker import LexicalRanker
    from ivr.understand.targets import Target

    fire = Target("fire", ("route", "110"), True, (("nb", ("brann i kjøkkenet",)),))
    police = Target("police", ("route", "112"), True, (("nb", ("innbrudd i huset",)),))
    ranker = LexicalRanker([fire, police], ["nb"])
    ranked = ranker.rank("det er kjøkkenbrann", "nb")
    assert [s.ref for s in ranked] == ["fire"]
    assert ranked[0].overlap == 2  # "kjøkken" and "brann"
    assert terms("det er kjøkkenbrann", "nb") == ("kjøkkenbrann",)
