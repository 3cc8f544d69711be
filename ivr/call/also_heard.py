"""What else the caller may have said: the recogniser's runners-up, asked about.

A recogniser unsure of a short utterance in noise often has the phrase that was
said among its next guesses (``ivr.asr.phrase_choice.runners_up``). Where the
utterance itself leads nowhere sure (not understood, or only worth "Did you say
X?"), the menu asks about those guesses ("Did you mean A or B?") instead of
saying it did not understand. They are never acted on unasked, so a wrong
guess costs the caller one "no", never a wrong route; VoiceXML's n-best
results serve the same end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ivr.call import choices, questions
from ivr.call.context import Call
from ivr.call.state import Choice, Mode
from ivr.matcher import Candidate, top_ties
from ivr.refs import Ref, RefKind
from ivr.textnorm import Token, only_digits, tokens

#: The most choices a question about what else was heard offers.
MOST = 2


def phrase_matches(call: Call, toks: list[Token]) -> list[Candidate]:
    """The phrases of the node's options and the commands in ``toks``; the whole menu's
    at a node that searches the tree, the emergency options' everywhere but at a
    collect node (whose digits are not phrases: only the commands count there)."""
    index = call.index
    node = call.node
    collecting = call.state.mode is Mode.COLLECT
    found = index.local(node.id, call.lang).match(toks)
    if collecting:
        found = [c for c in found if Ref.parse(c.ref).kind is RefKind.CMD]
    local = {c.ref for c in found}
    tree = node.settings.search == "tree" and not collecting
    found += [
        c
        for c in index.tree(call.lang).match(toks)
        if c.ref not in local and (tree or index.is_emergency(c.ref))
    ]
    return found


@dataclass(frozen=True)
class Heard:
    """The runners-up of one utterance (menu phrases, best first)."""

    runners_up: Sequence[str] = ()

    def choices(self, call: Call, besides: Sequence[Choice] = ()) -> list[Choice]:
        """The one choice each runner-up names, best first, apart from ``besides`` and
        from commands (a question about "repeat that" helps nobody). A runner-up that is
        digits, or names several outcomes, is no one answer and is left out."""
        seen = {choices.outcome(c) for c in besides}
        found: list[Choice] = []
        for phrase in self.runners_up:
            toks = tokens(phrase, call.lang)
            if not toks or only_digits(toks, call.lang) is not None:
                continue
            best = top_ties(phrase_matches(call, toks))
            refs = [c.ref for c in best if Ref.parse(c.ref).kind is not RefKind.CMD]
            named = choices.distinct(call, refs) if len(refs) == len(best) else []
            if len(named) == 1 and choices.outcome(named[0]) not in seen:
                seen.add(choices.outcome(named[0]))
                found.append(named[0])
        return found[:MOST]

    def not_taken(self, call: Call) -> None:
        """The utterance led nowhere: ask about the runners-up, or count a no-match."""
        found = self.choices(call)
        if not found:
            call.no_match()
        elif len(found) == 1:
            questions.offer(call, found[0], confirm=True)
        else:
            questions.choose_among(call, found)


#: No runners-up: typed text, or a recogniser that gives none.
NOTHING_ELSE = Heard()
