"""scripts/adapt_synthetic.py: what the adaptation may hear, and the model file it rebuilds.

The full fit needs Debian's sphinxtrain and about a minute; it is run by hand
(the shipped transform is its byte-identical output). These tests check the
parts that decide whether the benchmark stays fair.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def script() -> ModuleType:
    pytest.importorskip("pocketsphinx")
    spec = importlib.util.spec_from_file_location(
        "adapt_synthetic", ROOT / "scripts" / "adapt_synthetic.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["adapt_synthetic"] = module
    spec.loader.exec_module(module)
    return module


def test_no_adaptation_sentence_holds_a_word_the_benchmark_tests(script: ModuleType) -> None:
    from ivr.asr.espeak_corpus import IVR_PHRASES

    banned = script.banned_words(script.MENU)
    chosen = script.select_sentences(script.read_sentences(script.SENTENCES), banned)
    assert len(chosen) >= 60
    heard = {w for s in chosen for w in s.words}
    assert not heard & banned
    for word in ("police", "ambulance", "doctor", "seven", "help", "back", "fire"):
        assert word in banned
        assert word not in heard
    assert not heard & ({w for p in IVR_PHRASES for w in p.split()} - script.COMMON_WORDS)


def test_default_voices_are_not_the_benchmark_voices(script: ModuleType) -> None:
    from ivr.asr.espeak_corpus import VOICES

    assert not set(script.DEFAULT_VOICES) & set(VOICES)


def test_mixture_weights_from_the_bundled_sendump_are_distributions(
    script: ModuleType, tmp_path: Path
) -> None:
    import pocketsphinx

    sendump = Path(pocketsphinx.get_model_path("en-us/en-us")) / "sendump"
    weights = script.sendump_mixture_weights(sendump)
    # senones x streams x densities: the model's 5126 tied states, 3 feature streams
    assert weights.shape[:2] == (5126, 3)
    assert np.allclose(weights.sum(axis=2), 1.0)
    assert (weights > 0).all()


def test_a_truncated_sendump_is_a_clear_error(script: ModuleType, tmp_path: Path) -> None:
    import pocketsphinx

    original = (Path(pocketsphinx.get_model_path("en-us/en-us")) / "sendump").read_bytes()
    broken = tmp_path / "sendump"
    broken.write_bytes(original[: len(original) - 100])
    with pytest.raises(script.AdaptError, match="bytes of weights, expected"):
        script.sendump_mixture_weights(broken)
