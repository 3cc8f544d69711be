"""How alike two texts sound: phone edit distance, for a transcript and menu phrases.

Why: in noise the free transcriber writes words that are wrong but *sound*
like what was said ("he is a number" for "key in a number", "police not
enough to see" for "police non emergency", "see" for "sick"). Its own scores
of the menu phrases then often prefer a shorter or another phrase, and the
grammar path hears the right phrase only at a confidence too low to act on.
How near the transcript *sounds* to each phrase is a third opinion, of a
different kind from both: ``ivr.asr.phrase_choice`` uses it to confirm the
grammar path's phrase when the transcript sounds most like it, and to stop a
phrase being acted on when the transcript sounds like another one.

The phones come from a pronouncing dictionary given by the caller (the
composing module passes pocketsphinx's cmudict, so this module imports no
engine); words it lacks are spelt out letter by letter, roughly, which is
enough for a distance. Substituting a phone of the same kind (two vowels, a
voiced and a voiceless pair, two nasals) costs half; dropping a vowel costs
less than dropping a consonant, since noise and fast speech swallow vowels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from ivr.asr.base import DIGIT_WORDS

#: word -> its pronunciations, each a space-separated string of ARPAbet phones.
Pronounce = Callable[[str], Sequence[str]]

VOWELS = frozenset(
    {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}
)
#: Consonants that noise and narrowband lines confuse with each other.
_KINDS = (
    frozenset({"P", "B"}),
    frozenset({"T", "D"}),
    frozenset({"K", "G"}),
    frozenset({"F", "V"}),
    frozenset({"TH", "DH"}),
    frozenset({"S", "Z"}),
    frozenset({"SH", "ZH"}),
    frozenset({"CH", "JH"}),
    frozenset({"M", "N", "NG"}),
    frozenset({"L", "R"}),
    frozenset({"W", "Y"}),
)
LIKE = 0.5
VOWEL_GAP = 0.6
#: A rough phone per letter, for words the dictionary lacks ("jutri").
_SPELT = "AE B K D EH F G HH IH JH K L M N AA P K R S T AH V W K Y Z"
_LETTERS = {chr(ord("a") + i): phone for i, phone in enumerate(_SPELT.split())}
_NOT_A_LETTER = re.compile(r"[^a-z0-9']")
#: Numerals a transcriber writes ("1" for "one"), said digit by digit.
_NUMERALS = {digit: word for word, digit in DIGIT_WORDS.items() if word != "oh"}


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in VOWELS and b in VOWELS:
        return LIKE
    if any(a in kind and b in kind for kind in _KINDS):
        return LIKE
    return 1.0


def _gap(phone: str) -> float:
    return VOWEL_GAP if phone in VOWELS else 1.0


def edit_distance(a: Sequence[str], b: Sequence[str]) -> float:
    """The cheapest way to turn phones ``a`` into ``b`` (costs above)."""
    previous = [0.0]
    for phone in b:
        previous.append(previous[-1] + _gap(phone))
    for x in a:
        current = [previous[0] + _gap(x)]
        for j, y in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + _gap(x),
                    current[j - 1] + _gap(y),
                    previous[j - 1] + _substitution(x, y),
                )
            )
        previous = current
    return previous[-1]


class SoundsLike:
    """Phones of texts and how far apart two texts sound, from ``pronounce``."""

    def __init__(self, pronounce: Pronounce) -> None:
        self._pronounce = pronounce
        self._word = lru_cache(maxsize=8192)(self._word_phones)
        # the last ranking: one utterance's transcript is ranked against its node's
        # phrases by more than one rule (the check, then the runners-up)
        self._last: tuple[str, tuple[str, ...], list[tuple[float, str]]] | None = None

    def _word_phones(self, word: str) -> tuple[str, ...]:
        found = self._pronounce(word)
        if found:
            return tuple(found[0].split())
        return tuple(_LETTERS[c] for c in word if c in _LETTERS)  # digits: see phones

    def phones(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        for word in text.lower().replace("-", " ").split():
            cleaned = _NOT_A_LETTER.sub("", word)
            if cleaned.isdigit():
                for digit in cleaned:
                    out.extend(self._word(_NUMERALS[digit]))
            elif cleaned:
                out.extend(self._word(cleaned))
        return tuple(out)

    def distance(self, said: str, phrase: str) -> float:
        """0 when they sound the same, about 1 when nothing is alike: the edit distance
        over the longer of the two (in gap costs), so long and short phrases compare."""
        a, b = self.phones(said), self.phones(phrase)
        longest = max(1.0, sum(_gap(p) for p in a), sum(_gap(p) for p in b))
        return edit_distance(a, b) / longest

    def ranked(self, said: str, phrases: Iterable[str]) -> list[tuple[float, str]]:
        """``phrases`` nearest first, each with its distance from ``said`` (ties by text)."""
        among = tuple(phrases)
        last = self._last
        if last is not None and last[0] == said and last[1] == among:
            return list(last[2])
        found = sorted((self.distance(said, p), p) for p in among if self.phones(p))
        self._last = (said, among, found)
        return list(found)
