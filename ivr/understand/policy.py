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
sentence naming two needs for different services is offered both, and so is
a need that another need, plain in a part of the sentence of its own, would
hide (``ivr.understand.clauses``). An emergency that fits about as well as the
best answer is always offered, first, rather than letting a non-emergency line
win without asking; a clear emergency is routed at once, never kept behind a
menu, unless other words of it point as well at urgent care that is no
emergency. A plea for help that says nothing of what happened
("I need help", "who should I call?") is answered with the emergency lines to
choose from, not with "Sorry, I did not understand". An emergency number in a
sentence is one of its menu phrases: asked for ("put me through to 113") it
routes at once; mentioned in a story, the sentence decides; asked about ("do I
ring 113 for this?"), it is offered. The README gives the rest, rule by rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from ivr.matcher import Candidate
from ivr.textnorm import words_of
from ivr.understand.clauses import after_but, parts
from ivr.understand.cues import (
    asks_whether_to_call,
    happening_now,
    literal,
    not_urgent,
    over_and_done,
    pleads,
)
from ivr.understand.fitting import Fit, TargetFits
from ivr.understand.lexicon import terms
from ivr.understand.ranker import LexicalRanker, Ranker, Thresholds
from ivr.understand.targets import Target
from ivr.understand.verdicts import Decision, Reason, Verdict, is_command, shortcut_of

#: Words in an utterance beyond its menu phrase that still make it "just the phrase"
#: ("ambulance quickly"), provided no other target's texts hold them.
PHRASE_SLACK = 1
MAX_OFFERED = 2
LONG = 3  # words beyond the phrase that make an utterance a sentence of its own


def _still_said(candidates: Sequence[Candidate], text: str, lang: str) -> list[Candidate]:
    said = set(terms(text, lang))
    return [c for c in candidates if set(terms(c.phrase, lang)) <= said]


class Understanding(TargetFits):
    """Decides what to do with a described need, from the phrase match and the rankers.

    ``rankers`` are tried in order; the first that covers the call's language
    judges the sentence (an English embedding model first, the lexical ranker
    for every language after it).
    """

    def __init__(
        self, targets: Sequence[Target], rankers: Sequence[Ranker], lexical: LexicalRanker
    ) -> None:
        super().__init__(targets, lexical)
        self.rankers = tuple(rankers)

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
        plain = literal(text, lang)
        if plain != text:
            # a menu word inside a figure of speech ("dying to") was not said in earnest
            text, phrases, also = (
                plain,
                _still_said(phrases, plain, lang),
                _still_said(also, plain, lang),
            )
        ranker = self.ranker_for(lang)
        scored = ranker.rank(text, lang) if ranker is not None else []
        limits = ranker.thresholds if ranker is not None else None
        negated = self.lexical.negated(text, lang)
        scored = [s for s in scored if s.ref not in negated]
        fits = self._fits(scored)
        decision = self._first_opinion(text, phrases, fits, limits, lang)
        decision = self._second_need(decision, also, fits, limits, lang)
        decision = self._guards(decision, text, fits, limits, lang, [*phrases, *also])
        if ranker is not None and limits is not None:
            part_fits = partial(self._part_fits, ranker, lang, negated)
            decision = self._two_parts(decision, text, lang, limits, part_fits)
            decision = self._the_point(decision, text, lang, limits, part_fits)
        if self._plea(decision, text, phrases, lang):
            decision = self._emergencies() or decision
        return Decision(decision.verdict, decision.refs, decision.reason, tuple(scored[:4]))

    def _deeper(
        self, outcome: tuple[str, str], fits: list[Fit], limits: Thresholds | None
    ) -> Decision | None:
        """A menu word for a submenu ("how do I get a fastlege") in a sentence clearly
        about one option of that submenu (GP registration): that option, not the
        submenu's question of which."""
        top = fits[0] if fits else None
        if outcome[0] != "goto" or top is None or limits is None or top.score < limits.act:
            return None
        inner = self.targets.get(top.ref)
        if inner is None or inner.node != outcome[1]:
            return None
        rest = next((f for f in fits if f.outcome not in (top.outcome, outcome)), None)
        if rest is not None and top.score - rest.score < limits.margin:
            return None
        return Decision(Verdict.ACT, (top.ref,), Reason.MEANING)

    # -- the parts of a sentence --------------------------------------------------------
    def _part_fits(self, ranker: Ranker, lang: str, negated: set[str], part: str) -> list[Fit]:
        return self._fits([s for s in ranker.rank(part, lang) if s.ref not in negated])

    def _two_parts(
        self,
        decision: Decision,
        text: str,
        lang: str,
        limits: Thresholds,
        part_fits: Callable[[str], list[Fit]],
    ) -> Decision:
        """A need acted on or asked about never hides another need said in a part of the
        sentence of its own ("when should the baby have her jabs, and also my bike was
        stolen"): both are offered, an emergency first. An emergency acted on goes on
        at once; the other need can wait for it."""
        if decision.verdict not in (Verdict.ACT, Verdict.CONFIRM) or not decision.refs:
            return decision
        chosen = decision.refs[0]
        if self._is_emergency(chosen) or is_command(chosen):
            return decision
        pieces = parts(text, lang)
        if len(pieces) < 2:
            return decision
        plain: dict[tuple[str, str], str] = {}
        for piece in pieces:
            fits = part_fits(piece)
            lead = fits[0].score - fits[1].score if len(fits) > 1 else 1.0
            if fits and fits[0].score >= limits.confirm and lead >= limits.margin:
                plain.setdefault(fits[0].outcome, fits[0].ref)
        other = [ref for outcome, ref in plain.items() if outcome != self._outcome(chosen)]
        if len(plain) < 2 or not other:
            return decision
        refs = sorted((chosen, other[0]), key=lambda r: not self._is_emergency(r))
        return Decision(Verdict.CHOOSE, tuple(refs), Reason.TWO_NEEDS)

    def _the_point(
        self,
        decision: Decision,
        text: str,
        lang: str,
        limits: Thresholds,
        part_fits: Callable[[str], list[Fit]],
    ) -> Decision:
        """A need said after an apology ("sorry to ring so late, it's probably nothing,
        but I can't lift my right arm"), when the whole sentence fits nothing: what
        follows the "but" is weighed alone, and only asked about."""
        if decision.reason is not Reason.NOTHING:
            return decision
        tail = after_but(text, lang)
        if tail is None:
            return decision
        fits = part_fits(tail)
        found = self._by_meaning(fits, limits)
        if found.verdict is Verdict.NONE:
            return decision
        if found.verdict is Verdict.ACT:
            found = Decision(Verdict.CONFIRM, found.refs, Reason.UNSURE)
        return self._guards(found, text, fits, limits, lang, [])

    @staticmethod
    def _plea(decision: Decision, text: str, phrases: Sequence[Candidate], lang: str) -> bool:
        """A plea for help that nothing else answers: "I need help" is a plea, though
        "help" alone is the menu's own help command."""
        if not pleads(text, lang) or not_urgent(text, lang):
            return False
        if decision.reason in (Reason.NOTHING, Reason.NEGATED, Reason.WEAK):
            return True
        command = bool(decision.refs) and all(is_command(r) for r in decision.refs)
        return (
            command
            and bool(phrases)
            and len(words_of(text, lang)) > len(words_of(phrases[0].phrase, lang))
        )

    # -- the first opinion -----------------------------------------------------------

    def _first_opinion(
        self,
        text: str,
        phrases: Sequence[Candidate],
        fits: list[Fit],
        limits: Thresholds | None,
        lang: str,
    ) -> Decision:
        distinct: dict[tuple[str, str], str] = {}
        for candidate in phrases:
            distinct.setdefault(self._outcome(candidate.ref), candidate.ref)
        top = fits[0] if fits and limits and fits[0].score >= limits.floor else None
        if len(distinct) > 1:
            refs = tuple(distinct.values())
            if top is not None and limits is not None and top.outcome not in distinct:
                # two menu words at odds ("my baby is burning hot"), and the sentence
                # clearly about a third target: the sentence comes first, never left out
                rival = next((f for f in fits if f.outcome != top.outcome), None)
                if top.score >= limits.act and (
                    rival is None or top.score - rival.score >= limits.margin
                ):
                    refs = (top.ref, refs[0])
            return Decision(Verdict.CHOOSE, refs, Reason.TWO_CLOSE)
        if distinct:
            ref = next(iter(distinct.values()))
            said = terms(text, lang)
            phrase_terms = set(terms(phrases[0].phrase, lang))
            extra = [t for t in said if t not in phrase_terms]
            outcome = self._outcome(ref)
            elsewhere = {self._outcome(r) for t in extra for r in self.lexical.holders(t, lang)} - {
                outcome
            }
            if shortcut_of(ref) is not None and asks_whether_to_call(text, lang):
                # a number asked about, not asked for ("do I ring 113 for a cut that
                # needs stitches?"): offered, and beside what the sentence is about
                if top is None or top.outcome == outcome:
                    return Decision(Verdict.CONFIRM, (ref,), Reason.WORD_VS_SENTENCE)
                return Decision(Verdict.CHOOSE, (ref, top.ref), Reason.WORD_VS_SENTENCE)
            deeper = self._deeper(outcome, fits, limits)
            if deeper is not None:
                return deeper
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
            if is_command(ref):
                # "repeat" inside a description is not a request to repeat
                return self._by_meaning(fits, limits)
            if top.score < limits.confirm:
                if shortcut_of(ref) is not None:
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

    def _second_need(
        self,
        decision: Decision,
        also: Sequence[Candidate],
        fits: list[Fit],
        limits: Thresholds | None,
        lang: str,
    ) -> Decision:
        """Two needs in one sentence ("the kitchen is on fire and my husband is not
        breathing"): a menu phrase for another service, in words apart from the chosen
        phrase's, that the sentence is also about, puts both to the caller."""
        if decision.verdict is not Verdict.ACT or limits is None or is_command(decision.refs[0]):
            return decision
        chosen = self._outcome(decision.refs[0])
        taken = {t for ref in decision.refs for t in self._name_terms(ref, lang)}
        score = {f.outcome: f.score for f in fits}
        for candidate in also:
            outcome = self._outcome(candidate.ref)
            if outcome == chosen or is_command(candidate.ref):
                continue
            if set(terms(candidate.phrase, lang)) & taken:
                continue
            if score.get(outcome, 0.0) >= limits.confirm:
                return Decision(Verdict.CHOOSE, (decision.refs[0], candidate.ref), Reason.TWO_NEEDS)
        return decision

    # -- guards that override it -------------------------------------------------------
    def _guards(
        self,
        decision: Decision,
        text: str,
        fits: list[Fit],
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
