"""Which recogniser to build: the engines by name, and how they are composed.

``open_recognizer`` builds a grammar engine by name (``GRAMMAR_ENGINES``) and
composes it: pocketsphinx with its digit aids (``ivr.asr.digits_fusion``), and
any engine with a free-speech transcriber where one is installed for the
language (``ivr.asr.free_speech``), which only acts when a grammar says the
caller may describe a need (``Grammar.free``). ``open_transcriber`` builds a
transcriber alone (``TRANSCRIBER_ENGINES``).

This is the only module that imports the engines (each inside its factory, so
``import ivr.asr`` loads no engine); the engines import none of it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ivr.asr.base import EngineError, Recognizer, Transcriber
from ivr.asr.digits_fusion import DigitsFusion
from ivr.asr.free_speech import FreeSpeech
from ivr.asr.phonetic import SoundsLike
from ivr.model import ENGINES

log = logging.getLogger(__name__)

#: What a caller is told when nothing here can transcribe a described need.
NEED_MOONSHINE = "spoken descriptions need Moonshine"
_NEURAL_HINT = "pip install 'ivr[neural]'"


@dataclass(frozen=True)
class Options:
    """What ``open_recognizer`` was asked for, as every engine factory receives it."""

    model_dir: Path | None
    language: str
    partials: bool
    adaptation: str | None


def _pocketsphinx(options: Options) -> Recognizer:
    """pocketsphinx, with the TIDIGITS model's and Moonshine's say on single digits.

    Not for a synthetic caller (``adaptation``): the espeak-ng adaptation
    already hears those, and the aids were measured on human speech.
    """
    _english_only("pocketsphinx", options.language)
    from ivr.asr import digits_model
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

    primary = PocketsphinxRecognizer(partials=options.partials, adaptation=options.adaptation)
    if options.adaptation:
        return primary
    root = digits_model.find()
    second = PocketsphinxRecognizer.digits(root) if root is not None else None
    # Even with neither aid installed: a lone "oh" is still confirmed (digits_fusion).
    return DigitsFusion(primary, second, _moonshine_or_none())


def _moonshine(options: Options) -> Recognizer:
    _english_only("moonshine", options.language)
    from ivr.asr.moonshine_engine import MoonshineRecognizer

    if options.adaptation is not None:
        log.info(
            "adaptation %r is for pocketsphinx; moonshine listens unadapted", options.adaptation
        )
    # Alone, but a lone "oh" is confirmed as with every English engine (digits_fusion).
    return DigitsFusion(MoonshineRecognizer(options.model_dir))


def _vosk(options: Options) -> Recognizer:
    from ivr.asr.vosk_engine import VoskRecognizer

    model_dir = options.model_dir or _vosk_model(options.language)
    if model_dir is None:
        raise EngineError(
            f"no vosk model for language {options.language!r} is installed",
            "run 'ivr models download vosk-model-small-en-us-0.15' or pass a model dir",
        )
    if options.adaptation is not None:
        log.info("adaptation %r is for pocketsphinx; vosk listens unadapted", options.adaptation)
    return VoskRecognizer(Path(model_dir))


#: The grammar engines by name: each builds a ``Recognizer`` from the ``Options``.
GRAMMAR_ENGINES: dict[str, Callable[[Options], Recognizer]] = {
    "pocketsphinx": _pocketsphinx,
    "vosk": _vosk,
    "moonshine": _moonshine,
}


def _moonshine_transcriber(language: str, model_dir: Path | None) -> Transcriber:
    if language != "en":
        raise EngineError(
            f"Moonshine here only has an English model, not {language!r}",
            "install a vosk model for that language",
        )
    if not _moonshine_available():
        raise EngineError(NEED_MOONSHINE, _NEURAL_HINT)
    from ivr.asr.moonshine_transcriber import MoonshineTranscriber

    return MoonshineTranscriber()


def _vosk_transcriber(language: str, model_dir: Path | None) -> Transcriber:
    from ivr.asr.vosk_engine import VoskTranscriber

    found = model_dir or _vosk_model(language)
    if found is None:
        raise EngineError(
            f"no vosk model for language {language!r} is installed",
            "see 'ivr models list'",
        )
    return VoskTranscriber(Path(found))


#: The free-speech transcribers by name: each builds a ``Transcriber`` for a language
#: (and an engine's model folder, when one was named).
TRANSCRIBER_ENGINES: dict[str, Callable[[str, Path | None], Transcriber]] = {
    "moonshine": _moonshine_transcriber,
    "vosk": _vosk_transcriber,
}
TRANSCRIBERS = ("auto", *TRANSCRIBER_ENGINES)


def open_recognizer(
    engine: str = "auto",
    model_dir: str | Path | None = None,
    language: str = "en",
    partials: bool = True,
    adaptation: str | None = None,
    free_speech: bool = True,
) -> Recognizer:
    """Load an engine. ``auto`` prefers vosk when a vosk model for ``language`` is installed.

    ``partials=False`` lets pocketsphinx skip its second, incremental decoder
    (about half the decoding time) when nobody reads partial results, e.g. files.
    ``adaptation`` names a shipped speaker adaptation (``"espeak-ng"`` for
    synthetic callers); pocketsphinx applies it, vosk models have none.
    ``free_speech``: compose the engine with a transcriber for ``language`` when
    one is installed (``ivr.asr.free_speech``; for English, Moonshine); the result
    then answers grammars with ``free=True`` with what was said when that is not
    a menu phrase, and says so in ``transcribes``. Without a transcriber, such
    grammars get the engine's phrase, as any other.
    """
    if engine not in ENGINES:
        raise EngineError(
            f"unknown speech engine {engine!r}", f"choose one of: {', '.join(ENGINES)}"
        )
    folder = Path(model_dir) if model_dir is not None else None
    if engine == "auto":
        if folder is not None or (_vosk_model(language) is not None and _importable("vosk")):
            engine = "vosk"
        else:
            engine = "pocketsphinx"
        log.info("auto: using %s", engine)
    recognizer = GRAMMAR_ENGINES[engine](Options(folder, language, partials, adaptation))
    if not free_speech:
        return recognizer
    try:
        transcriber = _transcriber_for(recognizer, language)
    except EngineError as exc:
        log.info("no free speech for %r: %s", language, exc)
        return FreeSpeech(recognizer, None, unavailable=exc)
    return FreeSpeech(recognizer, transcriber, sounds=_sounds(language))


def _sounds(language: str) -> SoundsLike | None:
    """How alike English texts sound, from cmudict (which the pocketsphinx grammar path
    loads anyway); ``None`` for other languages or without pocketsphinx."""
    if language != "en":
        return None
    from ivr.asr.pocketsphinx_decoders import pronunciations

    try:
        pronunciations("yes")
    except EngineError:
        return None
    return SoundsLike(pronunciations)


def open_transcriber(language: str = "en", engine: str = "auto") -> Transcriber:
    """A free-speech transcriber for ``language``; ``auto``: Moonshine for English, else
    vosk when a model for the language is installed. ``EngineError`` when there is none."""
    if engine not in TRANSCRIBERS:
        if engine in GRAMMAR_ENGINES:
            raise EngineError(
                f"{engine} here hears menu phrases only, not free speech",
                f"choose one of: {', '.join(TRANSCRIBERS)}",
            )
        raise EngineError(
            f"unknown transcriber {engine!r}", f"choose one of: {', '.join(TRANSCRIBERS)}"
        )
    if engine != "auto":
        return TRANSCRIBER_ENGINES[engine](language, None)
    if language == "en":
        if _moonshine_available():
            return _moonshine_transcriber(language, None)
        raise EngineError(NEED_MOONSHINE, _moonshine_hint())
    if _vosk_model(language) is not None and _importable("vosk"):
        return _vosk_transcriber(language, None)
    raise EngineError(
        f"spoken descriptions in {language!r} need a vosk model for that language",
        "see 'ivr models list'",
    )


def _transcriber_for(recognizer: Recognizer, language: str) -> Transcriber:
    """The transcriber to compose with ``recognizer``: one that shares its model when
    it can (a vosk model is loaded once for both), else ``open_transcriber``."""
    from ivr.asr.vosk_engine import VoskRecognizer

    if isinstance(recognizer, VoskRecognizer) and not (language == "en" and _moonshine_available()):
        return recognizer.transcriber()
    return open_transcriber(language)


def unknown_words(engine: str | Recognizer, phrases: Iterable[str]) -> list[str]:
    """Words of ``phrases`` the engine's model cannot recognise, sorted, for load-time warnings.

    ``engine`` is a loaded recogniser, or an engine name: "pocketsphinx" looks
    in its pronouncing dictionary without loading any acoustic model.
    """
    words = sorted({w for p in phrases for w in p.lower().split()})
    if isinstance(engine, str):
        if engine == "pocketsphinx":
            from ivr.asr.pocketsphinx_decoders import dictionary_unknown

            return dictionary_unknown(words)
        if engine == "moonshine":
            return []  # subword vocabulary: it can write any word
        return open_recognizer(engine, free_speech=False).unknown_words(words)
    return engine.unknown_words(words)


def _english_only(engine: str, language: str) -> None:
    if language != "en":
        raise EngineError(
            f"{engine} here only has an English model, not {language!r}",
            "install a vosk model for that language",
        )


def _vosk_model(language: str) -> Path | None:
    from ivr.asr.models import find_installed

    return find_installed("vosk", language)


def _moonshine_available() -> bool:
    """Whether Moonshine can run here (``EngineError`` for a misconfigured model folder)."""
    from ivr.asr import moonshine_model

    return moonshine_model.find() is not None and _importable("onnxruntime")


def _moonshine_or_none() -> Recognizer | None:
    if not _moonshine_available():
        return None
    from ivr.asr.moonshine_engine import MoonshineRecognizer

    return MoonshineRecognizer()


def _moonshine_hint() -> str:
    from ivr.asr import moonshine_model

    if os.environ.get(moonshine_model.ENV, "").strip().lower() == "none":
        return f"{moonshine_model.ENV}=none turns it off; unset it, or {_NEURAL_HINT}"
    return _NEURAL_HINT


def _importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None
