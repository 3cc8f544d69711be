"""The recognisers built from other recognisers, with fakes: the free-speech choice
(each branch), the fallback without a transcriber, the digits fusion, and the
registry's wiring."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ivr.asr.base import (
    EngineError,
    Grammar,
    Partial,
    PhraseScorer,
    Recognizer,
    Result,
    Source,
    Transcriber,
    Word,
    digits_grammar,
    recognize,
)
from ivr.asr.digits_fusion import DigitsFusion
from ivr.asr.free_speech import FreeSpeech
from ivr.asr.phrase_choice import (
    AGREED,
    GAP_SCALE,
    ONE_MODEL,
    SURE,
    UNCONFIRMED,
    candidates,
    choose,
    choose_by_words,
)
from ivr.audio.pcm import Audio

RATE = 16000
FREE = Grammar(["police", "fire", "ambulance", "mental health"], allow_unknown=False, free=True)
CLOSED = Grammar(["police", "fire", "ambulance", "mental health"], allow_unknown=False)


def _audio(seconds: float = 0.5, seed: int = 0) -> Audio:
    rng = np.random.default_rng(seed)
    return Audio(rng.normal(0, 0.1, int(seconds * RATE)).astype(np.float32), RATE)


class FakeRecognizer:
    """Answers ``answer`` (or per grammar key in ``answers``); records what it heard."""

    def __init__(self, answer: Result, name: str = "fake", vocabulary: set[str] | None = None):
        self.answer = answer
        self._name = name
        self.vocabulary = vocabulary
        self.heard: list[tuple[Grammar | None, np.ndarray]] = []
        self._grammar: Grammar | None = None
        self._chunks: list[np.ndarray] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def sample_rate(self) -> int:
        return RATE

    def start(self, grammar: Grammar | None) -> None:
        self._grammar = grammar
        self._chunks = []

    def feed(self, chunk: Audio) -> Partial | None:
        self._chunks.append(chunk.samples)
        return Partial(self.answer.text) if self.answer.text else None

    def finish(self) -> Result:
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
        self.heard.append((self._grammar, samples))
        return self.answer

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        if self.vocabulary is None:
            return []
        return sorted(w for w in words if w not in self.vocabulary)


class FakeTranscriber:
    def __init__(self, answer: Result) -> None:
        self.answer = answer
        self.heard: list[Audio] = []

    @property
    def name(self) -> str:
        return "fake-transcriber"

    @property
    def sample_rate(self) -> int:
        return RATE

    def transcribe(self, audio: Audio) -> Result:
        self.heard.append(audio)
        return self.answer


class FakeScorer(FakeTranscriber):
    def __init__(self, answer: Result, scores: dict[str, float]) -> None:
        super().__init__(answer)
        self.scores = scores
        self.asked: list[list[str]] = []

    def score_phrases(self, audio: Audio, phrases: Sequence[str]) -> dict[str, float]:
        self.asked.append(list(phrases))
        return {p: self.scores[p] for p in phrases if p in self.scores}


def _phrase(text: str, confidence: float) -> Result:
    words = tuple(Word(w, confidence, 0.1, 0.4) for w in text.split())
    return Result(text, confidence, words)


def _transcript(text: str, confidence: float, log_prob: float | None = -1.0) -> Result:
    alternatives = ((text.capitalize() + ".", log_prob),) if log_prob is not None else ()
    return Result(text, confidence, (), source=Source.TRANSCRIPT, alternatives=alternatives)


def test_the_fakes_fit_the_protocols() -> None:
    assert isinstance(FakeRecognizer(_phrase("fire", 0.9)), Recognizer)
    assert isinstance(FakeTranscriber(_transcript("fire", 0.9)), Transcriber)
    assert isinstance(FakeScorer(_transcript("fire", 0.9), {}), PhraseScorer)
    assert not isinstance(FakeTranscriber(_transcript("fire", 0.9)), PhraseScorer)


# -- the choice, branch by branch ------------------------------------------------------


def test_no_transcript_leaves_the_grammar_answer() -> None:
    grammar = _phrase("fire", 0.4)
    result, reason = choose(grammar, Result("", 0.0, source=Source.TRANSCRIPT), {}, 0.0)
    assert (result, reason) == (grammar, "no transcript")


def test_the_same_words_from_both_are_the_phrase_as_sure_as_the_surer() -> None:
    result, reason = choose(_phrase("mental health", 0.4), _transcript("mental health", 0.9),
                            {"mental health": -0.5}, -0.4)  # fmt: skip
    assert reason == "both heard the phrase"
    assert (result.text, result.source, result.confidence) == ("mental health", Source.GRAMMAR, 0.9)
    assert [w.confidence for w in result.words] == [0.9, 0.9]


def test_a_phrase_about_as_likely_as_the_transcript_is_what_was_said() -> None:
    # The transcript spelled the phrase its own way; the phrase explains the audio as well.
    result, reason = choose(_phrase("gp", 0.3), _transcript("g p's", 0.8), {"gp": -6.0}, -1.0)
    assert reason == "a menu phrase"
    assert (result.text, result.source) == ("gp", Source.GRAMMAR)
    # 5 nats less likely than the transcript, 4 of them made up by the agreement.
    assert result.confidence == pytest.approx(1.0 - 1.0 / GAP_SCALE)


def test_a_phrase_far_less_likely_than_the_transcript_gives_the_transcript() -> None:
    said = _transcript("police please", 0.9)
    result, reason = choose(_phrase("police", 0.5), said, {"police": -30.0}, -0.5)
    assert (result, reason) == (said, "described in own words")


def test_the_best_scored_phrase_wins_even_when_the_grammar_path_missed_it() -> None:
    result, reason = choose(
        _phrase("repeat", 0.4), _transcript("g p s", 0.7), {"repeat": -12.0, "gps": -3.0}, -1.0
    )
    assert (result.text, reason) == ("gps", "a menu phrase")
    # Only the transcriber's model named it: asked about, however close.
    assert result.confidence == ONE_MODEL < 1.0 - 2.0 / GAP_SCALE
    assert [w.word for w in result.words] == ["gps"]


def test_the_grammar_paths_answer_counts_the_agreement_more() -> None:
    said = _transcript("fire fire", 0.9)
    scores = {"fire": -5.0, "tyre": -3.0}
    ours, _ = choose(_phrase("fire", 0.4), said, scores, -1.0, agreement=4.0)
    without, _ = choose(_phrase("fire", 0.4), said, scores, -1.0, agreement=0.0)
    assert (ours.text, without.text) == ("fire", "tyre")


def test_the_margin_is_the_border_between_phrase_and_transcript() -> None:
    said = _transcript("fire fire", 0.9)
    near, _ = choose(_phrase("fire", 0.2), said, {"fire": -11.0}, -1.0, margin=6.0)
    far, _ = choose(_phrase("fire", 0.2), said, {"fire": -11.01}, -1.0, margin=6.0)
    assert (near.source, far.source) == (Source.GRAMMAR, Source.TRANSCRIPT)
    assert near.confidence == pytest.approx(1.0 - 6.0 / GAP_SCALE)


def test_candidates_are_the_answer_then_phrases_sharing_the_transcripts_words() -> None:
    grammar = Grammar(["police", "police information", "fire", "mental health", "gp"])
    said = "i need police information about my car please"
    assert candidates(grammar, "fire", said) == ["fire", "police information", "police"]
    assert candidates(grammar, "", "nothing alike at all here") == []


def test_a_short_transcript_has_every_phrase_scored() -> None:
    grammar = Grammar(["police", "police information", "fire", "mental health", "gp"])
    assert candidates(grammar, "fire", "g p's") == list(grammar.phrases)
    assert candidates(grammar, "", "") == list(grammar.phrases)


def test_a_lone_oh_is_scored_only_when_the_grammar_path_heard_it() -> None:
    # Moonshine finds "Oh." likely for almost any short word in noise
    grammar = Grammar(["police", "fire", "oh", "one", "two"])
    assert candidates(grammar, "police", "porkow") == ["police", "fire", "one", "two"]
    assert candidates(grammar, "", "porkow") == ["police", "fire", "one", "two"]
    assert candidates(grammar, "oh", "so") == list(grammar.phrases)


@pytest.mark.parametrize(
    ("grammar", "transcript", "expected", "reason"),
    [
        (_phrase("fire", 0.5), Result("", 0.0, source=Source.TRANSCRIPT), "fire", "no transcript"),
        (_phrase("fire", 0.5), _transcript("fire", 0.7), "fire", "both heard the phrase"),
        (_phrase("삼", 0.5), _transcript("사 함", 0.9), "삼", "a menu phrase"),
        (_phrase("fire", 0.4), _transcript("tyre flat", 0.9), "fire", "a menu phrase"),
        (
            _phrase("fire", 0.8),
            _transcript("my house is on fire", 0.2),
            "my house is on fire",
            "described in own words",
        ),
        (Result("", 0.0), _transcript("tyre", 0.2), "tyre", "described in own words"),
    ],
)
def test_without_a_scorer_the_words_decide(
    grammar: Result, transcript: Result, expected: str, reason: str
) -> None:
    result, why = choose_by_words(grammar, transcript)
    assert (result.text, why) == (expected, reason)


# -- FreeSpeech ------------------------------------------------------------------------


def test_a_closed_grammar_that_is_sure_never_wakes_the_transcriber() -> None:
    inner = FakeRecognizer(_phrase("fire", SURE))
    transcriber = FakeScorer(_transcript("my house is on fire", 0.9), {"fire": -8.0})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), CLOSED)
    assert (result.text, result.confidence) == ("fire", SURE)
    assert transcriber.heard == [] and transcriber.asked == []
    assert rec.last_choice is None


def test_a_closed_grammar_unsure_of_a_phrase_the_transcriber_agrees_with_is_trusted() -> None:
    # "maternity care" heard right at 0.05 in noise: the second model makes it sure
    inner = FakeRecognizer(_phrase("mental health", 0.05))
    transcriber = FakeScorer(_transcript("mental health", 0.9, -0.4), {"mental health": -0.4})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), CLOSED)
    assert (result.text, result.source, result.confidence) == (
        "mental health",
        Source.GRAMMAR,
        0.9,
    )


def test_a_phrase_both_engines_wrote_is_acted_on_when_closed_and_asked_about_when_free() -> None:
    # in noise each engine alone was unsure; word for word agreement is not chance
    inner = FakeRecognizer(_phrase("mental health", 0.19))
    transcriber = FakeScorer(_transcript("mental health", 0.1, -3.0), {"mental health": -3.0})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), CLOSED)
    assert (result.text, result.confidence) == ("mental health", AGREED)
    assert AGREED >= 0.5  # the Norway menu's confirm_below: acted on
    # and where descriptions are taken, when the whole utterance was that phrase
    inner = FakeRecognizer(_phrase("mental health", 0.01))
    transcriber = FakeScorer(_transcript("mental health", 0.01, -3.0), {"mental health": -3.0})
    result = recognize(FreeSpeech(inner, transcriber), _audio(), FREE)
    assert (result.text, result.confidence) == ("mental health", AGREED)


def test_a_closed_grammar_never_answers_with_a_transcript() -> None:
    # a sentence at a node that takes menu words only: the forced phrase is asked about
    inner = FakeRecognizer(_phrase("fire", 0.55))
    transcriber = FakeScorer(_transcript("my house is on fire now", 0.9, -0.3), {"fire": -18.0})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), CLOSED)
    assert (result.text, result.source) == ("fire", Source.GRAMMAR)
    assert result.confidence == UNCONFIRMED
    assert rec.last_choice is not None and rec.last_choice.reason == "off the closed grammar"


def test_spoken_digits_are_left_to_their_own_recogniser() -> None:
    inner = FakeRecognizer(_phrase("four", 0.3))
    transcriber = FakeScorer(_transcript("for", 0.9, -0.3), {"four": -9.0})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), Grammar(["four", "five", "help"], allow_unknown=False))
    assert (result.text, result.confidence) == ("four", 0.3)
    assert transcriber.heard == []


def test_the_closed_grammar_second_opinion_can_be_turned_off() -> None:
    inner = FakeRecognizer(_phrase("fire", 0.3))
    transcriber = FakeScorer(_transcript("fire", 0.9, -0.3), {"fire": -0.3})
    rec = FreeSpeech(inner, transcriber, closed=False)
    assert recognize(rec, _audio(), CLOSED).confidence == 0.3
    assert transcriber.heard == []


def test_a_free_grammar_hears_the_transcript_of_the_same_audio() -> None:
    inner = FakeRecognizer(_phrase("fire", 0.4))
    transcriber = FakeScorer(_transcript("my house is on fire now", 0.9, -0.3), {"fire": -18.0})
    rec = FreeSpeech(inner, transcriber)
    audio = _audio(1.2, seed=3)
    result = recognize(rec, audio, FREE)
    assert (result.text, result.source) == ("my house is on fire now", Source.TRANSCRIPT)
    (heard,) = transcriber.heard
    assert np.array_equal(heard.samples, audio.samples)
    # six words are no one-word phrase whatever it scores: the phrases are not scored,
    # and the grammar path, whose answer could not change that, is not waited for
    assert transcriber.asked == []
    assert inner.heard == []
    assert rec.last_choice is not None and rec.last_choice.reason == "described in own words"


def test_a_transcript_near_a_phrases_length_waits_for_the_grammar_paths_answer() -> None:
    # a phrase with most of its words in the transcript and near its length could be
    # what was said: the grammar path is finished and the phrases are weighed
    long = "the text service for the deaf and hard of hearing"
    grammar = Grammar([long, "fire", "police"], allow_unknown=True, free=True)
    inner = FakeRecognizer(_phrase(long, 0.4))
    transcriber = FakeScorer(_transcript(f"{long} please", 0.3, -0.3), {long: -1.0})
    result = recognize(FreeSpeech(inner, transcriber), _audio(), grammar)
    assert len(inner.heard) == 1
    assert (result.text, result.source) == (long, Source.GRAMMAR)
    # a sentence sharing only "the" and "and" with it is no such phrase: not waited for
    inner = FakeRecognizer(_phrase(long, 0.4))
    transcriber = FakeScorer(_transcript("the kitchen and the hall are on fire", 0.3), {})
    result = recognize(FreeSpeech(inner, transcriber), _audio(), grammar)
    assert inner.heard == [] and result.source is Source.TRANSCRIPT


def test_a_transcript_near_a_phrases_length_has_the_phrases_scored() -> None:
    inner = FakeRecognizer(_phrase("fire", 0.4))
    transcriber = FakeScorer(_transcript("fire fire please", 0.9, -0.3), {"fire": -1.0})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), FREE)
    assert transcriber.asked == [list(FREE.phrases)]  # short: every phrase
    assert (result.text, result.source) == ("fire", Source.GRAMMAR)


def test_a_free_grammar_keeps_a_menu_phrase_said_alone() -> None:
    inner = FakeRecognizer(_phrase("police", 0.5))
    rec = FreeSpeech(inner, FakeScorer(_transcript("police", 0.95, -0.2), {"police": -0.2}))
    result = recognize(rec, _audio(), FREE)
    assert (result.text, result.source, result.confidence) == ("police", Source.GRAMMAR, 0.95)


def test_partials_and_the_engines_vocabulary_come_from_the_grammar_recogniser() -> None:
    inner = FakeRecognizer(_phrase("fire", 0.8), vocabulary={"fire"})
    rec = FreeSpeech(inner, FakeTranscriber(_transcript("fire", 0.9)))
    rec.start(FREE)
    assert rec.feed(_audio(0.1)) == Partial("fire")
    rec.finish()
    assert rec.unknown_words(["fire", "legevakt"]) == ["legevakt"]
    assert (rec.name, rec.sample_rate, rec.transcribes) == ("fake", RATE, True)


def test_a_grammar_path_that_is_sure_is_taken_without_transcribing() -> None:
    inner = FakeRecognizer(_phrase("police", SURE))
    transcriber = FakeScorer(_transcript("police please", 0.95, -0.2), {"police": -20.0})
    rec = FreeSpeech(inner, transcriber)
    result = recognize(rec, _audio(), FREE)
    assert (result.text, result.source) == ("police", Source.GRAMMAR)
    assert transcriber.asked == []  # nothing weighed against it
    assert rec.last_choice is not None and rec.last_choice.reason == "the grammar path is sure"
    inner.answer = _phrase("police", SURE - 0.01)
    assert recognize(rec, _audio(), FREE).source is Source.TRANSCRIPT
    # at a closed grammar it is not even transcribed
    sure = FakeRecognizer(_phrase("police", SURE))
    unheard = FakeScorer(_transcript("police please", 0.95, -0.2), {"police": -20.0})
    assert recognize(FreeSpeech(sure, unheard), _audio(), CLOSED).text == "police"
    assert unheard.heard == []


def test_without_a_transcriber_a_free_grammar_gets_the_grammar_answer() -> None:
    inner = FakeRecognizer(_phrase("fire", 0.8))
    why = EngineError("spoken descriptions need Moonshine", "pip install 'ivr[neural]'")
    rec = FreeSpeech(inner, None, unavailable=why)
    result = recognize(rec, _audio(), FREE)
    assert (result.text, result.source) == ("fire", Source.GRAMMAR)
    assert rec.transcribes is False
    assert rec.unavailable is why


def test_a_transcriber_that_cannot_score_is_weighed_by_words() -> None:
    rec = FreeSpeech(
        FakeRecognizer(_phrase("fire", 0.4)),
        FakeTranscriber(_transcript("우리 집 에 불이 났어요", 0.3)),
    )
    result = recognize(rec, _audio(), FREE)
    assert (result.text, result.source) == ("우리 집 에 불이 났어요", Source.TRANSCRIPT)
    assert rec.last_choice is not None and rec.last_choice.scores == {}


# -- DigitsFusion ----------------------------------------------------------------------

DIGITS = digits_grammar(allow_unknown=False, with_oh=False)
DIGITS_OPEN = digits_grammar(allow_unknown=True, with_oh=False)


def _digit(text: str, confidence: float, alternatives: dict[str, float]) -> Result:
    return Result(text, confidence, (Word(text, confidence, 0.1, 0.5),) if text else (),
                  alternatives=tuple(alternatives.items()))  # fmt: skip


def test_a_grammar_of_words_is_the_primary_recognisers_alone() -> None:
    second = FakeRecognizer(_digit("two", 0.5, {"two": -1.0}))
    settler = FakeRecognizer(_digit("two", 0.5, {"two": -1.0}))
    fusion = DigitsFusion(FakeRecognizer(_phrase("fire", 0.8)), second, settler)
    assert recognize(fusion, _audio(), CLOSED).text == "fire"
    assert second.heard == [] and settler.heard == []
    assert not fusion.last_digits_model and not fusion.last_neural


def test_when_both_lists_name_one_digit_alone_the_settler_is_not_asked() -> None:
    settler = FakeRecognizer(_digit("six", 0.9, {"six": -0.1, "two": -5.0}))
    fusion = DigitsFusion(
        FakeRecognizer(_digit("two", 0.7, {"two": -100.0})),
        FakeRecognizer(_digit("two", 0.6, {"two": -90.0})),
        settler,
    )
    result = recognize(fusion, _audio(), DIGITS)
    assert (result.text, result.confidence) == ("two", 0.7)
    assert settler.heard == [] and fusion.neural_utterances == 0


def test_the_settler_decides_with_the_primarys_digit_worth_the_agreement_more() -> None:
    primary = FakeRecognizer(_digit("two", 0.7, {"two": -100.0, "zero": -101.0}))
    second = FakeRecognizer(_digit("zero", 0.6, {"zero": -90.0, "two": -92.0}))
    close = FakeRecognizer(_digit("zero", 0.6, {"zero": -1.5, "two": -1.0 - 1.2}))
    fusion = DigitsFusion(primary, second, close, agreement=1.0)
    result = recognize(fusion, _audio(), DIGITS)
    assert fusion.last_digits_model and fusion.last_neural
    # combine: both lists hold both; summed zero -191 beats two -192, so "zero" goes
    # to the settler, where it is worth 1 nat more: -0.5 against -2.2.
    assert (result.text, result.confidence) == ("zero", 0.7)
    (grammar, samples) = close.heard[0]
    assert grammar is not None and grammar.allow_unknown is False
    assert len(samples) == int(0.5 * RATE)


def test_a_digit_only_the_settler_heard_in_a_closed_grammar_has_its_confidence() -> None:
    settler = FakeRecognizer(_digit("six", 0.42, {"six": -0.5, "two": -4.0}))
    fusion = DigitsFusion(FakeRecognizer(Result("", 0.0)), None, settler)
    result = recognize(fusion, _audio(), DIGITS)
    assert (result.text, result.confidence, [w.word for w in result.words]) == (
        "six",
        0.42,
        ["six"],
    )


def test_nothing_heard_in_an_open_grammar_stays_nothing() -> None:
    settler = FakeRecognizer(_digit("six", 0.9, {"six": -0.5}))
    fusion = DigitsFusion(FakeRecognizer(Result("", 0.0)), None, settler)
    assert recognize(fusion, _audio(), DIGITS_OPEN).rejected
    assert settler.heard == []


def test_a_second_model_that_lacks_a_word_is_not_asked() -> None:
    second = FakeRecognizer(_digit("two", 0.6, {"two": -1.0}), vocabulary={"one", "two"})
    fusion = DigitsFusion(FakeRecognizer(_digit("two", 0.7, {"two": -1.0})), second, None)
    assert recognize(fusion, _audio(), DIGITS).text == "two"
    assert second.heard == [] and not fusion.last_digits_model


def test_a_lone_oh_is_never_trusted_enough_to_act_on() -> None:
    from ivr.asr.digits_fusion import OH_CONFIDENCE

    assert OH_CONFIDENCE is not None
    with_oh = digits_grammar(allow_unknown=False, with_oh=True)
    heard = _digit("oh", 0.9, {"oh": -0.1, "four": -3.0})
    capped = recognize(DigitsFusion(FakeRecognizer(heard)), _audio(), with_oh)
    assert (capped.text, capped.confidence) == ("oh", OH_CONFIDENCE)
    assert [w.confidence for w in capped.words] == [OH_CONFIDENCE]
    trusted = recognize(DigitsFusion(FakeRecognizer(heard), oh_confidence=None), _audio(), with_oh)
    assert (trusted.text, trusted.confidence) == ("oh", 0.9)
    # Other digits, and "oh" in a grammar that is not one of single digits, are left be.
    four = recognize(DigitsFusion(FakeRecognizer(_digit("four", 0.9, {})), None), _audio(), with_oh)
    assert four.confidence == 0.9
    words = Grammar(["oh", "fire"], allow_unknown=False)
    assert recognize(DigitsFusion(FakeRecognizer(heard)), _audio(), words).confidence == 0.9
