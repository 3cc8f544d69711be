"""pocketsphinx 5 (the embedded English engine) driven by per-grammar JSGF.

Measured on FSDD (real human digits, 8 kHz) — see bench/bench_asr.py:
- The bundled model is a 16 kHz PTM model whose MFCC filterbank (130-6800 Hz)
  is fixed at training; decoding at ``-samprate 8000 -upperf 3500`` changes
  every cepstral coefficient and drops accuracy to 26-40%. So audio is
  upsampled to 16 kHz instead.
- The FSDD clips are trimmed tight; 0.3 s of lead-in/out plus a -60 dBFS
  noise floor over the whole clip (``_NOISE``) lets the silence model and the
  noise estimator settle: 67% -> 80%. ``topn=8`` (more Gaussians scored per
  frame) brings it to 82%. Dictionary variants, beam, wip/pip, live CMN,
  remove_noise off, bandwidth extension and voting over dither seeds did not
  help (see the report in bench/bench_asr.py's docstring).
- Off-grammar speech is otherwise forced onto a phrase. A garbage loop of
  single-phone words made decoding ~100x slower; one of the filler phones
  (+SPN+) rejected only 7 of 108 probes. What works is a threshold on the
  hypothesis' normalised score (``hyp().score``): on espeak-ng speech,
  in-grammar utterances score 0.60-0.83 (5th-100th percentile), off-grammar
  ones 0.33-0.64, FSDD digits 0.68-0.90; ``reject_below`` defaults to 0.6.
- 8 kHz (telephone) audio is decoded with the model's means mapped to a
  band-limited channel (``ivr.asr.narrowband``: an analytic MLLR transform,
  fitted to no recording): 80.5% -> 86.2%. Which decoder runs is decided per
  utterance from the audio itself (no energy above 4.5 kHz = narrowband), so
  wideband speech keeps the untouched model (86.2%; three loud FSDD clips
  leak above 4.5 kHz and stay on the plain model). Adapting the model with
  sphinxtrain (bw + mllr_solve) on three FSDD speakers and testing on the
  fourth did not help (80.8% vs 81.8% averaged over the four folds).
- Large grammars (a node's options, the commands and the emergency phrases:
  100-260 phrases) are searched without the lattice best-path pass, which
  there often yielded no hypothesis or a partial one; small ones (digits)
  keep it (86.8% vs 84.8% on FSDD). See ``Decoders._search_options``.
- espeak-ng's formant voices are far from the human speech the model was
  trained on: through a node's grammar, 15% of the menu's phrases were
  misheard, a third for the female variant. ``adaptation="espeak-ng"`` loads a
  global MLLR transform fitted with sphinxtrain on synthetic speech of four
  other espeak-ng voices reading sentences without menu words
  (``scripts/adapt_synthetic.py``); scripted audio calls use it, human
  callers never do. From the same statistics, MAP adaptation of every
  density (a model folder that setup builds into ``models/``) did far better
  still, and is preferred when present. Pairwise checks showed the misses
  were model errors (the wrong phrase scored better even in a two-phrase
  grammar), not search errors.
- Grammars of single digits also get a second opinion from the TIDIGITS model
  (``ivr.asr.digits_model``), band-limited to 4 kHz by design: 86.2% -> 90.2%,
  and Moonshine's (98.0%). That is a recogniser of its own, built from this one,
  a second ``PocketsphinxRecognizer`` on the TIDIGITS model (``digits``) and
  Moonshine: ``ivr.asr.digits_fusion``. This engine gives it its N-best list
  (``Result.alternatives``) for small grammars.
- Streaming (``process_raw`` chunk by chunk) uses live CMN and lost 6 points on
  FSDD, so ``feed`` decodes incrementally only for partial results and
  ``finish`` decodes the buffered utterance again as a whole (batch CMN).
- Building and keeping the decoders (model files, dictionary, search, channel
  transform) is ``ivr.asr.pocketsphinx_decoders``'s; this module decides what
  each decoder is fed and what its answer means.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ivr.asr import digits_model
from ivr.asr import narrowband as band
from ivr.asr.base import Alternatives, EngineError, Grammar, Partial, Result, Word
from ivr.asr.pocketsphinx_decoders import (
    _LATTICE_MAX_PHRASES,
    RATE,
    AcousticModel,
    Decoders,
)
from ivr.audio.pcm import Audio

log = logging.getLogger(__name__)

_PAD_SECONDS = 0.3
#: A chunk this long is an utterance handed over whole (the live listener's cut, a
#: recording), not a line streaming in: no partial answer is decoded from it, since the
#: final decode reads the whole utterance anyway (on a 3 s need that work was 230 ms
#: between the end of speech and the decision).
HANDED_OVER = 1.0
_NOISE = 1e-3  # RMS of the noise floor, about -60 dBFS
_FRAME = 0.01
_DEFAULT_REJECT_BELOW = 0.6
_CONF_FLOOR = 0.45
_CONF_TOP = 0.85
#: N-best entries read into ``Result.alternatives`` for small grammars (a digit
#: grammar has at most 11 phrases; the lists seldom hold more than three).
_NBEST = 20
#: The digits model's noise floor (about -64 dBFS): it hears FSDD best under a
#: quieter floor than the general model (90.0% vs 88.0% at ``_NOISE``).
_DIGITS_NOISE = 6e-4


def noisy_pcm(
    samples: npt.NDArray[np.float32], rng: np.random.Generator, noise: float = _NOISE
) -> bytes:
    """The decoder's input: 16-bit PCM under a noise floor (``_NOISE``: see the module notes).

    Public so that model adaptation (``scripts/adapt_synthetic.py``) feeds
    sphinxtrain exactly what the decoder hears.
    """
    noisy = samples + rng.normal(0.0, noise, len(samples)).astype(np.float32)
    return bytes((np.clip(noisy, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())


def padded_pcm(samples: npt.NDArray[np.float32], seed: int = 0) -> bytes:
    """A whole utterance as ``finish`` decodes it: silence each side, then the noise floor."""
    pad = np.zeros(int(_PAD_SECONDS * RATE), dtype=np.float32)
    return noisy_pcm(np.concatenate([pad, samples, pad]), np.random.default_rng(seed))


class PocketsphinxRecognizer:
    """One decoder per grammar (cached): switching menu nodes costs no reload.

    ``reject_below``: with ``grammar.allow_unknown``, a hypothesis whose
    normalised score is lower is reported as "nothing heard" (``text == ""``).
    ``partials``: decode while audio streams in, to return ``Partial`` texts.
    ``narrowband``: decode audio that has nothing above 4 kHz (an 8 kHz line)
    with the band-limited model; ``False`` keeps the plain model (for comparison).
    ``adaptation``: a speaker adaptation (``ivr.asr.mllr.ADAPTATIONS``), e.g.
    ``"espeak-ng"`` when the caller is known to be espeak-ng's synthetic voice
    (scripted audio calls): the MAP-adapted model that setup builds into
    ``models/`` when it is there (and ``adapted_model`` is true), else the
    shipped MLLR transform. Human callers keep the plain model.
    ``noise``: RMS of the noise floor laid under the audio (see the module notes).
    ``model``: decode with another acoustic model and its own dictionary (the
    TIDIGITS digits model: ``PocketsphinxRecognizer.digits``).

    For grammars of at most ``_LATTICE_MAX_PHRASES`` phrases, ``Result.alternatives``
    holds each grammar phrase of the N-best list with its path score.
    """

    def __init__(
        self,
        reject_below: float = _DEFAULT_REJECT_BELOW,
        partials: bool = True,
        seed: int = 0,
        narrowband: bool = True,
        adaptation: str | None = None,
        adapted_model: bool = True,
        noise: float = _NOISE,
        model: AcousticModel | None = None,
    ) -> None:
        self._decoders = Decoders(model, adaptation, adapted_model)
        self._model = model
        self._noise = noise
        #: The MAP-adapted model folder in use; ``None`` with no adaptation or the MLLR one.
        self.adapted_model_dir = self._decoders.adapted_model_dir
        #: The speaker adaptation asked for, if any (for reports).
        self.adaptation = adaptation
        self._narrowband = narrowband and model is None  # a model of its own band
        self._reject_below = reject_below
        self._partials = partials
        self._seed = seed
        self._live: Any = None
        self._decoder: Any = None
        self._grammar: Grammar | None = None
        self._buffer: list[npt.NDArray[np.float32]] = []
        self._last_partial = ""
        self.last_score = 0.0
        #: Whether the last finished utterance was decoded as 8 kHz (telephone) audio.
        self.last_narrowband = False

    @classmethod
    def digits(cls, root: Path, seed: int = 0) -> PocketsphinxRecognizer:
        """The TIDIGITS model in ``root`` (``ivr.asr.digits_model.find``) as a recogniser of
        single digits, under its own quieter noise floor."""
        model = AcousticModel(
            digits_model.hmm_dir(root),
            digits_model.dictionary(root),
            f"the digits model in {root}",
            f"reinstall pocketsphinx-testdata or set {digits_model.ENV}=none",
        )
        return cls(partials=False, seed=seed, noise=_DIGITS_NOISE, model=model)

    @property
    def name(self) -> str:
        return "pocketsphinx" if self._model is None else "pocketsphinx-digits"

    @property
    def sample_rate(self) -> int:
        return RATE

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        return self._decoders.unknown_words(words)

    def start(self, grammar: Grammar | None) -> None:
        if self._live is not None:  # an utterance left unfinished: drop it
            self._live.end_utt()
            self._live = None
        self._decoder = self._decoders.get(grammar)
        self._grammar = grammar
        self._last_partial = ""
        self._rng = np.random.default_rng(self._seed)
        self._buffer = [np.zeros(int(_PAD_SECONDS * RATE), dtype=np.float32)]
        self._live = None
        if self._partials:
            self._live = self._decoders.live(grammar)
            self._live.start_utt()
            self._live.process_raw(self._pcm(self._buffer[0]), False, False)

    def _pcm(self, samples: npt.NDArray[np.float32]) -> bytes:
        return noisy_pcm(samples, self._rng, self._noise)

    def feed(self, chunk: Audio) -> Partial | None:
        if self._decoder is None:
            raise EngineError("feed() before start()")
        if chunk.rate != RATE:
            raise EngineError(f"pocketsphinx wants {RATE} Hz audio, got {chunk.rate} Hz")
        self._buffer.append(chunk.samples.astype(np.float32))
        if self._live is None or chunk.seconds >= HANDED_OVER:
            return None
        self._live.process_raw(self._pcm(chunk.samples), False, False)
        hyp = self._live.hyp()
        text = self._clean(hyp.hypstr if hyp is not None else "")
        if text and text != self._last_partial:
            self._last_partial = text
            return Partial(text)
        return None

    def finish(self) -> Result:
        if self._decoder is None:
            raise EngineError("finish() before start()")
        decoder, self._decoder = self._decoder, None
        if self._live is not None:
            self._live.end_utt()
            self._live = None
        self._buffer.append(np.zeros(int(_PAD_SECONDS * RATE), dtype=np.float32))
        samples = np.concatenate(self._buffer)
        self.last_narrowband = self._narrowband and band.is_narrowband(samples, RATE)
        if self.last_narrowband:
            decoder = self._decoders.get(self._grammar, narrowband=True)
        self._rng = np.random.default_rng(self._seed)
        # Every utterance starts from a fresh front end (the model's cepstral mean
        # and empty feature buffers), so a result never depends on what this
        # decoder heard before (reproducible test calls). Restoring the mean alone
        # (set_cmn) was not enough: the same clip scored differently after another.
        decoder.reinit_feat()
        decoder.start_utt()
        decoder.process_raw(self._pcm(samples), False, True)
        decoder.end_utt()
        self._buffer = []
        hyp = decoder.hyp()
        raw = hyp.hypstr if hyp is not None else ""
        self.last_score = float(hyp.score) if hyp is not None else 0.0
        words = self._words(decoder)
        text = self._clean(raw)
        grammar = self._grammar
        alternatives: Alternatives = ()
        if text and grammar is not None and len(grammar.phrases) <= _LATTICE_MAX_PHRASES:
            alternatives = tuple(self._nbest(decoder, grammar).items())
        if not text:
            return Result("", 0.0, ())
        if grammar is not None and text not in grammar.phrases:
            # No path reached the grammar's end: pocketsphinx then returns the best
            # partial path ("a" of "a real person"), which is no phrase at all.
            log.debug("rejected %r: not a whole phrase of the grammar", text)
            return Result("", 0.0, (), alternatives=alternatives)
        if grammar is not None and grammar.allow_unknown and self.last_score < self._reject_below:
            log.debug("rejected %r: score %.3f < %.3f", text, self.last_score, self._reject_below)
            return Result("", 0.0, (), alternatives=alternatives)
        confidence = self._confidence(1.0)
        scored = tuple(Word(w.word, confidence, w.start, w.end) for w in words)
        return Result(text, confidence, scored, alternatives=alternatives)

    def _words(self, decoder: Any) -> list[Word]:
        words: list[Word] = []
        for seg in decoder.seg() or ():
            word = seg.word.split("(", 1)[0]
            if not word or word.startswith(("<", "[", "+")):
                continue  # fillers, and the null arcs the lattice-free search reports
            start = max(0.0, seg.start_frame * _FRAME - _PAD_SECONDS)
            end = max(start, seg.end_frame * _FRAME - _PAD_SECONDS)
            words.append(Word(word, self._confidence(float(seg.prob)), start, end))
        return words

    def _nbest(self, decoder: Any, grammar: Grammar) -> dict[str, float]:
        """Each grammar phrase in the decoder's N-best list, with its best path score."""
        scores: dict[str, float] = {}
        for i, hyp in enumerate(decoder.nbest()):
            if i >= _NBEST:
                break
            if hyp is None:
                continue
            phrase = self._clean(hyp.hypstr)
            if phrase in grammar.phrases:
                scores.setdefault(phrase, float(hyp.score))
        return scores

    def _confidence(self, posterior: float) -> float:
        """Lattice posteriors are ~1.0 with a closed grammar, so the score carries the signal.

        Maps the normalised score linearly: 0.45 (off-grammar median) -> 0,
        0.85 (top of in-grammar speech) -> 1.
        """
        scaled = (self.last_score - _CONF_FLOOR) / (_CONF_TOP - _CONF_FLOOR)
        return float(min(1.0, max(0.0, scaled)) * min(1.0, posterior))

    @staticmethod
    def _clean(text: str) -> str:
        return " ".join(w.split("(", 1)[0] for w in text.split())
