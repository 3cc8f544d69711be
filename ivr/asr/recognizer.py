"""The speech recognition interface, in one place for callers.

The types live in ``ivr.asr.base`` (which every engine imports) and the engine
factory in ``ivr.asr.registry`` (which imports the engines); this module only
re-exports both, so ``from ivr.asr.recognizer import ...`` keeps working and
no engine ever imports the factory that builds it.
"""

from __future__ import annotations

from ivr.asr.base import (
    DIGIT_WORDS,
    Alternatives,
    EngineError,
    Grammar,
    Partial,
    PhraseScorer,
    Recognizer,
    Result,
    Source,
    Transcriber,
    Word,
    digits_grammar,
    models_dir,
    recognize,
    recognize_whole,
    usable_grammar,
)
from ivr.asr.registry import (
    TRANSCRIBERS,
    open_recognizer,
    open_transcriber,
    unknown_words,
)
from ivr.model import ENGINES

__all__ = [
    "DIGIT_WORDS",
    "ENGINES",
    "TRANSCRIBERS",
    "Alternatives",
    "EngineError",
    "Grammar",
    "Partial",
    "PhraseScorer",
    "Recognizer",
    "Result",
    "Source",
    "Transcriber",
    "Word",
    "digits_grammar",
    "models_dir",
    "open_recognizer",
    "open_transcriber",
    "recognize",
    "recognize_whole",
    "unknown_words",
    "usable_grammar",
]
