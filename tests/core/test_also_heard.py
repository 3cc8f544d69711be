"""The recogniser's runners-up: asked about when the words lead nowhere sure, never acted on."""

from __future__ import annotations

import pytest

from ivr.call.record import VisitKind
from ivr.call.state import Mode
from ivr.events import KeyPress, Speech
from ivr.loader import load_menu_text
from ivr.model import Menu
from ivr.session import Session
from tests.core.menus import TINY

#: Heard below the default ``reject_below`` (0.3): on its own, not taken at all.
FAINT = 0.2
#: Between ``reject_below`` and ``confirm_below`` (0.6): on its own, "Did you say X?".
UNSURE = 0.45


@pytest.fixture(scope="module")
def tiny() -> Menu:
    return load_menu_text(TINY, "tiny.yaml")


def started(menu: Menu) -> Session:
    session = Session(menu)
    session.start()
    return session


def offered(session: Session) -> list[str]:
    return [str(c.ref) for c in session.state.choices]


def test_words_that_lead_nowhere_ask_about_both_runners_up(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("zork blat", FAINT, ("facts", "information line")))
    assert session.state.mode is Mode.CHOOSE
    assert offered(session) == ["main.3", "main.2"]
    assert not session.ended


def test_without_runners_up_the_same_words_are_a_no_match(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("zork blat", FAINT))
    assert session.state.mode is Mode.MENU
    assert session.visits[-1][0] is VisitKind.NO_MATCH


def test_a_description_not_understood_asks_about_the_runners_up(tiny: Menu) -> None:
    # heard surely, at a node that takes descriptions, and understood as nothing
    session = started(tiny)
    session.send(Speech("the weather is lovely today", 0.9, ("facts",)))
    assert session.state.mode is Mode.CONFIRM and offered(session) == ["main.3"]


def test_one_runner_up_is_confirmed_never_acted_on(tiny: Menu) -> None:
    session = started(tiny)
    out = session.send(Speech("zork", 1.0, ("information line",)))
    assert session.state.mode is Mode.CONFIRM and offered(session) == ["main.2"]
    assert not session.ended and session.route is None
    assert any("Did you say information line?" in getattr(o, "text", "") for o in out)
    session.send(Speech("yes"))
    assert session.outcome == "route"


def test_an_unsure_phrase_is_offered_beside_its_runner_up(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("facts", UNSURE, ("information line",)))
    assert session.state.mode is Mode.CHOOSE
    assert offered(session) == ["main.3", "main.2"]  # what was heard first
    session.send(KeyPress("2"))
    assert session.outcome == "route"


def test_an_unsure_phrase_alone_is_only_confirmed(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("facts", UNSURE))
    assert session.state.mode is Mode.CONFIRM and offered(session) == ["main.3"]


def test_a_sure_phrase_is_taken_whatever_the_runners_up(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("information line", 0.9, ("facts", "emergency")))
    assert session.outcome == "route"


def test_a_runner_up_with_the_answers_outcome_is_not_offered_twice(tiny: Menu) -> None:
    session = started(tiny)
    # "stolen" is another phrase of the information line's option
    session.send(Speech("information line", UNSURE, ("stolen",)))
    assert session.state.mode is Mode.CONFIRM and offered(session) == ["main.2"]


def test_commands_digits_and_phrases_of_two_outcomes_are_not_asked_about(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("zork", FAINT, ("repeat", "2")))
    assert session.visits[-1][0] is VisitKind.NO_MATCH
    session.send(Speech("zork", FAINT, ("car crash",)))  # fire or police: no one answer
    assert session.visits[-1][0] is VisitKind.NO_MATCH
    assert session.state.mode is Mode.MENU


def test_a_node_of_menu_words_asks_about_its_own_runners_up(tiny: Menu) -> None:
    session = started(tiny)
    session.send(KeyPress("1"))
    session.settle()
    assert session.node.id == "emergency"
    session.send(Speech("zork", FAINT, ("smell gas", "burglar")))
    assert session.state.mode is Mode.CHOOSE
    assert offered(session) == ["emergency.1", "emergency.2"]


def test_runners_up_are_no_answer_to_a_pending_question(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("facts", UNSURE))
    assert session.state.mode is Mode.CONFIRM
    # heard while a question is pending, the runners-up came from the question's
    # grammar (yes, no, the choice's words), not the node's: the question stands
    session.send(Speech("zork", FAINT, ("information line",)))
    assert session.state.mode is Mode.CONFIRM and offered(session) == ["main.3"]
    session.send(Speech("zork", 0.9, ("information line",)))  # a fresh request, not an answer
    assert session.state.mode is Mode.MENU
    assert session.visits[-1][0] is VisitKind.NO_MATCH


def test_an_unsure_spoken_digit_is_asked_about_beside_its_runner_up(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("three", UNSURE, ("information line",)))  # "three" picks the facts
    assert session.state.mode is Mode.CHOOSE
    assert offered(session) == ["main.3", "main.2"]
    alone = started(tiny)
    alone.send(Speech("three", UNSURE))
    assert alone.state.mode is Mode.CONFIRM and offered(alone) == ["main.3"]


def test_an_unsure_digit_that_picks_nothing_asks_about_the_runners_up(tiny: Menu) -> None:
    # "knife" heard as "seven": no option has that key
    session = started(tiny)
    session.send(Speech("seven", UNSURE, ("information line",)))
    assert session.state.mode is Mode.CONFIRM and offered(session) == ["main.2"]
    alone = started(tiny)
    alone.send(Speech("seven", UNSURE))
    assert alone.visits[-1][0] is VisitKind.INVALID_KEY


def test_a_sure_spoken_digit_is_a_key_whatever_the_runners_up(tiny: Menu) -> None:
    session = started(tiny)
    session.send(Speech("two", 0.9, ("facts",)))
    assert session.outcome == "route"


def test_a_phrase_too_faint_to_take_is_asked_about_first_beside_its_runners_up(
    tiny: Menu,
) -> None:
    session = started(tiny)
    session.send(Speech("facts", FAINT, ("information line", "emergency")))
    assert session.state.mode is Mode.CHOOSE
    assert offered(session) == ["main.3", "main.2"]
    # with no runners-up (typed text, or a recogniser that names none) it is not taken
    alone = started(tiny)
    alone.send(Speech("facts", FAINT))
    assert alone.visits[-1][0] is VisitKind.NO_MATCH


@pytest.fixture(scope="module")
def norway() -> Menu:
    from pathlib import Path

    from ivr.loader import load_menu

    return load_menu(Path(__file__).resolve().parents[2] / "menus" / "norway.yaml")


def test_a_description_heard_unsurely_is_offered_with_the_next_reading(norway: Menu) -> None:
    # understood unsurely as one target: typed, "Did you say X?"; heard unsurely, the
    # ranker's next target is offered too, since the words themselves may be misheard
    typed = started(norway)
    typed.send(Speech("my knee hurts after football"))
    assert typed.state.mode is Mode.CONFIRM
    (first,) = offered(typed)
    heard = started(norway)
    heard.send(Speech("my knee hurts after football", UNSURE))
    assert heard.state.mode is Mode.CHOOSE
    assert offered(heard)[0] == first and len(offered(heard)) == 2
    # the ranker's next target: the best-scored one that leads somewhere else
    understanding = heard.index.understanding
    scores = understanding.decide("my knee hurts after football", [], "en").scores
    outcome = understanding.targets[first].outcome
    following = next(s.ref for s in scores if understanding.targets[s.ref].outcome != outcome)
    assert offered(heard)[1] == following
