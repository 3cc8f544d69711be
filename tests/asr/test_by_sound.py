"""How a transcript sounds as the last word on a menu phrase: the phone distance
(``ivr.asr.phonetic``), the rules of ``by_sound``, the transcriber's own preference
in ``choose``, and ``FreeSpeech`` applying them, with fakes and cmudict."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ivr.asr.base import Grammar, Result, Source, recognize
from ivr.asr.free_speech import FreeSpeech
from ivr.asr.phonetic import SoundsLike
from ivr.asr.phrase_choice import (
    ONE_MODEL,
    SOUNDS_ASK,
    SOUNDS_EXEMPT,
    SOUNDS_LIKE,
    SOUNDS_OTHERWISE,
    SOUNDS_SAME,
    SURE,
    UNCONFIRMED,
    by_sound,
    choose,
)
from tests.asr.test_composition import (
    FakeRecognizer,
    FakeScorer,
    _audio,
    _phrase,
    _transcript,
)

#: A pronouncing dictionary small enough to read: enough for the phrases below.
DICTIONARY = {
    "key": "K IY",
    "keen": "K IY N",
    "in": "IH N",
    "a": "AH",
    "number": "N AH M B ER",
    "he": "HH IY",
    "is": "IH Z",
    "enter": "EH N T ER",
    "dial": "D AY AH L",
    "police": "P AH L IY S",
    "fire": "F AY ER",
    "sick": "S IH K",
    "see": "S IY",
    "teeth": "T IY TH",
    "one": "W AH N",
    "gun": "G AH N",
    "theft": "TH EH F T",
    "threatened": "TH R EH T AH N D",
    "have": "HH AE V",
    "zero": "Z IH R OW",
    "ambulance": "AE M B Y AH L AH N S",
    "and": "AH N D",
    "violins": "V AY AH L IH N Z",
    "violence": "V AY AH L AH N S",
}


def _pronounce(word: str) -> Sequence[str]:
    found = DICTIONARY.get(word)
    return [found] if found else []


SOUNDS = SoundsLike(_pronounce)
NUMBERS = Grammar(["key in a number", "enter a number", "dial a number", "police"])


# -- the distance ----------------------------------------------------------------------


def test_a_text_sounds_exactly_like_itself_and_nothing_like_silence() -> None:
    assert SOUNDS.distance("key in a number", "key in a number") == 0.0
    assert SOUNDS.distance("police", "fire") > 0.5
    assert SOUNDS.distance("", "police") == 1.0


def test_a_misheard_transcript_sounds_nearest_to_what_was_said() -> None:
    ranked = SOUNDS.ranked("he is a number", NUMBERS.phrases)
    assert ranked[0][1] == "key in a number"
    assert ranked[1][0] > ranked[0][0]
    assert ranked[0][0] < SOUNDS_SAME


def test_alike_phones_cost_less_than_unlike_ones() -> None:
    # a voiced/voiceless pair (G, K) is nearer than two unrelated consonants (G, W)
    assert SOUNDS.distance("gun", "one") > SOUNDS.distance("gun", "gun") == 0.0
    assert SOUNDS.phones("gun") == ("G", "AH", "N")


def test_numerals_are_said_as_digits_and_unknown_words_are_spelt() -> None:
    assert SOUNDS.phones("1") == SOUNDS.phones("one")
    assert SOUNDS.phones("10") == SOUNDS.phones("one zero")
    assert SOUNDS.phones("zog") == ("Z", "AA", "G")  # a rough phone per letter
    assert SOUNDS.phones("Key-in, a NUMBER!") == SOUNDS.phones("key in a number")


def test_cmudict_gives_the_same_nearest_phrase() -> None:
    pytest.importorskip("pocketsphinx")
    from ivr.asr.pocketsphinx_decoders import pronunciations

    sounds = SoundsLike(pronunciations)
    phrases = ["police non emergency", "police", "police information", "fire"]
    assert sounds.ranked("police not enough to see", phrases)[0][1] == "police non emergency"


# -- by_sound --------------------------------------------------------------------------


def test_the_grammar_paths_unsure_phrase_is_acted_on_when_the_transcript_sounds_like_it() -> None:
    heard = _phrase("key in a number", 0.10)
    said = _transcript("he is a number", 0.6)
    found = by_sound(heard, heard, said, NUMBERS.phrases, SOUNDS)
    assert found is not None
    result, reason = found
    assert (result.text, result.source, reason) == ("key in a number", Source.GRAMMAR, SOUNDS_LIKE)
    assert result.confidence >= SURE


def test_a_phrase_sounding_only_roughly_like_the_transcript_is_asked_about() -> None:
    heard = _phrase("police", 0.05)
    rough = "pulley"  # spelt: P AH L L EH Y, between SOUNDS_SAME and SOUNDS_ASK of "police"
    distance = SOUNDS.distance(rough, "police")
    assert SOUNDS_SAME < distance <= SOUNDS_ASK
    found = by_sound(heard, heard, _transcript(rough, 0.6), ["police", "fire"], SOUNDS)
    assert found is not None and found[0].confidence == UNCONFIRMED < SURE


def test_nothing_changes_when_the_transcript_sounds_like_another_phrase() -> None:
    heard = _phrase("dial a number", 0.10)
    assert (
        by_sound(heard, heard, _transcript("he is a number", 0.6), NUMBERS.phrases, SOUNDS) is None
    )


def test_a_sure_phrase_the_transcript_sounds_unlike_is_asked_about() -> None:
    # "sick", transcribed "see", heard as "teeth" at 0.58 and made sure by the scores
    grammar = ["sick", "teeth", "police"]
    chosen = _phrase("teeth", 0.87)
    found = by_sound(chosen, _phrase("teeth", 0.58), _transcript("see", 0.9), grammar, SOUNDS)
    assert found is not None
    assert (found[0].text, found[0].confidence, found[1]) == ("teeth", ONE_MODEL, SOUNDS_OTHERWISE)
    # the same phrase, when the transcript sounds most like it, stands
    assert by_sound(chosen, chosen, _transcript("teeth", 0.9), grammar, SOUNDS) is None


def test_a_phrase_the_transcriber_finds_nearly_as_likely_as_its_words_is_not_doubted() -> None:
    # "ambulance" transcribed "and violins", which sounds more like "violence"
    grammar = ["ambulance", "violence", "police"]
    chosen, said = _phrase("ambulance", 1.0), _transcript("and violins", 0.5)
    assert SOUNDS.ranked("and violins", grammar)[0][1] == "violence"
    assert by_sound(chosen, chosen, said, grammar, SOUNDS, behind=lambda: SOUNDS_EXEMPT) is None
    asked = by_sound(chosen, chosen, said, grammar, SOUNDS, behind=lambda: SOUNDS_EXEMPT + 0.1)
    assert asked is not None and asked[0].confidence == ONE_MODEL


def test_a_described_need_or_an_empty_transcript_is_left_alone() -> None:
    nothing = Result("", 0.0, source=Source.TRANSCRIPT)
    heard = _phrase("police", 0.1)
    assert by_sound(heard, heard, nothing, ["police"], SOUNDS) is None
    assert by_sound(heard, heard, _transcript("police", 0.9), [], SOUNDS) is None


# -- choose: the transcriber's own preference ------------------------------------------


def test_the_agreement_bonus_never_turns_a_disagreement_into_an_action() -> None:
    # "temperature" heard as "family doctor": Moonshine preferred "temperature" by 2 nats,
    # and the grammar path's bonus of 4 put "family doctor" first
    scores = {"temperature": -10.8, "family doctor": -12.9}
    result, _ = choose(
        _phrase("family doctor", 0.25), _transcript("ambly judge", 0.5, -5.9), scores, -5.9
    )
    assert result.text == "family doctor"
    assert result.confidence == ONE_MODEL < SURE
    # when the transcriber itself prefers the grammar path's phrase, it is acted on
    scores = {"temperature": -12.9, "family doctor": -10.8}
    result, _ = choose(
        _phrase("family doctor", 0.25), _transcript("ambly judge", 0.5, -5.9), scores, -5.9
    )
    assert result.confidence >= SURE


# -- FreeSpeech with a sound check -----------------------------------------------------


def test_a_closed_grammars_sure_phrase_is_checked_by_sound() -> None:
    # "theft" heard as "threatened" at 0.65, transcribed "have"... and "theft" itself
    grammar = Grammar(["theft", "threatened", "police"], allow_unknown=False)
    inner = FakeRecognizer(_phrase("threatened", 0.65))
    transcriber = FakeScorer(_transcript("theft", 0.9, -0.5), {"theft": -0.5, "threatened": -6.0})
    rec = FreeSpeech(inner, transcriber, sounds=SOUNDS)
    result = recognize(rec, _audio(), grammar)
    assert (result.text, result.confidence) == ("threatened", ONE_MODEL)
    assert rec.last_choice is not None and rec.last_choice.reason == SOUNDS_OTHERWISE
    # only the phrase it doubts was scored, to see how far behind the transcript it is
    assert transcriber.asked == [["threatened"]]
    # without the check, as before: taken untranscribed
    plain = FreeSpeech(FakeRecognizer(_phrase("threatened", 0.65)), transcriber)
    assert recognize(plain, _audio(), grammar).confidence == 0.65


def test_a_closed_grammars_faint_phrase_that_the_transcript_sounds_like_is_acted_on() -> None:
    inner = FakeRecognizer(_phrase("key in a number", 0.10))
    scores = {"enter a number": -12.6, "key in a number": -15.1, "dial a number": -16.1}
    transcriber = FakeScorer(_transcript("he is a number", 0.8, -1.8), scores)
    result = recognize(FreeSpeech(inner, transcriber, sounds=SOUNDS), _audio(), NUMBERS)
    assert (result.text, result.source) == ("key in a number", Source.GRAMMAR)
    assert result.confidence >= SURE
    # without the check the faint phrase is what it was: below any menu's reject_below
    inner = FakeRecognizer(_phrase("key in a number", 0.10))
    assert recognize(FreeSpeech(inner, transcriber), _audio(), NUMBERS).confidence < 0.2


def test_a_lone_digit_among_menu_words_is_checked_by_sound() -> None:
    # "gun" heard as "one", which would press option 1
    grammar = Grammar(["one", "two", "gun", "fire"], allow_unknown=False)
    inner = FakeRecognizer(_phrase("one", 0.63))
    transcriber = FakeScorer(_transcript("gun", 0.9, -0.4), {"gun": -0.4, "one": -5.0})
    result = recognize(FreeSpeech(inner, transcriber, sounds=SOUNDS), _audio(), grammar)
    assert (result.text, result.confidence) == ("one", ONE_MODEL)
    # where only digits are asked for, digits stay with their own recogniser
    digits = Grammar(["one", "two", "zero"], allow_unknown=False)
    inner = FakeRecognizer(_phrase("one", 0.63))
    unheard = FakeScorer(_transcript("gun", 0.9, -0.4), {})
    assert recognize(FreeSpeech(inner, unheard, sounds=SOUNDS), _audio(), digits).confidence == 0.63
    assert unheard.heard == []


def test_a_lone_digit_among_menu_words_is_acted_on_only_when_transcribed_as_that_digit() -> None:
    # "tooth" heard as "two" at 0.55, transcribed "dove": the scores alone made it 1.0
    grammar = Grammar(["one", "two", "tooth", "drowning"], allow_unknown=False)
    scores = {"two": -6.0, "tooth": -10.5, "drowning": -12.8}
    inner = FakeRecognizer(_phrase("two", 0.55))
    transcriber = FakeScorer(_transcript("dove", 0.7, -5.4), scores)
    result = recognize(FreeSpeech(inner, transcriber, sounds=SOUNDS), _audio(), grammar)
    assert result.confidence <= ONE_MODEL < SURE
    # written as the digit, by word or numeral, it is acted on
    for written in ("two", "2"):
        inner = FakeRecognizer(_phrase("two", 0.55))
        transcriber = FakeScorer(_transcript(written, 0.9, -0.5), {"two": -0.5})
        result = recognize(FreeSpeech(inner, transcriber, sounds=SOUNDS), _audio(), grammar)
        assert (result.text, result.confidence >= SURE) == ("two", True), written
