"""The streaming recogniser interface every engine adapter implements.

A menu only ever needs "which of these few phrases did the caller say, and
how sure are we", so engines are driven with a ``Grammar`` of allowed phrases
rather than open dictation: that is what makes small offline models usable.
Audio arrives in chunks (a phone line streams), hence ``start``/``feed``/
``finish`` instead of one call per file; ``recognize`` wraps that for files.
"""

from __future__ import annotations

import enum
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from ivr.audio.pcm import Audio
from ivr.errors import IvrError

log = logging.getLogger(__name__)

ENGINES = ("auto", "vosk", "pocketsphinx", "moonshine")

_WORD = re.compile(r"^[^\W\d_](?:[^\W_]|['-])*$")


class EngineError(IvrError):
    """A speech engine that is missing, broken, or was handed something it cannot take."""


@dataclass(frozen=True)
class Grammar:
    """The phrases a caller may say at one menu node.

    ``allow_unknown`` lets an engine answer "something else" (vosk's ``[unk]``)
    instead of forcing off-menu speech onto the nearest phrase. ``free`` says
    the caller may also describe a need in their own words here: a recogniser
    that can transcribe free speech may answer with what was said
    (``Result.source`` is then ``TRANSCRIPT``) rather than with a phrase.
    """

    phrases: tuple[str, ...]
    allow_unknown: bool = True
    free: bool = False
    _key: str = field(init=False, repr=False, compare=False)

    def __init__(
        self, phrases: Iterable[str], allow_unknown: bool = True, free: bool = False
    ) -> None:
        cleaned: list[str] = []
        for phrase in phrases:
            if not isinstance(phrase, str):
                raise EngineError(f"grammar phrase {phrase!r} is not text")
            words = phrase.lower().split()
            if not words:
                raise EngineError("grammar has an empty phrase", "remove it or give it words")
            for word in words:
                if not _WORD.match(word):
                    raise EngineError(
                        f"grammar word {word!r} in {phrase!r} is not a plain word",
                        "use letters only; write numbers as words (e.g. 'two')",
                    )
            norm = " ".join(words)
            if norm not in cleaned:
                cleaned.append(norm)
        if not cleaned:
            raise EngineError("grammar has no phrases", "give at least one phrase")
        object.__setattr__(self, "phrases", tuple(cleaned))
        object.__setattr__(self, "allow_unknown", allow_unknown)
        object.__setattr__(self, "free", free)
        object.__setattr__(
            self, "_key", "|".join(cleaned) + f"#{int(allow_unknown)}{int(free)}"
        )

    @property
    def words(self) -> tuple[str, ...]:
        """Every distinct word, sorted: what the engine's dictionary must know."""
        return tuple(sorted({w for p in self.phrases for w in p.split()}))

    @property
    def key(self) -> str:
        """A stable identity, for caching one decoder per grammar."""
        return self._key


DIGIT_WORDS: dict[str, str] = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}


def digits_grammar(allow_unknown: bool = True, with_oh: bool = True) -> Grammar:
    """Single spoken digits as a keypad would take them ("oh" counts as zero).

    ``with_oh=False`` drops "oh": on FSDD it was confused with two and four
    and cost pocketsphinx 7 points of accuracy (82% -> 75%).
    """
    words = [w for w in DIGIT_WORDS if with_oh or w != "oh"]
    return Grammar(words, allow_unknown=allow_unknown)


@dataclass(frozen=True)
class Word:
    word: str
    confidence: float
    start: float
    end: float


@dataclass(frozen=True)
class Partial:
    """What the engine thinks so far while the caller is still speaking."""

    text: str


class Source(enum.Enum):
    """Where a result's text comes from."""

    GRAMMAR = "grammar"  # one phrase of the grammar
    TRANSCRIPT = "transcript"  # free transcription of what was said


@dataclass(frozen=True)
class Result:
    """The final hypothesis; ``text == ""`` means nothing in the grammar was heard."""

    text: str
    confidence: float
    words: tuple[Word, ...] = ()
    source: Source = Source.GRAMMAR

    @property
    def rejected(self) -> bool:
        return self.text == ""


@runtime_checkable
class Recognizer(Protocol):
    """One loaded model; one utterance at a time."""

    @property
    def name(self) -> str: ...

    @property
    def sample_rate(self) -> int: ...

    def start(self, grammar: Grammar | None) -> None: ...

    def feed(self, chunk: Audio) -> Partial | None: ...

    def finish(self) -> Result: ...

    def unknown_words(self, words: Sequence[str]) -> list[str]: ...


@runtime_checkable
class Transcriber(Protocol):
    """Free speech to text, no grammar: what a caller describing a need said.

    ``transcribe`` returns ``Result(source=Source.TRANSCRIPT)`` whose confidence
    comes from the model's own probabilities; ``text == ""`` when nothing was said.
    """

    @property
    def name(self) -> str: ...

    @property
    def sample_rate(self) -> int: ...

    def transcribe(self, audio: Audio) -> Result: ...


def recognize(
    recognizer: Recognizer, audio: Audio, grammar: Grammar | None, chunk_seconds: float = 0.1
) -> Result:
    """Recognise a whole clip, fed in chunks as a live line would deliver it."""
    from ivr.asr.resample import fast_resample

    pcm = fast_resample(audio, recognizer.sample_rate)
    step = max(1, int(chunk_seconds * pcm.rate))
    recognizer.start(grammar)
    for start in range(0, len(pcm.samples), step):
        recognizer.feed(Audio(pcm.samples[start : start + step], pcm.rate))
    return recognizer.finish()


def models_dir() -> Path:
    """Where downloaded models live: ``$IVR_MODELS_DIR`` or ``models/`` in the working tree."""
    env = os.environ.get("IVR_MODELS_DIR")
    return Path(env) if env else Path.cwd() / "models"


def open_recognizer(
    engine: str = "auto",
    model_dir: str | Path | None = None,
    language: str = "en",
    partials: bool = True,
    adaptation: str | None = None,
) -> Recognizer:
    """Load an engine. ``auto`` prefers vosk when a vosk model for ``language`` is installed.

    ``partials=False`` lets pocketsphinx skip its second, incremental decoder
    (about half the decoding time) when nobody reads partial results, e.g. files.
    ``adaptation`` names a shipped speaker adaptation (``"espeak-ng"`` for
    synthetic callers); pocketsphinx applies it, vosk models have none.
    """
    if engine not in ENGINES:
        raise EngineError(
            f"unknown speech engine {engine!r}", f"choose one of: {', '.join(ENGINES)}"
        )
    if engine == "auto":
        if model_dir is not None:
            engine = "vosk"
        else:
            from ivr.asr.models import find_installed

            found = find_installed("vosk", language)
            if found is not None and _importable("vosk"):
                log.info("auto: using vosk model %s", found)
                model_dir, engine = found, "vosk"
            else:
                engine = "pocketsphinx"
    if engine == "vosk":
        if model_dir is None:
            from ivr.asr.models import find_installed

            model_dir = find_installed("vosk", language)
            if model_dir is None:
                raise EngineError(
                    f"no vosk model for language {language!r} is installed",
                    "run 'ivr models download vosk-model-small-en-us-0.15' or pass a model dir",
                )
        from ivr.asr.vosk_engine import VoskRecognizer

        if adaptation is not None:
            log.info("adaptation %r is for pocketsphinx; vosk listens unadapted", adaptation)
        return VoskRecognizer(Path(model_dir))
    if language != "en":
        raise EngineError(
            f"{engine} here only has an English model, not {language!r}",
            "install a vosk model for that language",
        )
    if engine == "moonshine":
        from ivr.asr.moonshine_engine import MoonshineRecognizer

        if adaptation is not None:
            log.info("adaptation %r is for pocketsphinx; moonshine listens unadapted", adaptation)
        return MoonshineRecognizer(Path(model_dir) if model_dir is not None else None)
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer(partials=partials, adaptation=adaptation)


def unknown_words(engine: str | Recognizer, phrases: Iterable[str]) -> list[str]:
    """Words of ``phrases`` the engine's model cannot recognise, sorted, for load-time warnings.

    ``engine`` is a loaded recogniser, or an engine name: "pocketsphinx" looks
    in its pronouncing dictionary without loading any acoustic model.
    """
    words = sorted({w for p in phrases for w in p.lower().split()})
    if isinstance(engine, str):
        if engine == "pocketsphinx":
            from ivr.asr.pocketsphinx_engine import dictionary_unknown

            return dictionary_unknown(words)
        if engine == "moonshine":
            return []  # subword vocabulary: it can write any word
        return open_recognizer(engine).unknown_words(words)
    return engine.unknown_words(words)


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def usable_grammar(
    phrases: Iterable[str],
    recognizer: Recognizer,
    allow_unknown: bool = False,
    free: bool = False,
) -> Grammar | None:
    """A grammar of the phrases this recogniser can take: plain words it knows.

    Menus decode closed by default: the engine's best phrase comes back with its
    confidence, and the menu's own ``confirm_below`` / ``reject_below`` decide
    whether to act, ask "Did you say ...?", or reprompt. The engine's own reject
    threshold was tuned on small grammars and throws away good answers from a
    whole-menu grammar.

    Menus may hold words an engine's dictionary lacks ("legevakt" for an English
    model); ``ivr lint`` reports them, and here they are left out rather than
    making every utterance at the node fail.
    """
    usable: list[str] = []
    for phrase in phrases:
        try:
            Grammar([phrase])
        except EngineError:
            log.debug("phrase %r left out of the grammar (not plain words)", phrase)
            continue
        usable.append(phrase)
    unknown = set(recognizer.unknown_words(sorted({w for p in usable for w in p.lower().split()})))
    if unknown:
        log.debug("words the %s model does not know: %s", recognizer.name, sorted(unknown))
        usable = [p for p in usable if not unknown & set(p.lower().split())]
    # A garbage word (vosk's [unk]) competes with the phrases in the search itself,
    # with no threshold to tune, so grammars that have one always include it.
    open_ = allow_unknown or bool(getattr(recognizer, "garbage_word", False))
    return Grammar(usable, allow_unknown=open_, free=free) if usable else None
