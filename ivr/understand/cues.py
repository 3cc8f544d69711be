"""Words that change the answer whatever the need: "it's not urgent", "it can wait".

A caller who says the need can wait must not be sent to an emergency line
without being asked, even when the rest of the sentence sounds like one
("not urgent, but my dad had chest pain last week"). Matched on stems, as
whole phrases of plain words (not stems: "can wait" must not meet "waited"),
in the caller's language.
"""

from __future__ import annotations

from functools import lru_cache

from ivr.textnorm import words_of

#: Phrases saying the need is not urgent (matched as runs of content stems).
NOT_URGENT: dict[str, tuple[str, ...]] = {
    "en": (
        "not urgent", "isn't urgent", "nothing urgent", "not an emergency",
        "not really an emergency", "no emergency", "isn't an emergency",
        "it can wait", "can wait", "could wait", "no rush", "no hurry", "in no hurry",
        "not in a hurry", "tomorrow", "next week", "next month", "non emergency",
        "non urgent", "not life threatening", "nobody is in danger", "nobodys in danger",
        "nobody in danger", "no one in danger", "no one is in danger", "nobody is hurt",
        "nobodys hurt", "no one is hurt", "nobody was hurt", "no one was hurt",
    ),
    "nb": (
        "haster ikke", "ikke akutt", "ikke en nødsituasjon", "ingen nødsituasjon",
        "kan vente", "ingen hast", "i morgen", "neste uke", "neste måned", "ikke livstruende",
        "ikke farlig", "ingen er i fare", "ingen er skadet", "ingen ble skadet",
    ),
}  # fmt: skip


@lru_cache(maxsize=8)
def _patterns(lang: str) -> tuple[tuple[str, ...], ...]:
    return tuple(_words(text, lang) for text in NOT_URGENT.get(lang, ()))


def _words(text: str, lang: str) -> tuple[str, ...]:
    return tuple(t.text for t in words_of(text, lang))


def not_urgent(text: str, lang: str) -> bool:
    """True when the caller says the need can wait."""
    said = _words(text, lang)
    for pattern in _patterns(lang):
        n = len(pattern)
        if any(said[i : i + n] == pattern for i in range(len(said) - n + 1)):
            return True
    return False
