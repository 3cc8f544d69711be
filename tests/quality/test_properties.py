"""Property-based tests: the loader on generated and mutated menus, the engine on random calls.

The loader may only ever answer a menu with a ``Menu`` or a clean ``IvrError``
(``MenuErrors`` / ``MenuError``); the session may only ever raise ``IvrError``
and must pass the chaos safety oracle: no route the caller did not choose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ivr.analysis import analyse
from ivr.chaos.oracle import replay
from ivr.chaos.runner import run_call
from ivr.errors import IvrError, MenuError, MenuErrors
from ivr.events import PHONE_KEYS, BargeIn, HangUp, KeyPress, Silence, Speech
from ivr.graph import render
from ivr.loader import load_menu, load_menu_text
from ivr.model import Menu

NORWAY_PATH = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
NORWAY_TEXT = NORWAY_PATH.read_text(encoding="utf-8")
NORWAY = load_menu(NORWAY_PATH)
PHRASES = sorted({p for n in NORWAY.nodes.values() for o in n.options for p in o.phrases.all()})

ids = st.sampled_from(["main", "a", "b", "c", "fire", "x-1", "1bad", ""])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=False, width=32),
    st.text(max_size=12), ids,
)  # fmt: skip
keys = st.one_of(st.integers(-1, 11), st.sampled_from(["*", "#", "1", "12", "", None]))
action = st.one_of(
    st.fixed_dictionaries({"goto": ids}), st.fixed_dictionaries({"route": ids}),
    st.fixed_dictionaries({"info": st.text(max_size=20)}),
    st.fixed_dictionaries({"do": st.sampled_from(["back", "hangup", "operator", "dance"])}),
    st.just({}),
)  # fmt: skip


@st.composite
def options(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = dict(draw(action))
    if draw(st.booleans()):
        body["key"] = draw(keys)
    if draw(st.booleans()):
        body["words"] = draw(st.lists(st.text(max_size=15), max_size=3))
    if draw(st.integers(0, 9)) == 0:
        body[draw(st.sampled_from(["confirm", "label", "typo"]))] = draw(scalars)
    return body


@st.composite
def nodes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["options", "options", "options", "collect", "branch", "none"]))
    node: dict[str, Any] = {"prompt": draw(st.one_of(st.text(min_size=1, max_size=30), scalars))}
    if kind == "options":
        node["options"] = draw(st.lists(options(), min_size=0, max_size=4))
    elif kind == "collect":
        node["collect"] = {"max_digits": draw(st.integers(0, 40)),
                           "services": draw(st.booleans())}  # fmt: skip
    elif kind == "branch":
        node["branch"] = [
            {"when": {"days": draw(st.sampled_from(["mon-fri", "weekends", "funday"])),
                      "time": draw(st.sampled_from(["08:00-16:00", "22:00-06:00", "25:00-1"]))},
             **draw(action)},
            {"otherwise": True, **draw(action)},
        ]  # fmt: skip
    if draw(st.integers(0, 4)) == 0:
        node["settings"] = {draw(st.sampled_from(["no_input_timeout", "max_no_input", "barge_in",
                                                  "search", "bogus"])): draw(scalars)}  # fmt: skip
    return node


@st.composite
def menus(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    menu: dict[str, Any] = {
        "menu": "gen",
        "start": draw(st.one_of(st.sampled_from(names), ids)),
        "nodes": {name: draw(nodes()) for name in names},
        "services": {
            "fire": {"number": draw(st.sampled_from(["110", "1 1 0", "0110", "12", "abc"])),
                     "name": "the fire service"},
            "a": {"number": "555 123", "name": "A", "announce": "A on {number}."},
        },
    }  # fmt: skip
    if draw(st.booleans()):
        menu["shortcuts"] = draw(st.lists(st.sampled_from(["fire", "a", "nope"]), max_size=2))
    if draw(st.booleans()):
        menu["commands"] = {"main_menu": {"key": draw(keys)}, "back": {"words": ["back"]}}
    if draw(st.booleans()):
        menu["limits"] = {"max_call_seconds": draw(st.integers(0, 2000)),
                          "max_caller_events": draw(st.integers(0, 300))}  # fmt: skip
    return menu


def _load(text: str) -> Menu | None:
    try:
        return load_menu_text(text, "gen.yaml")
    except IvrError:
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(menus(), st.integers(0, 10_000))
def test_generated_menus_load_cleanly_and_every_tool_copes(data: dict[str, Any], seed: int) -> None:
    menu = _load(yaml.safe_dump(data, allow_unicode=True))
    if menu is None:
        return
    analyse(menu, use_cmudict=False, vocabulary=False)
    assert render(menu, "dot").startswith("digraph")
    result = run_call(menu, seed)
    assert result.failure is None, result.failure


@st.composite
def mutations(draw: st.DrawFn) -> str:
    lines = NORWAY_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "indent", "cut"]))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "char" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            char = draw(st.sampled_from(list(":-[]{}#*&!|>'\"\t0 \x00é")))
            lines[i] = lines[i][:k] + char + lines[i][k + 1 :]
        elif how == "indent":
            lines[i] = "  " + lines[i]
        else:
            lines = lines[:i]
    return "\n".join(lines) + "\n"


def _clean(error: IvrError, lines: int) -> str | None:
    """What is unclean about ``error`` for a person reading it ("" when nothing): a menu
    error must point into the file, and every message is one line of text."""
    if not error.message.strip() or "\n" in error.message:
        return f"message {error.message!r}"
    if isinstance(error, MenuError):
        where = error.where
        if where.file != "gen.yaml" or not 1 <= where.line <= lines or where.col < 1:
            return f"{error.message!r} at {where}"
    return ""


@settings(max_examples=200, deadline=None)
@given(mutations())
def test_mutated_norway_menus_fail_only_with_clean_errors(text: str) -> None:
    lines = len(text.splitlines()) + 1  # a problem at the end of the file is on the next line
    try:
        menu = load_menu_text(text, "gen.yaml")
    except MenuErrors as exc:
        assert [p for e in exc.errors if (p := _clean(e, lines))] == []
        return
    except IvrError as exc:
        assert _clean(exc, lines) == ""
        return
    findings = analyse(menu, use_cmudict=False, vocabulary=False)
    assert all(f.message.strip() and "\n" not in f.line() for f in findings)


events = st.one_of(
    st.builds(KeyPress, st.sampled_from(list(PHONE_KEYS))),
    st.builds(Speech, st.sampled_from(PHRASES), st.floats(0, 1)),
    st.builds(Speech, st.text(max_size=40), st.floats(0, 1)),
    st.builds(Speech, st.sampled_from(["yes", "no", "ja", "nei", "one one three", "repeat",
                                       "it is not a fire", "back", "main menu"])),
    st.builds(Silence, st.floats(0, 30)),
    st.builds(BargeIn, st.floats(0, 20), st.sampled_from(["key", "speech"])),
    st.just(HangUp()),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(events, max_size=40), st.sampled_from(["en", "nb"]))
def test_random_calls_never_crash_and_never_misroute(calls: list[Any], lang: str) -> None:
    try:
        session, problems = replay(NORWAY, calls, lang=lang)
    except IvrError:
        return
    assert problems == []
    assume(session.ended)
    assert session.outcome in ("route", "hangup")
