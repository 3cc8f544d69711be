"""Hostile and malformed YAML is refused with a located one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.errors import MenuError, MenuErrors
from ivr.scripted.callfile import load_call_file
from ivr.yamlsrc import load_yaml


def message(path: Path) -> str:
    with pytest.raises(MenuError) as caught:
        load_yaml(path)
    return str(caught.value).replace(str(path), "F")


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("a: !!python/object/apply:os.system [echo hi]\n")
    assert message(path) == (
        "F:1:4: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed "
        "(menus are plain YAML: remove the !tag)"
    )


def test_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert "aliases expand to more than 2,000,000 values (an alias bomb?)" in message(path)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100 + "]" * 100 + "\n")
    assert message(path) == (
        "F:1:65: nesting is deeper than 64 levels (flatten the structure; menus link nodes by "
        "id instead of nesting them)"
    )


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"menu: m\nprompt: caf\xe9\n")
    assert message(path) == "F:2:12: not valid UTF-8 (byte 0xe9) (save the file as UTF-8)"


def test_empty_file_and_directory_and_missing_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("  \n")
    assert message(empty) == "F:1:1: file is empty (see menus/norway.yaml for a start)"
    assert (
        message(tmp_path)
        == "F:1:1: is a directory, not a YAML file (give the path of a .yaml file)"
    )
    assert message(tmp_path / "nope.yaml") == "F:1:1: no such file (check the path)"


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (9 * 1024 * 1024))
    assert message(path) == (
        "F:1:1: file is 9,437,184 bytes, more than the 8,388,608 allowed (split the menu or "
        "check that this is the right file)"
    )


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert (
        message(path)
        == "F:3:3: YAML merge keys (<<) are not supported (write the keys out in full)"
    )


def test_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("menu: [unclosed\n")
    assert message(path).startswith("F:2:1: invalid YAML:")


def test_locations_are_kept_for_keys_and_items(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a:\n  - x\n  - {b: 2}\n")
    data = load_yaml(path)
    assert data.key_where["a"].line == 1
    assert data["a"].item_where[1].line == 3 and data["a"][1].value_where["b"].col == 9


def test_only_true_and_false_are_booleans_so_yes_no_on_off_are_words(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "words: [yes, no, on, off, Yes, NO, On, OFF]\n"
        "flags: [true, false, True, FALSE]\n"
        "on: key\n"
        "tagged: !!bool yes\n"
    )
    data = load_yaml(path)
    assert data["words"] == ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF"]
    assert data["flags"] == [True, False, True, False]
    assert all(type(flag) is bool for flag in data["flags"])
    assert list(data) == ["words", "flags", "on", "tagged"]
    assert data["tagged"] is True  # an explicit tag still says what it means


def test_a_call_file_says_yes_as_words_and_wants_true_or_false_for_a_flag(
    tmp_path: Path, norway_path: Path
) -> None:
    path = tmp_path / "b.calls.yaml"
    path.write_text(
        f"menu: {norway_path}\n"
        "calls:\n"
        "  - name: x\n"
        "    audio: false\n"
        "    steps:\n"
        "      - say: yes\n"
        "      - say: off\n"
        "      - expect_hangup: no\n"
    )
    with pytest.raises(MenuErrors) as caught:
        load_call_file(path)
    assert [str(e).replace(str(path), "F") for e in caught.value.errors] == [
        "F:8:24: call 'x' step 3: expect_hangup must be true or false, not str 'no' "
        "(write expect_hangup: true)"
    ]
    path.write_text(path.read_text().replace("expect_hangup: no", "expect_hangup: false"))
    (call,) = load_call_file(path).calls.calls
    assert call.audio is False
    assert [(s.kind, s.value) for s in call.steps] == [
        ("say", "yes"),
        ("say", "off"),
        ("expect_hangup", "false"),
    ]
