"""Mean transforms for pocketsphinx's acoustic model (its ``-mllr`` file format).

pocketsphinx applies one affine map per feature stream to every Gaussian mean
when a decoder is built: ``mean' = A @ mean + b``. Two transforms are shipped
or built here: the analytic band limit for 8 kHz lines (``ivr.asr.narrowband``)
and the synthetic-voice adaptation fitted to espeak-ng speech
(``data/espeak-ng.mllr``, made by ``scripts/adapt_synthetic.py``). A decoder
takes only one file, so when both apply they are composed into one map.

File format (sphinxtrain's ``mllr_solve`` output): the number of classes, the
number of streams, then per stream its width, ``width`` rows of ``A``, one
row of ``b`` and one row of variance scales (kept, not applied here).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ivr.asr.base import EngineError, models_dir

#: Shipped adaptations, by name: what ``--adapt`` and ``adaptation=`` accept.
ADAPTATIONS: dict[str, str] = {"espeak-ng": "espeak-ng.mllr"}
#: Where ``scripts/adapt_synthetic.py --map-model`` puts a MAP-adapted model,
#: under the models folder; and the files it holds.
ADAPTED_MODEL_DIRS: dict[str, str] = {"espeak-ng": "pocketsphinx-en-us-espeak-ng"}
_MODEL_FILES = {
    "mean": "means",
    "var": "variances",
    "sendump": "sendump",
    "tmat": "transition_matrices",
}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeanTransform:
    """One class of per-stream affine maps of the Gaussian means."""

    a: tuple[npt.NDArray[np.float64], ...]
    b: tuple[npt.NDArray[np.float64], ...]
    h: tuple[npt.NDArray[np.float64], ...]

    @classmethod
    def linear(cls, matrices: list[npt.NDArray[np.float64]]) -> MeanTransform:
        """A map with no offset, e.g. the narrowband band limit."""
        return cls(
            tuple(matrices),
            tuple(np.zeros(len(m)) for m in matrices),
            tuple(np.ones(len(m)) for m in matrices),
        )

    def then(self, outer: MeanTransform) -> MeanTransform:
        """This map followed by ``outer``: ``outer.A (A x + b) + outer.b``."""
        if [len(m) for m in self.a] != [len(m) for m in outer.a]:
            raise EngineError("MLLR transforms with different stream widths cannot be composed")
        return MeanTransform(
            tuple(oa @ a for oa, a in zip(outer.a, self.a, strict=True)),
            tuple(oa @ b + ob for oa, b, ob in zip(outer.a, self.b, outer.b, strict=True)),
            tuple(h * oh for h, oh in zip(self.h, outer.h, strict=True)),
        )

    def text(self) -> str:
        lines = ["1", str(len(self.a))]
        for a, b, h in zip(self.a, self.b, self.h, strict=True):
            lines.append(str(len(a)))
            lines += [" ".join(f"{v:.6f}" for v in row) for row in a]
            lines.append(" ".join(f"{v:.6f}" for v in b))
            lines.append(" ".join(f"{v:.6f}" for v in h))
        return "\n".join(lines) + "\n"


def parse(text: str, source: str) -> MeanTransform:
    """Read a one-class MLLR file; ``source`` names it in errors."""
    tokens = text.split()
    pos = 0

    def take(count: int) -> list[float]:
        nonlocal pos
        if pos + count > len(tokens):
            raise EngineError(f"{source}: MLLR file ends early", "regenerate it")
        try:
            values = [float(t) for t in tokens[pos : pos + count]]
        except ValueError:
            raise EngineError(f"{source}: MLLR file holds a non-number", "regenerate it") from None
        pos += count
        return values

    classes, streams = (int(v) for v in take(2))
    if classes != 1 or not 1 <= streams <= 8:
        raise EngineError(
            f"{source}: expected 1 class and 1-8 streams, got {classes} and {streams}",
            "only one-class transforms are supported",
        )
    a, b, h = [], [], []
    for _ in range(streams):
        width = int(take(1)[0])
        if not 1 <= width <= 64:
            raise EngineError(f"{source}: stream width {width} is out of range", "regenerate it")
        a.append(np.array(take(width * width)).reshape(width, width))
        b.append(np.array(take(width)))
        h.append(np.array(take(width)))
    if pos != len(tokens):
        raise EngineError(f"{source}: unexpected data after the last stream", "regenerate it")
    return MeanTransform(tuple(a), tuple(b), tuple(h))


def shipped(name: str) -> MeanTransform:
    """A transform that ships with ivr, by its ``ADAPTATIONS`` name."""
    filename = ADAPTATIONS.get(name)
    if filename is None:
        raise EngineError(
            f"unknown adaptation {name!r}", f"choose one of: {', '.join(sorted(ADAPTATIONS))}"
        )
    resource = resources.files("ivr.asr").joinpath("data", filename)
    return parse(resource.read_text(encoding="ascii"), f"ivr/asr/data/{filename}")


def write(path: Path, transform: MeanTransform) -> Path:
    path.write_text(transform.text(), encoding="ascii")
    return path


def adapted_model(
    name: str, reference: Path | None = None, root: Path | None = None
) -> dict[str, str] | None:
    """pocketsphinx options loading a MAP-adapted model's files, if one was built.

    MAP adaptation moves every density on its own and beat the shipped global
    MLLR transform by far on synthetic speech (bench/bench_asr.py), but its
    files (3.7 MB) are built by setup rather than committed. ``None`` when no
    folder was built. A folder that lacks a file, or whose files differ in size
    from the model they adapt (``reference``: MAP keeps every dimension), is an
    error here: pocketsphinx would end the whole process on a corrupt file.
    """
    folder = ADAPTED_MODEL_DIRS.get(name)
    if folder is None:
        return None
    path = (root or models_dir()) / folder
    if not path.is_dir():
        log.info("no MAP-adapted model at %s: using the %s MLLR transform", path, name)
        return None
    hint = f"rebuild it (python scripts/adapt_synthetic.py --map-model {path}) or delete it"
    files = {option: path / filename for option, filename in _MODEL_FILES.items()}
    for file in files.values():
        if not file.is_file():
            raise EngineError(f"{path}: the adapted model lacks {file.name}", hint)
        if reference is not None:
            expected = (reference / file.name).stat().st_size
            size = file.stat().st_size
            if size != expected:
                raise EngineError(
                    f"{file}: {size} bytes, but the model it adapts has {expected}", hint
                )
    return {option: str(file) for option, file in files.items()}
