"""What the caller said, as a choice: numbers, answers, phrases, needs in their own words.

An utterance is read in a fixed order, because the order is what makes a call
safe and predictable: an emergency number said anywhere wins; then the answer
to a pending question; then digits (an entry, or a key said aloud); then the
phrases of the node's options and the global commands. At a node that
searches the whole menu, a caller describing a need is judged by the
understanding (``ivr.understand``), which decides to act, confirm, offer
choices or reprompt.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ivr.call.context import Call
from ivr.call.digits import DigitEntry
from ivr.call.keys import KeyBuffer
from ivr.call.questions import Questions
from ivr.call.state import Mode
from ivr.matcher import Candidate, top_ties
from ivr.refs import Ref, RefKind
from ivr.textnorm import Token, digit_runs, only_digits, tokens
from ivr.understand.policy import Verdict

log = logging.getLogger(__name__)


class SpeechInterpreter:
    """Turns one utterance (text and recogniser confidence) into what the call does."""

    def __init__(
        self, call: Call, keys: KeyBuffer, digits: DigitEntry, questions: Questions
    ) -> None:
        self.call = call
        self.keys = keys
        self.digits = digits
        self.questions = questions

    def hear(self, text: str, confidence: float) -> None:
        call = self.call
        state = call.state
        if state.buffer:  # keys held back before the caller spoke are acted on first
            self.keys.resolve(final=True)
            if call.ended:
                return
        state.input_deadline = None
        settings = call.node.settings
        toks = tokens(text, call.lang)
        if not toks or confidence < settings.reject_below:
            call.no_match()
            return
        low = confidence < settings.confirm_below
        shortcuts = call.index.shortcut_numbers
        for run in digit_runs(toks):
            if run in shortcuts:
                self.questions.offer(call.choices.service(Ref.shortcut(shortcuts[run])), low)
                return
        digits = only_digits(toks, call.lang)
        if state.mode is Mode.CONFIRM:
            if not self.questions.confirmed(toks, digits):
                self.questions.withdraw()  # not an answer: a fresh request at this node
                self.hear(text, confidence)
            return
        if state.mode is Mode.CHOOSE:
            self.questions.chosen(toks, digits)
            return
        if state.mode is Mode.COLLECT:
            if digits is not None:
                self.digits.spoken(digits)
                return
        elif digits is not None:
            self._digits(digits, confidence, low)
            return
        self._phrases(text, toks, low)

    def _digits(self, digits: str, confidence: float, low: bool) -> None:
        """Digits said at a menu node: one is a key; more may be a service's number."""
        call = self.call
        if len(digits) == 1:
            call.select_key(digits, confidence)
        elif digits in call.index.service_numbers:
            sid = call.index.service_numbers[digits]
            self.questions.offer(call.choices.service(Ref.number(sid)), low)
        else:
            call.no_match()

    def _phrases(self, text: str, toks: list[Token], low: bool) -> None:
        """The node's phrases and the commands; the whole menu's at a node that searches
        the tree, and the emergency options' everywhere but a collect node."""
        call = self.call
        index = call.index
        node = call.node
        collecting = call.state.mode is Mode.COLLECT
        found = index.local(node.id, call.lang).match(toks)
        if collecting:  # only the commands: the node's digits are not phrases
            found = [c for c in found if Ref.parse(c.ref).kind is RefKind.CMD]
        local = {c.ref for c in found}
        tree = node.settings.search == "tree" and not collecting
        found += [
            c
            for c in index.tree(call.lang).match(toks)
            if c.ref not in local and (tree or index.is_emergency(c.ref))
        ]
        found.sort(key=lambda c: -c.score)
        best = top_ties(found)
        if tree:
            self._understand(text, best, [c for c in found if c not in best], low)
            return
        self._choices([c.ref for c in best], low)

    def _understand(
        self, text: str, phrases: list[Candidate], also: list[Candidate], low: bool
    ) -> None:
        """A need described at a node that searches the whole menu: the policy decides
        (``ivr.understand.policy``) whether to act, confirm, offer choices or reprompt."""
        decision = self.call.index.understanding.decide(text, phrases, self.call.lang, also)
        log.info(
            "understood %r: %s %s (%s)",
            text,
            decision.verdict.value,
            list(decision.refs),
            decision.reason.name,
        )
        if decision.verdict is Verdict.NONE:
            self.call.no_match()
        elif decision.verdict is Verdict.ACT:
            self._choices(decision.refs, low)
        else:  # unsure of the one (confirm) or between several (choose)
            self._choices(decision.refs, low, confirm=True)

    def _choices(self, refs: Sequence[str], low: bool, confirm: bool = False) -> None:
        """Take the one outcome the refs name (confirming it when unsure), or ask."""
        choices = self.call.choices.distinct(refs)
        if not choices:
            self.call.no_match()
        elif len(choices) > 1:
            self.questions.choose_among(choices)
        else:
            choice = choices[0]
            self.questions.offer(choice, confirm or low or choice.action.confirm)
