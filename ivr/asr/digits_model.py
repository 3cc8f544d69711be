"""A second acoustic model for spoken digits (TIDIGITS): where it is installed.

Why: pocketsphinx's general US-English model hears real telephone digits
(FSDD, 8 kHz, four accented speakers) right 86.2% of the time, and its errors
are systematic: a fricative that the 8 kHz line removed ("zero" -> "two",
"six" -> "seven"). Debian's ``pocketsphinx-testdata`` ships a small model
trained on TIDIGITS with a filterbank that stops at 4 kHz: the telephone band
by construction. Alone it does no better (85%), but it errs on other clips,
so asking both and keeping the digit they agree on best gets 90.2%.

This module finds the model; ``PocketsphinxRecognizer.digits`` decodes with it,
and ``ivr.asr.digits_fusion`` combines its opinion with the others'. See
``bench/bench_asr.py`` for the figures with and without it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ivr.asr.base import EngineError

#: Where Debian's pocketsphinx-testdata installs the TIDIGITS model.
DEFAULT_DIR = Path("/usr/share/pocketsphinx/test/data/tidigits")
#: Set to a folder laid out like ``DEFAULT_DIR``, or to ``none`` to do without.
ENV = "IVR_DIGITS_MODEL"
_HMM_FILES = ("feat.params", "mdef", "means", "sendump", "transition_matrices", "variances")
_HMM = Path("hmm")
_DICT = Path("lm") / "tidigits.dic"


def find(root: Path | None = None) -> Path | None:
    """The model folder, or ``None`` when it is not installed (or ``IVR_DIGITS_MODEL=none``).

    A folder that is there but incomplete is an error, not a silent fallback:
    pocketsphinx would end the whole process on a missing model file.
    """
    if root is None:
        configured = os.environ.get(ENV, "").strip()
        if configured.lower() == "none":
            return None
        root = Path(configured) if configured else DEFAULT_DIR
        if not configured and not root.is_dir():
            return None
    if not root.is_dir():
        raise EngineError(
            f"{ENV}={root}: no such folder",
            f"point it at a TIDIGITS model folder, or set {ENV}=none",
        )
    for name in (*(_HMM / f for f in _HMM_FILES), _DICT):
        path = root / name
        if not path.is_file() or path.stat().st_size == 0:
            raise EngineError(
                f"digits model file missing or empty: {path}",
                f"reinstall pocketsphinx-testdata (apt-get) or set {ENV}=none",
            )
    return root


def hmm_dir(root: Path) -> Path:
    return root / _HMM


def dictionary(root: Path) -> Path:
    return root / _DICT


def vocabulary(root: Path) -> frozenset[str]:
    """The words the model was trained on (its dictionary's entries)."""
    words = set()
    with dictionary(root).open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(maxsplit=1)
            if parts:
                words.add(parts[0].split("(", 1)[0].lower())
    return frozenset(words)
