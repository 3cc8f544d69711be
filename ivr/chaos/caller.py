"""The random caller of a chaos run, and the bound its calls must end within.

Everything here draws only from the ``random.Random`` it is given, so a call is
replayed exactly from its seed; the bound is computed from the caller's own
shortest silence, which is why the two live together.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ivr.defaults import NO_WORDS, YES_WORDS
from ivr.events import (
    PHONE_KEYS,
    BargeBy,
    BargeIn,
    Event,
    HangUp,
    KeyPress,
    Listen,
    Output,
    Say,
    Silence,
    Speech,
)
from ivr.model import Menu

MIN_SILENCE = 0.2
MAX_SILENCE = 8.0

_RANDOM_WORDS = (
    "hello", "um", "what", "the", "cat", "is", "not", "no", "yes", "maybe", "fire", "water",
    "please", "help", "one", "two", "three", "oh", "double", "hundred", "and", "twelve",
    "nei", "ja", "hjelp", "brann", "ikke", "tusen", "ambulanse", "!!!", "🙂", "æøå", "",
    "   ", "press", "star", "hash", "0", "113", "9999999999999", "x" * 300,
)  # fmt: skip


@dataclass(frozen=True)
class Bound:
    """How long a call may last, from the menu's own limits."""

    max_steps: int
    max_seconds: float

    @classmethod
    def for_menu(cls, menu: Menu) -> Bound:
        """Caller events are capped by ``max_caller_events`` (the next one ends the call);
        each silence the chaos caller sends is at least ``MIN_SILENCE`` long and the call
        ends at ``max_call_seconds``; a barge-in only ever precedes another event."""
        caller_events = menu.max_caller_events + 1
        silences = math.ceil(menu.max_call_seconds / MIN_SILENCE) + 1
        return cls(2 * (caller_events + silences), menu.max_call_seconds + MAX_SILENCE)


def menu_phrases(menu: Menu) -> list[str]:
    """Every phrase of the menu in every language, sorted so runs are reproducible."""
    return sorted(
        {p for node in menu.nodes.values() for o in node.options for p in o.phrases.all()}
        | {p for c in menu.commands for p in c.phrases.all()}
    )


class ChaosCaller:
    """Chooses the next caller event from what the menu just did."""

    def __init__(
        self, menu: Menu, rng: random.Random, lang: str, phrases: Sequence[str] | None = None
    ) -> None:
        self.menu = menu
        self.rng = rng
        self.lang = lang
        self.queue: list[Event] = []
        self.phrases = list(phrases) if phrases is not None else menu_phrases(menu)
        # numbers a caller could dial: a PBX destination may have none, or one only known
        # once the call has filled in its variables
        self.numbers = [s.number for s in menu.services.values() if s.number and not s.templated]
        self.answers = [*YES_WORDS.get(lang, ()), *NO_WORDS.get(lang, ())]
        # "noise" callers rarely choose anything but keep going back to the main menu,
        # so calls run into the failure, event and time limits instead of routing
        self.profile = rng.choice(("mixed", "mixed", "mixed", "mixed", "noise", "noise", "keys"))

    def next(self, outputs: Sequence[Output]) -> Event:
        if self.queue:
            return self.queue.pop(0)
        rng = self.rng
        roll = rng.random()
        if self.profile == "noise":
            if roll < 0.4:
                return KeyPress(rng.choice("9*#"))
            if roll < 0.7:
                words = [rng.choice(_RANDOM_WORDS) for _ in range(rng.randint(0, 4))]
                return Speech(" ".join(words) or rng.choice(self.answers), self._confidence())
            if roll < 0.72:
                return BargeIn(rng.uniform(0, 3), "key")
            return Silence(rng.uniform(MIN_SILENCE, 3.0))
        if self.profile == "keys" and roll > 0.1:
            return KeyPress(rng.choice(PHONE_KEYS)) if roll > 0.3 else self._silence()
        speaking = [o for o in outputs if isinstance(o, Say) and o.barge_in]
        listen = next((o for o in reversed(outputs) if isinstance(o, Listen)), None)
        if speaking and roll < 0.07:
            played = rng.uniform(0.0, 0.08 * len(speaking[-1].text.split()) + 0.1)
            follow = self._key_or_speech()
            self.queue.append(follow)
            by: BargeBy = "key" if isinstance(follow, KeyPress) else "speech"
            return BargeIn(played, by)
        if roll < 0.10:
            return HangUp() if rng.random() < 0.3 else self._silence()
        if roll < 0.35:
            return self._silence()
        if roll < 0.45 and listen is not None and listen.phrases:
            # what a recogniser unsure in noise gives: the words, and phrases it also
            # found likely, which the menu may ask about
            said = self._mutate(rng.choice(listen.phrases))
            also = tuple(rng.sample(listen.phrases, min(len(listen.phrases), rng.randint(0, 2))))
            return Speech(said, self._confidence(), also)
        return self._key_or_speech()

    def _silence(self) -> Silence:
        rng = self.rng
        if rng.random() < 0.3:
            node = rng.choice(list(self.menu.nodes.values()))
            return Silence(rng.choice((node.settings.no_input_timeout,
                                       node.settings.inter_digit_timeout)))  # fmt: skip
        return Silence(rng.uniform(MIN_SILENCE, MAX_SILENCE))

    def _confidence(self) -> float:
        return 1.0 if self.rng.random() < 0.5 else round(self.rng.random(), 2)

    def _key_or_speech(self) -> Event:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return KeyPress(rng.choice(PHONE_KEYS))
        if roll < 0.6 and self.numbers:
            number = rng.choice(self.numbers)
            keys = [KeyPress(k) for k in number[: rng.randint(1, len(number))]]
            if rng.random() < 0.5:
                keys.append(KeyPress("#"))
            self.queue.extend(keys[1:])
            return keys[0]
        if roll < 0.8 and self.phrases:
            return Speech(self._mutate(rng.choice(self.phrases)), self._confidence())
        if roll < 0.9 and self.answers:
            return Speech(rng.choice(self.answers), self._confidence())
        count = rng.randint(0, 6)
        return Speech(" ".join(rng.choice(_RANDOM_WORDS) for _ in range(count)), self._confidence())

    def _mutate(self, phrase: str) -> str:
        rng = self.rng
        roll = rng.random()
        words = phrase.split()
        if roll < 0.4:
            return phrase
        if roll < 0.55:
            return f"{rng.choice(_RANDOM_WORDS)} {phrase}"
        if roll < 0.65:
            return ("it is not " if self.lang == "en" else "det er ikke ") + phrase
        if roll < 0.75 and len(words) > 1:
            return " ".join(words[: rng.randint(1, len(words) - 1)])
        if roll < 0.85:
            return phrase.upper() + rng.choice(("!", "?", "...", ""))
        other = rng.choice(self.phrases or _RANDOM_WORDS)  # a keypad-only menu has none
        return f"{phrase} {other}"
