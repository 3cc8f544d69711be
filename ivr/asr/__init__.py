"""Offline speech recognition behind one small streaming interface.

The engines (pocketsphinx, vosk, Moonshine) are imported lazily by their
adapter modules only, so ``import ivr.asr`` costs nothing and works without
any of them installed. ``open_recognizer`` composes them (``ivr.asr.registry``):
digits heard by several models (``ivr.asr.digits_fusion``), and free speech
at nodes that take a described need (``ivr.asr.free_speech``).
"""

from ivr.asr.recognizer import (
    EngineError,
    Grammar,
    Partial,
    Recognizer,
    Result,
    Source,
    Transcriber,
    Word,
    digits_grammar,
    open_recognizer,
    open_transcriber,
    recognize,
    unknown_words,
)

__all__ = [
    "EngineError",
    "Grammar",
    "Partial",
    "Recognizer",
    "Result",
    "Source",
    "Transcriber",
    "Word",
    "digits_grammar",
    "open_recognizer",
    "open_transcriber",
    "recognize",
    "unknown_words",
]
