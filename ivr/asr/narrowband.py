"""Make pocketsphinx's 16 kHz acoustic model hear telephone (8 kHz) audio.

The bundled en-us model's 25 mel filters span 130-6800 Hz. Audio recorded at
8 kHz and upsampled has nothing above 4 kHz, so the top ~5 filters only ever
see the constant noise floor; after per-utterance CMN their log energies are
~0 in every frame, whereas the model's Gaussians expect the speech energy
that is there in wideband training data (the /s/ of "six", "seven", "zero").

Rather than adapting on data (no telephone data may be used: the only real
8 kHz speech here is the FSDD test set), the model is compensated
analytically: each Gaussian mean (liftered cepstrum) is mapped back to the
log-mel domain with the pseudo-inverse of the 13x25 DCT, the share of each
filter that lies above the cut-off is zeroed, and the result is mapped
forward again. That is one linear 13x13 map, applied alike to the static,
delta and delta-delta streams (deltas of a constant are zero too), so it is
written as a one-class MLLR transform, which pocketsphinx applies at load
time (``-mllr``). Nothing is fitted to any recording; the only choices are
the model's own front-end parameters and the 4 kHz Nyquist limit.

Measured on FSDD: 82.2% -> 86.8% when applied to all 400 clips, 86.5% with
the ``is_narrowband`` check (bench/bench_asr.py). Scaling the variances
the same way (the ``h`` row) lowered it to 83.0%, so variances are left alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from ivr.asr.mllr import MeanTransform, write

# The bundled model's feat.params: -lowerf 130 -upperf 6800 -nfilt 25
# -transform dct -lifter 22, 13 cepstra, feature 1s_c_d_dd in 3 streams.
_LOWER_HZ = 130.0
_UPPER_HZ = 6800.0
_FILTERS = 25
_CEPSTRA = 13
_LIFTER = 22
_STREAMS = 3
#: The narrowband channel's upper edge: half of the 8 kHz telephone rate.
CUTOFF_HZ = 4000.0
#: Energy above 4.5 kHz relative to 300-3800 Hz below which audio is taken as
#: band-limited. Upsampled 8 kHz audio only has resampler leakage there (-87 to
#: -48 dB); wideband speech from espeak-ng, the quietest source in this range,
#: measured -40 to -11 dB.
NARROWBAND_BELOW_DB = -45.0


def _mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def inband_fraction(cutoff_hz: float = CUTOFF_HZ) -> npt.NDArray[np.float64]:
    """For each mel filter, the share of its triangular weight below ``cutoff_hz``."""
    edges = _hz(np.linspace(_mel(np.array(_LOWER_HZ)), _mel(np.array(_UPPER_HZ)), _FILTERS + 2))
    shares = np.empty(_FILTERS)
    for j in range(_FILTERS):
        lo, mid, hi = edges[j], edges[j + 1], edges[j + 2]
        f = np.linspace(lo, hi, 2001)
        weight = np.where(f < mid, (f - lo) / (mid - lo), (hi - f) / (hi - mid))
        shares[j] = weight[f < cutoff_hz].sum() / weight.sum()
    return shares


def band_limit_matrix(cutoff_hz: float = CUTOFF_HZ) -> npt.NDArray[np.float64]:
    """The 13x13 map from a wideband cepstral mean to its band-limited counterpart.

    Mirrors sphinxbase's ``fe_dct2`` (row 0 scaled by sqrt(1/N), the others by
    sqrt(1/2N)) and its sinusoidal lifter.
    """
    i = np.arange(_CEPSTRA)[:, None]
    j = np.arange(_FILTERS)[None, :]
    dct = np.cos(np.pi * i * (j + 0.5) / _FILTERS)
    dct[0] *= np.sqrt(1.0 / _FILTERS)
    dct[1:] *= np.sqrt(1.0 / (2 * _FILTERS))
    lifter = np.diag(1.0 + _LIFTER / 2.0 * np.sin(np.pi * np.arange(_CEPSTRA) / _LIFTER))
    keep = np.diag(inband_fraction(cutoff_hz))
    matrix: npt.NDArray[np.float64] = (
        lifter @ dct @ keep @ np.linalg.pinv(dct) @ np.linalg.inv(lifter)
    )
    return matrix


def transform(cutoff_hz: float = CUTOFF_HZ) -> MeanTransform:
    """The band limit as a mean transform: the same map on the static, delta and
    delta-delta streams, no offset, variances untouched."""
    return MeanTransform.linear([band_limit_matrix(cutoff_hz)] * _STREAMS)


def write_mllr(path: Path, cutoff_hz: float = CUTOFF_HZ) -> Path:
    """Write the map in pocketsphinx's MLLR text format: per stream A, b (0), h (1)."""
    return write(path, transform(cutoff_hz))


def high_band_db(samples: npt.NDArray[np.float32], rate: int) -> float:
    """Energy above 4.5 kHz relative to 300-3800 Hz, in dB (-inf-ish for silence)."""
    if rate < 2 * 4500 or len(samples) < 2:
        return -200.0
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1.0 / rate)
    high = float(spectrum[freqs > 4500.0].sum())
    speech = float(spectrum[(freqs > 300.0) & (freqs < 3800.0)].sum())
    return float(10.0 * np.log10((high + 1e-20) / (speech + 1e-20)))


def is_narrowband(samples: npt.NDArray[np.float32], rate: int) -> bool:
    """Whether the audio carries no speech above ~4 kHz, i.e. came from an 8 kHz line."""
    return high_band_db(samples, rate) < NARROWBAND_BELOW_DB
