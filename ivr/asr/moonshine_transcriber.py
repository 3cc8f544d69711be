"""Moonshine's free transcript of a need described in the caller's own words.

Where a caller describes a need rather than saying a menu phrase,
``MoonshineTranscriber`` lets the decoder write (greedy), with a confidence from its
own token probabilities (``transcript_confidence``), and scores menu phrases as
whole transcripts of the same encoding, so ``ivr.asr.free_speech`` can weigh one
against the other. It shares the loaded model (``ivr.asr.moonshine_decoder``) with
the grammar recogniser (``ivr.asr.moonshine_engine``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ivr.asr.base import Result, Source, Word
from ivr.asr.moonshine_decoder import RATE, FloatArray, MoonshineDecoder, plain_words
from ivr.audio.pcm import Audio


class MoonshineTranscriber:
    """Moonshine's free transcript of an utterance, with a confidence from its own
    token probabilities (a ``Transcriber``), and the same model's probability of
    any given phrase as the transcript (a ``PhraseScorer``), so that a menu phrase
    and the free transcript can be weighed against each other (``ivr.asr.free_speech``).

    ``trim``: cut the audio to its speech first (``ivr.asr.trim``; off: it did
    not help, see there); the transcript and the phrases are scored on the same
    audio either way.

    The utterance is there because something was said (a voice activity
    detector or a caller's recording sent it), yet at 15 dB SNR Moonshine's
    likeliest transcript was often the empty one (it wrote nothing for 19 of
    320 needs spoken by 8 espeak-ng and flite voices, and for 376 of 792 short
    menu phrases), while its best transcript *with* words was often exact ("My
    dad has chest pain."). So the transcript is the best one with words, with
    the model's own probabilities: the first token's is what the empty
    transcript left it, which ``transcript_confidence`` counts.

    Shares the loaded model with every other Moonshine recogniser in the process.
    The last utterance's encoding is kept, so scoring phrases on the audio just
    transcribed costs no second pass of the encoder.
    """

    def __init__(
        self,
        model_dir: Path | None = None,
        threads: int | None = None,
        cache_root: Path | None = None,
        trim: bool = False,
    ) -> None:
        self._model = MoonshineDecoder(model_dir, threads=threads, cache_root=cache_root)
        self._trim = trim
        self._last: tuple[bytes, FloatArray, FloatArray] | None = None

    @property
    def name(self) -> str:
        return "moonshine"

    @property
    def sample_rate(self) -> int:
        return RATE

    def _encoded(self, audio: Audio) -> tuple[FloatArray, FloatArray]:
        """The 16 kHz samples as decoded (trimmed) and their encoding, kept for the
        last utterance."""
        samples = _at_rate(audio)
        key = hashlib.blake2b(samples.tobytes(), digest_size=16).digest()
        if self._last is None or self._last[0] != key:
            if self._trim:
                from ivr.asr.trim import trim_silence

                samples = trim_silence(samples, RATE)
            self._last = (key, samples, self._model.encode(samples))
        return self._last[1], self._last[2]

    def transcribe(self, audio: Audio) -> Result:
        samples, encoded = self._encoded(audio)
        seconds = len(samples) / RATE
        tokens, log_probs, _ = self._model.decode_free(encoded, seconds, say_something=True)
        written = self._model.text_of(tokens)
        text = plain_words(written)
        if not text:
            return Result("", 0.0, (), source=Source.TRANSCRIPT)
        confidence = transcript_confidence(log_probs)
        words = tuple(Word(w, confidence, 0.0, seconds) for w in text.split())
        return Result(
            text,
            confidence,
            words,
            source=Source.TRANSCRIPT,
            alternatives=((written, float(sum(log_probs))),),
        )

    def score_phrases(self, audio: Audio, phrases: Sequence[str]) -> dict[str, float]:
        """Each phrase's log-probability as the whole transcript (comparable with the
        transcript's own, ``Result.alternatives``)."""
        _, encoded = self._encoded(audio)
        return self._model.phrase_log_probs_encoded(encoded, phrases, whole=True)


#: Geometric means of token probability at which a free transcript gets no and full
#: confidence (linear between). Measured on 640 transcripts of 40 needs (8 espeak-ng and
#: flite voices, 8 kHz, clean and 15 dB SNR): at 0.9-1.0, 98% had a word error rate of
#: 0.25 or less; 0.8-0.9: 85%; 0.7-0.8: 48%; 0.6-0.7: 15%; below 0.6: 2 of 80. Speech in
#: no language the menu knows (espeak-ng reading German, French, Spanish, Italian, Polish,
#: Finnish, Turkish and Hungarian sentences, time-reversed English; clean and at 15 dB)
#: reached 0.63 at most, noise, hum and tones 0.33 at most.
_GEOMETRIC_NONE, _GEOMETRIC_FULL = 0.6, 0.95


def transcript_confidence(log_probs: Sequence[float]) -> float:
    """How far a free transcript can be trusted, from the geometric mean of its tokens'
    probabilities (the end of the transcript counted as a token; the first token's as the
    model gave it, the empty transcript's share included), mapped so that it reads as the
    share of such transcripts that were usable (see ``_GEOMETRIC_NONE``)."""
    if not log_probs:
        return 0.0
    geometric = math.exp(sum(log_probs) / len(log_probs))
    scaled = (geometric - _GEOMETRIC_NONE) / (_GEOMETRIC_FULL - _GEOMETRIC_NONE)
    return min(1.0, max(0.0, scaled))


def _at_rate(audio: Audio) -> FloatArray:
    if audio.rate == RATE:
        return audio.samples.astype(np.float32)
    from ivr.audio.resample import resample

    return resample(audio, RATE).samples.astype(np.float32)
