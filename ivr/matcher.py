"""Matching what a caller said to the options a menu offers.

The rule that shapes everything here: never route to a number the caller did
not choose. So a match needs a whole phrase of the option in the utterance
(in order, at most one stray word inside it), a phrase negated by the caller
("it's not a fire") does not count, and when two different outcomes score the
same the caller is asked rather than guessed for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ivr.textnorm import NEGATIONS, Token, stem, tokens

MAX_GAP = 1  # stray words allowed inside a multi-word phrase ("chest *bad* pain")
NEGATION_REACH = 3  # words after "not" that it cancels


@dataclass(frozen=True)
class Candidate:
    """Something the caller may have meant, with how strongly the words point at it."""

    ref: str  # an option id or a command name
    score: float
    phrase: str


@dataclass(frozen=True)
class _Phrase:
    ref: str
    text: str
    words: tuple[str, ...]


class PhraseIndex:
    """The spoken phrases of a set of options, normalised once for fast matching."""

    def __init__(self, entries: Iterable[tuple[str, str]], lang: str) -> None:
        self.lang = lang
        self._phrases: list[_Phrase] = []
        self._by_word: dict[str, list[int]] = {}
        for ref, text in entries:
            words = tuple(t.digits or t.text for t in tokens(text, lang))
            if not words:
                continue
            index = len(self._phrases)
            self._phrases.append(_Phrase(ref, text, words))
            self._by_word.setdefault(words[0], []).append(index)

    def __len__(self) -> int:
        return len(self._phrases)

    def match(self, toks: Sequence[Token]) -> list[Candidate]:
        """Best score per ref, best first; ties keep the order the phrases were given in."""
        words = [t.digits or t.text for t in toks]
        negated = _negated_positions(words, self.lang)
        best: dict[str, Candidate] = {}
        order: dict[str, int] = {}
        for start, word in enumerate(words):
            for index in self._by_word.get(word, ()):
                phrase = self._phrases[index]
                score = _score_at(phrase.words, words, start, negated)
                if score <= 0:
                    continue
                order.setdefault(phrase.ref, index)
                current = best.get(phrase.ref)
                if current is None or score > current.score:
                    best[phrase.ref] = Candidate(phrase.ref, score, phrase.text)
        return sorted(best.values(), key=lambda c: (-c.score, order[c.ref]))


def _negated_positions(words: list[str], lang: str) -> set[int]:
    negations = {stem(w, lang) for w in NEGATIONS.get(lang, set())} | NEGATIONS.get(lang, set())
    cancelled: set[int] = set()
    for i, word in enumerate(words):
        if word in negations:
            cancelled.update(range(i + 1, min(len(words), i + 1 + NEGATION_REACH)))
    return cancelled


def _score_at(phrase: tuple[str, ...], words: list[str], start: int, negated: set[int]) -> float:
    """Score of ``phrase`` matched from ``words[start]``; 0 when it is not all there."""
    if start in negated:
        return 0.0
    position = start
    gaps = 0
    for word in phrase[1:]:
        nxt = position + 1
        while nxt < len(words) and words[nxt] != word and nxt - position - 1 < MAX_GAP:
            nxt += 1
        if nxt >= len(words) or words[nxt] != word:
            return 0.0
        gaps += nxt - position - 1
        position = nxt
    # Longer phrases are more specific; a stray word inside costs a little.
    letters = sum(len(w) for w in phrase)
    return len(phrase) * 10.0 + min(letters, 20) / 10.0 - gaps * 2.0


def top_ties(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates sharing the best score (the caller may have meant any of them)."""
    if not candidates:
        return []
    best = candidates[0].score
    return [c for c in candidates if c.score == best]
