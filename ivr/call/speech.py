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

from ivr.call import choices, digits, keys, questions
from ivr.call.also_heard import NOTHING_ELSE, Heard, phrase_matches
from ivr.call.context import Call
from ivr.call.state import Choice, Mode
from ivr.matcher import Candidate, top_ties
from ivr.refs import Ref
from ivr.textnorm import Token, digit_runs, only_digits, tokens
from ivr.understand.verdicts import Decision, Reason, Verdict

log = logging.getLogger(__name__)


def hear(call: Call, text: str, confidence: float, runners_up: Sequence[str] = ()) -> None:
    """One utterance (text and the recogniser's confidence) at the call's state;
    ``runners_up`` are menu phrases the recogniser also found likely, asked about
    (never acted on) when the text leads nowhere sure (``also_heard``)."""
    state = call.state
    if state.buffer:  # keys held back before the caller spoke are acted on first
        keys.resolve(call, final=True)
        if call.ended:
            return
    state.input_deadline = None
    settings = call.node.settings
    text = call.index.respell(text, call.lang)  # typing slips ("somone just grabbed my bag")
    toks = tokens(text, call.lang)
    if not toks:
        call.no_match()
        return
    unsure = confidence < settings.reject_below
    heard = Heard(runners_up if state.mode is Mode.MENU else ())
    if unsure and not _a_description(call, toks):
        # too faint to take, but where the recogniser names runners-up, what it heard
        # first is worth asking about beside them (pocketsphinx's "crime in progress" at
        # 0.07, which Moonshine wrote as "driving floor width")
        (Heard((text, *heard.runners_up)) if heard.runners_up else heard).not_taken(call)
        return
    low = confidence < settings.confirm_below
    shortcuts = call.index.shortcut_numbers
    mentioned: list[Candidate] = []
    for run in digit_runs(toks):
        if run in shortcuts:
            ref = Ref.shortcut(shortcuts[run])
            if not _a_description(call, toks):
                questions.offer(call, choices.service(call, ref), low)
                return
            mentioned.append(Candidate(str(ref), MENTION_SCORE, run))
    said = only_digits(toks, call.lang)
    mode = state.mode
    if mode is Mode.CONFIRM:
        if not questions.confirmed(call, toks, said):
            questions.withdraw(call)  # not an answer: a fresh request at this node
            hear(call, text, confidence)
        return
    if mode is Mode.CHOOSE:
        questions.chosen(call, toks, said)
        return
    if mode is Mode.COLLECT:
        if said is not None:
            digits.spoken(call, said)
            return
    elif said is not None:
        _digits(call, said, confidence, low, heard)
        return
    _phrases(call, text, toks, low, mentioned, unsure, heard)


#: What an unsure sentence may lead to: a question about what it clearly means. A
#: description only weakly about something, or about nothing, is not worth a question.
_UNSURE_ASKS = frozenset(
    {
        Reason.PHRASE,
        Reason.MEANING,
        Reason.UNSURE,
        Reason.TWO_CLOSE,
        Reason.WORD_VS_SENTENCE,
        Reason.EMERGENCY_TOO,
        Reason.TWO_NEEDS,
        Reason.CAN_WAIT,
        Reason.OVER,
    }
)


#: Words besides numbers that make an utterance a sentence of its own at a node that takes
#: descriptions, rather than a request or a menu phrase: a number in it is a mention ("can
#: my deaf wife text 113 instead?", not "113 please, quickly"), and heard below the node's
#: ``reject_below`` it is still weighed for its meaning, and only ever asked about (a need
#: heard through noise, "the little boys choking on the sweep", is usually still plain,
#: while a menu phrase forced onto noise is short).
SENTENCE_WORDS = 4
#: A number mentioned is as plain as a menu phrase said whole (the matcher's best).
MENTION_SCORE = 1.0


def _a_description(call: Call, toks: list[Token]) -> bool:
    """Whether an utterance is a sentence said at a node that takes descriptions (see
    ``SENTENCE_WORDS``): the understanding reads an emergency number in it as one of
    its menu phrases, so the sentence decides (and an emergency it agrees with is still
    routed at once), and a low recogniser confidence makes it a question, not nothing."""
    if call.state.mode is not Mode.MENU or call.node.settings.search != "tree":
        return False
    return sum(1 for t in toks if t.digits is None) >= SENTENCE_WORDS


def _digits(call: Call, said: str, confidence: float, low: bool, heard: Heard) -> None:
    """Digits said at a menu node: one is a key; more may be a service's number. A lone
    digit heard unsurely is asked about beside the recogniser's runners-up ("knife"
    heard as "five", which picks no option, or "toothache" as "two")."""
    if len(said) == 1:
        if low and heard.runners_up:
            picked = keys.choice_for(call, said)
            if picked is None:
                heard.not_taken(call)
            else:
                _offer(call, picked, True, heard)
            return
        call.select_key(said, confidence)
    elif said in call.index.service_numbers:
        sid = call.index.service_numbers[said]
        questions.offer(call, choices.service(call, Ref.number(sid)), low)
    else:
        call.no_match()


def _phrases(
    call: Call,
    text: str,
    toks: list[Token],
    low: bool,
    mentioned: Sequence[Candidate] = (),
    unsure: bool = False,
    heard: Heard = NOTHING_ELSE,
) -> None:
    """The node's phrases and the commands; the whole menu's at a node that searches
    the tree, and the emergency options' everywhere but at a collect node."""
    collecting = call.state.mode is Mode.COLLECT
    tree = call.node.settings.search == "tree" and not collecting
    found = phrase_matches(call, toks) + list(mentioned)
    found.sort(key=lambda c: -c.score)
    best = top_ties(found)
    if tree:
        _understand(call, text, best, [c for c in found if c not in best], low, unsure, heard)
        return
    _take(call, [c.ref for c in best], low, heard=heard)


def _understand(
    call: Call,
    text: str,
    phrases: list[Candidate],
    also: list[Candidate],
    low: bool,
    unsure: bool = False,
    heard: Heard = NOTHING_ELSE,
) -> None:
    """A need described at a node that searches the whole menu: the policy decides
    (``ivr.understand.policy``) whether to act, confirm, offer choices or reprompt.
    A sentence heard ``unsure`` (below the node's ``reject_below``) is asked about
    when its meaning is plain, and otherwise not taken at all."""
    decision = call.index.understanding.decide(text, phrases, call.lang, also)
    log.info(
        "understood %r: %s %s (%s)",
        text,
        decision.verdict.value,
        list(decision.refs),
        decision.reason.name,
    )
    if decision.verdict is Verdict.NONE or (unsure and decision.reason not in _UNSURE_ASKS):
        heard.not_taken(call)
    elif decision.verdict is Verdict.ACT and not unsure:
        _take(call, decision.refs, low, heard=heard)
    elif decision.verdict is Verdict.CONFIRM and (low or unsure) and not heard.runners_up:
        # heard unsurely and understood unsurely: the question offers the reading the
        # ranker liked next too, since the words themselves may be misheard (a short
        # utterance with runners-up has those offered instead: they are what it sounded
        # like, where the ranker's next is only what it might mean)
        _take(call, _with_next(call, decision), low, confirm=True, heard=heard)
    else:  # unsure of the one (confirm) or between several (choose)
        _take(call, decision.refs, low, confirm=True, heard=heard)


def _with_next(call: Call, decision: Decision) -> tuple[str, ...]:
    """The decision's one target and the ranker's best target leading elsewhere."""
    if not decision.refs:
        return decision.refs
    first = decision.refs[0]
    taken = choices.outcome(choices.of(call, Ref.parse(first)))
    for scored in decision.scores:
        if choices.outcome(choices.of(call, Ref.parse(scored.ref))) != taken:
            return (first, scored.ref)
    return decision.refs


def _take(
    call: Call,
    refs: Sequence[str],
    low: bool,
    confirm: bool = False,
    heard: Heard = NOTHING_ELSE,
) -> None:
    """Take the one outcome the refs name (confirming it when unsure), or ask."""
    found = choices.distinct(call, refs)
    if not found:
        heard.not_taken(call)
    elif len(found) > 1:
        questions.choose_among(call, found)
    else:
        choice = found[0]
        _offer(call, choice, confirm or low or choice.action.confirm, heard)


def _offer(call: Call, choice: Choice, unsure: bool, heard: Heard) -> None:
    """Take ``choice``, or ask: "Did you say X?", or, with a runner-up naming another
    choice, "Did you mean X or Y?" (the question would be about one of two things)."""
    other = heard.choices(call, besides=[choice])[:1] if unsure else []
    if other:
        questions.choose_among(call, [choice, *other])
    else:
        questions.offer(call, choice, unsure)
