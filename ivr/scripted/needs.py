"""How well a menu understands callers' needs: each need played through a session.

``NeedCall`` plays one need (read by ``ivr.scripted.needs_file``) through a real
``Session``: the caller's first utterance, then a simulated caller who answers at
most one question honestly ("yes" only when the offered choice leads somewhere
expected). The verdicts keep apart what matters for safety: acting on a wrong
outcome without asking (``WRONG``, the worst bug) is not the same as asking and
not getting there (``ASKED``) or not understanding at all (``MISSED``).

Pure Python: no audio, no wall clock. Whoever times a decision (the benchmark)
passes a clock in, or measures around ``NeedCall.hear`` itself. The names of
``ivr.scripted.needs_file`` and ``ivr.scripted.outcomes`` are re-exported here, so
``ivr.scripted.needs`` is the one import.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ivr.call.record import VisitKind
from ivr.call.state import Mode
from ivr.defaults import NO_WORDS, YES_WORDS
from ivr.events import KeyPress, Speech
from ivr.menuindex import MenuIndex
from ivr.model import ActionKind, Menu
from ivr.scripted.needs_file import (  # noqa: F401 (re-exported)
    FILE_KEYS,
    NEED_KEYS,
    Need,
    NeedSet,
    load_needs,
)
from ivr.scripted.outcomes import (  # noqa: F401 (re-exported)
    ASK,
    HANGUP_OUTCOME,
    MAX_BRANCH_DEPTH,
    NODE_PREFIX,
    Said,
    action_outcome,
    keys_to,
    option_outcome,
    outcome_names,
    steps_to,
)
from ivr.session import Session


# -- playing a need through a session -------------------------------------------------------
class Verdict(enum.Enum):
    """How one need went. ``WRONG`` is the one that must never happen: the caller was
    put somewhere they did not need, and nobody asked."""

    RIGHT = "right"  # an expected outcome, directly or after one question (or asked, for "ask")
    ASKED = "asked"  # asked, but the expected outcome was not reached; nothing wrong was done
    WRONG = "wrong"  # an unexpected outcome was acted on (``Evaluation.asked`` says if after a yes)
    MISSED = "missed"  # nothing understood: the menu reprompted


class Question(enum.Enum):
    """The question the menu asked after the first utterance, if any."""

    NONE = "none"
    CONFIRM = "confirm"  # "Did you say X?"
    CHOOSE = "choose"  # "Did you mean A or B?"


@dataclass(frozen=True)
class Evaluation:
    """What happened to one need. ``outcome`` is where the call stood after at most
    one answer; ``first`` what the first utterance led to on its own (None when
    it led to a question or to nothing)."""

    need: Need
    verdict: Verdict
    outcome: str | None
    first: str | None
    question: Question
    offered: tuple[str | None, ...]  # where each offered choice leads
    answer: str | None  # what the simulated caller said or pressed
    heard: str  # the text the session was given
    confidence: float
    decision_seconds: float | None = None

    @property
    def asked(self) -> bool:
        return self.question is not Question.NONE

    @property
    def wrong_without_asking(self) -> bool:
        return self.verdict is Verdict.WRONG and not self.asked


class NeedCall:
    """One need played through a ``Session``, step by step.

    The steps are separate so a benchmark can do its own work between them:
    ``session`` (after construction) says what to listen for, ``hear`` gives
    the first utterance (the decision being measured), ``finish`` lets the
    simulated caller answer at most one question and returns the verdict.
    """

    def __init__(
        self,
        menu: Menu,
        need: Need,
        *,
        lang: str,
        index: MenuIndex | None = None,
        keys: str | Sequence[str | Said] = "",
    ) -> None:
        """``keys`` are pressed first (each followed by the caller's pause) to bring the
        call to the node where the need is said, or an option's label said where it has
        no key (``steps_to``); what they do is not judged."""
        self.menu = menu
        self.need = need
        self.session = Session(menu, lang=lang, start_time=need.at, index=index)
        self.session.start()
        for step in keys:
            if isinstance(step, Said):
                label = step.option.label.get(lang) or step.option.phrases.get(lang)[0]
                self.session.send(Speech(label))
            else:
                self.session.send(KeyPress(step))
            self.session.settle()
        self._mark = len(self.session.visits)
        self._heard: Speech | None = None
        self._judged = False

    def hear(self, speech: Speech) -> None:
        """The caller's need, as the session receives it: the decision under test."""
        if self._heard is not None:
            raise RuntimeError("a need is heard once")
        self._heard = speech
        self.session.send(speech)

    def finish(self, decision_seconds: float | None = None) -> Evaluation:
        """Judge the first utterance, answer at most one question, and give the verdict."""
        if self._heard is None:
            raise RuntimeError("hear() the need first")
        if self._judged:
            raise RuntimeError("a need is judged once: the caller answers one question at most")
        self._judged = True
        session = self.session
        need = self.need
        first = self._outcome()
        question = self._pending_question()
        offered = self._offers() if question is not Question.NONE else ()
        answer: str | None = None
        outcome = first
        if first is not None:
            verdict = Verdict.RIGHT if need.accepts(first) else Verdict.WRONG
        elif question is Question.NONE:
            verdict = Verdict.MISSED
        elif need.must_ask:
            verdict = Verdict.RIGHT
        else:
            self._mark = len(session.visits)
            answer = self._answer(question, offered)
            outcome = self._outcome()
            if outcome is None:
                verdict = Verdict.ASKED
            else:
                verdict = Verdict.RIGHT if need.accepts(outcome) else Verdict.WRONG
        return Evaluation(
            need,
            verdict,
            outcome,
            first,
            question,
            offered,
            answer,
            self._heard.text,
            self._heard.confidence,
            decision_seconds,
        )

    # -- the simulated caller ------------------------------------------------------------
    def _answer(self, question: Question, offered: tuple[str | None, ...]) -> str:
        """Answer honestly, in the call's language: yes only to what leads somewhere expected."""
        session = self.session
        yes = YES_WORDS.get(session.lang, YES_WORDS["en"])[0]
        no = NO_WORDS.get(session.lang, NO_WORDS["en"])[0]
        if question is Question.CONFIRM:
            said = yes if self.need.accepts(offered[0] if offered else None) else no
            session.send(Speech(said))
            return said
        for number, leads in enumerate(offered, start=1):
            if self.need.accepts(leads):
                key = str(number)
                session.send(KeyPress(key))
                session.settle()
                return key
        session.send(Speech(no))
        return no

    # -- what the session did ----------------------------------------------------------------
    def _pending_question(self) -> Question:
        mode = self.session.state.mode
        if mode is Mode.CONFIRM:
            return Question.CONFIRM
        if mode is Mode.CHOOSE:
            return Question.CHOOSE
        return Question.NONE

    def _offers(self) -> tuple[str | None, ...]:
        session = self.session
        return tuple(
            action_outcome(self.menu, choice.action, session.now, str(choice.ref))
            for choice in session.state.choices
        )

    def _outcome(self) -> str | None:
        """What the call did since the mark: a route, a hang-up, an answer read out,
        or a node entered (the start does not count: every call begins there)."""
        session = self.session
        if session.route is not None:
            return session.route.display
        if session.outcome == "hangup":
            return HANGUP_OUTCOME
        recent = session.visits[self._mark :]
        for kind, ref in recent:
            if kind == VisitKind.OPTION:
                option = session.index.options.get(ref)
                if option is not None and option.action.kind is ActionKind.INFO:
                    return option.id
        entered = [
            ref
            for kind, ref in recent
            if kind == VisitKind.NODE and ref != self.menu.start and not self.menu.nodes[ref].branch
        ]
        return NODE_PREFIX + entered[-1] if entered else None


def evaluate_need(
    menu: Menu,
    need: Need,
    *,
    lang: str,
    index: MenuIndex | None = None,
    speech: Speech | None = None,
    clock: Callable[[], float] | None = None,
) -> Evaluation:
    """Play one need by text (or by ``speech``, e.g. what a recogniser heard) and judge it.

    With ``clock``, the decision (the session receiving the utterance) is timed.
    """
    call = NeedCall(menu, need, lang=lang, index=index)
    started = clock() if clock is not None else 0.0
    call.hear(speech or Speech(need.text))
    seconds = clock() - started if clock is not None else None
    return call.finish(seconds)
