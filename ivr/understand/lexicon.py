"""Words reduced to what they mean for matching: stems, negation, stop words.

Stems come from snowballstemmer (Porter2 for English, the Snowball
Norwegian stemmer for bokmål), a small pure-Python library kept by the
Snowball project, rather than hand-written suffix rules: "leaking"/"leak",
"breathing"/"breathe", "brystsmerter"/"brystsmerte" meet. A word a negation
reaches ("no fire", "can't breathe") becomes ``not_<stem>``, so "there is no
fire" never supports the fire service and "he is not breathing" meets "she
can't breathe".
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import Any

import snowballstemmer

from ivr.textnorm import NEGATIONS, plain_words

NEGATION_REACH = 3  # words after a negation that it reaches

_STEMMERS = {"en": "english", "nb": "norwegian"}

#: Words that carry no need of their own (pronouns, articles, auxiliaries, fillers).
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a an the and or but if so to of in on at by for with from into onto about as
        i me my mine we us our you your he him his she her it its they them their this that
        these those there here is am are was were be been being have has had do does did
        will would shall should can could may might must just really very quite some any
        please um uh er erm okay ok yeah yes well like think hi hello um now then also too
        what who whom which when where how why im ive id ill youre hes shes thats theres its
        get got getting go going gone want wanted need needs needed call calling ring
        someone somebody something one thing bit lot little""".split()  # noqa: SIM905
    ),
    "nb": frozenset(
        """en et ei den det de dei og eller men om så til av i på ved for med fra inn ut
        jeg meg min mitt mine vi oss vår vårt våre du deg din ditt dine han ham hans hun
        henne hennes den dens dem deres der her er var være vært har hadde ha gjør gjorde
        vil ville skal skulle kan kunne må måtte bare veldig litt noe noen nå da også
        hei hallo ja ok okei eh øh hva hvem hvilken hvilke når hvor hvordan hvorfor
        trenger trengte ringe ringer få får fikk""".split()  # noqa: SIM905
    ),
}


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    name = _STEMMERS.get(lang, "english")
    return str(_stemmer(name).stemWord(word))


@lru_cache(maxsize=4)
def _stemmer(name: str) -> Any:
    return snowballstemmer.stemmer(name)


def terms(text: str, lang: str) -> tuple[str, ...]:
    """The content stems of ``text`` in order, negated ones as ``not_<stem>``.

    Numbers stay as written ("113", "one"); stop words are dropped after negation has
    been worked out, so "is not a fire" still negates "fire". In bokmål the
    negation follows the verb ("han puster ikke"), so there it also reaches
    back to the content word before it.
    """
    words = plain_words(text)
    negations = NEGATIONS.get(lang, set())
    stops = STOP_WORDS.get(lang, frozenset())
    out: list[str] = []
    reach = 0
    back = lang == "nb"
    for word in words:
        if word in negations:
            reach = NEGATION_REACH
            if back and out and not out[-1].startswith("not_"):
                out[-1] = f"not_{out[-1]}"
            continue
        negated = reach > 0
        reach = max(0, reach - 1)
        if not word or word in stops:
            continue
        term = word if word.isdigit() else stem(word, lang)
        out.append(f"not_{term}" if negated else term)
    return tuple(out)


#: Languages that write compounds as one word ("fjelltur", "brystsmerter").
COMPOUNDING = frozenset({"nb"})
MIN_PART = 3  # letters in each part of a compound
LINKS = ("", "s", "e")  # the joints of Norwegian compounds: "sykehus|lege", "hjem|s|tur"


def split_compound(term: str, known: Collection[str], lang: str) -> tuple[str, ...]:
    """``term`` as two known stems when it is a compound of them, else ``(term,)``.

    A caller's compound the menu never wrote ("fjelltur", "tommelfinger") is
    otherwise a word no target holds. Both parts must be known: the head alone
    would make "brødkniv" (a bread knife, in a kitchen accident) a "kniv" for
    the police.
    """
    if lang not in COMPOUNDING or term in known or term.startswith("not_"):
        return (term,)
    for cut in range(len(term) - MIN_PART, MIN_PART - 1, -1):
        left, right = term[:cut], term[cut:]
        head = stem(right, lang)
        if head not in known and right not in known:
            continue
        for link in LINKS:
            if link and not left.endswith(link):
                continue
            modifier = left[: len(left) - len(link)] if link else left
            if len(modifier) < MIN_PART:
                continue
            for part in (modifier, stem(modifier, lang)):
                if part in known:
                    return (part, head if head in known else right)
    return (term,)
