"""Hostile and malformed YAML is refused with a located one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import ivr.yamlsrc
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


@pytest.fixture(params=["libyaml", "pure"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both parsers: libyaml and PyYAML word and place the same errors differently."""
    if request.param == "pure":
        monkeypatch.setattr(ivr.yamlsrc, "_BaseLoader", yaml.SafeLoader)
    return str(request.param)


def syntax_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    return message(path)


def test_a_tab_in_the_indentation_is_named_where_it_is(tmp_path: Path, parser: str) -> None:
    assert syntax_error(tmp_path, "menu: x\nnodes:\n  main:\n  \tprompt: hi\n") == (
        "F:4:3: a tab character in the indentation; YAML indents with spaces "
        "(replace the tab with spaces)"
    )


def test_an_unclosed_quote_points_where_it_opens_not_at_the_end(
    tmp_path: Path, parser: str
) -> None:
    text = 'menu: x\nprompt: "hello\nnext: 1\nother: 2\n'
    assert syntax_error(tmp_path, text) == (
        'F:2:9: the " opened here is never closed (add the closing ")'
    )


def test_an_unclosed_bracket_points_where_it_opens(tmp_path: Path, parser: str) -> None:
    assert syntax_error(tmp_path, "words: [fire, smoke\nroute: fire\nkey: 1\n") == (
        "F:1:8: the [ opened here is never closed (add ] after the last item)"
    )
    assert syntax_error(tmp_path, "label: {en: fire\nroute: fire\n") == (
        "F:1:8: the { opened here is never closed (add } after the last item)"
    )


def test_a_closed_bracket_with_a_missing_comma_points_at_the_item(
    tmp_path: Path, parser: str
) -> None:
    assert syntax_error(tmp_path, 'words: ["fire" smoke]\n') == (
        "F:1:16: expected , or ] here, in the list opened at line 1 (separate items with "
        "commas, and quote an item that has , [ ] { } or # in it)"
    )


def test_a_missing_colon_is_reported_on_its_own_line_not_the_next(
    tmp_path: Path, parser: str
) -> None:
    assert syntax_error(tmp_path, "menu: x\nstart main\nnodes: {}\n") == (
        "F:2:1: a key with no colon after it (write it as key: value, e.g. start: main)"
    )
    text = 'nodes:\n  main:\n    prompt "hi"\n    options: []\n'
    assert syntax_error(tmp_path, text) == (
        'F:3:5: a key with no colon after it (write it as key: value, e.g. prompt: "hi")'
    )


def test_a_line_indented_to_no_level_above_it_says_which_levels_there_are(
    tmp_path: Path, parser: str
) -> None:
    assert syntax_error(tmp_path, "a:\n  b: 1\n c: 2\n") == (
        "F:3:2: this line is indented 1 space, which lines up with no line above it: line 2 "
        "has 2, line 1 has 0 (indent it exactly as far as the key or list item it belongs "
        "beside)"
    )


def test_the_first_line_of_a_block_indented_oddly_is_blamed_not_its_next_sibling(
    tmp_path: Path, parser: str
) -> None:
    # the parser accepts line 3's 5 spaces as the block's indentation and fails at line 4
    text = "nodes:\n  main:\n     prompt: x\n    options: []\n"
    assert syntax_error(tmp_path, text) == (
        "F:3:6: this line is indented 5 spaces, but line 4 in the same block 4 "
        "(indent the lines of a block alike)"
    )
    text = "words:\n  en:\n     - fire\n    - smoke\n    - gas\n"
    assert syntax_error(tmp_path, text) == (
        "F:3:6: this line is indented 5 spaces, but line 4 in the same block 4 "
        "(indent the lines of a block alike)"
    )
    assert syntax_error(tmp_path, " menu: x\nstart: main\n") == (
        "F:1:2: this line is indented 1 space, but line 2 in the same block 0 "
        "(indent the lines of a block alike)"
    )


def test_a_line_indented_under_a_value_already_given(tmp_path: Path, parser: str) -> None:
    assert syntax_error(tmp_path, "nodes:\n  main:\n    prompt: x\n     options: 1\n") == (
        "F:4:6: this line is indented more than line 3, whose value is already given "
        "(line it up with line 3, at 4 spaces, if it is a new key)"
    )


def test_a_key_beside_a_list_item_says_how_far_to_indent_it(tmp_path: Path, parser: str) -> None:
    assert syntax_error(tmp_path, "options:\n  - key: 1\n  label: x\n") == (
        "F:3:3: a key where the list beside it expects a - item; its last item is at line 2 "
        "(indent it 4 spaces if it belongs to that item, or start it with - for a new item)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b: c\n", 'F:1:5: a value with ": " in it (put the value in quotes, e.g. key: "a: b")'),
        ('a: "say "hi" now"\n',
         "F:1:10: text after the closing quote of a value (put the whole value inside the quotes)"),
        ("a:\n  -x\n  - y: 1\n",
         "F:2:3: a - with no space after it (write - x: a list item needs a space after the dash)"),
        ("a: @x\n", "F:1:4: a value cannot start with @ (put the value in quotes)"),
        ('a: "C:\\path"\n', 'F:1:7: "\\p" is not an escape YAML knows inside double quotes '
         "(write \\\\ for a backslash, or put the value in single quotes)"),
        ("a: 1\n---\nb: 2\n",
         "F:2:1: a second YAML document (---) in the file "
         "(a file is one document: remove the ---)"),
    ],
)  # fmt: skip
def test_other_common_mistakes_are_named(
    tmp_path: Path, parser: str, text: str, expected: str
) -> None:
    assert syntax_error(tmp_path, text) == expected


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
