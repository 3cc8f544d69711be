"""The parts of a caller's sentence that can be weighed on their own.

Why: one sentence can hold two needs ("when should the baby have her jabs, and
also my bike was stolen last week") or bury its one need behind an apology
("sorry to ring so late, it's probably nothing, but I can't lift my right arm").
Ranked whole, the first comes out as the stronger need alone, acted on; the second
as nothing much. Ranked part by part, each need stands out. Only plain markers
split a sentence: sentence punctuation, "and also" and its kin, and "but"; a bare
"and" joins the parts of one need far more often than two needs ("chest pain and
sweating"), so it never splits. Transcripts carry no commas, so the words do it.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Words that start another need in the same breath.
ALSO: dict[str, tuple[str, ...]] = {
    "en": (
        "and also", "and i also", "and another thing", "another thing", "as well as that",
        "on top of that", "and then also", "plus i", "also i", "i also",
    ),
    "nb": (
        "og så", "og i tillegg", "i tillegg", "dessuten", "og også", "og en annen ting",
        "en annen ting", "jeg lurer også", "jeg må også", "jeg vil også",
    ),
}  # fmt: skip

#: Words after which comes what the caller is really ringing about.
BUT: dict[str, tuple[str, ...]] = {
    "en": ("but", "though", "anyway"),
    "nb": ("men", "uansett"),
}

_SENTENCE_END = re.compile(r"[.;!?]+\s+|\s+[-–]\s+")
MIN_WORDS = 3  # a part shorter than this says too little to be weighed alone


@lru_cache(maxsize=8)
def _splitter(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(
        r",?\s*\b(?:" + "|".join(re.escape(w) for w in alternatives) + r")\b\s*",
        re.IGNORECASE,
    )


def _long_enough(part: str) -> bool:
    return len(part.split()) >= MIN_WORDS


def parts(text: str, lang: str) -> list[str]:
    """The sentence cut at its ends and at words that start another need; ``[text]``
    when nothing cuts it (parts too short to say anything are dropped)."""
    pieces = _SENTENCE_END.split(text)
    also = ALSO.get(lang)
    if also:
        pieces = [p for piece in pieces for p in _splitter(also).split(piece)]
    kept = [p.strip(" ,") for p in pieces if _long_enough(p.strip(" ,"))]
    return kept if len(kept) > 1 else [text]


def after_but(text: str, lang: str) -> str | None:
    """What follows the sentence's last "but" (or its kin), when it says enough to be
    weighed alone; else ``None``."""
    words = BUT.get(lang)
    if not words:
        return None
    pieces = _splitter(words).split(text)
    if len(pieces) < 2:
        return None
    tail = pieces[-1].strip(" ,.")
    return tail if _long_enough(tail) else None
