"""Typing slips mended against the menu's own words ("somone hiting my mom", "kitchin").

Why: a typed need is often typed in a hurry, and a slip in the one word that
matters ("somone just grabbed my bag", "the kitchin is on fire") hides it from
the stems, from the phrases and from the cues alike ("someone just" tells that
it is happening now). A word is mended only when it is no word of the language
(a dictionary says so, ``Known``), none of the menu's, and exactly one of the
menu's words is a slip away (one letter added, dropped, changed or two swapped;
two for long words). So real words stay as written ("sweet" is not "sweat"), and
nothing is mended without a dictionary: the menu works as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

#: Whether a word is a word of a language (a dictionary from an adapter, ``ivr.nlu``).
Known = Callable[[str, str], bool]

MIN_LETTERS = 4  # shorter words have too many neighbours to mend safely
#: Words a text may have and still be mended: a need is said in far fewer, and each
#: unknown word costs a scan of the menu's words (a pasted essay must not stall a call).
MAX_WORDS = 80
LONG_LETTERS = 8  # from here two slips are mended, not one
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def slips(a: str, b: str, most: int) -> int:
    """Optimal string alignment distance (edits and swaps of neighbours), or ``most + 1``
    as soon as it is sure to be more than ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if (
                before is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return row[-1]


def words_in(text: str) -> list[str]:
    """The words of ``text`` as the respeller sees them (case folded)."""
    return _WORD.findall(text.casefold())


class Respeller:
    """Mends typing slips against ``words`` (per language), where ``known`` says a word
    is no word of the language."""

    def __init__(self, words: Mapping[str, Iterable[str]], known: Known) -> None:
        self._known = known
        self._words: dict[str, frozenset[str]] = {
            lang: frozenset(w.casefold() for w in ws) for lang, ws in words.items()
        }
        self._by_length: dict[str, dict[int, tuple[str, ...]]] = {}
        for lang, ws in self._words.items():
            lengths: dict[int, list[str]] = {}
            for w in sorted(ws):
                lengths.setdefault(len(w), []).append(w)
            self._by_length[lang] = {n: tuple(group) for n, group in lengths.items()}
        # bounded, as ``SoundsLike`` keeps its phones: a long-running server hears
        # any number of words it has never seen
        self._nearest_known = lru_cache(maxsize=8192)(self._nearest_unknown)

    def __call__(self, text: str, lang: str) -> str:
        if lang not in self._words or len(_WORD.findall(text)) > MAX_WORDS:
            return text
        return _WORD.sub(lambda m: self._mend(m.group(0), lang), text)

    def _mend(self, word: str, lang: str) -> str:
        folded = word.casefold()
        if len(folded) < MIN_LETTERS or "'" in folded or folded in self._words[lang]:
            return word  # short, a word of the menu's, or a contraction ("daughter's")
        return self._nearest_known(folded, lang) or word

    def _nearest_unknown(self, word: str, lang: str) -> str | None:
        """The menu word ``word`` is a slip of, when no dictionary knows ``word``."""
        return None if self._known(word, lang) else self._nearest(word, lang)

    def _nearest(self, word: str, lang: str) -> str | None:
        most = 2 if len(word) >= LONG_LETTERS else 1
        found: list[tuple[int, str]] = []
        lengths = self._by_length[lang]
        for n in range(len(word) - most, len(word) + most + 1):
            for candidate in lengths.get(n, ()):
                distance = slips(word, candidate, most)
                if distance <= most:
                    found.append((distance, candidate))
        if not found:
            return None
        best = min(d for d, _ in found)
        nearest = [c for d, c in found if d == best]
        return nearest[0] if len(nearest) == 1 else None
