"""Leading and trailing non-speech cut from an utterance before free transcription.

The frame level is compared with the utterance's own noise floor (a low
percentile of its frame levels), so the cut follows a noisy line as well as
a clean one; a little audio is kept each side so that soft onsets and
endings survive.

Measured with Moonshine's transcripts of 40 needs (8 voices of espeak-ng and
flite at 8 kHz, 0.25 s of line each side, clean and at 15 dB SNR), word error
rate with and without the cut:

- greedy transcripts (the empty one allowed): 0.245 vs 0.257, most of it on
  flite at 15 dB (0.219 vs 0.254), where the cut halved the utterances
  Moonshine wrote nothing for; espeak-ng clean got worse (0.248 vs 0.236);
- the transcripts ``MoonshineTranscriber`` writes (the best one with words,
  which is what removed those empty ones): clean 0.168 vs 0.170, 15 dB
  0.346 vs 0.339 (``bench/bench_asr.py --engine free``).

So it no longer helps under noise, and ``MoonshineTranscriber`` leaves it off
(``trim=True`` turns it on); kept for the benchmark's comparison. No call path
uses it: what a recogniser hears is cut by the live end-of-speech detector, in
the one audio front end (``ivr.audio.frontend``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

#: Frame length (s), the margin above the noise floor that counts as speech (dB),
#: the most below the loudest frame that still counts (dB), and audio kept each side (s).
FRAME, MARGIN_DB, RANGE_DB, KEEP = 0.02, 10.0, 40.0, 0.15
#: The noise floor: this percentile of the utterance's frame levels.
FLOOR_PERCENTILE = 10.0


def trim_silence(samples: FloatArray, rate: int) -> FloatArray:
    """``samples`` from ``KEEP`` seconds before the first frame of speech to ``KEEP``
    after the last; unchanged when it is too short to judge or holds no speech."""
    n = int(FRAME * rate)
    if n <= 0 or len(samples) < 4 * n:
        return samples
    frames = samples[: len(samples) // n * n].reshape(-1, n).astype(np.float64)
    level = 10.0 * np.log10(np.mean(np.square(frames), axis=1) + 1e-12)
    floor = float(np.percentile(level, FLOOR_PERCENTILE))
    threshold = max(floor + MARGIN_DB, float(np.max(level)) - RANGE_DB)
    loud = np.flatnonzero(level > threshold)
    if len(loud) == 0:
        return samples
    keep = int(KEEP / FRAME)
    start = max(0, int(loud[0]) - keep) * n
    end = min(len(frames), int(loud[-1]) + 1 + keep) * n
    if end >= len(frames) * n:
        end = len(samples)
    return samples[start:end]
