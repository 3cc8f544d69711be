"""Building pocketsphinx decoders: model files, pronouncing dictionary, grammar search
and channel transform, each decoder kept for the grammar and channel it was built for.

Apart from the recogniser (``ivr.asr.pocketsphinx_engine``), which decides what to
feed a decoder and what to make of its answer, because building one is where the
measured choices about models live (see the engine's notes: the band limit, the
speaker adaptation, the search for large grammars) and because the adaptation
script (``scripts/adapt_synthetic.py``) needs the dictionary without a recogniser.
Decoders are kept so that switching menu nodes costs no reload.
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ivr.asr import mllr
from ivr.asr import narrowband as band
from ivr.asr.base import EngineError, Grammar

#: The sample rate of the bundled model, which every decoder here runs at.
RATE = 16000
_TOPN = 8
_CACHE_SIZE = 8
#: Grammars with more phrases than this are searched without the lattice pass.
_LATTICE_MAX_PHRASES = 16
#: Wide beams for large grammars: measured on the menu's node grammars they cost
#: no time (the lattice pass they replace was the slow part) and no hypothesis
#: is lost to pruning.
_WIDE_SEARCH = {"bestpath": False, "beam": 1e-80, "pbeam": 1e-80, "wbeam": 1e-80, "maxhmmpf": -1}


@dataclass(frozen=True)
class AcousticModel:
    """A pocketsphinx model other than the bundled one, used as it is: its ``hmm``
    folder and its own pronouncing ``dictionary`` (no band limit, no adaptation,
    default search). ``what`` and ``hint`` word the error when it fails to load."""

    hmm: Path
    dictionary: Path
    what: str
    hint: str


def import_pocketsphinx() -> Any:
    try:
        import pocketsphinx
    except ImportError:
        raise EngineError(
            "pocketsphinx is not installed", "pip install 'pocketsphinx>=5.0'"
        ) from None
    return pocketsphinx


@lru_cache(maxsize=1)
def cmudict() -> dict[str, list[str]]:
    """The bundled pronouncing dictionary: word -> pronunciations (variants in order)."""
    path = Path(import_pocketsphinx().get_model_path("en-us/cmudict-en-us.dict"))
    prons: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(maxsplit=1)
            if len(parts) != 2:
                continue
            word = parts[0].split("(", 1)[0]
            prons.setdefault(word, []).append(parts[1].split("#", 1)[0].strip())
    return prons


def dictionary_unknown(words: Sequence[str]) -> list[str]:
    """Words the pronouncing dictionary lacks: pocketsphinx cannot hear them."""
    return sorted({w.lower() for w in words if not pronunciations(w.lower())})


_VOWELS = frozenset("aeiouy")


def pronunciations(word: str) -> list[str]:
    """How ``word`` may be said: cmudict's pronunciations, or for an initialism it
    lacks ("gp", "std": 2-5 letters, no vowel, so no way to say it but letter by
    letter) its letters' names; for a compound of two words it has ("helpline"),
    theirs. Otherwise every phrase with "gp" in it dropped out of
    the Norway menu's grammars, and "register with a gp" could never be heard."""
    known = cmudict()
    if word in known:
        return known[word]
    if 2 <= len(word) <= 5 and word.isalpha() and word.isascii() and not _VOWELS & set(word):
        letters = [known.get(letter) for letter in word]
        if all(letters):
            return [" ".join(p[0] for p in letters if p)]
    # a compound of two words it knows ("helpline"), said as the two
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = known.get(word[:cut]), known.get(word[cut:])
        if head and tail:
            return [f"{head[0]} {tail[0]}"]
    return []


MIN_PART = 3  # letters in each word of a compound


def _jsgf(grammar: Grammar) -> str:
    phrases = " | ".join(f"( {p} )" for p in grammar.phrases)
    return f"#JSGF V1.0;\ngrammar ivr;\npublic <utt> = {phrases};\n"


def _activate(decoder: Any, grammar: Grammar) -> Any:
    """Give the decoder the grammar's JSGF as its only search."""
    try:
        decoder.add_jsgf_string("ivr", _jsgf(grammar))
        decoder.activate_search("ivr")
    except (RuntimeError, ValueError) as exc:
        raise EngineError(f"pocketsphinx rejected the grammar: {exc}") from None
    return decoder


def dictionary_text(grammar: Grammar) -> str:
    """The grammar's words with every pronunciation cmudict gives them, in the format
    both pocketsphinx and sphinxtrain read (the adaptation script trains on the same)."""
    lines = []
    for word in grammar.words:
        for i, pron in enumerate(pronunciations(word)):
            lines.append(f"{word}{'' if i == 0 else f'({i + 1})'} {pron}")
    return "\n".join(lines) + "\n"


def vocabulary(dictionary: Path) -> frozenset[str]:
    """The words of a pronouncing dictionary (variants ``word(2)`` counted once)."""
    words: set[str] = set()
    with dictionary.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(maxsplit=1)
            if parts:
                words.add(parts[0].split("(", 1)[0].lower())
    return frozenset(words)


class Decoders:
    """One recogniser's decoders: built on first use, then kept per grammar and channel
    (``_CACHE_SIZE`` of each kind), with the model, adaptation and band limit that
    recogniser asked for. ``model``, ``adaptation`` and ``adapted_model``: see
    ``PocketsphinxRecognizer``."""

    def __init__(
        self, model: AcousticModel | None, adaptation: str | None, adapted_model: bool
    ) -> None:
        self._ps = import_pocketsphinx()
        self.model = model
        self._model_files: dict[str, str] = {}
        #: The words of ``model``'s own dictionary; ``None`` for the bundled dictionary.
        self.vocabulary: frozenset[str] | None = None
        if model is not None:
            if adaptation:
                raise EngineError(f"no {adaptation!r} adaptation for {model.what}")
            self._model_files = {"hmm": str(model.hmm), "dict": str(model.dictionary)}
            self.vocabulary = vocabulary(model.dictionary)
        self._adaptation: mllr.MeanTransform | None = None
        #: The MAP-adapted model folder in use; ``None`` with no adaptation or the MLLR one.
        self.adapted_model_dir: Path | None = None
        if adaptation:
            bundled = Path(self._ps.get_model_path("en-us/en-us"))
            adapted = mllr.adapted_model(adaptation, bundled) if adapted_model else None
            if adapted is not None:
                self._model_files = adapted
                self.adapted_model_dir = Path(adapted["mean"]).parent
            else:
                self._adaptation = mllr.shipped(adaptation)
        self._decoders: OrderedDict[tuple[str, bool], Any] = OrderedDict()
        self._live_decoders: dict[str, Any] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="ivr-ps-")
        self._full_lm: Any = None
        self._full_lm_narrow: Any = None
        self._mllr: dict[bool, Path] = {}

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        if self.vocabulary is not None:
            return sorted({w.lower() for w in words if w.lower() not in self.vocabulary})
        return dictionary_unknown(words)

    def get(self, grammar: Grammar | None, narrowband: bool = False) -> Any:
        """The decoder of a whole utterance for ``grammar`` (``None``: the full language
        model) on the plain or the band-limited channel."""
        if grammar is None:
            if narrowband:
                if self._full_lm_narrow is None:
                    self._full_lm_narrow = self._build(None, narrowband=True)
                return self._full_lm_narrow
            if self._full_lm is None:
                self._full_lm = self._build(None)
            return self._full_lm
        key = (grammar.key, narrowband)
        cached = self._decoders.get(key)
        if cached is not None:
            self._decoders.move_to_end(key)
            return cached
        decoder = self._build(grammar, narrowband=narrowband)
        self._decoders[key] = decoder
        if len(self._decoders) > _CACHE_SIZE:
            self._decoders.popitem(last=False)
        return decoder

    def live(self, grammar: Grammar | None) -> Any:
        """A second decoder for partial results while audio streams in: running the
        incremental pass on the final decoder shifted its CMN state and cost 3 points
        on FSDD."""
        key = grammar.key if grammar is not None else ""
        decoder = self._live_decoders.get(key)
        if decoder is None:
            if len(self._live_decoders) >= _CACHE_SIZE:
                self._live_decoders.pop(next(iter(self._live_decoders)))
            decoder = self._build(grammar)
            self._live_decoders[key] = decoder
        return decoder

    def _channel_options(self, narrowband: bool) -> dict[str, Any]:
        """The mean transform for this channel: the voice adaptation, then the band limit."""
        transform = self._adaptation
        if narrowband:
            limit = band.transform()
            transform = limit if transform is None else transform.then(limit)
        if transform is None:
            return {}
        if narrowband not in self._mllr:
            name = "narrowband.mllr" if narrowband else "adapted.mllr"
            self._mllr[narrowband] = mllr.write(Path(self._tmp.name) / name, transform)
        return {"mllr": str(self._mllr[narrowband])}

    @staticmethod
    def _search_options(grammar: Grammar) -> dict[str, Any]:
        """Lattice rescoring for small grammars, a plain wide search for large ones.

        Measured: on FSDD's digits grammar the lattice best path is worth 2 points
        (86.8% vs 84.8%). On the menu's node grammars (100-260 phrases) it often
        yields no hypothesis at all, or a partial one ("a real" of "a real
        person"): 115 of 705 phrases spoken by en+f3 were lost; without it, none.
        """
        return {} if len(grammar.phrases) <= _LATTICE_MAX_PHRASES else dict(_WIDE_SEARCH)

    def _build(self, grammar: Grammar | None, narrowband: bool = False) -> Any:
        if self.model is not None:
            if grammar is None:
                raise EngineError(f"{self.model.what} needs a grammar", "give it digits")
            missing = self.unknown_words(grammar.words)
            if missing:
                raise EngineError(
                    f"{self.model.what} does not know the word(s): {', '.join(missing)}"
                )
            failure = (self.model.what, self.model.hint)
            return _activate(self._new_decoder(failure=failure), grammar)
        channel = self._channel_options(narrowband)
        if grammar is None:
            return self._new_decoder(topn=_TOPN, **channel)
        missing = dictionary_unknown(grammar.words)
        if missing:
            raise EngineError(
                f"pocketsphinx does not know the word(s): {', '.join(missing)}",
                "rephrase with common English words",
            )
        fd, dict_path = tempfile.mkstemp(suffix=".dict", dir=self._tmp.name)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dictionary_text(grammar))
        decoder = self._new_decoder(
            topn=_TOPN, dict=dict_path, **channel, **self._search_options(grammar)
        )
        return _activate(decoder, grammar)

    def _new_decoder(
        self,
        model: dict[str, str] | None = None,
        failure: tuple[str, str] = ("its model", "reinstall pocketsphinx"),
        **kwargs: Any,
    ) -> Any:
        """``model``: the model files (default: the bundled or adapted model);
        ``failure``: what failed to load and the hint, for the error."""
        files = self._model_files if model is None else model
        try:
            decoder = self._ps.Decoder(loglevel="FATAL", samprate=RATE, **files, **kwargs)
        except (RuntimeError, ValueError) as exc:
            what, hint = failure
            raise EngineError(f"pocketsphinx failed to load {what}: {exc}", hint) from None
        return decoder
