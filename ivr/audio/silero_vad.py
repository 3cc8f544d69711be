"""End of speech judged by Silero VAD, a small trained model, run on onnxruntime.

The energy detector is fooled by whatever is loud: steady noise raises its
floor until quiet words fall under it, and a noise burst looks like a start.
Silero VAD (MIT licence) was trained to tell speech from everything else; its
ONNX model ships inside the ``silero-vad`` wheel. That package depends on
torch, which ivr does not want, so it is installed with ``--no-deps``
(``scripts/setup.sh``) and never imported: its ``__init__`` imports torch.
The model file is found through the package's import spec, which locates the
package without running it (``importlib.resources`` would import it), and run
here on onnxruntime, which ``ivr[neural]`` brings.

The model judges frames of 512 samples at 16 kHz (256 at 8 kHz, 32 ms either
way), each given with the last 64 (32) samples of the frame before as context,
and carries a recurrent state from frame to frame: both are kept per detector,
so one loaded model (an ``InferenceSession`` is safe to share between threads)
serves every detector in the process. Its output is the probability that the
frame is speech; as the package's own streaming helper does, a frame at or
above ``threshold`` may start speech, speech goes quiet at a frame below
``threshold - 0.15``, and only a frame at ``threshold`` again ends the quiet.
Everything after that (start confirmation, trailing silence, pre-roll) is the
shared state machine in ``ivr.audio.vad``.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ivr.audio.pcm import FloatArray
from ivr.audio.vad import FramedVad, VadConfig
from ivr.errors import IvrError

log = logging.getLogger(__name__)

PACKAGE = "silero-vad"
#: The version whose model was measured (bench/bench_latency.py --compare-vads).
REQUIREMENT = "silero-vad==6.2.3"
MODEL_FILE = "silero_vad.onnx"  # 8 and 16 kHz; the other files in the wheel are 16 kHz only
#: Frame and context sizes the model was trained with, per sample rate.
FRAMES = {16000: (512, 64), 8000: (256, 32)}
STATE_SHAPE = (2, 1, 128)
#: The package's own defaults for streaming: start at 0.5, go on down to 0.35.
THRESHOLD = 0.5
END_DROP = 0.15


def model_path() -> Path | None:
    """The ONNX file inside the installed ``silero_vad`` package, or None."""
    try:
        spec = importlib.util.find_spec("silero_vad")
    except (ImportError, ValueError):  # a stubbed or half-installed package
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "data" / MODEL_FILE
        if path.is_file():
            return path
    return None


def unavailable(rate: int) -> str | None:
    """Why the Silero VAD cannot run at ``rate`` here, or None when it can."""
    if rate not in FRAMES:
        return f"its model runs at 8000 or 16000 Hz, not {rate}"
    if model_path() is None:
        return f"{PACKAGE} is not installed"
    if importlib.util.find_spec("onnxruntime") is None:
        return "onnxruntime is not installed"
    return None


@functools.lru_cache(maxsize=2)
def _session(path: str) -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise IvrError("onnxruntime is not installed", "pip install 'ivr[neural]'") from exc
    options = onnxruntime.SessionOptions()
    # One frame is a few hundred microseconds of work: more threads only cost
    # wake-ups, and a live call shares the CPU with the recogniser.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return onnxruntime.InferenceSession(
            path, sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own unexported exception types
        raise IvrError(f"cannot load the Silero VAD model {path}: {exc}") from exc


class SileroVad(FramedVad):
    """Frames judged by the Silero model's speech probability."""

    def __init__(
        self,
        rate: int,
        config: VadConfig | None = None,
        *,
        threshold: float = THRESHOLD,
        model: Path | None = None,
    ) -> None:
        if rate not in FRAMES:
            raise IvrError(f"the Silero VAD runs at 8000 or 16000 Hz, not {rate}")
        if not 0.0 < threshold < 1.0:
            raise IvrError(f"the Silero VAD threshold must be between 0 and 1, got {threshold}")
        path = model or model_path()
        if path is None:
            raise IvrError(f"{PACKAGE} is not installed", f"pip install --no-deps {REQUIREMENT}")
        frame, context = FRAMES[rate]
        super().__init__(rate, config, frame, frame / rate)
        self.model = path
        self.threshold = threshold
        self.end_threshold = max(0.0, threshold - END_DROP)
        self._session = _session(str(path))
        self._context_size = context
        self._sr = np.array(rate, dtype=np.int64)
        self._reset_model()

    def _reset_model(self) -> None:
        self._state = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._context: FloatArray = np.zeros(self._context_size, dtype=np.float32)
        self.probability = 0.0

    def describe(self) -> str:
        try:
            version = metadata.version(PACKAGE)
        except metadata.PackageNotFoundError:
            version = "?"
        return f"Silero VAD ({PACKAGE} {version}, {self.model.name} on onnxruntime)"

    def _judge(self, frame: FloatArray) -> tuple[bool, bool]:
        self.probability = p = self.speech_probability(frame)
        # Speech goes quiet below end_threshold, and once quiet only a frame at
        # threshold brings it back: one doubtful frame in a noisy pause (0.45 is
        # common at 5 dB) must not restart the trailing silence.
        going_quiet = self.in_speech and self._quiet > 0
        return p >= self.threshold, p >= (self.threshold if going_quiet else self.end_threshold)

    def speech_probability(self, frame: FloatArray) -> float:
        """The model's verdict on one frame of exactly the trained size (state carried on)."""
        window = np.concatenate([self._context, np.clip(frame, -1.0, 1.0)])
        window = window.astype(np.float32, copy=False)[np.newaxis, :]
        try:
            out, state = self._session.run(
                None, {"input": window, "state": self._state, "sr": self._sr}
            )
        except Exception as exc:  # onnxruntime's own exception types are not exported
            raise IvrError(f"the Silero VAD model failed: {exc}") from exc
        self._state = np.asarray(state, dtype=np.float32)
        self._context = window[0, -self._context_size :].copy()
        return float(np.asarray(out).reshape(-1)[0])
