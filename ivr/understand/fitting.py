"""What a ranking says about a menu's targets: one fit per outcome, and the facts of
each target the policy weighs (an emergency, urgent care, which words are whose).

Kept apart from ``ivr.understand.policy``, which decides, so that the decision
reads as a sequence of rules over these facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ivr.understand.lexicon import terms
from ivr.understand.ranker import LexicalRanker, Scored, Thresholds
from ivr.understand.targets import Target
from ivr.understand.verdicts import Decision, Reason, Verdict, shortcut_of

MAX_EMERGENCIES = 3  # offered together to a caller who only asks for help


@dataclass(frozen=True)
class Fit:
    ref: str
    outcome: tuple[str, str]
    score: float
    emergency: bool
    overlap: int


class TargetFits:
    """The menu's targets, and what the lexical ranker knows of their words."""

    def __init__(self, targets: Sequence[Target], lexical: LexicalRanker) -> None:
        self.targets = {t.ref: t for t in targets}
        self.lexical = lexical  # also tells which targets the caller negated

    def _emergencies(self) -> Decision | None:
        """Every emergency line, one ref per outcome in menu order, to choose from."""
        refs: dict[tuple[str, str], str] = {}
        for target in self.targets.values():
            if target.emergency:
                refs.setdefault(target.outcome, target.ref)
        if not refs:
            return None
        return Decision(Verdict.CHOOSE, tuple(refs.values())[:MAX_EMERGENCIES], Reason.PLEA)

    def _fits(self, scored: Sequence[Scored]) -> list[Fit]:
        """Best score per outcome, best first: two names for one service are one fit."""
        seen: set[tuple[str, str]] = set()
        fits: list[Fit] = []
        for s in scored:
            target = self.targets.get(s.ref)
            if target is None or target.outcome in seen:
                continue
            seen.add(target.outcome)
            fits.append(Fit(s.ref, target.outcome, s.score, target.emergency, s.overlap))
        return fits

    def _is_emergency(self, ref: str) -> bool:
        target = self.targets.get(ref)
        return target.emergency if target is not None else shortcut_of(ref) is not None

    def _outcome(self, ref: str) -> tuple[str, str]:
        target = self.targets.get(ref)
        if target is not None:
            return target.outcome
        service = shortcut_of(ref)  # an emergency number said inside the sentence
        return ("route", service) if service is not None else ("command", ref)

    def _urgent(self, fit: Fit) -> bool:
        """Care that cannot wait but is no emergency (the out-of-hours doctor)."""
        target = self.targets.get(fit.ref)
        return target is not None and target.urgent and not target.emergency

    def _term_outcomes(self, term: str, lang: str) -> set[tuple[str, str]]:
        """The outcomes of the targets whose texts hold ``term``."""
        return {self._outcome(r) for r in self.lexical.holders(term, lang)}

    def _told_so(self, said: Sequence[str], top: Fit, lang: str) -> bool:
        """A negated word that is the need itself, as the best target's own texts say it
        ("I can't find my son", "he isn't breathing"): not a caller saying what it is not."""
        return any(top.outcome in self._term_outcomes(t, lang) for t in said)

    @staticmethod
    def _by_meaning(fits: list[Fit], limits: Thresholds) -> Decision:
        top = fits[0] if fits else None
        if top is None or top.score < limits.floor:
            return Decision(Verdict.NONE, (), Reason.NOTHING)
        second = fits[1] if len(fits) > 1 else None
        lead = top.score - (second.score if second else 0.0)
        if top.score < limits.confirm:
            # weakly about one target, or two: worth a question, never an act; but only
            # with a word of the caller's in it ("bla bla bla" comes near the floor too)
            if top.overlap < 1:
                return Decision(Verdict.NONE, (), Reason.NOTHING)
            if second is not None and second.score >= limits.floor and lead < limits.margin:
                return Decision(Verdict.CHOOSE, (top.ref, second.ref), Reason.WEAK)
            return Decision(Verdict.CONFIRM, (top.ref,), Reason.WEAK)
        if top.score >= limits.act and lead >= limits.margin and top.overlap >= limits.min_overlap:
            return Decision(Verdict.ACT, (top.ref,), Reason.MEANING)
        if second is not None and second.score >= limits.confirm and lead < limits.margin:
            return Decision(Verdict.CHOOSE, (top.ref, second.ref), Reason.TWO_CLOSE)
        return Decision(Verdict.CONFIRM, (top.ref,), Reason.UNSURE)

    def _calmer(self, fit: Fit, than: Target) -> bool:
        """A fit for a line for needs that can wait longer than ``than``'s: no
        emergency instead of an emergency; nothing urgent instead of urgent care."""
        if fit.emergency:
            return False
        target = self.targets.get(fit.ref)
        return than.emergency or not (target is not None and target.urgent)

    def _name_terms(self, ref: str, lang: str) -> set[str]:
        target = self.targets.get(ref)
        names = target.names_in(lang) if target is not None else ()
        return {t for name in names for t in terms(name, lang)}
