"""The safety policy of described needs, rule by rule (README: "Understanding").

A small menu with a lexical ranker only, so every verdict here follows from
the menu's own words and examples: each test fails if its rule is removed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ivr.events import Route, Speech
from ivr.loader import load_menu_text
from ivr.matcher import Candidate, top_ties
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.session import Session
from ivr.textnorm import tokens
from ivr.understand.cues import (
    asks_whether_to_call,
    happening_now,
    literal,
    not_urgent,
    over_and_done,
)
from ivr.understand.lexicon import terms
from ivr.understand.policy import Understanding
from ivr.understand.ranker import Scored, Thresholds
from ivr.understand.verdicts import Reason, Verdict

MENU = """\
menu: helpline
start: main
services:
  fire:
    number: "110"
    name: the fire service
    purpose: Fire, smoke, gas leaks and hazardous chemical spills.
    examples: ["the kitchen is full of smoke", "a lorry is leaking fuel on the road"]
  ambulance:
    number: "113"
    name: an ambulance
    purpose: Life-threatening illness such as chest pain or unconsciousness.
    examples: ["my father has crushing chest pain", "my husband collapsed and is not responding"]
  police_info:
    number: "02800"
    name: the police information line
    purpose: Minor incidents after the fact and questions for the police.
    examples: ["my bike was stolen last week", "I have a question for the police"]
  gp_register:
    number: "81059500"
    name: GP registration
    purpose: Registering with or changing your doctor.
    examples: ["I want to switch to a different doctor", "my doctor retired and I need a new one"]
  doctor:
    number: "116117"
    name: the out-of-hours doctor
    purpose: Urgent illness that cannot wait until tomorrow.
    urgent: true
    examples: ["my son has a high fever tonight", "I cut my hand and it needs stitches"]
shortcuts: [fire, ambulance]
commands:
  help: {words: [help, what can i say]}
nodes:
  main:
    settings: {search: tree}
    prompt: Tell me what happened.
    options:
      - {key: 1, label: the fire service, words: [fire, smoke], route: fire}
      - {key: 2, label: an ambulance, words: [ambulance, chest pain], route: ambulance}
      - {key: 3, label: police information, words: [police information], route: police_info}
      - {key: 4, label: GP registration, words: [register], route: gp_register}
      - {key: 5, label: a doctor, words: [doctor, fever], route: doctor}
      - {key: 6, label: interpreters, words: [interpreter, do not speak norwegian],
         info: You may have an interpreter.}
"""


@pytest.fixture(scope="module")
def menu() -> Menu:
    return load_menu_text(MENU, "helpline.yaml")


@pytest.fixture(scope="module")
def index(menu: Menu) -> MenuIndex:
    return MenuIndex(menu)


def decide(index: MenuIndex, text: str) -> tuple[Verdict, list[str], Reason]:
    toks = tokens(text, "en")
    found = index.local("main", "en").match(toks) + index.tree("en").match(toks)
    found.sort(key=lambda c: -c.score)
    best = top_ties(found)
    d = index.understanding.decide(text, best, "en", [c for c in found if c not in best])
    return d.verdict, list(d.refs), d.reason


def routed(menu: Menu, index: MenuIndex, text: str) -> str | None:
    session = Session(menu, index=index)
    session.start()
    out = session.send(Speech(text))
    routes = [o for o in out if isinstance(o, Route)]
    return routes[0].display if routes else None


def test_a_menu_phrase_said_alone_acts_at_once(index: MenuIndex) -> None:
    assert decide(index, "ambulance") == (Verdict.ACT, ["main.2"], Reason.PHRASE)


def test_a_clear_description_of_one_service_acts_at_once(menu: Menu, index: MenuIndex) -> None:
    verdict, refs, reason = decide(index, "my husband collapsed and he is not responding at all")
    assert (verdict, refs, reason) == (Verdict.ACT, ["main.2"], Reason.MEANING)
    assert routed(menu, index, "my husband collapsed and he is not responding at all") == "113"


def test_a_single_word_never_outweighs_the_sentence(menu: Menu, index: MenuIndex) -> None:
    # "doctor" is a phrase of the out-of-hours doctor; the sentence is about registration
    text = "I would like to switch to a different doctor"
    verdict, refs, _reason = decide(index, text)
    assert verdict is not Verdict.ACT or refs == ["main.4"]
    assert routed(menu, index, text) != "116117"


def test_one_content_word_that_is_no_menu_phrase_is_only_asked_about(index: MenuIndex) -> None:
    verdict, _, _ = decide(index, "I want to report something stolen")
    assert verdict is not Verdict.NONE
    verdict, refs, reason = decide(index, "stitches")
    assert verdict is Verdict.CONFIRM and refs == ["main.5"] and reason is Reason.UNSURE


def test_a_negated_service_is_never_chosen(menu: Menu, index: MenuIndex) -> None:
    text = "there is no fire, I only have a question for the police"
    _verdict, refs, _ = decide(index, text)
    assert "main.1" not in refs
    assert routed(menu, index, text) != "110"
    assert "not_fire" in terms(text, "en")


def test_negation_in_a_symptom_still_counts_for_it() -> None:
    # "not breathing" meets "can't breathe": the negated word is a term of its own
    assert terms("he is not breathing", "en") == terms("she can't breathe", "en")


def test_a_caller_who_says_it_can_wait_is_asked_before_an_emergency_line(
    menu: Menu, index: MenuIndex
) -> None:
    text = "it is not urgent but my father had chest pain last week"
    verdict, _refs, reason = decide(index, text)
    assert verdict is not Verdict.ACT
    assert reason is Reason.CAN_WAIT
    assert routed(menu, index, text) is None
    # without the cue, chest pain goes straight through
    assert routed(menu, index, "my father has chest pain") == "113"


def test_can_wait_cues_are_whole_phrases() -> None:
    assert not_urgent("no rush, it can wait until tomorrow", "en")
    assert not_urgent("det haster ikke", "nb")
    assert not not_urgent("I waited an hour and he is still bleeding", "en")
    assert not not_urgent("I can't wait", "en")


def test_an_emergency_that_fits_too_is_offered_first(index: MenuIndex) -> None:
    # a doctor word and a fire word in one sentence: both offered, the emergency first
    verdict, refs, _reason = decide(index, "I have a fever and the kitchen is full of smoke")
    assert verdict is Verdict.CHOOSE
    assert refs[0] == "main.1"


def test_two_menu_phrases_of_different_services_are_asked_about(index: MenuIndex) -> None:
    # equally good phrases of two services ("smoke", "fever"): never a guess
    verdict, refs, _ = decide(index, "smoke fever")
    assert verdict is Verdict.CHOOSE and refs == ["main.1", "main.5"]


def test_nothing_that_fits_is_a_no_match(index: MenuIndex) -> None:
    assert decide(index, "the weather is lovely today") == (Verdict.NONE, [], Reason.NOTHING)


def test_a_low_recogniser_confidence_turns_acting_into_asking(menu: Menu, index: MenuIndex) -> None:
    session = Session(menu, index=index)
    session.start()
    out = session.send(Speech("my husband collapsed and he is not responding at all", 0.3))
    assert not [o for o in out if isinstance(o, Route)]
    assert session.state.mode == "confirm"


def test_a_sentence_heard_below_the_reject_level_is_asked_about_never_acted_on(
    menu: Menu, index: MenuIndex
) -> None:
    # what noise leaves of "my husband collapsed and is not responding": still plain
    session = Session(menu, index=index)
    session.start()
    out = session.send(Speech("my husband collapsed and he is not responding at all", 0.05))
    assert not [o for o in out if isinstance(o, Route)]
    assert session.state.mode == "confirm"
    out = session.send(Speech("yes"))
    assert [o.display for o in out if isinstance(o, Route)] == ["113"]


def not_taken(menu: Menu, index: MenuIndex, speech: Speech) -> bool:
    """Whether the utterance counted as a no-match, leaving the caller at the menu."""
    session = Session(menu, index=index)
    session.start()
    before = session.state.no_match
    session.send(speech)
    return session.state.mode == "menu" and session.state.no_match == before + 1


def test_a_short_answer_below_the_reject_level_is_still_not_taken(
    menu: Menu, index: MenuIndex
) -> None:
    # a menu phrase forced onto noise is short: below reject_below it is nothing
    assert not_taken(menu, index, Speech("ambulance", 0.05))


def test_an_unsure_sentence_that_means_nothing_plain_is_not_asked_about(
    menu: Menu, index: MenuIndex
) -> None:
    assert not_taken(menu, index, Speech("the weather is lovely today for a walk", 0.05))


def test_the_menu_examples_are_read_by_the_loader(menu: Menu) -> None:
    assert menu.services["fire"].examples.get("en")[0] == "the kitchen is full of smoke"


def test_only_saying_what_it_is_not_is_not_understood(index: MenuIndex) -> None:
    assert decide(index, "it's not a fire") == (Verdict.NONE, [], Reason.NEGATED)


def test_a_plea_for_help_is_offered_the_emergency_lines(index: MenuIndex) -> None:
    # nothing of what happened, yet never "Sorry, I did not understand"
    assert decide(index, "please I need help") == (
        Verdict.CHOOSE,
        ["main.1", "main.2"],
        Reason.PLEA,
    )
    assert decide(index, "I'm not sure who I should be calling")[2] is Reason.PLEA
    # the same doubt with the "who" lost to noise, and a doubt about the line itself
    assert decide(index, "I'm not sure I should be calling")[2] is Reason.PLEA
    assert decide(index, "sorry, is this the right number")[2] is Reason.PLEA


def test_help_alone_stays_the_menus_help_command(index: MenuIndex) -> None:
    verdict, refs, _reason = decide(index, "help")
    assert (verdict, refs) == (Verdict.ACT, ["cmd:help"])


def test_a_plea_that_can_wait_is_not_offered_the_emergency_lines(index: MenuIndex) -> None:
    assert decide(index, "I need some help, it is not urgent")[2] is not Reason.PLEA


def test_a_plea_with_a_need_in_it_follows_the_need(index: MenuIndex) -> None:
    _verdict, refs, reason = decide(index, "help, my father has crushing chest pain")
    assert reason is not Reason.PLEA and refs[0] == "main.2"


def test_a_description_only_weakly_about_one_target_is_asked_about(index: MenuIndex) -> None:
    # above the floor, below the confirm line: a question, never "not understood", never an act
    text = "I have a question about my bike lock and keys and the garage door"
    assert decide(index, text) == (Verdict.CONFIRM, ["main.3"], Reason.WEAK)
    # below the floor it is nothing
    assert (
        decide(index, "a lorry went past the school this afternoon and the driver waved")[2]
        is Reason.NOTHING
    )


class _FakeRanker:
    """What every fake meaning ranker here shares: an English ranker on the blend's scale."""

    name = "fake"
    thresholds = Thresholds(floor=0.2, confirm=0.3, act=0.55, margin=0.15, min_overlap=1)

    def languages(self) -> frozenset[str]:
        return frozenset({"en"})


class _Blurred(_FakeRanker):
    """A meaning ranker that finds everything a little about the ambulance."""

    name = "blurred"

    def __init__(self, overlap: int) -> None:
        self.overlap = overlap

    def rank(self, text: str, lang: str) -> list[Scored]:
        return [Scored("main.2", 0.25, "", self.overlap), Scored("main.1", 0.05, "", 0)]


def test_a_weak_meaning_without_a_shared_word_is_not_asked_about(menu: Menu) -> None:
    # gibberish comes near the floor of an embedding's scale: no word shared, no question
    for overlap, verdict in ((0, Verdict.NONE), (1, Verdict.CONFIRM)):
        index = MenuIndex(menu, rankers=(_Blurred(overlap),))
        assert index.understanding.decide("bla bla bla", [], "en").verdict is verdict


def test_an_emergency_number_said_alone_routes_at_once(menu: Menu, index: MenuIndex) -> None:
    assert routed(menu, index, "one one three please") == "113"


def test_an_emergency_number_mentioned_in_a_story_does_not_outweigh_it(
    menu: Menu, index: MenuIndex
) -> None:
    text = "my bike was stolen last week, should I ring 110 about that"
    assert routed(menu, index, text) is None
    session = Session(menu, index=index)
    session.start()
    session.send(Speech(text))
    offered = [str(c.ref) for c in session.state.choices]
    assert session.state.mode == "choose" and "main.3" in offered


def test_an_emergency_number_asked_for_in_a_sentence_still_routes_at_once(
    menu: Menu, index: MenuIndex
) -> None:
    assert routed(menu, index, "please put me through to 113 right now thanks") == "113"
    assert routed(menu, index, "my father has crushing chest pain, I need 113") == "113"


def test_an_emergency_number_the_caller_asks_about_is_not_taken_as_asked_for(
    menu: Menu, index: MenuIndex
) -> None:
    # "should I ring 113 ...?" asks whether it is the number: a question, never a route
    text = "should I ring 113 about something like this, or is there another number"
    assert routed(menu, index, text) is None
    assert asks_whether_to_call("må jeg ringe 113 når sønnen min har et kutt som må sys", "nb")
    assert not asks_whether_to_call("please put me through to 113 right now", "en")


class _Fixed(_FakeRanker):
    """A meaning ranker with fixed scores: the police information line clearly first,
    the fire service far behind."""

    name = "fixed"

    def rank(self, text: str, lang: str) -> list[Scored]:
        return [Scored("main.3", 0.6, "", 2), Scored("main.1", 0.25, "", 1)]


def test_happening_right_now_offers_an_emergency_that_fits_at_all(menu: Menu) -> None:
    understanding = MenuIndex(menu, rankers=(_Fixed(),)).understanding
    later = understanding.decide("two men took the quad bike from the barn", [], "en")
    assert (later.verdict, later.refs) == (Verdict.ACT, ("main.3",))
    now = understanding.decide("two men are taking the quad bike from the barn right now", [], "en")
    assert (now.verdict, now.refs, now.reason) == (
        Verdict.CHOOSE,
        ("main.1", "main.3"),
        Reason.EMERGENCY_TOO,
    )


def test_a_caller_who_says_it_can_wait_is_asked_before_urgent_care(
    menu: Menu, index: MenuIndex
) -> None:
    # the out-of-hours doctor is ``urgent: true``: their own GP may be the answer
    assert routed(menu, index, "my son has a high fever") == "116117"
    text = "it can wait until next week, my son has a high fever"
    verdict, _refs, reason = decide(index, text)
    assert verdict is not Verdict.ACT and reason is Reason.CAN_WAIT
    assert routed(menu, index, text) is None


def test_can_wait_matters_only_for_urgent_services() -> None:
    plain = load_menu_text(MENU.replace("    urgent: true\n", ""), "helpline.yaml")
    verdict, refs, _ = decide(
        MenuIndex(plain), "it can wait until next week, my son has a high fever"
    )
    assert (verdict, refs) == (Verdict.ACT, ["main.5"])


def test_something_over_and_done_is_asked_before_an_emergency_line(
    menu: Menu, index: MenuIndex
) -> None:
    text = "my father had crushing chest pain last month"
    verdict, _refs, reason = decide(index, text)
    assert verdict is not Verdict.ACT and reason is Reason.OVER
    assert routed(menu, index, text) is None
    assert routed(menu, index, "my father has crushing chest pain") == "113"


def test_over_and_done_gives_way_to_happening_now() -> None:
    assert over_and_done("we were burgled last month", "en")
    assert over_and_done("vi hadde innbrudd forrige måned", "nb")
    assert not over_and_done("we were burgled last month and they are back right now", "en")
    assert not over_and_done("my father has chest pain", "en")
    assert happening_now("someone just smashed our window", "en")
    # a fire the fire brigade already put out is over, whatever it left behind
    assert over_and_done("the fire brigade already put the fire out, but my hand is burnt", "en")
    assert over_and_done("brannvesenet har slukket, men hånden min er brent", "nb")
    assert not over_and_done("we cannot put the fire out", "en")
    # days named relative to today, not only weeks and months
    assert over_and_done("someone broke into my car at the weekend and took my laptop", "en")
    assert over_and_done("noen brøt seg inn i bilen min i helgen og tok pc-en", "nb")
    assert over_and_done("vi ble frastjålet sykkelen i går", "nb")
    assert not over_and_done("someone is breaking into my car", "en")
    assert over_and_done("he threatened me with a knife back in October", "en")
    assert over_and_done("han truet meg med kniv i oktober", "nb")


def test_not_serious_is_a_cue_that_it_can_wait() -> None:
    assert not_urgent("the ambulance crew said it's not serious, but the cut needs stitching", "en")
    assert not_urgent("legevakten sa det ikke er alvorlig", "nb")
    assert not not_urgent("it is serious, he is bleeding a lot", "en")


def test_two_needs_in_one_sentence_are_both_offered(index: MenuIndex) -> None:
    verdict, refs, reason = decide(index, "the kitchen is on fire and my father has chest pain")
    assert verdict is Verdict.CHOOSE and reason is Reason.TWO_NEEDS
    assert sorted(refs) == ["main.1", "main.2"]
    # one need, said with two of its own phrases, is still acted on
    assert decide(index, "there is smoke and fire in the kitchen")[0] is Verdict.ACT


def test_an_answer_read_out_never_hides_a_symptom_said_beside_it(index: MenuIndex) -> None:
    assert decide(index, "interpreter")[0] is Verdict.ACT
    text = "they do not speak norwegian and their boy has a fever"
    verdict, refs, reason = decide(index, text)
    assert (verdict, set(refs), reason) == (Verdict.CHOOSE, {"main.5", "main.6"}, Reason.TWO_NEEDS)


def test_a_detector_that_beeps_for_its_battery_is_asked_about_not_routed(
    menu: Menu, index: MenuIndex
) -> None:
    text = "my smoke alarm keeps beeping, I think it's the battery"
    verdict, _refs, _reason = decide(index, text)
    assert verdict is not Verdict.ACT
    assert routed(menu, index, text) is None
    assert routed(menu, index, "the kitchen is full of smoke") == "110"
    # "a battery", not only "the battery": the word itself is the cue
    assert (
        decide(index, "my fire alarm keeps beeping, I think it's a battery")[0] is not Verdict.ACT
    )
    assert not_urgent("my fire alarm keeps beeping, I think it's a battery", "en")
    assert not_urgent("røykvarsleren piper, det er visst batteriet", "nb")
    # a battery that is itself on fire is a fire
    assert not not_urgent("the e-bike battery caught fire in the hallway", "en")
    assert not not_urgent("batteriet i elsykkelen tok fyr", "nb")
    assert (
        routed(menu, index, "the laptop battery is on fire and the kitchen is full of smoke")
        == "110"
    )


class _Triage(_FakeRanker):
    """A meaning ranker that finds a sentence about the ambulance first, but the
    out-of-hours doctor close behind (within the margin)."""

    name = "triage"

    def rank(self, text: str, lang: str) -> list[Scored]:
        return [Scored("main.2", 0.45, "", 2), Scored("main.5", 0.38, "", 1)]


def _ambulance_said(text: str) -> list[Candidate]:
    return [Candidate(ref="main.2", phrase="ambulance", score=1.0)]


def test_an_emergency_phrase_whose_sentence_also_points_at_urgent_care_is_asked_about(
    menu: Menu,
) -> None:
    understanding = MenuIndex(menu, rankers=(_Triage(),)).understanding
    # other words of the sentence ("cut", "stitches") are the out-of-hours doctor's
    text = "the ambulance crew checked him and said he will be fine but the cut needs stitches"
    decision = understanding.decide(text, _ambulance_said(text), "en")
    assert decision.verdict is Verdict.CHOOSE
    assert decision.refs == ("main.2", "main.5")  # the emergency first
    # no word of the sentence points at the doctor: the emergency is not held up
    text = "send an ambulance, my husband collapsed in the garden and is grey and sweating"
    assert understanding.decide(text, _ambulance_said(text), "en").verdict is Verdict.ACT


def test_a_need_said_in_negated_words_is_asked_about_not_ignored(index: MenuIndex) -> None:
    # "not responding" is how the ambulance's own example says it: the need itself,
    # not the caller saying what it is not
    assert decide(index, "he is not responding") == (Verdict.CONFIRM, ["main.2"], Reason.WEAK)
    assert decide(index, "it's not a fire") == (Verdict.NONE, [], Reason.NEGATED)


def test_a_ranking_tie_is_broken_the_same_way_in_every_process() -> None:
    # equal scores keep the first ranker's order, whatever the string hash seed
    script = (
        "from ivr.understand.ranker import BlendRanker, Scored, Thresholds\n"
        "class R:\n"
        "    name = 'r'\n"
        "    thresholds = Thresholds(0.1, 0.2, 0.5, 0.1)\n"
        "    def __init__(self, refs): self.refs = refs\n"
        "    def languages(self): return frozenset({'en'})\n"
        "    def rank(self, text, lang): return [Scored(r, 0.5, '', 1) for r in self.refs]\n"
        "refs = ['a.1', 'b.2', 'c.3', 'd.4', 'e.5']\n"
        "blend = BlendRanker(R(refs), R(refs[::-1]), 0.6, Thresholds(0.1, 0.2, 0.5, 0.1))\n"
        "print(' '.join(s.ref for s in blend.rank('x', 'en')))\n"
    )
    orders = set()
    for seed in range(8):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        orders.add(done.stdout.strip())
    assert orders == {"a.1 b.2 c.3 d.4 e.5"}


class _ByWords(_FakeRanker):
    """A meaning ranker whose scores follow words of the text, so that a sentence and
    its parts can be scored apart."""

    name = "by-words"

    def rank(self, text: str, lang: str) -> list[Scored]:
        if text.startswith("sorry"):  # the apology drowns what follows it
            return [Scored("main.5", 0.1, "", 1)]
        found = [
            Scored(ref, score, "", 2)
            for word, ref, score in (
                ("chest", "main.2", 0.7),
                ("doctor", "main.4", 0.7),
                ("stitches", "main.5", 0.7),
                ("bike", "main.3", 0.45),
            )
            if word in text
        ]
        return sorted(found, key=lambda s: -s.score) or [Scored("main.6", 0.05, "", 0)]


def _by_words(menu: Menu) -> Understanding:
    return MenuIndex(menu, rankers=(_ByWords(),)).understanding


def test_two_needs_each_in_a_part_of_its_own_are_both_offered(menu: Menu) -> None:
    understanding = _by_words(menu)
    text = "my doctor retired and I need a new one, and also my bike was stolen last week"
    decision = understanding.decide(text, [], "en")
    assert (decision.verdict, decision.refs, decision.reason) == (
        Verdict.CHOOSE,
        ("main.4", "main.3"),
        Reason.TWO_NEEDS,
    )
    # one need said whole is acted on
    assert understanding.decide("my doctor retired and I need a new one", [], "en").verdict is (
        Verdict.ACT
    )
    # an emergency goes on at once: the other need can wait for it
    text = "my father has crushing chest pain, and also my bike was stolen"
    assert understanding.decide(text, [], "en").refs == ("main.2",)


def test_a_need_said_after_an_apology_and_but_is_asked_about(menu: Menu) -> None:
    understanding = _by_words(menu)
    text = "sorry to ring so late, it is probably nothing, but I cut my hand and it needs stitches"
    decision = understanding.decide(text, [], "en")
    assert (decision.verdict, decision.refs) == (Verdict.CONFIRM, ("main.5",))
    # without a "but" there is no part to weigh alone
    text = "sorry to ring so late, it is probably nothing, I cut my hand and it needs stitches"
    assert understanding.decide(text, [], "en").verdict is Verdict.NONE


def test_a_clear_sentence_comes_first_when_two_menu_words_are_at_odds(menu: Menu) -> None:
    understanding = _by_words(menu)
    said = [Candidate("main.1", 1.0, "smoke"), Candidate("main.5", 1.0, "fever")]
    text = "the baby is smoke and fever and chest"  # the meaning: clearly the ambulance
    decision = understanding.decide(text, said, "en")
    assert decision.verdict is Verdict.CHOOSE and decision.refs[0] == "main.2"


def test_a_menu_word_in_a_figure_of_speech_is_not_taken_in_earnest(menu: Menu) -> None:
    understanding = _by_words(menu)
    said = [Candidate("main.2", 1.0, "dying")]
    decision = understanding.decide("I'm dying to switch to a different doctor", said, "en")
    assert decision.refs == ("main.4",)
    assert literal("my back is killing me", "en") == "my back"
    assert literal("my husband is dying", "en") == "my husband is dying"


GP_MENU = """\
menu: gp
start: main
services:
  register: {number: "81059500", name: GP registration, purpose: Register with a GP or change GP.}
nodes:
  main:
    settings: {search: tree}
    prompt: Say what you need.
    options:
      - {key: 1, label: GPs, words: [fastlege, gp], goto: gp}
  gp:
    prompt: Press 1 to register with a GP, 2 for what a GP does.
    options:
      - {key: 1, label: GP registration, words: [register], route: register}
      - {key: 2, label: what a GP does, words: [sick note], info: Your GP treats you.}
"""


class _Registration(_FakeRanker):
    """A meaning ranker that finds the sentence clearly about GP registration."""

    name = "registration"

    def __init__(self, lead: float) -> None:
        self.lead = lead

    def rank(self, text: str, lang: str) -> list[Scored]:
        return [
            Scored("gp.1", 0.9, "", 2),
            Scored("main.1", 0.7, "", 1),
            Scored("gp.2", 0.9 - self.lead, "", 1),
        ]


def test_a_submenu_word_in_a_sentence_clearly_about_one_of_its_options_takes_that_option() -> None:
    menu = load_menu_text(GP_MENU, "gp.yaml")
    said = [Candidate("main.1", 1.0, "fastlege")]
    clear = MenuIndex(menu, rankers=(_Registration(0.3),)).understanding
    decision = clear.decide("how do I get a fastlege", said, "en")
    assert (decision.verdict, decision.refs) == (Verdict.ACT, ("gp.1",))
    # not clearly one option of it: the submenu, as the caller said
    unclear = MenuIndex(menu, rankers=(_Registration(0.05),)).understanding
    assert unclear.decide("how do I get a fastlege", said, "en").refs == ("main.1",)
