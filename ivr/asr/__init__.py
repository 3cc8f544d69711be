"""Offline speech recognition behind one small streaming interface.

The engines (pocketsphinx, vosk) are imported lazily by their adapter modules
only, so ``import ivr.asr`` costs nothing and works without either installed.
"""

from ivr.asr.recognizer import (
    EngineError,
    Grammar,
    Partial,
    Recognizer,
    Result,
    Word,
    digits_grammar,
    open_recognizer,
    recognize,
    unknown_words,
)

__all__ = [
    "EngineError",
    "Grammar",
    "Partial",
    "Recognizer",
    "Result",
    "Word",
    "digits_grammar",
    "open_recognizer",
    "recognize",
    "unknown_words",
]
