"""An option's label is something a caller may say, as a VoiceXML choice's text is its
grammar: callers repeat what the prompt called the option."""

from __future__ import annotations

from ivr.events import Route, Speech
from ivr.loader import load_menu_text
from ivr.menuindex import MenuIndex
from ivr.session import Session

MENU = """\
menu: clinic
start: main
services:
  gp: {number: "81059500", name: GP registration}
nodes:
  main:
    prompt: Press 1 for GP registration, 2 to hear what your GP does, 3 for sub.
    options:
      - {key: 1, label: GP registration, words: [register], route: gp}
      - {key: 2, label: what a GP does, words: [prescription], info: Your GP treats you.}
      - {key: 3, goto: sub_menu}
  sub_menu:
    prompt: Nothing here.
    options:
      - {key: 1, words: [back please], info: Back.}
"""


def test_a_label_is_heard_as_a_phrase_of_its_option() -> None:
    menu = load_menu_text(MENU, "clinic.yaml")
    session = Session(menu)
    session.start()
    out = session.send(Speech("GP registration"))
    assert [o.display for o in out if isinstance(o, Route)] == ["81059500"]
    assert "what a GP does" in MenuIndex(menu).grammar("main", "en", tree=False)


def test_a_default_label_naming_a_node_or_a_word_adds_nothing() -> None:
    menu = load_menu_text(MENU, "clinic.yaml")
    options = {o.id: o for o in menu.nodes["main"].options}
    assert options["main.3"].heard("en") == ()  # labelled by its target, "sub_menu"
    sub = menu.nodes["sub_menu"].options[0]
    assert sub.heard("en") == ("back please",)  # labelled by its first word
