"""Refs: the text form every module writes, read back exactly, and nothing else accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.analysis.flow import Flow
from ivr.loader import load_menu, load_menu_text
from ivr.matcher import top_ties
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.refs import Ref, RefKind
from ivr.textnorm import tokens
from tests.core.menus import TINY

ROOT = Path(__file__).resolve().parents[2]

TEXTS = {
    "main.1": Ref(RefKind.OPTION, "main.1"),
    "main.w2": Ref(RefKind.OPTION, "main.w2"),
    "main.*": Ref(RefKind.OPTION, "main.*"),
    "cmd:operator": Ref(RefKind.CMD, "operator"),
    "cmd:main_menu": Ref(RefKind.CMD, "main_menu"),
    "shortcut:fire": Ref(RefKind.SHORTCUT, "fire"),
    "number:info_line": Ref(RefKind.NUMBER, "info_line"),
    "entry:dial:02800": Ref(RefKind.ENTRY, "dial:02800"),
    "branch:hours:2": Ref(RefKind.BRANCH, "hours:2"),
    "key:back": Ref(RefKind.KEY, "back"),
    "fail": Ref(RefKind.FAIL, ""),
}


@pytest.mark.parametrize("text", TEXTS)
def test_text_reads_back_as_the_ref_that_writes_it(text: str) -> None:
    ref = Ref.parse(text)
    assert ref == TEXTS[text]
    assert str(ref) == text


def test_every_kind_has_a_text_form_that_round_trips() -> None:
    assert {ref.kind for ref in TEXTS.values()} == set(RefKind)


def test_the_builders_write_the_text_the_modules_always_wrote() -> None:
    assert str(Ref.option("main.1")) == "main.1"
    assert str(Ref.cmd("operator")) == "cmd:operator"
    assert str(Ref.shortcut("fire")) == "shortcut:fire"
    assert str(Ref.number("police")) == "number:police"
    assert str(Ref.entry("dial", "1234")) == "entry:dial:1234"
    assert str(Ref.branch("hours", 1)) == "branch:hours:1"
    assert str(Ref.key("back")) == "key:back"
    assert str(Ref.fail()) == "fail"


@pytest.mark.parametrize(
    "text",
    [
        "",  # nothing
        "cmd:",  # a kind without an id
        "shortcut:",
        "bogus:x",  # no such kind
        "Cmd:operator",  # kinds are lower case, as written
        "option:main.1",  # options are written without a prefix
        "fail:main",  # "fail" names nothing more
        "cmd:a:b",  # one part only
        "entry:dial",  # an entry names its node and its digits
        "entry:dial:12a",
        "entry::123",
        "branch:hours:0",  # rules count from 1
        "branch:hours:x",
        "main 1",  # no whitespace in an id
        "shortcut: fire",
        " main.1",
    ],
)
def test_parse_rejects_text_no_module_writes(text: str) -> None:
    with pytest.raises(ValueError, match="is not a ref"):
        Ref.parse(text)


def test_a_ref_that_could_not_be_read_back_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        Ref.cmd("a:b")
    with pytest.raises(ValueError):
        Ref.option("fail")  # would read back as the failure ref
    with pytest.raises(ValueError):
        Ref(RefKind.FAIL, "main")


def test_refs_are_values_usable_as_keys() -> None:
    assert Ref.parse("cmd:help") == Ref.cmd("help")
    assert Ref.parse("cmd:help") != Ref.shortcut("help")
    assert len({Ref.cmd("help"), Ref.parse("cmd:help"), Ref.option("main.1")}) == 2


def _menus() -> list[Menu]:
    return [load_menu(ROOT / "menus" / "norway.yaml"), load_menu_text(TINY, "tiny.yaml")]


def test_every_exit_ref_the_analysis_writes_reads_back() -> None:
    seen: set[RefKind] = set()
    for menu in _menus():
        for exits in Flow(menu).exits.values():
            for ex in exits:
                assert Ref.parse(str(ex.ref)) == ex.ref
                seen.add(ex.ref.kind)
    assert seen >= {RefKind.OPTION, RefKind.CMD, RefKind.SHORTCUT, RefKind.NUMBER, RefKind.FAIL}


def test_the_phrase_indexes_file_command_phrases_under_their_ref() -> None:
    for menu in _menus():
        lang = menu.default_lang
        local = MenuIndex(menu).local(menu.start, lang)
        for command in menu.commands:
            for phrase in command.phrases.get(lang)[:1]:
                refs = {Ref.parse(c.ref) for c in top_ties(local.match(tokens(phrase, lang)))}
                assert Ref.cmd(command.name) in refs, phrase
