"""The runners-up a recogniser names besides its answer (``phrase_choice.runners_up``),
and ``FreeSpeech`` handing them on in ``Result.runners_up``."""

from __future__ import annotations

from ivr.asr.base import Grammar, Result, recognize
from ivr.asr.free_speech import FreeSpeech
from ivr.asr.phrase_choice import (
    DESCRIBED,
    RUNNER_UP_GAP,
    RUNNER_UP_SOUND,
    Choice,
    runners_up,
)
from tests.asr.test_by_sound import SOUNDS
from tests.asr.test_composition import FakeRecognizer, FakeScorer, _audio, _phrase, _transcript

PHRASES = ["key in a number", "enter a number", "dial a number", "police", "fire", "one"]


def _choice(
    answer: Result,
    grammar: Result,
    transcript: Result | None,
    scores: dict[str, float] | None = None,
    own: float | None = -1.0,
) -> Choice:
    return Choice(answer, "test", grammar, transcript, scores or {}, own)


def test_the_transcribers_best_phrase_the_grammar_paths_and_the_nearest_sound_in_order() -> None:
    # "police" heard faintly, transcribed "keen a number", which Moonshine finds most
    # like "enter a number" and which sounds most like "key in a number"
    heard = _transcript("keen a number", 0.3, -2.0)
    choice = _choice(heard, _phrase("police", 0.1), heard, {"enter a number": -9.0}, -2.0)
    assert runners_up(choice, PHRASES, free=True, sounds=SOUNDS, limit=3) == (
        "enter a number",
        "police",
        "key in a number",
    )
    assert runners_up(choice, PHRASES, free=True, sounds=SOUNDS) == ("enter a number", "police")


def test_a_phrase_far_behind_the_transcript_or_sounding_unlike_it_is_no_runner_up() -> None:
    heard = _transcript("keen a number", 0.3, -2.0)
    behind = {"enter a number": -2.0 - RUNNER_UP_GAP - 0.5}
    choice = _choice(heard, Result("", 0.0), heard, behind, -2.0)
    assert runners_up(choice, PHRASES, free=True, sounds=SOUNDS) == ("key in a number",)
    unlike = _transcript("zebra crossing", 0.3, -2.0)  # spelt out: like nothing here
    choice = _choice(unlike, Result("", 0.0), unlike, behind, -2.0)
    assert SOUNDS.ranked("zebra crossing", PHRASES)[0][0] > RUNNER_UP_SOUND
    assert runners_up(choice, PHRASES, free=True, sounds=SOUNDS) == ()


def test_the_answer_digits_and_a_lone_oh_are_never_runners_up() -> None:
    heard = _transcript("won", 0.3, -2.0)
    scores = {"one": -3.0, "oh": -2.5}
    choice = _choice(_phrase("fire", 0.4), _phrase("fire", 0.4), heard, scores, -2.0)
    assert runners_up(choice, [*PHRASES, "oh"], free=False, sounds=SOUNDS) == ()


def test_a_described_need_has_no_runners_up_where_descriptions_are_taken() -> None:
    need = _transcript("my dad has chest pain and is sweating", 0.8, -3.0)
    choice = Choice(need, DESCRIBED, _phrase("police", 0.1), need, {"police": -4.0}, -3.0)
    assert runners_up(choice, PHRASES, free=True, sounds=SOUNDS) == ()
    # a closed grammar forced the words onto a phrase: what else it may be is asked about
    forced = _choice(_phrase("fire", 0.3), _phrase("fire", 0.3), need, {"police": -4.0}, -3.0)
    assert runners_up(forced, PHRASES, free=False, sounds=SOUNDS) == ("police",)


def test_free_speech_hands_the_runners_up_on_with_its_answer() -> None:
    grammar = Grammar(PHRASES, free=True)
    inner = FakeRecognizer(_phrase("police", 0.1))
    scores = {"enter a number": -15.0, "key in a number": -9.0, "police": -30.0}
    transcriber = FakeScorer(_transcript("tommy copac", 0.0, -2.0), scores)
    result = recognize(FreeSpeech(inner, transcriber, sounds=SOUNDS), _audio(), grammar)
    assert result.text == "tommy copac"
    assert result.runners_up == ("key in a number", "police")
    # Moonshine sure of its words is no sign the menu will understand them
    sure_words = FakeScorer(_transcript("tommy copac", 0.9, -2.0), scores)
    inner = FakeRecognizer(_phrase("police", 0.1))
    result = recognize(FreeSpeech(inner, sure_words, sounds=SOUNDS), _audio(), grammar)
    assert result.runners_up == ("key in a number", "police")
    # a sure phrase is acted on: no question, so no runners-up
    sure = FakeScorer(_transcript("police", 0.9, -0.3), {"police": -0.3, "fire": -8.0})
    inner = FakeRecognizer(_phrase("police", 0.9))
    result = recognize(FreeSpeech(inner, sure, sounds=SOUNDS), _audio(), grammar)
    assert (result.text, result.runners_up) == ("police", ())


def test_without_a_transcriber_there_are_no_runners_up() -> None:
    grammar = Grammar(PHRASES, free=True)
    result = recognize(FreeSpeech(FakeRecognizer(_phrase("police", 0.1)), None), _audio(), grammar)
    assert result.runners_up == ()
