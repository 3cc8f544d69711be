"""Spoken single digits heard by several recognisers, settled into one answer.

Why: pocketsphinx's general US-English model hears real telephone digits
(FSDD, 8 kHz, four accented speakers) right 86.2% of the time, and its errors
are systematic: a fricative that the 8 kHz line removed ("zero" -> "two",
"six" -> "seven"). A second pocketsphinx model trained on TIDIGITS (Debian's
``pocketsphinx-testdata``, ``ivr.asr.digits_model``), whose filterbank stops at
4 kHz, does no better alone (85%) but errs on other clips: keeping the digit
both N-best lists hold with the best summed score gives 90.2%. Moonshine
(``ivr[neural]``) scores every digit of the grammar as the transcript (97.25%
alone); letting it settle the digit, with the first recogniser's answer
worth ``AGREEMENT`` nats more, gives 98.0% (392/400). The two err on
different clips: Moonshine on accented "four"/"six", pocketsphinx on
"zero"/"three" that lost their fricative. Bonuses from 0.5 to 2 nats scored
alike; 0 and 3 nats did worse (by 2 to 3 clips).

Moonshine is not asked when both pocketsphinx models' N-best lists hold the
same phrase and no other (204 of 400 FSDD clips, none of them wrong), which
halves its cost; it is asked when the first recogniser heard nothing in a
closed grammar (one more FSDD digit right).

A lone "oh" (zero) is the largest confusion left when the grammar holds it,
and nothing the models say tells a true "oh" from a false one, so a lone "oh"
is never trusted without asking (``OH_CONFIDENCE``). Measured with "oh" in the
grammar (FSDD, 400 clips; espeak-ng and flite voices at 8 kHz saying "oh"):

- 18 FSDD clips come out as "oh", 16 of them nicolas's (10 of his 10 "four",
  5 "two", 1 "six"; his one "zero" heard as "oh" is right), 2 george's "two";
  jackson and lucas never. Espeak-ng and flite voices saying "oh" (16 clips at
  8 kHz): 14 heard as "oh".
- Moonshine's margin of "oh" over the next digit is 1.1-10.8 nats on nicolas's
  false "oh"s and 1.9-12.5 on the true ones: no threshold tells them apart.
  Fitted on three speakers and tested on the fourth, each in turn: held-out
  george gains his 2 clips (a margin of 5 nats, fitted on nicolas), held-out
  nicolas nothing (the other three call for no margin: 79/100 either way);
  and 5 nats drops 2 of the 14 true "oh"s.
- Requiring all three models to name "oh" fixes 6 of nicolas's clips (385/400
  instead of 377: they mostly agree on his "four") and turns 4 of the 14 true
  "oh"s into another digit: a silent wrong digit for a caller who said "oh".

So "oh" stays in the answer but with a confidence below the menus'
``confirm_below``: of the 23 FSDD digits heard wrong, the 17 wrong "oh"s are
now asked about rather than taken (6 left); the price is one "Did you say
...?" for each true lone "oh" (and for nicolas's one right one).

``DigitsFusion`` is a ``Recognizer`` built from other recognisers; it imports
no engine (``ivr.asr.registry`` builds the parts) and reads only what every
engine gives: ``Result.text``, ``words``, ``confidence`` and ``alternatives``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from ivr.asr.base import DIGIT_WORDS, Grammar, Partial, Recognizer, Result, Word, recognize
from ivr.audio.pcm import Audio

log = logging.getLogger(__name__)

#: Log-probability (nats) added to the first recogniser's own digit when Moonshine settles it.
AGREEMENT = 1.0
#: The most a lone "oh" is trusted: below the default ``confirm_below`` (0.6) and the
#: Norway menu's (0.5), above their ``reject_below`` (0.3, 0.2), so the menu asks
#: "Did you say ...?" (see the module notes). ``None`` takes "oh" like any digit.
OH_CONFIDENCE: float | None = 0.45


def combine(opinions: Sequence[Mapping[str, float]]) -> str | None:
    """The phrase most models proposed; among those, the best summed score.

    Each opinion maps a phrase to its path score in one model's N-best list.
    A phrase missing from a list was pruned by that model, which is worse
    evidence than any score it gave. ``None`` when no model proposed anything.
    No weight is fitted to FSDD.
    """
    candidates = {phrase for opinion in opinions for phrase in opinion}
    if not candidates:
        return None

    def rank(phrase: str) -> tuple[int, float, str]:
        found = [o[phrase] for o in opinions if phrase in o]
        # The phrase itself breaks exact ties, so the outcome never depends on set order.
        return (len(found), sum(found), phrase)

    return max(candidates, key=rank)


def unanimous(opinions: Sequence[Mapping[str, float]]) -> str | None:
    """The phrase when every model's N-best list holds it and no other phrase, else ``None``.

    No model then kept any rival path alive: the evidence is as one-sided as
    pocketsphinx can say, and a further opinion is not worth its cost (on FSDD
    none of the 204 such clips was wrong).
    """
    if not opinions or any(len(o) != 1 for o in opinions):
        return None
    phrases = {phrase for opinion in opinions for phrase in opinion}
    return phrases.pop() if len(phrases) == 1 else None


def single_digits(grammar: Grammar) -> bool:
    """Grammars whose every phrase is one spoken digit (a keypad by voice)."""
    return all(p in DIGIT_WORDS for p in grammar.phrases)


class DigitsFusion:
    """A ``Recognizer``: ``primary`` answers, and for grammars of single digits
    ``second`` (another acoustic model, asked when it knows every phrase) and
    ``settler`` (a model whose ``alternatives`` are log-probabilities of every
    phrase, Moonshine) have their say. Any other grammar is ``primary``'s alone,
    at no extra cost. ``second`` and ``settler`` may be ``None``.
    """

    def __init__(
        self,
        primary: Recognizer,
        second: Recognizer | None = None,
        settler: Recognizer | None = None,
        agreement: float = AGREEMENT,
        oh_confidence: float | None = OH_CONFIDENCE,
    ) -> None:
        self.primary = primary
        self.second = second
        self.settler = settler
        self._agreement = agreement
        self._oh_confidence = oh_confidence
        self._grammar: Grammar | None = None
        self._buffer: list[npt.NDArray[np.float32]] | None = None
        #: Whether the last finished utterance was settled with the second model's opinion.
        self.last_digits_model = False
        #: Whether the last finished utterance was settled by ``settler``.
        self.last_neural = False
        #: Utterances ``settler`` was asked about since this recogniser was made.
        self.neural_utterances = 0

    @property
    def name(self) -> str:
        return self.primary.name

    @property
    def sample_rate(self) -> int:
        return self.primary.sample_rate

    @property
    def garbage_word(self) -> bool:
        return bool(getattr(self.primary, "garbage_word", False))

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        return self.primary.unknown_words(words)

    def start(self, grammar: Grammar | None) -> None:
        self.primary.start(grammar)
        self._grammar = grammar
        digits = grammar is not None and single_digits(grammar)
        self._buffer = [] if digits and (self.second or self.settler) else None

    def finish(self) -> Result:
        result = self._fused()
        grammar = self._grammar
        cap = self._oh_confidence
        if (
            cap is not None
            and result.text == "oh"
            and result.confidence > cap
            and grammar is not None
            and single_digits(grammar)
        ):
            log.debug("a lone 'oh' at %.2f: capped at %.2f (confirm it)", result.confidence, cap)
            words = tuple(
                Word(w.word, min(w.confidence, cap), w.start, w.end) for w in result.words
            )
            return Result(result.text, cap, words, result.source, result.alternatives)
        return result

    def feed(self, chunk: Audio) -> Partial | None:
        if self._buffer is not None:
            self._buffer.append(chunk.samples.astype(np.float32))
        return self.primary.feed(chunk)

    def _fused(self) -> Result:
        result = self.primary.finish()
        self.last_digits_model = self.last_neural = False
        grammar, buffer = self._grammar, self._buffer
        self._buffer = None
        if grammar is None or buffer is None:
            return result
        rate = self.primary.sample_rate
        audio = Audio(np.concatenate(buffer) if buffer else np.zeros(0, np.float32), rate)
        text, words = result.text, list(result.words)
        # Both pocketsphinx models' N-best lists named the phrase alone: Moonshine is not asked.
        settled = False
        if text and self.second is not None and self._second_applies(grammar):
            text, words, settled = self._second_opinion(audio, grammar, result)
        # Nothing heard in a closed grammar: Moonshine may still hear the digit.
        if self.settler is not None and not settled and (text or not grammar.allow_unknown):
            text, words, heard = self._settle(audio, grammar, text, words)
            if not result.text and text:
                return Result(text, heard.confidence, heard.words)
        if not text:
            return Result("", 0.0, ())
        confidence = result.confidence
        scored = tuple(Word(w.word, confidence, w.start, w.end) for w in words)
        return Result(text, confidence, scored)

    def _second_applies(self, grammar: Grammar) -> bool:
        second = self.second
        return second is not None and not second.unknown_words(grammar.words)

    def _second_opinion(
        self, audio: Audio, grammar: Grammar, result: Result
    ) -> tuple[str, list[Word], bool]:
        """The phrase both models favour, its words, and whether both N-best lists held
        that phrase and no other."""
        assert self.second is not None  # noqa: S101 (checked by the caller)
        other = recognize(self.second, audio, _closed(grammar))
        opinions = [dict(result.alternatives), dict(other.alternatives)]
        text = result.text
        chosen = combine(opinions) or text
        self.last_digits_model = True
        settled = unanimous(opinions) == chosen
        if chosen == text:
            return text, list(result.words), settled
        log.debug("digits model: %r rather than %r", chosen, text)
        if other.text == chosen:
            return chosen, list(other.words), settled
        return (
            chosen,
            [Word(chosen, w.confidence, w.start, w.end) for w in result.words[:1]],
            settled,
        )

    def _settle(
        self, audio: Audio, grammar: Grammar, text: str, words: list[Word]
    ) -> tuple[str, list[Word], Result]:
        """The settler's most likely digit, ``text`` counting ``AGREEMENT`` nats more;
        also the settler's own result (its confidence, for a digit only it heard)."""
        assert self.settler is not None  # noqa: S101 (checked by the caller)
        heard = recognize(self.settler, audio, _closed(grammar))
        scores = dict(heard.alternatives)
        self.last_neural = True
        self.neural_utterances += 1
        if text in scores:
            scores[text] += self._agreement
        chosen = max(scores, key=lambda p: (scores[p], p)) if scores else text
        if chosen == text:
            return text, words, heard
        log.debug("%s: %r rather than %r", self.settler.name, chosen, text)
        if not text:
            return chosen, list(heard.words), heard
        return chosen, [Word(chosen, w.confidence, w.start, w.end) for w in words[:1]], heard


def _closed(grammar: Grammar) -> Grammar:
    """The same phrases with no "nothing heard": the fusion wants every model's best."""
    if not grammar.allow_unknown:
        return grammar
    return Grammar(grammar.phrases, allow_unknown=False, free=grammar.free)
