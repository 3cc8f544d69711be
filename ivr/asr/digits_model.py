"""A second acoustic model for spoken digits, and how its opinion is combined.

Why: pocketsphinx's general US-English model hears real telephone digits
(FSDD, 8 kHz, four accented speakers) right 86.2% of the time, and its errors
are systematic: a fricative that the 8 kHz line removed ("zero" -> "two",
"six" -> "seven"). Debian's ``pocketsphinx-testdata`` ships a small model
trained on TIDIGITS with a filterbank that stops at 4 kHz: the telephone band
by construction. Alone it does no better (85%), but it errs on other clips,
so asking both and keeping the digit they agree on best gets 90.2%.

The combination has no parameter fitted to FSDD: each model's N-best list is
a set of candidate phrases with path scores (natural-log likelihoods of the
same audio); a phrase both models proposed beats one only one proposed, and
among equals the summed score wins (the product of the two likelihoods). See
``bench/bench_asr.py`` for the figures with and without it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ivr.asr.recognizer import EngineError, Grammar

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


def applies(grammar: Grammar, vocabulary: frozenset[str]) -> bool:
    """Only grammars of single words the digits model knows (a keypad by voice).

    A phrase of several words is in no vocabulary of single words.
    """
    return all(p in vocabulary for p in grammar.phrases)


def combine(opinions: Sequence[Mapping[str, float]]) -> str | None:
    """The phrase most models proposed; among those, the best summed score.

    Each opinion maps a phrase to its path score in one model's N-best list.
    A phrase missing from a list was pruned by that model, which is worse
    evidence than any score it gave. ``None`` when no model proposed anything.
    """
    candidates = {phrase for opinion in opinions for phrase in opinion}
    if not candidates:
        return None

    def rank(phrase: str) -> tuple[int, float, str]:
        found = [o[phrase] for o in opinions if phrase in o]
        # The phrase itself breaks exact ties, so the outcome never depends on set order.
        return (len(found), sum(found), phrase)

    return max(candidates, key=rank)


def unanimous(opinions: Sequence[Mapping[str, float]]) -> str | None:
    """The phrase when every model's N-best list holds it and no other phrase, else ``None``.

    No model then kept any rival path alive: the evidence is as one-sided as
    pocketsphinx can say, and a further opinion is not worth its cost (on FSDD
    none of the 204 such clips was wrong).
    """
    if not opinions or any(len(o) != 1 for o in opinions):
        return None
    phrases = {phrase for opinion in opinions for phrase in opinion}
    return phrases.pop() if len(phrases) == 1 else None
