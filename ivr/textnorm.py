"""Turning what a caller said into comparable tokens.

Recognisers and typists write the same thing many ways ("One one three",
"113", "a hundred and thirteen", "one-one-three."), so both the caller's
words and the menu's phrases go through the same normaliser: lower case, no
punctuation, number words as digits, crude stemming so "stolen"/"stole" or
"smells"/"smell" still meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_UNITS = {
    "en": {
        "zero": 0, "oh": 0, "o": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4,
        "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    },
    "nb": {
        "null": 0, "en": 1, "ett": 1, "én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5,
        "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9,
    },
}  # fmt: skip
_TEENS = {
    "en": {
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    },
    "nb": {
        "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
        "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19,
    },
}  # fmt: skip
_TENS = {
    "en": {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90},
    "nb": {"tjue": 20, "tretti": 30, "førti": 40, "femti": 50, "seksti": 60, "sytti": 70,
           "åtti": 80, "nitti": 90},
}  # fmt: skip
#: Spoken digits a recogniser grammar should allow (keys can always be said).
NUMBER_WORDS = {
    "en": ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "nb": ("null", "en", "to", "tre", "fire", "fem", "seks", "sju", "syv", "åtte", "ni"),
}
_HUNDRED = {"en": {"hundred"}, "nb": {"hundre"}}
_AND = {"en": {"and"}, "nb": {"og"}}
_DOUBLE = {"en": {"double": 2, "triple": 3}, "nb": {"dobbel": 2}}

#: Words that carry no choice ("press one", "I want option two please").
FILLERS = {
    "en": {
        "press", "pressing", "push", "key", "dial", "call", "option", "number", "choice",
        "please", "i", "want", "would", "like", "to", "the", "a", "an", "select", "choose",
        "pick", "give", "me", "um", "uh", "er", "ehm", "okay", "ok", "go", "for", "it", "is",
        "that", "need", "let", "s", "lets", "try", "hmm", "now",
    },
    "nb": {
        "trykk", "trykker", "tast", "taster", "ring", "ringe", "valg", "nummer", "alternativ",
        "jeg", "vil", "ha", "til", "gjerne", "takk", "meg", "velg", "velger", "eh", "øh", "hm",
        "ok", "okei", "det", "er", "nå", "må",
    },
}  # fmt: skip

#: Words that cancel what follows them ("it's not a fire").
NEGATIONS = {
    "en": {"not", "no", "never", "nothing", "isnt", "arent", "wasnt", "dont", "doesnt", "didnt",
           "without", "neither", "nor", "cant", "cannot", "wont", "couldnt", "havent", "hasnt"},
    "nb": {"ikke", "ingen", "ingenting", "aldri", "uten", "verken"},
}  # fmt: skip

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """A normalised word; ``digits`` is set when the word was a number."""

    text: str
    digits: str | None = None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return text.replace("’", "'").replace("-", " ")


def stem(word: str, lang: str) -> str:
    """Light suffix stripping; good enough to meet "stolen"/"stole", "smells"/"smell"."""
    if lang == "nb":
        for suffix in ("ene", "en", "et", "er", "a"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                return word[: -len(suffix)]
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("ing", "en", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _number_words(words: list[str], lang: str) -> list[Token]:
    """Replace runs of number words by digit tokens ("a hundred and twelve" -> "112")."""
    units = _UNITS.get(lang, _UNITS["en"])
    teens = _TEENS.get(lang, _TEENS["en"])
    tens = _TENS.get(lang, _TENS["en"])
    hundred = _HUNDRED.get(lang, set())
    ands = _AND.get(lang, set())
    doubles = _DOUBLE.get(lang, {})
    out: list[Token] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            out.append(Token(word, word))
            i += 1
            continue
        if word in doubles and i + 1 < len(words) and words[i + 1] in units:
            digit = str(units[words[i + 1]])
            out.append(Token(digit * doubles[word], digit * doubles[word]))
            i += 2
            continue
        value: int | None = None
        used = 0
        if word in units:
            value, used = units[word], 1
        elif word in teens:
            value, used = teens[word], 1
        elif word in tens:
            value, used = tens[word], 1
            if i + 1 < len(words) and words[i + 1] in units and units[words[i + 1]] > 0:
                value += units[words[i + 1]]
                used = 2
        elif word in hundred or (
            word in {"a", "et"} and i + 1 < len(words) and (words[i + 1] in hundred)
        ):
            value, used = 1, 0  # "hundred" alone / "a hundred" means one hundred
            if word not in hundred:
                used = 1
        if value is None:
            out.append(Token(word))
            i += 1
            continue
        j = i + used
        if j < len(words) and words[j] in hundred and value < 10:
            value *= 100
            j += 1
            if j < len(words) and words[j] in ands:
                j += 1
            rest = _number_words(words[j : j + 2], lang)
            if rest and rest[0].digits is not None and len(rest[0].digits) <= 2:
                value += int(rest[0].digits)
                j += _consumed(words[j : j + 2], rest[0], lang)
        # "o"/"oh" are only zero next to other digits ("oh two eight hundred")
        if word in {"o", "oh"} and not _digit_neighbour(words, i, lang):
            out.append(Token(word))
            i += 1
            continue
        out.append(Token(str(value), str(value)))
        i = max(j, i + 1)
    return out


def _consumed(words: list[str], token: Token, lang: str) -> int:
    tens = _TENS.get(lang, _TENS["en"])
    if words and words[0] in tens and token.digits and int(token.digits) % 10:
        return 2
    return 1


def _digit_neighbour(words: list[str], i: int, lang: str) -> bool:
    """True when the run of number-like words around ``i`` holds a real number word."""
    units = _UNITS.get(lang, _UNITS["en"])

    def numeric(word: str) -> bool:
        return word.isdigit() or word in units

    lo = i
    while lo > 0 and numeric(words[lo - 1]):
        lo -= 1
    hi = i
    while hi + 1 < len(words) and numeric(words[hi + 1]):
        hi += 1
    return any(words[j] not in {"o", "oh"} for j in range(lo, hi + 1))


def plain_words(text: str) -> list[str]:
    """Lower-case words of ``text``, apostrophes dropped, numbers left as written."""
    return [w.replace("'", "") for w in _WORD.findall(_fold(text))]


def words_of(text: str, lang: str = "en") -> list[Token]:
    """Normalise ``text`` into tokens with numbers as digit strings, words left whole
    (for callers that stem words their own way, like ``ivr.understand``)."""
    words = [w.replace("'", "") for w in _WORD.findall(_fold(text))]
    return _number_words(words, lang)


def tokens(text: str, lang: str = "en") -> list[Token]:
    """Normalise ``text`` into tokens: words stemmed, numbers as digit strings."""
    result: list[Token] = []
    for token in words_of(text, lang):
        if token.digits is not None:
            result.append(token)
        else:
            result.append(Token(stem(token.text, lang)))
    return result


def digit_runs(toks: list[Token]) -> list[str]:
    """Adjacent number tokens joined: "one one three" -> ["113"]."""
    runs: list[str] = []
    current = ""
    for token in toks:
        if token.digits is not None:
            current += token.digits
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def only_digits(toks: list[Token], lang: str) -> str | None:
    """The digits the caller said when the utterance is nothing but digits and fillers."""
    fillers = {stem(w, lang) for w in FILLERS.get(lang, set())}
    digits = ""
    for token in toks:
        if token.digits is not None:
            digits += token.digits
        elif token.text not in fillers:
            return None
    return digits or None
