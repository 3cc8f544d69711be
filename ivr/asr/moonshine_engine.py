"""Moonshine (neural, English) as a grammar recogniser, through onnxruntime.

Moonshine writes free text; asked to transcribe a lone telephone digit it
often writes nothing, or a near word ("Fair." for "four"). A menu does not
need free text: it needs to know which of its phrases the caller said. So
the decoder is not left to write; it is asked how likely each phrase of the
grammar is as the transcript, in the written forms a transcript would use
("Police" then the end, or "Police" then a full stop; what could follow the
full stop is not scored, which saves a decoder pass and changed no FSDD
answer). Digit numerals ("4.") were tried as forms too and lowered accuracy.
The scoring itself is ``ivr.asr.moonshine_decoder``'s. Measured on FSDD
(real 8 kHz human digits): 97.25% (389/400), against 23% for Moonshine's own
free transcription of the same clips.

The phrase probabilities are absolute (the rest goes to every other
transcript), so off-menu speech leaves every phrase unlikely: with a grammar
that allows "something else", a best phrase below ``reject_below`` is
rejected. Absolute values are low for lone words, though (a quarter of the
FSDD digits heard right score under 5%, the model preferring "Hey."), so the
confidence a menu sees is the best phrase's share among the grammar's phrases,
scaled down when the phrase itself is improbable (``evidence``). The share
alone is no safeguard: menus decode closed, and half of the off-grammar espeak-ng
sentences (53 of 108) had a share of 0.6 or more against the 24 menu words, so
a menu would have acted on them without asking. Scaled, 3 of 108 pass 0.6
while 202 of 216 menu words still do (205 before).

A need described in the caller's own words is ``ivr.asr.moonshine_transcriber``'s;
both hold the same loaded model.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ivr.asr.base import EngineError, Grammar, Partial, Result, Source, Word
from ivr.asr.moonshine_decoder import RATE, FloatArray, MoonshineDecoder, plain_words
from ivr.asr.moonshine_transcriber import transcript_confidence
from ivr.audio.pcm import Audio

log = logging.getLogger(__name__)

#: Below this probability of the best phrase, an open grammar answers "nothing heard".
#: Measured: off-grammar espeak-ng sentences score 1e-7..6e-5 (5th-95th percentile)
#: against the 24 menu words, 2e-8..1e-5 against the digits; menu words heard right
#: score 9e-4..0.86, FSDD digits 9e-5..0.9. 1e-4 rejects 106 of 108 off-grammar probes
#: (107 of 108 against digits) and 3 of 208 menu words, 5 of 80 FSDD digits.
_DEFAULT_REJECT_BELOW = 1e-4
#: The best phrase's probability from which a menu may trust it fully, and below
#: which its confidence is nil (log-linear between). Measured: off-grammar espeak-ng
#: sentences score a median 1.6e-5 against the 24 menu words, 1.6e-4 at the 95th
#: percentile; menu words heard right 9e-4 at the 5th percentile, 0.17 at the median.
_EVIDENCE_NONE, _EVIDENCE_FULL = 1e-5, 1e-3


class MoonshineRecognizer:
    """A grammar recogniser on one loaded model (``decoder``); the whole utterance is
    decoded at ``finish``, since the grammar is scored as whole transcripts.

    ``model_dir``, ``threads`` and ``cache_root``: which model and how it runs, as for
    ``MoonshineDecoder``. ``reject_below``: see ``_DEFAULT_REJECT_BELOW``.
    """

    def __init__(
        self,
        model_dir: Path | None = None,
        reject_below: float = _DEFAULT_REJECT_BELOW,
        threads: int | None = None,
        cache_root: Path | None = None,
    ) -> None:
        self.decoder = MoonshineDecoder(model_dir, threads, cache_root)
        self._reject_below = reject_below
        self._grammar: Grammar | None = None
        self._buffer: list[FloatArray] | None = None
        self.model_dir = self.decoder.model_dir
        #: Each phrase's probability in the last finished utterance (for reports and fusion).
        self.last_scores: dict[str, float] = {}

    @property
    def name(self) -> str:
        return "moonshine"

    @property
    def sample_rate(self) -> int:
        return RATE

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        """None: byte-level subwords spell any word (how well it is heard is another matter)."""
        return []

    def start(self, grammar: Grammar | None) -> None:
        self._grammar = grammar
        self._buffer = []

    def feed(self, chunk: Audio) -> Partial | None:
        if self._buffer is None:
            raise EngineError("feed() before start()")
        if chunk.rate != RATE:
            raise EngineError(f"moonshine wants {RATE} Hz audio, got {chunk.rate} Hz")
        self._buffer.append(chunk.samples.astype(np.float32))
        return None

    def finish(self) -> Result:
        if self._buffer is None:
            raise EngineError("finish() before start()")
        samples = np.concatenate(self._buffer) if self._buffer else np.zeros(0, np.float32)
        self._buffer = None
        grammar = self._grammar
        if grammar is None:  # free decoding, its confidence from the tokens' probabilities
            tokens, log_probs, _ = self.decoder.decode_free(
                self.decoder.encode(samples), len(samples) / RATE
            )
            text = plain_words(self.decoder.text_of(tokens))
            if not text:
                return Result("", 0.0, (), source=Source.TRANSCRIPT)
            return Result(text, transcript_confidence(log_probs), (), source=Source.TRANSCRIPT)
        scores = self.decoder.phrase_log_probs(samples, grammar.phrases)
        self.last_scores = {p: math.exp(v) for p, v in scores.items()}
        best = max(scores, key=lambda p: (scores[p], p))
        # Every phrase scored, best first: what ``ivr.asr.digits_fusion`` settles with.
        alternatives = tuple(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])))
        if grammar.allow_unknown and self.last_scores[best] < self._reject_below:
            log.debug(
                "rejected %r: probability %.2g < %.2g",
                best,
                self.last_scores[best],
                self._reject_below,
            )
            return Result("", 0.0, (), alternatives=alternatives)
        confidence = phrase_confidence(scores, best)
        end = max(0.0, len(samples) / RATE)
        words = tuple(Word(w, confidence, 0.0, end) for w in best.split())
        return Result(best, confidence, words, alternatives=alternatives)


def phrase_confidence(log_probs: Mapping[str, float], best: str) -> float:
    """What a menu should make of ``best``: its share among the grammar's phrases
    (``log_probs``, natural logs), scaled by its own ``evidence``."""
    share = math.exp(log_probs[best] - float(np.logaddexp.reduce(list(log_probs.values()))))
    return share * evidence(math.exp(log_probs[best]))


def evidence(probability: float) -> float:
    """How far a phrase's own probability lets a menu trust it: 0 up to
    ``_EVIDENCE_NONE``, 1 from ``_EVIDENCE_FULL``, log-linear between."""
    if probability <= 0.0:
        return 0.0
    low, high = math.log10(_EVIDENCE_NONE), math.log10(_EVIDENCE_FULL)
    return min(1.0, max(0.0, (math.log10(probability) - low) / (high - low)))
