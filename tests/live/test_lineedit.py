"""The terminal's bytes as a caller's actions: keys, typed lines, Ctrl-D; keys that
print nothing ignored."""

from __future__ import annotations

import pytest

from ivr.live.inputs import CallerHungUp, Draft, Key, Typed
from ivr.live.lineedit import LineEditor

ARROWS_AND_FRIENDS = [
    b"\x1b[A",  # up
    b"\x1b[D",  # left
    b"\x1b[1;5C",  # Ctrl-right
    b"\x1b[3~",  # Delete
    b"\x1b[15~",  # F5
    b"\x1bOP",  # F1 (SS3)
    b"\x1bOH",  # Home (SS3)
    b"\x1bb",  # Alt-b
    b"\t",  # Tab
    b"\x01",  # Ctrl-A
]


def test_a_phone_key_acts_at_once() -> None:
    assert LineEditor().feed(b"113") == [Key("1"), Key("1"), Key("3")]


def test_other_characters_grow_a_line_sent_by_enter() -> None:
    editor = LineEditor()
    out = editor.feed(b"fire 2\r")
    assert out[:3] == [Draft("f"), Draft("fi"), Draft("fir")]
    assert out[-1] == Typed("fire 2")  # digits inside a line are words, not keys


@pytest.mark.parametrize("sequence", ARROWS_AND_FRIENDS)
def test_keys_that_print_nothing_are_ignored_whole(sequence: bytes) -> None:
    editor = LineEditor()
    assert editor.feed(sequence) == []
    assert editor.feed(b"3") == [Key("3")]  # nothing of the sequence was left behind


@pytest.mark.parametrize("sequence", ARROWS_AND_FRIENDS)
def test_keys_that_print_nothing_leave_a_typed_line_alone(sequence: bytes) -> None:
    editor = LineEditor()
    editor.feed(b"gas")
    assert editor.feed(sequence) == []
    assert editor.feed(b"\n") == [Typed("gas")]


def test_an_escape_sequence_split_across_reads_is_still_ignored() -> None:
    editor = LineEditor()
    assert editor.feed(b"\x1b") == [] and editor.in_escape
    assert editor.feed(b"[") == []
    assert editor.feed(b"B") == []
    assert editor.feed(b"1") == [Key("1")]


def test_a_lone_escape_key_is_forgotten_once_nothing_follows() -> None:
    editor = LineEditor()
    editor.feed(b"\x1b")
    editor.escape_timed_out()
    assert editor.feed(b"2") == [Key("2")]


def test_ctrl_d_hangs_up_even_in_the_middle_of_a_line() -> None:
    assert LineEditor().feed(b"\x04") == [CallerHungUp()]
    assert LineEditor().feed(b"my da\x04")[-1] == CallerHungUp()


def test_backspace_and_erasing_change_the_line() -> None:
    editor = LineEditor()
    editor.feed(b"my dad")
    assert editor.feed(b"\x7f") == [Draft("my da")]
    assert editor.feed(b"\x17") == [Draft("my ")]  # Ctrl-W: a word
    assert editor.feed(b"\x15") == [Draft("")]  # Ctrl-U: the line
    assert editor.feed(b"\x7f") == []  # nothing left to erase
    assert editor.feed(b"3") == [Key("3")]  # an empty line: keys act again


def test_enter_on_an_empty_or_blank_line_sends_nothing() -> None:
    editor = LineEditor()
    assert editor.feed(b"\r") == []
    assert editor.feed(b"  ") == []  # leading spaces start no line
    assert editor.feed(b"\r") == []


def test_letters_split_across_reads_are_decoded_whole() -> None:
    editor = LineEditor()
    word = "røyk".encode()
    out = [item for byte in word for item in editor.feed(bytes([byte]))]
    assert out[-1] == Draft("røyk")
    assert editor.feed(b"\r") == [Typed("røyk")]
