"""Built-in system prompts, so a menu only has to write what is its own.

A menu's ``messages:`` section overrides any of these per language.
Placeholders: {label}, {choices}, {service}, {number}.
"""

from __future__ import annotations

DEFAULT_MESSAGES: dict[str, dict[str, str]] = {
    "no_input": {
        "en": "Sorry, I didn't hear anything.",
        "nb": "Beklager, jeg hørte ingenting.",
    },
    "no_match": {
        "en": "Sorry, I didn't get that.",
        "nb": "Beklager, det forsto jeg ikke.",
    },
    "invalid_key": {
        "en": "Sorry, that key is not an option here.",
        "nb": "Beklager, den tasten er ikke et valg her.",
    },
    "goodbye": {
        "en": "Thank you for calling. Goodbye.",
        "nb": "Takk for at du ringte. Ha det.",
    },
    "connecting": {
        "en": "Connecting you to {service} on {number}.",
        "nb": "Du blir satt over til {service} på {number}.",
    },
    "confirm": {
        "en": "Did you say {label}? Say yes or press 1. Say no or press 2.",
        "nb": "Sa du {label}? Si ja eller trykk 1. Si nei eller trykk 2.",
    },
    "choose": {
        "en": "Did you mean {choices}? {keys}",
        "nb": "Mente du {choices}? {keys}",
    },
    "help": {
        "en": "You can press a key or say what you need. Say repeat to hear the options "
        "again, back to go back, or main menu to start again.",
        "nb": "Du kan trykke en tast eller si hva du trenger. Si gjenta for å høre valgene "
        "igjen, tilbake for å gå tilbake, eller hovedmeny for å begynne på nytt.",
    },
    "at_top": {
        "en": "You are already at the main menu.",
        "nb": "Du er allerede i hovedmenyen.",
    },
    "call_limit": {
        "en": "This call has gone on too long and will now end.",
        "nb": "Samtalen har vart for lenge og avsluttes nå.",
    },
}

#: Joining words for "A, B or C" and the key hints in a choice question, per language.
OR_WORD = {"en": "or", "nb": "eller"}
KEY_HINT = {"en": "For {label}, press {key}.", "nb": "For {label}, trykk {key}."}

#: Words that answer a yes/no confirmation.
YES_WORDS = {
    "en": ("yes", "yeah", "yep", "correct", "right", "that's right", "sure", "yes please"),
    "nb": ("ja", "japp", "riktig", "stemmer", "det stemmer", "ja takk"),
}
NO_WORDS = {
    "en": ("no", "nope", "wrong", "not that", "neither", "none", "no thanks"),
    "nb": ("nei", "feil", "ingen av dem", "nei takk"),
}
