"""Questions before acting: "Did you say X?" and "Did you mean A or B?".

Every choice passes through here: a choice the caller surely meant is taken at
once, one they may not have meant (a low recogniser confidence, an option marked
``confirm``, an unsure understanding) is confirmed first, and several equally
good ones are offered to choose from. The answers are a closed set, by key
(1/2, or the choice's number) or by voice (yes/no, or the choice's label).
"""

from __future__ import annotations

from ivr.call.context import Call
from ivr.call.record import VisitKind
from ivr.call.state import Choice, Mode
from ivr.defaults import KEY_HINT, NO_WORDS, OR_WORD, YES_WORDS
from ivr.matcher import PhraseIndex, top_ties
from ivr.model import Option
from ivr.refs import RefKind
from ivr.textnorm import Token

MAX_CHOICES = 3  # more than three read out is more than a caller keeps in mind


class Questions:
    """Asks the pending question (``state.choices``) and takes its answer."""

    def __init__(self, call: Call) -> None:
        self.call = call

    def offer(self, choice: Choice, confirm: bool) -> None:
        """Act on a choice, or ask first when the caller may not have meant it."""
        call = self.call
        if confirm:
            call.record.visit(VisitKind.CONFIRM, call.state.node)
            call.state.mode = Mode.CONFIRM
            call.state.choices = [choice]
            self.ask()
        else:
            self.accept(choice)

    def choose_among(self, choices: list[Choice]) -> None:
        call = self.call
        call.record.visit(VisitKind.AMBIGUOUS, call.node.id)
        call.state.mode = Mode.CHOOSE
        call.state.choices = choices[:MAX_CHOICES]
        self.ask()

    def ask(self) -> None:
        """Put the pending question (again, after a failed answer)."""
        call = self.call
        state = call.state
        messages = call.menu.messages
        lang = call.lang
        if state.mode is Mode.CONFIRM:
            call.say(messages.confirm.get(lang).format(label=state.choices[0].label), "system")
        else:
            labels = [c.label for c in state.choices]
            joined = ", ".join(labels[:-1]) + f" {OR_WORD.get(lang, 'or')} {labels[-1]}"
            hint = KEY_HINT.get(lang, KEY_HINT["en"])
            keys = " ".join(
                hint.format(label=c.label, key=i + 1) for i, c in enumerate(state.choices)
            )
            call.say(messages.choose.get(lang).format(choices=joined, keys=keys), "system")
        call.ready()

    def answers(self) -> list[str]:
        """What a recogniser should listen for as an answer: yes, no, and each choice's
        label and phrases."""
        lang = self.call.lang
        choices = self.call.state.choices
        phrases = [*YES_WORDS.get(lang, ()), *NO_WORDS.get(lang, ())]
        phrases += [c.label for c in choices]
        for choice in choices:
            option = self._option(choice)
            if option is not None:
                phrases += option.phrases.get(lang)
        return phrases

    # -- answers -------------------------------------------------------------------
    def key(self, key: str) -> None:
        """An answer by key: 1 yes and 2 no to a confirmation, the choice's number else."""
        choices = self.call.state.choices
        if self.call.state.mode is Mode.CONFIRM:
            if key == "1":
                self.accept(choices[0])
            elif key == "2":
                self.decline()
            else:
                self.call.no_match(VisitKind.INVALID_KEY)
        elif key.isdigit() and 1 <= int(key) <= len(choices):
            self.accept(choices[int(key) - 1])
        else:
            self.call.no_match(VisitKind.INVALID_KEY)

    def confirmed(self, toks: list[Token], digits: str | None) -> bool:
        """Take a spoken answer to "Did you say X?"; false when it is no answer at all
        (the caller asked for something else), which the caller leaves to the node."""
        top = top_ties(self.call.index.yes_no(self.call.lang).match(toks))
        if digits in ("1", "2"):
            self.key(digits)
        elif len(top) == 1 and top[0].ref == "yes":
            self.accept(self.call.state.choices[0])
        elif len(top) == 1 and top[0].ref == "no":
            self.decline()
        else:
            return False
        return True

    def chosen(self, toks: list[Token], digits: str | None) -> None:
        """Take a spoken answer to "Did you mean A or B?": a number, a label, or no."""
        call = self.call
        choices = call.state.choices
        if digits is not None and len(digits) == 1:
            self.key(digits)
            return
        entries = [(str(i), c.label) for i, c in enumerate(choices)]
        for i, choice in enumerate(choices):
            option = self._option(choice)
            if option is not None:
                entries += [(str(i), p) for p in option.phrases.get(call.lang)]
        entries += [("no", w) for w in NO_WORDS.get(call.lang, ())]
        top = top_ties(PhraseIndex(entries, call.lang).match(toks))
        refs = {c.ref for c in top}
        if refs == {"no"}:
            self.decline()
        elif len(refs) == 1 and "no" not in refs:
            self.accept(choices[int(top[0].ref)])
        else:
            call.no_match()

    # -- outcomes --------------------------------------------------------------------
    def accept(self, choice: Choice) -> None:
        self.withdraw()
        self.call.record.took(choice.ref)
        self.call.perform(choice.action)

    def decline(self) -> None:
        call = self.call
        call.record.visit(VisitKind.DECLINED, call.state.node)
        self.withdraw()
        node = call.node
        call.say((node.short_prompt or node.prompt).get(call.lang), "prompt")
        call.ready()

    def withdraw(self) -> None:
        """No question pending: back to what the node listens for."""
        self.call.state.mode = Mode.at(self.call.node)
        self.call.state.choices = []

    def _option(self, choice: Choice) -> Option | None:
        if choice.ref.kind is not RefKind.OPTION:
            return None
        return self.call.index.options.get(choice.ref.id)
