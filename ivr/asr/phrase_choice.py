"""How the answer for one utterance is chosen between a menu phrase and a transcript.

The rules ``ivr.asr.free_speech.FreeSpeech`` applies, apart from the recogniser
that runs them, so they can be read (and tested) as plain functions. The notes:

Where a node lets the caller describe a need (``Grammar.free``), ``FreeSpeech``
runs the grammar recogniser *and* a free-speech transcriber on the same
utterance, then decides per utterance which answer to trust (``choose``).

At a node that takes menu words only (a closed grammar), the transcriber is a
second opinion, asked only when the grammar path is not sure (below ``SURE``)
and the answer is not digits (``DigitsFusion`` settles those): a phrase both
models find is trusted as the surer of the two ("maternity care" heard right
at 0.05 in noise), while words no phrase explains cap the grammar's forced
phrase at ``UNCONFIRMED`` so the menu asks. Measured on the Norway menu's
option words at their own nodes (bench/bench_understanding.py, en-words,
dev synthesisers, 8 kHz): espeak-ng 62% -> 74% clean, 51% -> 56% at 15 dB;
flite 79% -> 79% clean, 44% -> 64% at 15 dB; no wrong route without asking
before or after.

The rule, when the transcriber can also score phrases (Moonshine, a
``PhraseScorer``): the menu phrases that could have been said are scored as
transcripts of the utterance by the same model that wrote the free
transcript. If the best of them is about as likely as the free transcript
itself (within ``MARGIN`` nats), the caller said that menu phrase; otherwise
they said something the grammar does not hold, and the transcript is the
answer. Both are probabilities of one utterance under one model (a phrase
scored as the *whole* transcript, its end included), so no scale has to be
fitted between two engines' scores; and the transcript is the model's own
best guess, so a phrase comes close to it only by being what was said: "mental
health" said alone scores about as well as the transcript "Mental health.",
while the needs of the dev set were 14 nats or more likelier than their best
candidate phrase (5th percentile, clean; the median 25). The grammar path's own answer
counts ``AGREEMENT`` nats more (as it does when Moonshine settles digits):
where the two models agree, that is the safest answer. And a transcript that
says more than the phrase (more than ``EXTRA_WORDS`` words beyond it) is not
that phrase, however close: Moonshine finds an early end likelier than it is,
and "police please, someone is in my garden" scored "Police." only 6 nats
below its transcript.

Before any of that, a grammar path that is sure of its phrase (confidence at
least ``SURE``) is taken as it is, and its phrase is not scored: of the 640
needs below, pocketsphinx gave none 0.5 or more, while of the 1,584 menu phrases
it heard with 0.6 or more, 178 were right and 4 wrong (the espeak-ng-adapted
model on the same audio: 116 and 1). Those few wrong ones are why a sure phrase
is still held against how the transcript sounds (``by_sound``, below).

Which phrases are scored: the grammar path's answer and the phrases sharing
most words with the transcript; every phrase of the grammar when the
transcript is short (``SHORT`` words or fewer), because a short menu phrase
is where a free transcript goes wrong ("Train Vancle." for "sprained ankle")
and a long one is where scoring 281 phrases would cost most.

Tuned on the Norway menu's main node (263 phrases pocketsphinx knows; its 99
option labels and words, and 40 needs, spoken by 4 espeak-ng and 2 flite
voices at 8 kHz, clean and at 15 dB SNR; two more flite voices held out; the
transcriber then trimmed silence, see ``ivr.asr.trim``):

- the margin separates: the free transcript of a need is 14 nats or more
  likelier than its best candidate phrase (5th percentile; median 25) clean,
  8 or more at 15 dB (median 21); a menu phrase whose best candidate is right
  -1 to 8 nats (5th to 95th percentile, clean and at 15 dB alike);
- MARGIN 6 with AGREEMENT 4 and EXTRA_WORDS 2 took the caller's option from
  70.1% (grammar path alone, pocketsphinx as human callers get it) to 78.5% of
  the menu phrases (933/1188), and answered 98.8% of the needs (474/480) with
  their transcript; MARGIN 8 got 81% of phrases but sent 6% of the noisy
  espeak-ng needs to a phrase. On the two held-out flite voices: phrases 88.9%
  (grammar path alone 74.0%), needs 159/160. With the espeak-ng-adapted model
  that scripted calls use: 80.7% (81.5% alone) on the tuning voices, 87.6%
  held out (68.2% alone).

As shipped (no trimming; ``bench/bench_asr.py --engine free``, all 8 voices):
menu phrases 80.3% (grammar path alone 70.1%: espeak-ng 81.6% clean, 70.2% at
15 dB; flite 93.7% and 75.8%), 12 of 1,584 wrong with a confidence of 0.5 or
more; needs answered with their transcript 98.8-100%, word error rate 0.09
(flite clean) to 0.45 (espeak-ng at 15 dB). These voices at 8 kHz are hard for
both engines; the figures are theirs, not the rule's ceiling.

A transcriber that cannot score phrases (vosk) is weighed by its words
instead: see ``choose_by_words``.

How the transcript *sounds* (``by_sound``, ``ivr.asr.phonetic``) is the last
word on a menu phrase, where the grammar is closed or the transcript short.
Tuned on every English phrase of every option of the Norway menu (270) said
at its node by both flite dev voices and two espeak-ng voices each, clean and
at 15 dB SNR (2,160 clips; the benchmark's ``en-phrases`` set has one voice a
phrase; festival, the held-out synthesiser, not used). Before these rules
7 clean and 7 noisy clips were acted on wrongly without asking ("temperature"
taken as "family doctor": the agreement bonus outweighed Moonshine's own
preference; "paralysed" as "alight", "theft" as "threatened" at 0.6 and more);
after them 1 and 0, and the share routed right rose from 92.6% to 93.8%
clean and from 80.7% to 84.0% at 15 dB, most of it phrases the grammar path
heard right at 0.01-0.2 whose transcript sounded like them ("he is a number"
for "key in a number"). Of the clips whose transcript sounded most like the
grammar path's phrase, every one was that phrase (100 of 100 in the first
noisy half measured), however far the sound (up to 0.66); acting needs
``SOUNDS_SAME`` or nearer, beyond it the menu asks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ivr.asr.base import DIGIT_WORDS, Grammar, Result, Source, Word
from ivr.asr.phonetic import SoundsLike

#: How much less likely (natural log) than the free transcript the best menu phrase
#: may be and still count as what was said. See the module notes.
MARGIN = 6.0
#: Log-probability (nats) added to the grammar path's own answer among the phrases.
AGREEMENT = 4.0
#: From this confidence the grammar path's phrase is taken without transcribing.
SURE = 0.6
#: A transcript with more words than this beyond the best phrase's is not that phrase.
EXTRA_WORDS = 2
#: The most a phrase is trusted that only the transcriber's model named (the grammar
#: path heard another, or nothing): below the menus' ``confirm_below`` (0.6 by default
#: and in the Norway menu), so the caller is asked. Measured on the dev set: of such
#: phrases 318 would have reached 0.5, 47 of them wrong.
ONE_MODEL = 0.45
#: Transcripts of at most this many words have every phrase of the grammar scored.
SHORT = 3
#: The reason given when the transcript is the answer: what the caller said, as said.
DESCRIBED = "described in own words"
#: The reason given when both models wrote the grammar's phrase word for word.
BOTH_HEARD = "both heard the phrase"
#: What a phrase is worth at a closed grammar that both models wrote word for word: two
#: engines of unlike kinds (one forced onto the grammar, one free) seldom agree on a
#: whole phrase by chance, though each alone was unsure in noise ("health information"
#: at 0.19); the same where descriptions are taken, where the whole utterance was the
#: phrase (flite's menu words at 15 dB were heard word for word by both at 0.01-0.2).
AGREED = SURE
#: Candidate phrases scored for longer transcripts besides the grammar's answer.
CANDIDATES = 8
#: A chosen phrase's confidence falls by 0.1 for every this/10 nats it is less likely
#: than the transcript (after ``AGREEMENT``). Measured: phrases that Moonshine alone
#: picked were right 91% of the time within 2 nats, 66% at 2-4, 43% at 4-6.
GAP_SCALE = 9.0
#: A phrase about to be acted on must sound within this much as like the transcript
#: as the phrase that sounds most like it; otherwise the menu asks (``by_sound``).
SOUNDS_OTHER = 0.1
#: ... unless the transcriber itself finds the phrase within this many nats as likely as
#: its own transcript: its words are then no evidence against the phrase ("ambulance"
#: transcribed "and violins", which sounds more like "violence", 2.7 nats behind).
#: Measured on the tuning set: 15% fewer questions, no more wrong routes.
SOUNDS_EXEMPT = 3.0
#: The grammar path's phrase, when the transcript sounds more like it than like any
#: other, is acted on at this distance or nearer and asked about up to ``SOUNDS_ASK``.
SOUNDS_SAME = 0.45
SOUNDS_ASK = 0.7
#: The reasons ``by_sound`` gives.
SOUNDS_LIKE = "the transcript sounds like the phrase"
SOUNDS_OTHERWISE = "the transcript sounds like another phrase"


@dataclass(frozen=True)
class Choice:
    """What ``FreeSpeech`` answered for one utterance, and why (``reason``)."""

    result: Result
    reason: str
    grammar: Result
    transcript: Result | None
    #: The menu phrases scored as transcripts (natural log), and the transcript's own.
    scores: Mapping[str, float]
    transcript_score: float | None


def words_of(text: str) -> tuple[str, ...]:
    return tuple(text.lower().split())


#: A phrase the transcriber scores only when the grammar path heard it: Moonshine finds
#: a lone "Oh." likely for almost any short word said in noise. Of the 270 menu phrases
#: said by the dev voices at 15 dB (bench en-phrases, 1,080 clips) 27 ended as "oh",
#: asked about as zero and then not understood, and none of them was "oh"; the
#: phrase scored next was the one said in most of them ("passed out", "family doctor").
ONLY_IF_HEARD = frozenset({"oh"})


def candidates(
    grammar: Grammar, answer: str, transcript: str, limit: int = CANDIDATES, short: int = SHORT
) -> list[str]:
    """The phrases worth scoring: every phrase for a short transcript; else the
    grammar path's answer, then the phrases sharing most words with the transcript.
    A phrase of ``ONLY_IF_HEARD`` is scored only when it is the grammar path's answer."""
    said = set(words_of(transcript))
    if len(said) <= short:
        return [p for p in grammar.phrases if p not in ONLY_IF_HEARD or p == answer]
    found = [answer] if answer else []
    ranked = sorted(
        (p for p in grammar.phrases if p != answer and said & set(p.split())),
        key=lambda p: (-len(said & set(p.split())) / len(set(p.split()) | said), p),
    )
    return found + ranked[:limit]


#: The most a grammar answer is worth when the transcriber heard no words at a node that
#: takes descriptions: below every menu's usual ``confirm_below`` (0.5-0.6), so the
#: menu asks "Did you say ...?" rather than acting.
UNCONFIRMED = 0.45


def choose(
    grammar_result: Result,
    transcript: Result,
    scores: Mapping[str, float],
    transcript_score: float,
    margin: float = MARGIN,
    agreement: float = AGREEMENT,
) -> tuple[Result, str]:
    """The answer to trust for one utterance, and the reason, from the grammar path's
    ``grammar_result``, the free ``transcript``, and the same model's log-probability
    of each candidate phrase (``scores``) and of the transcript (``transcript_score``).
    """
    if transcript.rejected:
        # The transcriber wrote no words: whatever the grammar path made of the sound
        # (often nothing) stands, but never sure enough to act on without asking: a
        # closed grammar forces any sentence onto some phrase ("he can't move his left
        # arm" came back as "on fire" at 1.0 when the transcriber gave up on it).
        capped = min(grammar_result.confidence, UNCONFIRMED)
        return as_phrase(grammar_result, grammar_result.text, capped), "no transcript"
    if words_of(transcript.text) == words_of(grammar_result.text):
        # Both heard the same menu phrase: the grammar's answer, as sure as the surer.
        confidence = max(grammar_result.confidence, transcript.confidence)
        return as_phrase(grammar_result, grammar_result.text, confidence), BOTH_HEARD
    if scores:
        ours = grammar_result.text
        weighed = {p: v + (agreement if p == ours else 0.0) for p, v in scores.items()}
        best = max(weighed, key=lambda p: (weighed[p], p))
        gap = transcript_score - weighed[best]
        longer = len(words_of(transcript.text)) - len(best.split()) > EXTRA_WORDS
        if gap <= margin and not longer:
            # The menu phrase explains the audio about as well as the free transcript:
            # the caller said it (and the transcript is a spelling of it, "GP's").
            confidence = 1.0 - max(0.0, gap) / GAP_SCALE
            # the models agree only when the transcriber prefers the grammar path's
            # phrase by itself: the bonus breaks no tie into an action ("temperature"
            # went to "family doctor", 2 nats behind on Moonshine's own scores)
            preferred = max(scores, key=lambda p: (scores[p], p))
            if best == ours and preferred == ours:
                confidence = max(confidence, grammar_result.confidence)
            else:  # the two models disagree about the phrase: ask
                confidence = min(confidence, ONE_MODEL)
            return as_phrase(grammar_result, best, confidence), "a menu phrase"
    # The caller said something no menu phrase explains: what was said, as said.
    return transcript, DESCRIBED


def by_sound(
    chosen: Result,
    grammar_result: Result,
    transcript: Result,
    phrases: Sequence[str],
    sounds: SoundsLike,
    acted_on: float = SURE,
    behind: Callable[[], float | None] | None = None,
) -> tuple[Result, str] | None:
    """What how ``transcript`` sounds makes of the ``chosen`` answer, or ``None``.

    - A phrase about to be acted on (``acted_on`` or surer) that the transcript sounds
      less like than another phrase (by over ``SOUNDS_OTHER``) is asked about instead
      ("sick", transcribed "see", heard as "teeth" at 0.58), unless the transcriber
      finds the phrase at most ``SOUNDS_EXEMPT`` nats less likely than its transcript
      (``behind()``, asked only then, since it may score the phrase; ``None``: unknown).
    - The grammar path's phrase, not otherwise acted on, is when the transcript sounds
      most like it: acted on (``SOUNDS_SAME`` or nearer), or asked about (to
      ``SOUNDS_ASK``). Two engines of unlike kinds then point at one phrase: "key in a
      number", heard at 0.10, transcribed "he is a number".
    """
    if transcript.rejected or not phrases:
        return None
    ranked = sounds.ranked(transcript.text, phrases)
    if not ranked:
        return None
    nearest, first = ranked[0]
    if chosen.source is Source.GRAMMAR and chosen.text and chosen.confidence >= acted_on:
        if sounds.distance(transcript.text, chosen.text) <= nearest + SOUNDS_OTHER:
            return None
        lag = behind() if behind is not None else None
        if lag is not None and lag <= SOUNDS_EXEMPT:
            return None
        asked = as_phrase(grammar_result, chosen.text, min(chosen.confidence, ONE_MODEL))
        return asked, SOUNDS_OTHERWISE
    ours = grammar_result.text
    if not ours or first != ours or nearest > SOUNDS_ASK:
        return None
    if nearest <= SOUNDS_SAME:
        return as_phrase(
            grammar_result, ours, max(grammar_result.confidence, acted_on)
        ), SOUNDS_LIKE
    floor = (
        UNCONFIRMED if chosen.source is not Source.GRAMMAR else max(chosen.confidence, UNCONFIRMED)
    )
    return as_phrase(grammar_result, ours, max(grammar_result.confidence, floor)), SOUNDS_LIKE


#: Moonshine's likeliest phrase is a runner-up when at most this many nats behind its own
#: transcript (``runners_up``), and the phrase the transcript sounds most like when at
#: most ``RUNNER_UP_SOUND`` away.
RUNNER_UP_GAP = 10.0
RUNNER_UP_SOUND = 0.8
#: The most runners-up given: a question offers two choices at most.
RUNNERS_UP = 2


def runners_up(
    choice: Choice,
    phrases: Sequence[str],
    free: bool,
    sounds: SoundsLike | None = None,
    limit: int = RUNNERS_UP,
) -> tuple[str, ...]:
    """Menu phrases worth a question besides ``choice``'s answer, best first: the
    transcriber's likeliest phrase (within ``RUNNER_UP_GAP`` nats of its transcript),
    the grammar path's phrase, and the phrase the transcript sounds most like (within
    ``RUNNER_UP_SOUND``). None for a description (a long transcript where the node
    takes them: its words decide), and never a digit (one picks an option by key).

    Why: in noise the two engines often each get a short menu phrase half right. Of
    the menu phrases said by the dev voices (the 2,160 clips of the module notes) that
    were not understood or were asked about wrongly, the phrase said was among the
    first two runners-up for about 40%. Asked about them (``ivr.call.also_heard``;
    an unsure spoken digit and a phrase too faint to take are asked about beside
    them), the share routed right rose from 85.4% to 91.9% at 15 dB (espeak-ng 80%
    to 89%, flite 91% to 95%) and from 94.0% to 97.3% clean, with no clip routed
    right before routed otherwise after and no action taken that was not taken
    before. The limits are not sharp: 8-12 nats and a sound of 0.6-1.0 gave the
    same within a point."""
    transcript = choice.transcript
    if transcript is None:
        return ()
    said = words_of(transcript.text)
    if free and len(said) > SHORT and choice.result.source is not Source.GRAMMAR:
        return ()
    found: list[str] = []
    own = choice.transcript_score
    if choice.scores and own is not None:
        best = max(choice.scores, key=lambda p: (choice.scores[p], p))
        if own - choice.scores[best] <= RUNNER_UP_GAP:
            found.append(best)
    found.append(choice.grammar.text)
    if sounds is not None and said:
        ranked = sounds.ranked(transcript.text, phrases)
        if ranked and ranked[0][0] <= RUNNER_UP_SOUND:
            found.append(ranked[0][1])
    answer = words_of(choice.result.text)
    kept = [
        p
        for p in dict.fromkeys(found)
        if p and words_of(p) != answer and not is_digits(p)  # "oh" is a digit too
    ]
    return tuple(kept[:limit])


def choose_by_words(grammar_result: Result, transcript: Result) -> tuple[Result, str]:
    """The choice without a shared model to score phrases (a vosk transcriber), whose
    scores and the grammar path's are on unrelated scales: by the words alone. A
    transcript longer than the grammar's phrase by more than ``EXTRA_WORDS`` words
    is a description; anything shorter is taken for a menu phrase that the grammar
    path, made for these words, hears better (vosk's Korean model writes the digit
    "삼" as "사 함")."""
    if transcript.rejected:
        return grammar_result, "no transcript"
    said = words_of(transcript.text)
    phrase = words_of(grammar_result.text)
    if said == phrase:
        confidence = max(grammar_result.confidence, transcript.confidence)
        return as_phrase(grammar_result, grammar_result.text, confidence), BOTH_HEARD
    if phrase and len(said) - len(phrase) <= EXTRA_WORDS:
        return grammar_result, "a menu phrase"
    # More words than any phrase (a sentence around it, which the text understanding
    # reads whole), or the grammar path heard nothing at all.
    return transcript, DESCRIBED


def wrote_digit(transcript: Result | None, digit: str) -> bool:
    """Whether the transcript is the one digit ``digit`` ("two", "Two." or "2")."""
    if transcript is None:
        return False
    said = words_of(transcript.text)
    return said == (digit,) or said == (DIGIT_WORDS.get(digit, digit),)


def is_digits(text: str) -> bool:
    words = words_of(text)
    return bool(words) and all(w in DIGIT_WORDS for w in words)


def as_phrase(grammar_result: Result, phrase: str, confidence: float) -> Result:
    confidence = min(1.0, max(0.0, confidence))
    if phrase == grammar_result.text:
        words = tuple(Word(w.word, confidence, w.start, w.end) for w in grammar_result.words)
    else:
        end = max((w.end for w in grammar_result.words), default=0.0)
        words = tuple(Word(w, confidence, 0.0, end) for w in phrase.split())
    return Result(phrase, confidence, words, source=Source.GRAMMAR)
