"""A caller's own words at a node that takes them: a menu phrase, or a transcript.

Where a node lets the caller describe a need (``Grammar.free``), ``FreeSpeech``
runs the grammar recogniser *and* a free-speech transcriber on the same
utterance, then decides per utterance which answer to trust, by the rules of
``ivr.asr.phrase_choice`` (where the measurements behind them are). At a node
that takes menu words only, the transcriber is a second opinion when the
grammar path is unsure; with ``sounds`` (how alike texts sound) it also
checks a sure phrase and a lone digit said among menu words, since a phrase
the transcript sounds unlike was the one kind of wrong route left there.

At a node that takes descriptions the transcript comes first: a long one that
no phrase of the grammar comes near is the answer without waiting for the
grammar path's whole-utterance decode, which cannot change the choice and took
half the time from the end of speech to the decision (a 3 s need: 500 ms ->
160 ms on the project machine).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from ivr.asr.base import (
    EngineError,
    Grammar,
    Partial,
    PhraseScorer,
    Recognizer,
    Result,
    Source,
    Transcriber,
)
from ivr.asr.phonetic import SoundsLike
from ivr.asr.phrase_choice import (
    AGREED,
    AGREEMENT,
    BOTH_HEARD,
    DESCRIBED,
    EXTRA_WORDS,
    MARGIN,
    ONE_MODEL,
    SHORT,
    SURE,
    UNCONFIRMED,
    Choice,
    as_phrase,
    by_sound,
    candidates,
    choose,
    choose_by_words,
    is_digits,
    runners_up,
    words_of,
    wrote_digit,
)
from ivr.audio.pcm import Audio

__all__ = ["MARGIN", "SURE", "UNCONFIRMED", "FreeSpeech"]

log = logging.getLogger(__name__)


class FreeSpeech:
    """A ``Recognizer``: ``recognizer`` for every grammar, and for grammars with
    ``free=True`` also ``transcriber`` on the same utterance, answering with whichever
    ``choose`` trusts. ``transcriber=None`` (none installed; ``unavailable`` says
    why) leaves free grammars to ``recognizer`` too.

    ``last_choice`` holds the last free utterance's answer and reason; the time
    the transcriber took is in ``last_seconds``.
    """

    def __init__(
        self,
        recognizer: Recognizer,
        transcriber: Transcriber | None,
        unavailable: EngineError | None = None,
        margin: float = MARGIN,
        agreement: float = AGREEMENT,
        closed: bool = True,
        sounds: SoundsLike | None = None,
    ) -> None:
        self.recognizer = recognizer
        self.transcriber = transcriber
        #: Why there is no transcriber (for a front end to say once), else ``None``.
        self.unavailable = unavailable if transcriber is None else None
        self._margin = margin
        self._agreement = agreement
        self._closed = closed and isinstance(transcriber, PhraseScorer)
        #: How alike texts sound (``by_sound``); ``None`` leaves the choice to the scores.
        self.sounds = sounds
        self._grammar: Grammar | None = None
        self._buffer: list[npt.NDArray[np.float32]] | None = None
        self.last_choice: Choice | None = None
        self.last_seconds = 0.0

    @property
    def name(self) -> str:
        return self.recognizer.name

    @property
    def sample_rate(self) -> int:
        return self.recognizer.sample_rate

    @property
    def transcribes(self) -> bool:
        """Whether free grammars are answered with what was said (a transcriber is here)."""
        return self.transcriber is not None

    @property
    def garbage_word(self) -> bool:
        return bool(getattr(self.recognizer, "garbage_word", False))

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        return self.recognizer.unknown_words(words)

    def start(self, grammar: Grammar | None) -> None:
        self.recognizer.start(grammar)
        self._grammar = grammar
        heard = grammar is not None and (grammar.free or self._closed)
        self._buffer = [] if heard and self.transcriber is not None else None

    def feed(self, chunk: Audio) -> Partial | None:
        if self._buffer is not None:
            self._buffer.append(chunk.samples.astype(np.float32))
        return self.recognizer.feed(chunk)

    def finish(self) -> Result:
        grammar, buffer, transcriber = self._grammar, self._buffer, self.transcriber
        self._buffer = None
        if grammar is None or buffer is None or transcriber is None:
            return self.recognizer.finish()
        started = time.perf_counter()
        audio = _at_rate(self._audio(buffer), transcriber)  # once, for every use below
        if grammar.free:
            # Transcribed first: a sentence no phrase of the grammar comes near is
            # answered at once, and the grammar path is left unfinished, since its
            # answer could not change the choice (its whole-utterance decode was half
            # the time from the end of speech to the decision).
            transcript = transcriber.transcribe(audio)
            if self._described(transcript, grammar):
                nothing = Result("", 0.0)
                return self._chosen(
                    Choice(transcript, DESCRIBED, nothing, transcript, {}, None), started
                )
            result = self.recognizer.finish()
            choice = self.decide(audio, grammar, result, transcriber, transcript)
            return self._chosen(self._settled(choice, grammar, result), started, grammar)
        result = self.recognizer.finish()
        digits = is_digits(result.text)
        if digits and (self.sounds is None or all(is_digits(p) for p in grammar.phrases)):
            return result  # digits where only digits are asked for: their own recogniser's
        if result.confidence >= SURE and self.sounds is None:
            return result  # a closed grammar's sure phrase, with nothing to check it by
        # a sure phrase or a lone digit among menu words is still checked by how the
        # transcript sounds ("theft" heard as "threatened" at 0.65, "gun" as "one")
        choice = self._settled(self.decide(audio, grammar, result, transcriber), grammar, result)
        if digits and not wrote_digit(choice.transcript, result.text):
            # a digit picks an option: acted on only when the transcript writes it too
            # ("tooth" heard as "two" at 0.55, transcribed "dove", scored up to 1.0)
            capped = as_phrase(result, choice.result.text, min(choice.result.confidence, ONE_MODEL))
            choice = Choice(
                capped,
                "a digit only one engine heard",
                result,
                choice.transcript,
                choice.scores,
                choice.transcript_score,
            )
        return self._chosen(choice, started, grammar)

    @staticmethod
    def _settled(choice: Choice, grammar: Grammar, result: Result) -> Choice:
        """The choice with what agreement and a closed grammar make of its confidence."""
        if choice.reason == BOTH_HEARD:
            # two unlike engines writing one phrase word for word is no chance, however
            # unsure each was alone in noise: the phrase is acted on, at a node of menu
            # words as where descriptions are taken (there the whole utterance was
            # the phrase: "mental health" heard at 0.58 by both, "police non emergency"
            # at 0.01)
            agreed = as_phrase(result, result.text, max(choice.result.confidence, AGREED))
            return Choice(agreed, choice.reason, result, choice.transcript, {}, None)
        if not grammar.free and choice.result.source is not Source.GRAMMAR:
            # Words no phrase of a closed grammar explains: the grammar path forced them
            # onto its nearest phrase, which is then worth a question at most.
            capped = as_phrase(result, result.text, min(result.confidence, UNCONFIRMED))
            return Choice(capped, "off the closed grammar", result, choice.transcript, {}, None)
        return choice

    def _audio(self, buffer: list[npt.NDArray[np.float32]]) -> Audio:
        samples = np.concatenate(buffer) if buffer else np.zeros(0, np.float32)
        return Audio(samples, self.recognizer.sample_rate)

    @staticmethod
    def _described(transcript: Result, grammar: Grammar) -> bool:
        """Whether a transcript is a description that no phrase could be chosen over:
        longer by more than ``EXTRA_WORDS`` words than every phrase with half its words
        or more in it (``choose`` takes no phrase that much shorter, and a phrase with
        most of its words missing from the model's own transcript does not come within
        ``MARGIN`` of it: on the dev voices, clean and at 15 dB, the choice was the
        same for every need and menu word with and without waiting)."""
        if transcript.rejected:
            return False
        words = words_of(transcript.text)
        if len(words) <= SHORT:  # a short transcript: every phrase counts
            return False
        said = set(words)
        near = [p for p in grammar.phrases if 2 * len(said & set(p.split())) >= len(p.split())]
        return all(len(words) - len(p.split()) > EXTRA_WORDS for p in near)

    def _chosen(self, choice: Choice, started: float, grammar: Grammar | None = None) -> Result:
        """``choice``'s answer, with the phrases worth a question besides it
        (``runners_up``) when it is a short transcript (which the menu may not
        understand, however sure Moonshine is of its words: "have a lunch" for
        "avalanche" at 0.65) or a menu phrase not sure enough to act on (a sure one
        is acted on: they would go unused)."""
        written = choice.result.source is Source.TRANSCRIPT
        if grammar is not None and (written or choice.result.confidence < SURE):
            also = runners_up(choice, grammar.phrases, grammar.free, self.sounds)
            if also:
                choice = replace(choice, result=replace(choice.result, runners_up=also))
        self.last_seconds = time.perf_counter() - started
        self.last_choice = choice
        log.debug(
            "free speech: %r (%s) from grammar %r and transcript %r; runners-up %s",
            choice.result.text,
            choice.reason,
            choice.grammar.text,
            choice.transcript.text if choice.transcript else None,
            list(choice.result.runners_up),
        )
        return choice.result

    def decide(
        self,
        audio: Audio,
        grammar: Grammar,
        result: Result,
        transcriber: Transcriber,
        transcript: Result | None = None,
    ) -> Choice:
        """The answer for ``audio`` given the grammar path's ``result`` (and the
        ``transcript`` of it, when the transcriber already wrote one)."""
        audio = _at_rate(audio, transcriber)
        scorer = transcriber if isinstance(transcriber, PhraseScorer) else None
        if result.text and result.confidence >= SURE:
            # The grammar path is sure: no need of this node was ever heard so (see notes),
            # though a phrase the transcript sounds unlike is asked about.
            sure = Choice(result, "the grammar path is sure", result, transcript, {}, None)
            if self.sounds is None or (grammar.free and transcript is None):
                return sure
            if transcript is None:
                transcript = transcriber.transcribe(audio)
            unscored = Choice(result, sure.reason, result, transcript, {}, None)
            return self._by_sound(unscored, grammar, audio, scorer)
        if transcript is None:
            transcript = transcriber.transcribe(audio)
        if not isinstance(transcriber, PhraseScorer):
            chosen, reason = choose_by_words(result, transcript)
            return Choice(chosen, reason, result, transcript, {}, None)
        scores: dict[str, float] = {}
        own = transcript.alternatives[0][1] if transcript.alternatives else None
        if not transcript.rejected and own is not None:
            wanted = candidates(grammar, result.text, transcript.text)
            said = len(words_of(transcript.text))
            # a transcript longer than every candidate by EXTRA_WORDS is none of them,
            # whatever they score (``choose``): no need to score them (130 ms a need)
            if any(said - len(p.split()) <= EXTRA_WORDS for p in wanted):
                scores = transcriber.score_phrases(audio, wanted)
        if own is None:
            chosen, reason = choose_by_words(result, transcript)
        else:
            chosen, reason = choose(result, transcript, scores, own, self._margin, self._agreement)
        choice = Choice(chosen, reason, result, transcript, scores, own)
        return self._by_sound(choice, grammar, audio, scorer)

    def _by_sound(
        self, choice: Choice, grammar: Grammar, audio: Audio, transcriber: PhraseScorer | None
    ) -> Choice:
        """``choice`` with what ``by_sound`` makes of it: where the grammar is closed, the
        transcript short, or a phrase was chosen (a long description is left as it is)."""
        transcript = choice.transcript
        if self.sounds is None or transcript is None:
            return choice
        short = len(words_of(transcript.text)) <= SHORT
        if grammar.free and not short and choice.result.source is not Source.GRAMMAR:
            return choice
        chosen = choice.result
        found = by_sound(
            chosen,
            choice.grammar,
            transcript,
            grammar.phrases,
            self.sounds,
            # how far behind its own transcript the transcriber puts the phrase: asked
            # only for a phrase about to be doubted, and scored then if it was not (a
            # sure phrase)
            behind=lambda: _behind(choice, chosen.text, audio, transcriber),
        )
        if found is None:
            return choice
        result, reason = found
        return Choice(
            result, reason, choice.grammar, transcript, choice.scores, choice.transcript_score
        )


def _behind(
    choice: Choice, phrase: str, audio: Audio, transcriber: PhraseScorer | None
) -> float | None:
    """How many nats less likely than its own transcript the transcriber finds ``phrase``."""
    transcript = choice.transcript
    own = choice.transcript_score
    if own is None and transcript is not None and transcript.alternatives:
        own = transcript.alternatives[0][1]
    if own is None:
        return None
    score = choice.scores.get(phrase)
    if score is None and transcriber is not None:
        score = transcriber.score_phrases(audio, [phrase]).get(phrase)
    return None if score is None else own - score


def _at_rate(audio: Audio, transcriber: Transcriber) -> Audio:
    """The utterance at the transcriber's rate (as it is, when it is already)."""
    if transcriber.sample_rate == audio.rate:
        return audio
    from ivr.audio.resample import resample

    return resample(audio, transcriber.sample_rate)
