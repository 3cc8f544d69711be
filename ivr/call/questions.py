"""Questions before acting: "Did you say X?" and "Did you mean A or B?".

Every choice passes through here: a choice the caller surely meant is taken at
once, one they may not have meant (a low recogniser confidence, an option marked
``confirm``, an unsure understanding) is confirmed first, and several equally
good ones are offered to choose from. The answers are a closed set, by key
(1/2, or the choice's number) or by voice (yes/no, or the choice's label). The
pending question is ``state.mode`` (``CONFIRM``/``CHOOSE``) and ``state.choices``.
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


def offer(call: Call, choice: Choice, confirm: bool) -> None:
    """Act on a choice, or ask first when the caller may not have meant it."""
    if confirm:
        call.record.visit(VisitKind.CONFIRM, call.state.node)
        call.state.mode = Mode.CONFIRM
        call.state.choices = [choice]
        ask(call)
    else:
        accept(call, choice)


def choose_among(call: Call, choices: list[Choice]) -> None:
    call.record.visit(VisitKind.AMBIGUOUS, call.node.id)
    call.state.mode = Mode.CHOOSE
    call.state.choices = choices[:MAX_CHOICES]
    ask(call)


def ask(call: Call) -> None:
    """Put the pending question (again, after a failed answer)."""
    state = call.state
    messages = call.menu.messages
    lang = call.lang
    if state.mode is Mode.CONFIRM:
        call.say(messages.confirm.get(lang).format(label=state.choices[0].label), "system")
    else:
        labels = [c.label for c in state.choices]
        joined = ", ".join(labels[:-1]) + f" {OR_WORD.get(lang, 'or')} {labels[-1]}"
        hint = KEY_HINT.get(lang, KEY_HINT["en"])
        keys = " ".join(hint.format(label=c.label, key=i + 1) for i, c in enumerate(state.choices))
        call.say(messages.choose.get(lang).format(choices=joined, keys=keys), "system")
    call.ready()


def answers(call: Call) -> list[str]:
    """What a recogniser should listen for as an answer: yes, no, and each choice's
    label and phrases."""
    lang = call.lang
    phrases = [*YES_WORDS.get(lang, ()), *NO_WORDS.get(lang, ())]
    phrases += [c.label for c in call.state.choices]
    for choice in call.state.choices:
        option = _option(call, choice)
        if option is not None:
            phrases += option.phrases.get(lang)
    return phrases


# -- answers -------------------------------------------------------------------
def by_key(call: Call, key: str) -> None:
    """An answer by key: 1 yes and 2 no to a confirmation, the choice's number else."""
    choices = call.state.choices
    if call.state.mode is Mode.CONFIRM:
        if key == "1":
            accept(call, choices[0])
        elif key == "2":
            decline(call)
        else:
            call.no_match(VisitKind.INVALID_KEY)
    elif key.isdigit() and 1 <= int(key) <= len(choices):
        accept(call, choices[int(key) - 1])
    else:
        call.no_match(VisitKind.INVALID_KEY)


def confirmed(call: Call, toks: list[Token], digits: str | None) -> bool:
    """Take a spoken answer to "Did you say X?"; false when it is no answer at all
    (the caller asked for something else), which the caller leaves to the node."""
    top = top_ties(call.index.yes_no(call.lang).match(toks))
    if digits in ("1", "2"):
        by_key(call, digits)
    elif len(top) == 1 and top[0].ref == "yes":
        accept(call, call.state.choices[0])
    elif len(top) == 1 and top[0].ref == "no":
        decline(call)
    else:
        return False
    return True


def chosen(call: Call, toks: list[Token], digits: str | None) -> None:
    """Take a spoken answer to "Did you mean A or B?": a number, a label, or no."""
    choices = call.state.choices
    if digits is not None and len(digits) == 1:
        by_key(call, digits)
        return
    entries = [(str(i), c.label) for i, c in enumerate(choices)]
    for i, choice in enumerate(choices):
        option = _option(call, choice)
        if option is not None:
            entries += [(str(i), p) for p in option.phrases.get(call.lang)]
    entries += [("no", w) for w in NO_WORDS.get(call.lang, ())]
    top = top_ties(PhraseIndex(entries, call.lang).match(toks))
    refs = {c.ref for c in top}
    if refs == {"no"}:
        decline(call)
    elif len(refs) == 1 and "no" not in refs:
        accept(call, choices[int(top[0].ref)])
    else:
        call.no_match()


# -- outcomes --------------------------------------------------------------------
def accept(call: Call, choice: Choice) -> None:
    withdraw(call)
    call.record.took(choice.ref)
    call.perform(choice.action)


def decline(call: Call) -> None:
    call.record.visit(VisitKind.DECLINED, call.state.node)
    withdraw(call)
    node = call.node
    call.say((node.short_prompt or node.prompt).get(call.lang), "prompt")
    call.ready()


def withdraw(call: Call) -> None:
    """No question pending: back to what the node listens for."""
    call.state.mode = Mode.at(call.node)
    call.state.choices = []


def _option(call: Call, choice: Choice) -> Option | None:
    if choice.ref.kind is not RefKind.OPTION:
        return None
    return call.index.options.get(choice.ref.id)
