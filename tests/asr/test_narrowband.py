"""The analytic band-limiting transform for 8 kHz audio (no engine needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ivr.asr.narrowband import band_limit_matrix, inband_fraction, is_narrowband, write_mllr
from ivr.audio.pcm import Audio
from ivr.audio.resample import resample


def test_a_cutoff_above_the_filterbank_leaves_the_model_unchanged() -> None:
    assert np.allclose(band_limit_matrix(cutoff_hz=8000.0), np.eye(13), atol=1e-9)


def test_a_4khz_cutoff_removes_only_the_top_filters() -> None:
    shares = inband_fraction(4000.0)
    assert np.all(shares[:19] == 1.0)
    assert np.all(shares[-4:] == 0.0)
    assert not np.allclose(band_limit_matrix(4000.0), np.eye(13), atol=0.05)


def test_mllr_file_has_one_class_three_streams_of_13(tmp_path: Path) -> None:
    lines = write_mllr(tmp_path / "nb.mllr").read_text(encoding="ascii").splitlines()
    assert lines[:3] == ["1", "3", "13"]
    assert len(lines) == 2 + 3 * (1 + 13 + 2)
    assert [float(v) for v in lines[-1].split()] == [1.0] * 13


def test_upsampled_8khz_noise_is_narrowband_and_16khz_noise_is_not() -> None:
    rng = np.random.default_rng(1)
    wide = Audio(rng.normal(0, 0.1, 16000).astype(np.float32), 16000)
    narrow = resample(Audio(rng.normal(0, 0.1, 8000).astype(np.float32), 8000), 16000)
    assert is_narrowband(narrow.samples, narrow.rate)
    assert not is_narrowband(wide.samples, wide.rate)
