"""The types every speech module shares: grammars, results, and the two protocols.

A menu only ever needs "which of these few phrases did the caller say, and
how sure are we", so engines are driven with a ``Grammar`` of allowed phrases
rather than open dictation: that is what makes small offline models usable.
Audio arrives in chunks (a phone line streams), hence ``start``/``feed``/
``finish`` instead of one call per file; ``recognize`` wraps that for files.
Where a caller may describe a need in their own words (``Grammar.free``), a
``Transcriber`` writes down what was said.

Every other module of ``ivr.asr`` imports this one; it imports none of them,
so engines and the modules that compose them never import each other through it.
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
        object.__setattr__(self, "_key", "|".join(cleaned) + f"#{int(allow_unknown)}{int(free)}")

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


#: Hypotheses with the engine's own log score (natural log), best first. Scores
#: compare within one engine and one utterance only: pocketsphinx gives path
#: scores, Moonshine the log-probability of the text as the transcript.
Alternatives = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Result:
    """The final hypothesis; ``text == ""`` means nothing in the grammar was heard.

    ``alternatives``: what else the engine considered, for recognisers that
    combine several engines' opinions (``ivr.asr.digits_fusion``); engines fill
    it where it is cheap (pocketsphinx for small grammars, Moonshine for every
    grammar, a transcript's own log-probability), and may fill it even when the
    result is rejected.

    ``runners_up``: menu phrases the recogniser also found likely, best first (not
    ``text``); a menu may ask about them, never act on them
    (``ivr.asr.phrase_choice.runners_up`` says when they are given).
    """

    text: str
    confidence: float
    words: tuple[Word, ...] = ()
    source: Source = Source.GRAMMAR
    alternatives: Alternatives = ()
    runners_up: tuple[str, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.text == ""


@runtime_checkable
class Recognizer(Protocol):
    """One loaded model; one utterance at a time. ``start`` drops an utterance left
    unfinished (a composed recogniser that no longer needs an answer need not wait
    for one)."""

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


@runtime_checkable
class PhraseScorer(Protocol):
    """A transcriber that can also say how likely given texts are as the transcript.

    ``score_phrases`` returns each phrase's natural-log probability under the same
    model that ``transcribe`` decodes with (whose ``Result.alternatives`` holds the
    transcript's own), so a menu phrase and the free transcript of one utterance
    can be compared (``ivr.asr.free_speech``). Phrases it pruned are left out.
    """

    def score_phrases(self, audio: Audio, phrases: Sequence[str]) -> dict[str, float]: ...


def recognize(
    recognizer: Recognizer, audio: Audio, grammar: Grammar | None, chunk_seconds: float = 0.1
) -> Result:
    """Recognise a whole clip, fed in chunks as a live line would deliver it."""
    from ivr.audio.resample import resample

    pcm = resample(audio, recognizer.sample_rate)
    step = max(1, int(chunk_seconds * pcm.rate))
    recognizer.start(grammar)
    for start in range(0, len(pcm.samples), step):
        recognizer.feed(Audio(pcm.samples[start : start + step], pcm.rate))
    return recognizer.finish()


def recognize_whole(recognizer: Recognizer, audio: Audio, grammar: Grammar | None) -> Result:
    """Recognise an utterance handed over whole (a live call's cut, once its detector
    ends it): one chunk, so engines skip the partial answers nobody waits for."""
    return recognize(recognizer, audio, grammar, chunk_seconds=max(audio.seconds, 0.1))


def models_dir() -> Path:
    """Where downloaded models live: ``$IVR_MODELS_DIR`` or ``models/`` in the working tree."""
    env = os.environ.get("IVR_MODELS_DIR")
    return Path(env) if env else Path.cwd() / "models"


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
