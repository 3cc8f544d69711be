"""Words that change the answer whatever the need: "it's not urgent", "it can wait",
and a plea for help that does not say what happened.

A caller who says the need can wait must not be sent to an emergency line
without being asked, even when the rest of the sentence sounds like one
("not urgent, but my dad had chest pain last week"). Matched on stems, as
whole phrases of plain words (not stems: "can wait" must not meet "waited"),
in the caller's language.

Something over and done ("we were burgled last month") is no emergency either,
unless the caller says it is going on now.

A plea ("I need help", "something has happened", "I don't know who to call")
names no service, yet an emergency menu must not answer it with "Sorry, I did
not understand": an operator would ask which emergency it is.
"""

from __future__ import annotations

import enum
from functools import lru_cache

from ivr.textnorm import words_of

#: Phrases saying the need is not urgent (matched as runs of content stems).
NOT_URGENT: dict[str, tuple[str, ...]] = {
    "en": (
        "not urgent", "isn't urgent", "nothing urgent", "not an emergency",
        "not really an emergency", "no emergency", "isn't an emergency",
        "it can wait", "can wait", "could wait", "no rush", "no hurry", "in no hurry",
        "not in a hurry", "tomorrow", "next week", "next month", "non emergency",
        "non urgent", "not life threatening", "not serious", "isn't serious", "nothing serious",
        "not that serious", "nobody is in danger", "nobodys in danger",
        "nobody in danger", "no one in danger", "no one is in danger", "nobody is hurt",
        "nobodys hurt", "no one is hurt", "nobody was hurt", "no one was hurt",
        "false alarm", "went off by mistake",
    ),
    "nb": (
        "haster ikke", "ikke akutt", "ikke en nødsituasjon", "ingen nødsituasjon",
        "kan vente", "ingen hast", "i morgen", "neste uke", "neste måned", "ikke livstruende",
        "ikke alvorlig", "ikke er alvorlig", "ikke så alvorlig",
        "ikke noe alvorlig",
        "ikke farlig", "ingen er i fare", "ingen er skadet", "ingen ble skadet",
        "falsk alarm", "gikk av ved en feil",
    ),
}  # fmt: skip


#: A detector telling of its own battery, not of a fire ("my fire alarm keeps beeping,
#: I think it's a battery"): a battery word and an alarm word, and no word of flames. A
#: battery that is itself on fire ("the e-bike battery caught fire") is a fire.
DETECTOR_BATTERY: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "en": (
        frozenset({"battery", "batteries"}),
        frozenset({"alarm", "alarms", "detector", "detectors", "beeping", "beeps", "chirping"}),
        frozenset({"fire", "flames", "burning", "smoke", "smoking", "caught", "exploded"}),
    ),
    "nb": (
        frozenset({"batteri", "batteriet", "batterier", "batteriene"}),
        frozenset({"alarm", "alarmen", "røykvarsler", "røykvarsleren", "brannalarm",
                   "brannalarmen", "varsler", "varsleren", "piper", "pipet"}),
        frozenset({"brann", "brenner", "brant", "flammer", "røyk", "ryker", "eksploderte",
                   "fyr"}),
    ),
}  # fmt: skip


#: Phrases asking for help without saying what happened.
PLEA: dict[str, tuple[str, ...]] = {
    "en": (
        "help", "emergency", "something happened", "somethings happened",
        "something has happened", "something bad", "something is wrong", "somethings wrong",
        "something terrible", "who should i call", "who should i be calling", "who to call",
        "who do i call", "who to ring", "who should i ring", "who do i ring",
        "what number", "which number", "not sure who", "dont know who",
        "dont know what to do", "help me", "can you help",
        # unsure of the line itself: "not sure this is the right place"
        "should be calling", "not sure i should", "the right number", "the right place",
    ),
    "nb": (
        "hjelp", "nødsituasjon", "nødstilfelle", "noe har skjedd", "noe er galt",
        "noe forferdelig", "hvem skal jeg ringe", "hvem bør jeg ringe", "hvem ringer jeg",
        "hvilket nummer", "vet ikke hvem", "hjelp meg", "hjelpe meg", "vet ikke hva jeg skal gjøre",
        "riktig nummer", "riktig sted",
    ),
}  # fmt: skip


#: Phrases saying it is happening as the caller speaks: a theft "right now" is no
#: matter for the information line alone.
HAPPENING_NOW: dict[str, tuple[str, ...]] = {
    "en": (
        "right now", "as we speak", "at this moment", "at the moment", "happening now",
        "still there", "still here", "still inside", "still in the house", "going on now",
        "just now", "just happened", "someone just", "somebody just", "they just",
    ),
    "nb": (
        "akkurat nå", "i dette øyeblikk", "skjer nå", "pågår", "nettopp skjedd", "noen har nettopp",
        "er der fortsatt", "er her fortsatt", "fortsatt inne", "står der fortsatt",
    ),
}  # fmt: skip


#: Phrases placing what happened well in the past: a burglary discovered "last month"
#: is a report for the police's information line, not a crime in progress.
OVER_AND_DONE: dict[str, tuple[str, ...]] = {
    "en": (
        "last week", "last month", "last year", "last summer", "last autumn", "last winter",
        "last spring", "in the autumn", "in the summer", "weeks ago", "months ago", "years ago",
        "a week ago", "a month ago", "a year ago", "few days ago", "couple of days ago",
        "while we were away", "while we were on holiday", "when we were away",
        "yesterday", "last night", "the other day", "at the weekend", "over the weekend",
        "last weekend", "days ago", "earlier this week", "back in",
        "in january", "in february", "in march", "in april", "in may", "in june", "in july",
        "in august", "in september", "in october", "in november", "in december",
        # a fire already put out is over, whatever it left behind ("...but my hand is burnt")
        "fire brigade already", "fire brigade has been", "already put the fire out",
        "already put out the fire", "the fire is out", "the fire was put out",
    ),
    "nb": (
        "forrige uke", "forrige måned", "i fjor", "i høst", "i sommer", "i vinter", "i vår",
        "uker siden", "måneder siden", "år siden", "en uke siden", "en måned siden",
        "noen dager siden", "mens vi var borte", "mens vi var på ferie", "mens vi var bortreist",
        "i går", "i forgårs", "i helgen", "i helga", "forrige helg", "her om dagen", "dager siden",
        "tidligere denne uken", "tilbake i", "i januar", "i februar", "i mars", "i april",
        "i mai", "i juni", "i juli", "i august", "i september", "i oktober", "i november",
        "i desember",
        "brannvesenet har slukket", "brannen er slukket", "allerede slukket",
    ),
}  # fmt: skip


#: Words of danger said as a figure of speech ("I'm dying to switch doctors", "my back
#: is killing me"): taken out before the meaning is weighed, so that they neither send
#: a caller to an emergency line nor hold a plain need behind a question.
FIGURATIVE: dict[str, tuple[str, ...]] = {
    "en": (
        "dying to", "dying for", "is killing me", "are killing me", "killing me",
        "bored to death", "scared to death", "sick to death of", "sick and tired of",
        "could kill for", "to die for",
    ),
    "nb": (
        "kjeder meg i hjel", "lei meg i hjel", "til døde", "dødslei", "drepende kjedelig",
    ),
}  # fmt: skip


#: A caller asking whether a number is the one to ring, not asking for it ("should I
#: ring 113 for this, or is there something else?"): the sentence decides.
WHETHER_TO_CALL: dict[str, tuple[str, ...]] = {
    "en": (
        "should i call", "should i ring", "do i call", "do i ring", "do i need to call",
        "do i need to ring", "must i call", "must i ring", "do i have to call",
        "do i have to ring", "is it ok to call", "can i call", "can i ring", "is this for",
    ),
    "nb": (
        "må jeg ringe", "skal jeg ringe", "bør jeg ringe", "burde jeg ringe",
        "trenger jeg å ringe", "kan jeg ringe", "gjelder det",
    ),
}  # fmt: skip


class Cue(enum.Enum):
    """Which table of phrases a cue is read from."""

    NOT_URGENT = "not urgent"
    PLEA = "plea"
    NOW = "happening now"
    PAST = "over and done"
    WHETHER = "whether to call"


_TABLES = {
    Cue.NOT_URGENT: NOT_URGENT,
    Cue.PLEA: PLEA,
    Cue.NOW: HAPPENING_NOW,
    Cue.PAST: OVER_AND_DONE,
    Cue.WHETHER: WHETHER_TO_CALL,
}


@lru_cache(maxsize=16)
def _patterns(lang: str, cue: Cue) -> tuple[tuple[str, ...], ...]:
    return tuple(_words(text, lang) for text in _TABLES[cue].get(lang, ()))


def _words(text: str, lang: str) -> tuple[str, ...]:
    return tuple(t.text for t in words_of(text, lang))


def _says(text: str, lang: str, cue: Cue) -> bool:
    said = _words(text, lang)
    for pattern in _patterns(lang, cue):
        n = len(pattern)
        if any(said[i : i + n] == pattern for i in range(len(said) - n + 1)):
            return True
    return False


def not_urgent(text: str, lang: str) -> bool:
    """True when the caller says the need can wait, or tells of a detector beeping for
    its battery."""
    return _says(text, lang, Cue.NOT_URGENT) or _detector_battery(text, lang)


def _detector_battery(text: str, lang: str) -> bool:
    table = DETECTOR_BATTERY.get(lang)
    if table is None:
        return False
    battery, alarm, flames = table
    words = _words(text, lang)
    # "fire" and "smoke" naming the alarm ("smoke alarm") are not flames
    said = {w for i, w in enumerate(words) if not (words[i + 1 : i + 2] and words[i + 1] in alarm)}
    return bool(said & battery) and bool(said & alarm) and not said & flames


def pleads(text: str, lang: str) -> bool:
    """True when the caller asks for help or for the right number."""
    return _says(text, lang, Cue.PLEA)


def asks_whether_to_call(text: str, lang: str) -> bool:
    """True when the caller asks whether a number is the one to ring."""
    return _says(text, lang, Cue.WHETHER)


def happening_now(text: str, lang: str) -> bool:
    """True when the caller says it is happening as they speak."""
    return _says(text, lang, Cue.NOW)


def over_and_done(text: str, lang: str) -> bool:
    """True when the caller tells of something well in the past and nothing of it
    going on now ("we were burgled last month"; not "... and they are back right now")."""
    return _says(text, lang, Cue.PAST) and not happening_now(text, lang)


def literal(text: str, lang: str) -> str:
    """``text`` without its figures of speech of danger (``FIGURATIVE``), as plain words;
    ``text`` itself when it has none."""
    said = list(_words(text, lang))
    whole = len(said)
    for figure in _figures(lang):
        n = len(figure)
        i = 0
        while i <= len(said) - n:
            if tuple(said[i : i + n]) == figure:
                del said[i : i + n]
            else:
                i += 1
    return " ".join(said) if len(said) < whole else text


@lru_cache(maxsize=4)
def _figures(lang: str) -> tuple[tuple[str, ...], ...]:
    return tuple(_words(text, lang) for text in FIGURATIVE.get(lang, ()))


def cue_words(lang: str) -> set[str]:
    """Every word of every cue table in ``lang`` (a typing slip in one hides the cue)."""
    tables = [*_TABLES.values(), FIGURATIVE]
    return {w for table in tables for text in table.get(lang, ()) for w in _words(text, lang)}
