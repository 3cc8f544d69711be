"""Mean transforms: the file format pocketsphinx reads, composition, shipped adaptations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ivr.asr import narrowband
from ivr.asr.mllr import ADAPTATIONS, MeanTransform, parse, shipped
from ivr.asr.recognizer import EngineError


def _apply(t: MeanTransform, x: list[np.ndarray]) -> list[np.ndarray]:
    return [a @ v + b for a, b, v in zip(t.a, t.b, x, strict=True)]


def test_text_and_parse_round_trip() -> None:
    rng = np.random.default_rng(1)
    t = MeanTransform(
        tuple(rng.normal(size=(13, 13)) for _ in range(3)),
        tuple(rng.normal(size=13) for _ in range(3)),
        tuple(np.ones(13) for _ in range(3)),
    )
    back = parse(t.text(), "t")
    for x, y in zip(t.a + t.b, back.a + back.b, strict=True):
        assert np.allclose(x, y, atol=1e-6)


def test_composed_transform_equals_applying_one_after_the_other() -> None:
    rng = np.random.default_rng(2)
    inner = shipped("espeak-ng")
    outer = narrowband.transform()
    x = [rng.normal(size=13) for _ in range(3)]
    expected = _apply(outer, _apply(inner, x))
    got = _apply(inner.then(outer), x)
    for e, g in zip(expected, got, strict=True):
        assert np.allclose(e, g)


def test_shipped_espeak_adaptation_is_a_real_fitted_map() -> None:
    t = shipped("espeak-ng")
    assert [m.shape for m in t.a] == [(13, 13)] * 3
    assert all(np.isfinite(m).all() for m in t.a + t.b)
    # Fitted, so neither the identity nor the narrowband map.
    assert not np.allclose(t.a[0], np.eye(13), atol=0.02)
    assert np.abs(t.b[0]).max() > 0.01


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 3 13 1 2", "x.mllr: MLLR file ends early"),
        ("1 1 2 1 0 0 1 oops 0 1 1", "x.mllr: MLLR file holds a non-number"),
        ("2 3", "x.mllr: expected 1 class and 1-8 streams, got 2 and 3"),
        ("1 1 99", "x.mllr: stream width 99 is out of range"),
        ("1 1 1 1 0 1 7", "x.mllr: unexpected data after the last stream"),
    ],
)
def test_malformed_mllr_files_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(EngineError) as info:
        parse(text, "x.mllr")
    assert info.value.message == message


def test_unknown_adaptation_names_the_choices() -> None:
    with pytest.raises(EngineError) as info:
        shipped("robot")
    assert info.value.message == "unknown adaptation 'robot'"
    assert info.value.hint == f"choose one of: {', '.join(sorted(ADAPTATIONS))}"


def test_adapted_model_is_used_only_when_whole_and_the_right_size(tmp_path: Path) -> None:
    from ivr.asr.mllr import ADAPTED_MODEL_DIRS, adapted_model

    reference = tmp_path / "bundled"
    reference.mkdir()
    names = ("means", "variances", "sendump", "transition_matrices")
    for name in names:
        (reference / name).write_bytes(b"12345")
    root = tmp_path / "models"
    assert adapted_model("espeak-ng", reference, root) is None  # never built: the fallback
    folder = root / ADAPTED_MODEL_DIRS["espeak-ng"]
    folder.mkdir(parents=True)
    for name in names[:3]:
        (folder / name).write_bytes(b"54321")
    with pytest.raises(EngineError) as info:
        adapted_model("espeak-ng", reference, root)
    assert info.value.message == f"{folder}: the adapted model lacks transition_matrices"
    assert info.value.hint == (
        f"rebuild it (python scripts/adapt_synthetic.py --map-model {folder}) or delete it"
    )
    (folder / "transition_matrices").write_bytes(b"123")  # truncated
    with pytest.raises(EngineError) as info:
        adapted_model("espeak-ng", reference, root)
    assert info.value.message == (
        f"{folder / 'transition_matrices'}: 3 bytes, but the model it adapts has 5"
    )
    (folder / "transition_matrices").write_bytes(b"54321")
    assert adapted_model("espeak-ng", reference, root) == {
        "mean": str(folder / "means"),
        "var": str(folder / "variances"),
        "sendump": str(folder / "sendump"),
        "tmat": str(folder / "transition_matrices"),
    }
