"""Moonshine (neural, English) as a grammar recogniser, through onnxruntime.

Moonshine writes free text; asked to transcribe a lone telephone digit it
often writes nothing, or a near word ("Fair." for "four"). A menu does not
need free text: it needs to know which of its phrases the caller said. So
the decoder is not left to write; it is asked how likely each phrase of the
grammar is as the transcript, in the written forms a transcript would use
("Police" then the end, or "Police" then a full stop; what could follow the
full stop is not scored, which saves a decoder pass and changed no FSDD
answer). Digit numerals ("4.") were tried as forms too and lowered accuracy.
The phrases share prefixes, so their tokens are scored as a tree, a level per
batched decoder call, until what is left fits in one call. Measured on FSDD
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

Lone words need context to be heard: 0.3 s of silence each side (as for
pocketsphinx) takes FSDD from 63% to 78% on the hardest speaker, and menu
words from 92.9% (0.15 s) to 94.5%.

Where a caller describes a need in their own words, ``MoonshineTranscriber``
lets the decoder write (greedy), with a confidence from its own token
probabilities (``transcript_confidence``), and scores menu phrases as whole
transcripts of the same encoding, so ``ivr.asr.free_speech`` can weigh one
against the other. It shares the loaded model with the recogniser.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ivr.asr import moonshine_model as mm
from ivr.asr.base import EngineError, Grammar, Partial, Result, Source, Word
from ivr.audio.pcm import Audio

log = logging.getLogger(__name__)

_RATE = 16000
_PAD_SECONDS = 0.3
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
#: Moonshine handles 0.1 s to 64 s in one call.
_MIN_SECONDS, _MAX_SECONDS = 0.1, 60.0
_FREE_TOKENS_PER_SECOND = 8
#: Prefixes kept per level of the phrase tree (a digits grammar has at most 11).
_BEAM = 16
#: When what is left of the tree fits in this many token positions, it is scored
#: exactly in one call: a call costs about as much as 12 positions (the weights are
#: read from memory each time), so one wide call beats several narrow ones.
_EXACT_POSITIONS = 64

FloatArray = npt.NDArray[np.float32]


def written_forms(phrase: str) -> list[str]:
    """How a transcript could write ``phrase``: capitalised, with or without a full stop."""
    text = phrase[:1].upper() + phrase[1:]
    return [f"{text}.", text]


class MoonshineRecognizer:
    """One loaded model; the whole utterance is decoded at ``finish``.

    ``model_dir``: a folder with Moonshine's files (default: the installed
    ``moonshine-cpp`` wheel, or ``IVR_MOONSHINE_MODEL``). ``cache_root``: where
    the prepared copy goes (default ``models/``).
    """

    def __init__(
        self,
        model_dir: Path | None = None,
        reject_below: float = _DEFAULT_REJECT_BELOW,
        threads: int | None = None,
        cache_root: Path | None = None,
    ) -> None:
        source = mm.find(model_dir)
        if source is None:
            raise EngineError("Moonshine is not installed", mm._INSTALL_HINT)
        folder = mm.prepared(source, cache_root)
        self._encoder, self._decoder = _sessions(folder, threads or min(2, os.cpu_count() or 1))
        self._tokenizer = mm.tokenizer(folder)
        self._past = [i.name for i in self._decoder.get_inputs() if i.name.startswith("past_")]
        self._present = [o.name for o in self._decoder.get_outputs()][1:]
        self._reject_below = reject_below
        self._grammar: Grammar | None = None
        self._buffer: list[FloatArray] | None = None
        self._forms: dict[str, list[tuple[int, ...]]] = {}
        self.model_dir = folder
        #: Each phrase's probability in the last finished utterance (for reports and fusion).
        self.last_scores: dict[str, float] = {}

    @property
    def name(self) -> str:
        return "moonshine"

    @property
    def sample_rate(self) -> int:
        return _RATE

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        """None: byte-level subwords spell any word (how well it is heard is another matter)."""
        return []

    def start(self, grammar: Grammar | None) -> None:
        self._grammar = grammar
        self._buffer = []

    def feed(self, chunk: Audio) -> Partial | None:
        if self._buffer is None:
            raise EngineError("feed() before start()")
        if chunk.rate != _RATE:
            raise EngineError(f"moonshine wants {_RATE} Hz audio, got {chunk.rate} Hz")
        self._buffer.append(chunk.samples.astype(np.float32))
        return None

    def finish(self) -> Result:
        if self._buffer is None:
            raise EngineError("finish() before start()")
        samples = np.concatenate(self._buffer) if self._buffer else np.zeros(0, np.float32)
        self._buffer = None
        grammar = self._grammar
        if grammar is None:  # free decoding, its confidence from the tokens' probabilities
            tokens, log_probs, _ = self.decode_free(self.encode(samples), len(samples) / _RATE)
            text = plain_words(self.text_of(tokens))
            if not text:
                return Result("", 0.0, (), source=Source.TRANSCRIPT)
            return Result(text, transcript_confidence(log_probs), (), source=Source.TRANSCRIPT)
        scores = self.phrase_log_probs(samples, grammar.phrases)
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
        end = max(0.0, len(samples) / _RATE)
        words = tuple(Word(w, confidence, 0.0, end) for w in best.split())
        return Result(best, confidence, words, alternatives=alternatives)

    def _padded(self, samples: FloatArray) -> FloatArray:
        pad = np.zeros(int(_PAD_SECONDS * _RATE), dtype=np.float32)
        audio = np.concatenate([pad, samples.astype(np.float32), pad])
        return audio[: int(_MAX_SECONDS * _RATE)]

    def _encode(self, samples: FloatArray) -> FloatArray:
        audio = self._padded(samples)
        if len(audio) < _MIN_SECONDS * _RATE:
            audio = np.concatenate([audio, np.zeros(int(_MIN_SECONDS * _RATE), np.float32)])
        out = self._encoder.run(None, {"input_values": audio[None, :]})
        return np.asarray(out[0], dtype=np.float32)

    def _token_forms(self, phrase: str) -> list[tuple[int, ...]]:
        """Token sequences that count as ``phrase``: the bare form then the end, and the
        form with its full stop (then the end only when the stop merges with a word piece)."""
        cached = self._forms.get(phrase)
        if cached is None:
            stopped, bare = (tuple(self._tokenizer.encode(f)) for f in written_forms(phrase))
            if stopped[:-1] == bare:  # the full stop is a token of its own
                cached = [(*bare, mm.EOS), stopped]
            else:
                cached = [(*bare, mm.EOS), (*stopped, mm.EOS)]
            self._forms[phrase] = cached
        return cached

    def phrase_log_probs(self, samples: FloatArray, phrases: Iterable[str]) -> dict[str, float]:
        """Natural-log probability of each phrase being the transcript of ``samples``.

        ``samples``: 16 kHz mono. Written forms of one phrase are summed. With
        more phrases than the beam holds, the unlikely ones are pruned on the
        way and left out of the answer.
        """
        return self.phrase_log_probs_encoded(self._encode(samples), phrases)

    def _search(
        self, encoded: FloatArray, sequences: set[tuple[int, ...]]
    ) -> dict[tuple[int, ...], float]:
        """Log-probability of each token sequence, walking their prefix tree a level at a time.

        Each level is one batched decoder call over the live prefixes; only the
        ``_BEAM`` best prefixes go on. Once the rest of their subtrees fits in
        ``_EXACT_POSITIONS``, it is scored in one call (a digits grammar gets
        there after the first token, so its scores are exact: two calls).
        """
        children: dict[tuple[int, ...], set[int]] = {}
        for seq in sequences:
            for k in range(len(seq)):
                children.setdefault(seq[:k], set()).add(seq[k])
        empty = {n: np.zeros((0, mm.HEADS, 1, mm.HEAD_DIM), np.float32) for n in self._past}
        feed: dict[str, Any] = {
            "input_ids": np.array([[mm.BOS]], np.int64),
            "encoder_hidden_states": encoded,
            "use_cache_branch": np.array([False]),
            **empty,
        }
        live: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
        parents: list[dict[str, FloatArray] | None] = [None]
        finals: dict[tuple[int, ...], float] = {}
        while live:
            out = self._decoder.run(None, feed)
            rows = _log_softmax(out[0][:, -1])
            grown: list[tuple[float, tuple[int, ...], int]] = []
            for j, (prefix, score) in enumerate(live):
                for token in children[prefix]:
                    total = score + float(rows[j, token])
                    if (*prefix, token) in sequences:
                        finals[(*prefix, token)] = total
                    if (*prefix, token) in children:
                        grown.append((total, (*prefix, token), j))
            grown.sort(key=lambda g: -g[0])
            grown = grown[:_BEAM]
            if not grown:
                break
            states = [self._cache(out, parents[j], j) for _, _, j in grown]
            live = [(prefix, total) for total, prefix, _ in grown]
            tails = _tails(live, sequences)
            if len(tails) * max(len(t) for _, t in tails) <= _EXACT_POSITIONS:
                finals.update(self._complete(encoded, live, states, tails, sequences))
                break
            parents = list(states)
            feed = {name: np.concatenate([s[name] for s in states]) for name in self._past}
            feed["input_ids"] = np.array([[p[-1]] for p, _ in live], np.int64)
            feed["encoder_hidden_states"] = np.repeat(encoded, len(live), axis=0)
            feed["use_cache_branch"] = np.array([True])
        return finals

    def _complete(
        self,
        encoded: FloatArray,
        live: list[tuple[tuple[int, ...], float]],
        states: list[dict[str, FloatArray]],
        tails: list[tuple[int, tuple[int, ...]]],
        sequences: set[tuple[int, ...]],
    ) -> dict[tuple[int, ...], float]:
        """Score every remaining token of the live prefixes' sequences in one decoder call.

        Each row feeds one prefix's last token and then the tokens of one of
        its continuations (teacher forcing); shorter rows are padded at the end,
        which the causal attention keeps from touching what comes before.
        """
        width = max(len(t) for _, t in tails)
        ids = np.full((len(tails), width), mm.EOS, np.int64)
        for r, (_, tail) in enumerate(tails):
            ids[r, : len(tail)] = tail
        feed: dict[str, Any] = {
            name: np.concatenate([states[i][name] for i, _ in tails]) for name in self._past
        }
        feed["input_ids"] = ids
        feed["encoder_hidden_states"] = np.repeat(encoded, len(tails), axis=0)
        feed["use_cache_branch"] = np.array([True])
        logits = self._decoder.run(None, feed)[0]
        ends: dict[tuple[int, ...], list[int]] = {}
        for seq in sequences:
            ends.setdefault(seq[:-1], []).append(seq[-1])
        finals: dict[tuple[int, ...], float] = {}
        for r, (i, tail) in enumerate(tails):
            prefix, score = live[i]
            rows = _log_softmax(logits[r, : len(tail)])
            # The row's own sequence, and the shorter ones that end on the way.
            for j in range(len(tail)):
                context = (*prefix, *tail[1 : j + 1])
                for last in ends.get(context, ()):
                    finals[(*context, last)] = score + float(rows[j, last])
                if j + 1 < len(tail):
                    score += float(rows[j, tail[j + 1]])
        return finals

    def _cache(
        self, out: list[Any], parent: dict[str, FloatArray] | None, row: int
    ) -> dict[str, FloatArray]:
        """Row ``row``'s key/value cache: the decoder's new self-attention state, and the
        cross-attention state from the first step (later steps do not return it)."""
        state: dict[str, FloatArray] = {}
        for past, value in zip(self._past, out[1:], strict=True):
            if parent is None or ".decoder." in past:
                state[past] = value[row : row + 1]
            else:
                state[past] = parent[past]
        return state

    def transcribe(self, samples: FloatArray) -> str:
        """Moonshine's own free transcript (greedy), lower-cased words only."""
        tokens, _, _ = self.decode_free(self.encode(samples), len(samples) / _RATE)
        return plain_words(self._tokenizer.decode(tokens))

    def encode(self, samples: FloatArray) -> FloatArray:
        """The encoder's output for 16 kHz ``samples`` (padded as every decode here is)."""
        return self._encode(samples)

    def decode_free(
        self, encoded: FloatArray, seconds: float, say_something: bool = False
    ) -> tuple[list[int], list[float], float]:
        """Greedy free decoding: the tokens (no BOS/EOS), each token's natural-log
        probability (the end of the transcript's last, absent when the length limit
        ``_FREE_TOKENS_PER_SECOND`` cut it short), and the probability of the empty
        transcript. ``say_something``: the best transcript that has words, even when
        the empty one is likelier (the probabilities stay the model's own)."""
        limit = int(seconds * _FREE_TOKENS_PER_SECOND) + 8
        empty = {n: np.zeros((0, mm.HEADS, 1, mm.HEAD_DIM), np.float32) for n in self._past}
        feed: dict[str, Any] = {
            "input_ids": np.array([[mm.BOS]], np.int64),
            "encoder_hidden_states": encoded,
            "use_cache_branch": np.array([False]),
            **empty,
        }
        tokens: list[int] = []
        log_probs: list[float] = []
        nothing = 0.0
        state: dict[str, FloatArray] | None = None
        for step in range(limit):
            out = self._decoder.run(None, feed)
            row = _log_softmax(out[0][:, -1])[0]
            if step == 0:
                nothing = math.exp(float(row[mm.EOS]))
                if say_something:
                    row = row.copy()
                    ends = float(row[mm.EOS])
                    row[mm.EOS] = -np.inf
                    token = int(np.argmax(row))
                    row[mm.EOS] = ends
                else:
                    token = int(np.argmax(row))
            else:
                token = int(np.argmax(row))
            log_probs.append(float(row[token]))
            if token == mm.EOS:
                break
            tokens.append(token)
            state = self._cache(out, state, 0)
            feed = {
                "input_ids": np.array([[token]], np.int64),
                "encoder_hidden_states": encoded,
                "use_cache_branch": np.array([True]),
                **state,
            }
        return tokens, log_probs, nothing

    def text_of(self, tokens: Sequence[int]) -> str:
        """The written text of output tokens (case and punctuation kept)."""
        return self._tokenizer.decode(tokens)

    def phrase_log_probs_encoded(
        self, encoded: FloatArray, phrases: Iterable[str], whole: bool = False
    ) -> dict[str, float]:
        """``phrase_log_probs`` for audio already encoded (``encode``). ``whole``: the
        phrase must be the whole transcript, the end counted after its full stop too
        (to weigh it against a free transcript: "Police." must not stand for "Police.
        Someone is in my garden.")."""
        forms = {p: self._token_forms(p) for p in phrases}
        if whole:
            forms = {
                p: [seq if seq[-1] == mm.EOS else (*seq, mm.EOS) for seq in seqs]
                for p, seqs in forms.items()
            }
        finals = self._search(encoded, {s for seqs in forms.values() for s in seqs})
        scores: dict[str, float] = {}
        for phrase, seqs in forms.items():
            found = [finals[s] for s in seqs if s in finals]
            if found:
                scores[phrase] = float(np.logaddexp.reduce(found))
        return scores


@lru_cache(maxsize=2)
def _sessions(folder: Path, threads: int) -> tuple[Any, Any]:
    """The encoder and decoder sessions of a prepared model, loaded once per process:
    they hold no state between calls, so every recogniser and transcriber of that
    model shares them (a second one costs no load time and no memory)."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise EngineError("onnxruntime is not installed", mm._INSTALL_HINT) from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    # Two sessions take turns; a pool left spinning after its call slows the
    # other one down by half (measured: encoder 18 ms alone, 40 ms after the decoder).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        encoder = ort.InferenceSession(
            str(folder / f"{mm.ENCODER}.onnx"), options, providers=["CPUExecutionProvider"]
        )
        decoder = ort.InferenceSession(
            str(folder / f"{mm.DECODER}.onnx"), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime's own exception types
        raise EngineError(
            f"onnxruntime cannot load the prepared Moonshine model in {folder}: {exc}",
            f"delete {folder} to have it prepared again",
        ) from None
    return encoder, decoder


def plain_words(text: str) -> str:
    """Lower-cased words, punctuation dropped (apostrophes and hyphens inside words kept)."""
    words = ("".join(c for c in w if c.isalnum() or c in "'-") for w in text.lower().split())
    return " ".join(w.strip("'-") for w in words if w.strip("'-"))


def _tails(
    live: list[tuple[tuple[int, ...], float]], sequences: set[tuple[int, ...]]
) -> list[tuple[int, tuple[int, ...]]]:
    """What is left to feed for each live prefix: (its index, its last token and the
    tokens after it), one row per continuation not already covered by a longer one."""
    rows: list[tuple[int, tuple[int, ...]]] = []
    for i, (prefix, _) in enumerate(live):
        k = len(prefix)
        tails = {s[k - 1 : -1] for s in sequences if len(s) > k and s[:k] == prefix}
        longest = [t for t in tails if not any(len(o) > len(t) and o[: len(t)] == t for o in tails)]
        rows.extend((i, t) for t in sorted(longest))
    return rows


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


def _log_softmax(logits: npt.NDArray[Any]) -> FloatArray:
    """Row-wise, for a (rows, vocabulary) array of logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)), np.float32)


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
        self._model = MoonshineRecognizer(model_dir, threads=threads, cache_root=cache_root)
        self._trim = trim
        self._last: tuple[bytes, FloatArray, FloatArray] | None = None

    @property
    def name(self) -> str:
        return "moonshine"

    @property
    def sample_rate(self) -> int:
        return _RATE

    def _encoded(self, audio: Audio) -> tuple[FloatArray, FloatArray]:
        """The 16 kHz samples as decoded (trimmed) and their encoding, kept for the
        last utterance."""
        samples = _at_rate(audio)
        key = hashlib.blake2b(samples.tobytes(), digest_size=16).digest()
        if self._last is None or self._last[0] != key:
            if self._trim:
                from ivr.asr.trim import trim_silence

                samples = trim_silence(samples, _RATE)
            self._last = (key, samples, self._model.encode(samples))
        return self._last[1], self._last[2]

    def transcribe(self, audio: Audio) -> Result:
        samples, encoded = self._encoded(audio)
        seconds = len(samples) / _RATE
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
    if audio.rate == _RATE:
        return audio.samples.astype(np.float32)
    from ivr.audio.resample import resample

    return resample(audio, _RATE).samples.astype(np.float32)
