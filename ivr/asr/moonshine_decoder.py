"""Moonshine's encoder and decoder, through onnxruntime: how likely given phrases are
as the transcript of some audio, and the greedy free transcript.

Both the grammar recogniser (``ivr.asr.moonshine_engine``) and the free transcriber
(``ivr.asr.moonshine_transcriber``) ask the same two questions of the same model, so
the model lives here once and each of them holds one.

The phrases of a grammar share prefixes, so their tokens are scored as a tree, a
level per batched decoder call, until what is left fits in one call. Lone words
need context to be heard: 0.3 s of silence each side (as for pocketsphinx) takes
FSDD from 63% to 78% on the hardest speaker, and menu words from 92.9% (0.15 s)
to 94.5%; every encoding here is padded so.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ivr.asr import moonshine_model as mm
from ivr.asr.base import EngineError

#: The model's sample rate.
RATE = 16000
_PAD_SECONDS = 0.3
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


class MoonshineDecoder:
    """One loaded model (its onnxruntime sessions shared process-wide, see ``_sessions``).

    ``model_dir``: a folder with Moonshine's files (default: the installed
    ``moonshine-cpp`` wheel, or ``IVR_MOONSHINE_MODEL``). ``cache_root``: where
    the prepared copy goes (default ``models/``).
    """

    def __init__(
        self,
        model_dir: Path | None = None,
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
        self._forms: dict[str, list[tuple[int, ...]]] = {}
        self.model_dir = folder

    def _padded(self, samples: FloatArray) -> FloatArray:
        pad = np.zeros(int(_PAD_SECONDS * RATE), dtype=np.float32)
        audio = np.concatenate([pad, samples.astype(np.float32), pad])
        return audio[: int(_MAX_SECONDS * RATE)]

    def encode(self, samples: FloatArray) -> FloatArray:
        """The encoder's output for 16 kHz ``samples`` (padded as every decode here is)."""
        audio = self._padded(samples)
        if len(audio) < _MIN_SECONDS * RATE:
            audio = np.concatenate([audio, np.zeros(int(_MIN_SECONDS * RATE), np.float32)])
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
        return self.phrase_log_probs_encoded(self.encode(samples), phrases)

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


def _log_softmax(logits: npt.NDArray[Any]) -> FloatArray:
    """Row-wise, for a (rows, vocabulary) array of logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)), np.float32)
