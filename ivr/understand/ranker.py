"""How close a description is to each target: the ``Ranker`` port and its lexical engine.

Every ranker returns a similarity in [0, 1] per target with the text that
supports it, plus the ``Thresholds`` its scale calls for: a cosine between
sentence embeddings and an overlap of stems do not mean the same at 0.5, so
the policy reads the limits from the ranker rather than hard-coding them.

The lexical ranker is the one that needs no model (and the one for
languages an embedding model does not cover): each target text is a bag of
stems (``lexicon.terms``) weighted by inverse document frequency over all
target texts, and a target scores the best cosine of any of its texts with
the description, so one example that says the same thing is enough.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ivr.understand.lexicon import split_compound, terms
from ivr.understand.targets import Target


@dataclass(frozen=True)
class Scored:
    ref: str  # target (option) id
    score: float  # similarity in [0, 1]
    evidence: str  # the target text that matched best
    overlap: int = 0  # content words shared with that text (lexical ranker only)


@dataclass(frozen=True)
class Thresholds:
    """Where a ranker's scale means something (tuned on the dev split, see README)."""

    floor: float  # below: not about this target at all
    confirm: float  # from here the best target is worth asking about
    act: float  # from here, with ``margin`` over the next outcome, clear enough to act
    margin: float  # lead over the next different outcome needed to act
    min_overlap: int = 0  # content words the best text must share with the caller's to act


class Ranker(Protocol):
    """Scores a description against every target of a menu, best first."""

    @property
    def name(self) -> str: ...

    @property
    def thresholds(self) -> Thresholds: ...

    def languages(self) -> frozenset[str]: ...

    def rank(self, text: str, lang: str) -> list[Scored]: ...


#: One shared word is weak evidence for acting on ("it is not a doctor" shares only
#: "not doctor" with "I don't have a doctor yet"): acting needs two.
LEXICAL_THRESHOLDS = Thresholds(floor=0.2, confirm=0.3, act=0.55, margin=0.15, min_overlap=2)


class LexicalRanker:
    """Stem overlap weighted by rarity: works in every language the stemmer knows."""

    def __init__(self, targets: Sequence[Target], languages: Sequence[str]) -> None:
        self._langs = frozenset(languages)
        # per language: (ref, text, {term: weight}, norm)
        self._docs: dict[str, list[tuple[str, str, dict[str, float], float]]] = {}
        self._idf: dict[str, dict[str, float]] = {}
        for lang in languages:
            bags = [
                (t.ref, text, set(terms(text, lang))) for t in targets for text in t.texts_in(lang)
            ]
            bags = [b for b in bags if b[2]]
            frequency: dict[str, int] = {}
            for _, _, bag in bags:
                for term in bag:
                    frequency[term] = frequency.get(term, 0) + 1
            count = len(bags) or 1
            idf = {term: math.log(1 + count / n) for term, n in frequency.items()}
            self._idf[lang] = idf
            docs = []
            for ref, text, bag in bags:
                weights = {term: idf[term] for term in bag}
                norm = math.sqrt(sum(w * w for w in weights.values()))
                docs.append((ref, text, weights, norm))
            self._docs[lang] = docs
        self._unseen = {lang: max(idf.values(), default=1.0) for lang, idf in self._idf.items()}
        self._words: dict[str, dict[str, frozenset[str]]] = {}
        for lang, docs in self._docs.items():
            union: dict[str, set[str]] = {}
            for ref, _, weights, _ in docs:
                union.setdefault(ref, set()).update(weights)
            self._words[lang] = {ref: frozenset(w) for ref, w in union.items()}
        holders: dict[str, dict[str, set[str]]] = {}
        for lang, docs in self._docs.items():
            for ref, _, weights, _ in docs:
                for term in weights:
                    holders.setdefault(lang, {}).setdefault(term, set()).add(ref)
        self._holders = {
            lang: {term: frozenset(refs) for term, refs in by.items()}
            for lang, by in holders.items()
        }
        # the words that name each target (label and phrases), for telling what the
        # caller negated
        self._names: dict[str, dict[str, set[str]]] = {
            lang: {
                t.ref: {w for text in t.names_in(lang) for w in terms(text, lang)} for t in targets
            }
            for lang in languages
        }

    @property
    def name(self) -> str:
        return "lexical"

    @property
    def thresholds(self) -> Thresholds:
        return LEXICAL_THRESHOLDS

    def languages(self) -> frozenset[str]:
        return self._langs

    def rank(self, text: str, lang: str) -> list[Scored]:
        docs = self._docs.get(lang)
        if not docs:
            return []
        idf = self._idf[lang]
        query = {part for term in terms(text, lang) for part in split_compound(term, idf, lang)}
        if not query:
            return []
        # A word no target text has still counts in the query's length: a long
        # description that shares one word with an example is not that example.
        unseen = self._unseen[lang]
        qweights = {term: idf.get(term, unseen) for term in query}
        qnorm = math.sqrt(sum(w * w for w in qweights.values()))
        total = sum(qweights.values())
        coverage = {
            ref: sum(qweights[t] for t in query if t in words) / total
            for ref, words in self._words[lang].items()
        }
        best: dict[str, Scored] = {}
        for ref, doc_text, weights, norm in docs:
            shared = query.intersection(weights)
            if not shared:
                continue
            dot = sum(qweights[t] * weights[t] for t in shared)
            # the best single text, and how much of what was said the target's texts
            # hold between them ("a hiker" in one example, "missing" in another)
            score = (dot / (qnorm * norm) + coverage[ref]) / 2
            current = best.get(ref)
            if current is None or score > current.score:
                best[ref] = Scored(ref, score, doc_text, len(shared))
        return sorted(best.values(), key=lambda s: -s.score)

    def holders(self, term: str, lang: str) -> frozenset[str]:
        """Targets whose texts hold ``term``."""
        return self._holders.get(lang, {}).get(term, frozenset())

    def negated(self, text: str, lang: str) -> set[str]:
        """Targets the caller spoke of only to negate: a word of their label or phrases
        is negated ("there is no fire") and nothing else of theirs was said."""
        said = set(terms(text, lang))
        denied = {t.removeprefix("not_") for t in said if t.startswith("not_")}
        if not denied:
            return set()
        out: set[str] = set()
        supported = {ref for ref, words in self._words.get(lang, {}).items() if said & words}
        for ref, names in self._names.get(lang, {}).items():
            if denied & names and ref not in supported:
                out.add(ref)
        return out


class BlendRanker:
    """Two rankers' scores averaged per target: an embedding model hears meaning the
    menu's words never spell out, the stems hear the exact words (and negation) it
    blurs; neither alone was as good on the dev split (README)."""

    def __init__(self, first: Ranker, second: Ranker, weight: float, limits: Thresholds) -> None:
        self._first = first
        self._second = second
        self._weight = weight
        self._limits = limits

    @property
    def name(self) -> str:
        return f"{self._first.name} + {self._second.name}"

    @property
    def thresholds(self) -> Thresholds:
        return self._limits

    def languages(self) -> frozenset[str]:
        return self._first.languages() & self._second.languages()

    def rank(self, text: str, lang: str) -> list[Scored]:
        first = {s.ref: s for s in self._first.rank(text, lang)}
        second = {s.ref: s for s in self._second.rank(text, lang)}
        out: list[Scored] = []
        # in a fixed order, so that equal scores rank the same way in every process (a
        # set's order changes with the string hash seed)
        for ref in [*first, *(r for r in second if r not in first)]:
            a, b = first.get(ref), second.get(ref)
            score = self._weight * (a.score if a else 0.0) + (1 - self._weight) * (
                b.score if b else 0.0
            )
            either = a or b
            evidence = either.evidence if either is not None else ""
            out.append(Scored(ref, score, evidence, b.overlap if b else 0))
        return sorted(out, key=lambda s: -s.score)
