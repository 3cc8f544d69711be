"""When the menu may act on a described need, and when it must ask.

The policy, in one paragraph (the README repeats it): the menu routes at once
only when the meaning is clear and only one service fits: either the caller
said a menu phrase and the rest of the sentence does not point elsewhere, or
the description is close to one target and clearly closer than to any other.
Otherwise it asks: "Is that right?" about the one target that is close but
not clear, or "Did you mean A or B?" about the two closest. A single menu
word never outweighs the sentence: when the word points one way and the
sentence another, both are offered. Words the caller negated never count for
a target ("there is no fire"), and a caller who says it can wait is never
sent to an emergency line or an ``urgent`` service without being asked, nor is
something over and done ("burgled last month") unless it is going on now. A
sentence naming two needs for different services is offered both. An
emergency that fits about
as well as the best answer is always offered, first, rather than letting a
non-emergency line win without asking; a clear emergency is routed at once,
never kept behind a menu. A plea for help that says nothing of what happened
("I need help", "who should I call?") is answered with the emergency lines to
choose from, not with "Sorry, I did not understand". An emergency number in a
sentence is one of its menu phrases: asked for ("put me through to 113") it
routes at once; mentioned in a story, the sentence decides.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ivr.matcher import Candidate
from ivr.refs import Ref, RefKind
from ivr.textnorm import words_of
from ivr.understand.cues import happening_now, not_urgent, over_and_done, pleads
from ivr.understand.lexicon import terms
from ivr.understand.ranker import LexicalRanker, Ranker, Scored, Thresholds
from ivr.understand.targets import Target

#: Words in an utterance beyond its menu phrase that still make it "just the phrase"
#: ("ambulance quickly"), provided no other target's texts hold them.
PHRASE_SLACK = 1
MAX_OFFERED = 2
MAX_EMERGENCIES = 3  # offered together to a caller who only asks for help
LONG = 3  # words beyond the phrase that make an utterance a sentence of its own


class Verdict(enum.Enum):
    ACT = "act"  # do it now
    CONFIRM = "confirm"  # "It sounds like you need X. Is that right?"
    CHOOSE = "choose"  # "Did you mean A or B?"
    NONE = "none"  # nothing fits: the node's no-match handling


class Reason(enum.Enum):
    PHRASE = "a menu phrase, and the sentence around it agrees"
    MEANING = "the description is close to one target and clearly closer than to any other"
    UNSURE = "the description is close to one target, but not clearly"
    TWO_CLOSE = "two different targets fit about as well"
    WORD_VS_SENTENCE = "a menu word points one way and the sentence another"
    EMERGENCY_TOO = "an emergency fits about as well: offered first, never skipped"
    CAN_WAIT = "the caller says it can wait: no emergency line without asking"
    NEGATED = "the caller negated what points to this target"
    OVER = "the caller tells of something over and done: no emergency line without asking"
    TWO_NEEDS = "the caller names two needs for different services: both offered"
    PLEA = "the caller asks for help without saying what happened: the emergencies offered"
    WEAK = "the description is only weakly about one target (or two): asked, never acted on"
    NOTHING = "nothing fits"


def _parsed(ref: str) -> Ref | None:
    try:
        return Ref.parse(ref)
    except ValueError:
        return None


def _is_command(ref: str) -> bool:
    parsed = _parsed(ref)
    return parsed is not None and parsed.kind is RefKind.CMD


def _shortcut(ref: str) -> str | None:
    """The service an emergency number names (``shortcut:ambulance``), else ``None``."""
    parsed = _parsed(ref)
    return parsed.id if parsed is not None and parsed.kind is RefKind.SHORTCUT else None


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    refs: tuple[str, ...]  # refs' text forms (option ids, commands), in the order to offer them
    reason: Reason
    scores: tuple[Scored, ...] = ()  # the ranker's best few, for logs and the bench


@dataclass(frozen=True)
class _Fit:
    ref: str
    outcome: tuple[str, str]
    score: float
    emergency: bool
    overlap: int


class Understanding:
    """Decides what to do with a described need, from the phrase match and the rankers.

    ``rankers`` are tried in order; the first that covers the call's language
    judges the sentence (an English embedding model first, the lexical ranker
    for every language after it).
    """

    def __init__(
        self, targets: Sequence[Target], rankers: Sequence[Ranker], lexical: LexicalRanker
    ) -> None:
        self.targets = {t.ref: t for t in targets}
        self.rankers = tuple(rankers)
        self.lexical = lexical  # also tells which targets the caller negated

    def ranker_for(self, lang: str) -> Ranker | None:
        return next((r for r in self.rankers if lang in r.languages()), None)

    def decide(
        self,
        text: str,
        phrases: Sequence[Candidate],
        lang: str,
        also: Sequence[Candidate] = (),
    ) -> Decision:
        """``phrases``: the matcher's best candidates (equal scores), negation applied;
        ``also``: every other phrase it found (an emergency among them is never ignored)."""
        ranker = self.ranker_for(lang)
        scored = ranker.rank(text, lang) if ranker is not None else []
        limits = ranker.thresholds if ranker is not None else None
        negated = self.lexical.negated(text, lang)
        scored = [s for s in scored if s.ref not in negated]
        fits = self._fits(scored)
        decision = self._first_opinion(text, phrases, fits, limits, lang)
        decision = self._second_need(decision, also, fits, limits, lang)
        decision = self._guards(decision, text, fits, limits, lang, [*phrases, *also])
        if self._plea(decision, text, phrases, lang):
            decision = self._emergencies() or decision
        return Decision(decision.verdict, decision.refs, decision.reason, tuple(scored[:4]))

    @staticmethod
    def _plea(decision: Decision, text: str, phrases: Sequence[Candidate], lang: str) -> bool:
        """A plea for help that nothing else answers: "I need help" is a plea, though
        "help" alone is the menu's own help command."""
        if not pleads(text, lang) or not_urgent(text, lang):
            return False
        if decision.reason in (Reason.NOTHING, Reason.NEGATED, Reason.WEAK):
            return True
        command = bool(decision.refs) and all(_is_command(r) for r in decision.refs)
        return (
            command
            and bool(phrases)
            and len(words_of(text, lang)) > len(words_of(phrases[0].phrase, lang))
        )

    def _emergencies(self) -> Decision | None:
        """Every emergency line, one ref per outcome in menu order, to choose from."""
        refs: dict[tuple[str, str], str] = {}
        for target in self.targets.values():
            if target.emergency:
                refs.setdefault(target.outcome, target.ref)
        if not refs:
            return None
        return Decision(Verdict.CHOOSE, tuple(refs.values())[:MAX_EMERGENCIES], Reason.PLEA)

    # -- the first opinion -----------------------------------------------------------
    def _fits(self, scored: Sequence[Scored]) -> list[_Fit]:
        """Best score per outcome, best first: two names for one service are one fit."""
        seen: set[tuple[str, str]] = set()
        fits: list[_Fit] = []
        for s in scored:
            target = self.targets.get(s.ref)
            if target is None or target.outcome in seen:
                continue
            seen.add(target.outcome)
            fits.append(_Fit(s.ref, target.outcome, s.score, target.emergency, s.overlap))
        return fits

    def _is_emergency(self, ref: str) -> bool:
        target = self.targets.get(ref)
        return target.emergency if target is not None else _shortcut(ref) is not None

    def _outcome(self, ref: str) -> tuple[str, str]:
        target = self.targets.get(ref)
        if target is not None:
            return target.outcome
        service = _shortcut(ref)  # an emergency number said inside the sentence
        return ("route", service) if service is not None else ("command", ref)

    def _first_opinion(
        self,
        text: str,
        phrases: Sequence[Candidate],
        fits: list[_Fit],
        limits: Thresholds | None,
        lang: str,
    ) -> Decision:
        distinct: dict[tuple[str, str], str] = {}
        for candidate in phrases:
            distinct.setdefault(self._outcome(candidate.ref), candidate.ref)
        if len(distinct) > 1:
            return Decision(Verdict.CHOOSE, tuple(distinct.values()), Reason.TWO_CLOSE)
        top = fits[0] if fits and limits and fits[0].score >= limits.floor else None
        if distinct:
            ref = next(iter(distinct.values()))
            said = terms(text, lang)
            phrase_terms = set(terms(phrases[0].phrase, lang))
            extra = [t for t in said if t not in phrase_terms]
            outcome = self._outcome(ref)
            elsewhere = {self._outcome(r) for t in extra for r in self.lexical.holders(t, lang)} - {
                outcome
            }
            short = len(extra) <= PHRASE_SLACK and not elsewhere
            if short or top is None or limits is None:
                return Decision(Verdict.ACT, (ref,), Reason.PHRASE)
            rival = next((f for f in fits if f.outcome != outcome), None)
            if top.outcome == outcome:
                # the sentence agrees with the phrase; but in a long sentence, one
                # shared word is not the sentence agreeing
                clear = rival is None or top.score - rival.score >= limits.margin
                sentence = len(extra) < LONG or top.overlap >= limits.min_overlap
                # an emergency the sentence agrees with is never held up by a question,
                # unless other words of it point about as well at urgent care that is
                # no emergency ("the ambulance crew checked him, but his cut needs
                # stitching", heard half garbled): then both are offered, the
                # emergency first
                triage = rival is not None and rival.outcome in elsewhere and self._urgent(rival)
                if sentence and (clear or (self._is_emergency(ref) and not triage)):
                    return Decision(Verdict.ACT, (ref,), Reason.PHRASE)
                if rival is None or rival.score < limits.confirm:
                    return Decision(Verdict.CONFIRM, (ref,), Reason.UNSURE)
                return Decision(Verdict.CHOOSE, (ref, rival.ref), Reason.TWO_CLOSE)
            if _is_command(ref):
                # "repeat" inside a description is not a request to repeat
                return self._by_meaning(fits, limits)
            if top.score < limits.confirm:
                if _shortcut(ref) is not None:
                    # an emergency number asked for ("put me through to 113 now") in a
                    # sentence that points nowhere in particular: no question holds it
                    # up (a service *word* in a story is not a request: "I'm a police
                    # officer and I can't switch off")
                    return Decision(Verdict.ACT, (ref,), Reason.PHRASE)
                return Decision(Verdict.CONFIRM, (ref,), Reason.WORD_VS_SENTENCE)
            return Decision(Verdict.CHOOSE, (ref, top.ref), Reason.WORD_VS_SENTENCE)
        said = terms(text, lang)
        if said and all(t.startswith("not_") for t in said):
            # the negated words are the need itself, as the target's own texts say it
            # ("I can't find my son"): asked about, never acted on
            if (
                top is not None
                and limits is not None
                and top.score >= limits.confirm
                and self._told_so(said, top, lang)
            ):
                return Decision(Verdict.CONFIRM, (top.ref,), Reason.WEAK)
            # only what it is not ("it's not a fire"): nothing to go on
            return Decision(Verdict.NONE, (), Reason.NEGATED)
        if top is None or limits is None:
            return Decision(Verdict.NONE, (), Reason.NOTHING)
        decision = self._by_meaning(fits, limits)
        if decision.verdict is Verdict.ACT and len(set(terms(text, lang))) < 2:
            # one content word ("I want to report something") is too thin to act on
            return Decision(Verdict.CONFIRM, decision.refs, Reason.UNSURE)
        return decision

    def _urgent(self, fit: _Fit) -> bool:
        """Care that cannot wait but is no emergency (the out-of-hours doctor)."""
        target = self.targets.get(fit.ref)
        return target is not None and target.urgent and not target.emergency

    def _term_outcomes(self, term: str, lang: str) -> set[tuple[str, str]]:
        """The outcomes of the targets whose texts hold ``term``."""
        return {self._outcome(r) for r in self.lexical.holders(term, lang)}

    def _told_so(self, said: Sequence[str], top: _Fit, lang: str) -> bool:
        """A negated word that is the need itself, as the best target's own texts say it
        ("I can't find my son", "he isn't breathing"): not a caller saying what it is not."""
        return any(top.outcome in self._term_outcomes(t, lang) for t in said)

    @staticmethod
    def _by_meaning(fits: list[_Fit], limits: Thresholds) -> Decision:
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

    def _calmer(self, fit: _Fit, than: Target) -> bool:
        """A fit for a line for needs that can wait longer than ``than``'s: no
        emergency instead of an emergency; nothing urgent instead of urgent care."""
        if fit.emergency:
            return False
        target = self.targets.get(fit.ref)
        return than.emergency or not (target is not None and target.urgent)

    def _second_need(
        self,
        decision: Decision,
        also: Sequence[Candidate],
        fits: list[_Fit],
        limits: Thresholds | None,
        lang: str,
    ) -> Decision:
        """Two needs in one sentence ("the kitchen is on fire and my husband is not
        breathing"): a menu phrase for another service, in words apart from the chosen
        phrase's, that the sentence is also about, puts both to the caller."""
        if decision.verdict is not Verdict.ACT or limits is None or _is_command(decision.refs[0]):
            return decision
        chosen = self._outcome(decision.refs[0])
        taken = {t for ref in decision.refs for t in self._name_terms(ref, lang)}
        score = {f.outcome: f.score for f in fits}
        for candidate in also:
            outcome = self._outcome(candidate.ref)
            if outcome == chosen or _is_command(candidate.ref):
                continue
            if set(terms(candidate.phrase, lang)) & taken:
                continue
            if score.get(outcome, 0.0) >= limits.confirm:
                return Decision(Verdict.CHOOSE, (decision.refs[0], candidate.ref), Reason.TWO_NEEDS)
        return decision

    def _name_terms(self, ref: str, lang: str) -> set[str]:
        target = self.targets.get(ref)
        names = target.names_in(lang) if target is not None else ()
        return {t for name in names for t in terms(name, lang)}

    # -- guards that override it -------------------------------------------------------
    def _guards(
        self,
        decision: Decision,
        text: str,
        fits: list[_Fit],
        limits: Thresholds | None,
        lang: str,
        phrases: Sequence[Candidate],
    ) -> Decision:
        if decision.verdict is Verdict.NONE or limits is None:
            return decision
        chosen = decision.refs[0]
        target = self.targets.get(chosen)
        if target is None:
            return decision  # a command ("repeat", "operator"): the menu's own rules apply
        if decision.verdict in (Verdict.ACT, Verdict.CONFIRM):
            waits = (target.emergency or target.urgent) and not_urgent(text, lang)
            over = target.emergency and over_and_done(text, lang)
            if waits or over:
                calm = next(
                    (f for f in fits if self._calmer(f, target) and f.score >= limits.floor),
                    None,
                )
                refs: tuple[str, ...] = (calm.ref, chosen) if calm is not None else (chosen,)
                verdict = Verdict.CHOOSE if calm is not None else Verdict.CONFIRM
                return Decision(verdict, refs, Reason.CAN_WAIT if waits else Reason.OVER)
        if not target.emergency:
            best = fits[0].score if fits else 0.0
            near = max(limits.confirm, best - limits.margin)
            if happening_now(text, lang):
                near = limits.floor  # happening as they speak: any emergency that fits
            offered = {self._outcome(r) for r in decision.refs}
            said = [
                c.ref
                for c in phrases
                if self._is_emergency(c.ref) and self._outcome(c.ref) not in offered
            ]
            close = [
                f.ref for f in fits if f.emergency and f.score >= near and f.outcome not in offered
            ]
            emergency = (said + close)[:1]
            if emergency and not not_urgent(text, lang):
                refs = (emergency[0], *decision.refs)[:MAX_OFFERED]
                return Decision(Verdict.CHOOSE, refs, Reason.EMERGENCY_TOO)
        if decision.verdict is Verdict.ACT and target.outcome[0] == "info":
            # an answer read out never routes: a symptom said beside the question ("he
            # has 40 in fever, they don't speak Norwegian") must be offered as well
            taken = self._name_terms(chosen, lang)  # "sick" inside its own "sick note"
            urgent = next(
                (
                    c.ref
                    for c in phrases
                    if (t := self.targets.get(c.ref)) is not None
                    and (t.urgent or t.emergency)
                    and not set(terms(c.phrase, lang)) & taken
                ),
                None,
            )
            if urgent is not None:
                return Decision(Verdict.CHOOSE, (urgent, chosen), Reason.TWO_NEEDS)
        if decision.verdict is Verdict.CHOOSE:
            ordered = sorted(
                decision.refs,
                key=lambda r: not self.targets[r].emergency if r in self.targets else True,
            )
            return Decision(Verdict.CHOOSE, tuple(ordered), decision.reason)
        return decision
