"""Loading call files: strict keys, located errors, menu checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.errors import IvrError, MenuErrors
from ivr.scripted.callfile import find_call_files, load_call_file, load_call_files
from tests.scripted.conftest import NORWAY


def errors_of(path: Path) -> list[str]:
    with pytest.raises(MenuErrors) as info:
        load_call_file(path)
    return [str(e) for e in info.value.errors]


def test_a_good_file_loads_steps_in_order(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n"
        "  - name: police\n"
        "    lang: nb\n"
        '    at: "2026-11-23 21:00"\n'
        "    steps:\n"
        '      - press: "1 2"\n'
        "      - silence: 6\n"
        '      - expect_route: "1 1 2"\n'
    )
    loaded = load_call_file(path)
    call = loaded.calls.calls[0]
    assert [(s.kind, s.value) for s in call.steps] == [
        ("press", "12"),
        ("silence", "6"),
        ("expect_route", "112"),
    ]
    assert call.lang == "nb" and call.at is not None and call.at.hour == 21
    assert call.steps[0].where.line == 7  # line 1 is menu:
    assert loaded.menu.id == "norway"


def test_unknown_call_key_is_rejected_by_name_with_the_allowed_keys(
    write_calls: Callable[..., Path],
) -> None:
    path = write_calls("calls:\n  - name: x\n    langu: nb\n    steps:\n      - press: '1'\n")
    assert errors_of(path) == [
        f"{path}:4:5: unknown key 'langu' in call 'x' (allowed keys: name, steps, lang, at, "
        "audio, noise_db, caller_voice, description)"
    ]


def test_unknown_step_suggests_the_closest(write_calls: Callable[..., Path]) -> None:
    path = write_calls("calls:\n  - name: x\n    steps:\n      - expect_rout: '113'\n")
    (message,) = errors_of(path)
    assert message.startswith(
        f"{path}:5:9: unknown step 'expect_rout' in call 'x' step 1 "
        "(did you mean 'expect_route'? allowed steps: press, say,"
    )


def test_every_problem_of_a_file_is_reported_with_its_place(
    write_calls: Callable[..., Path],
) -> None:
    path = write_calls(
        "calls:\n"
        "  - name: a\n"
        "    steps:\n"
        "      - press: '1x'\n"
        "      - expect_node: emergenc\n"
        "      - silence: -1\n"
        "  - name: a\n"
        "    steps:\n"
        "      - expect_prompt_regex: '(unclosed'\n"
        "      - {press: '1', say: hi}\n"
    )
    assert errors_of(path) == [
        f"{path}:5:16: call 'a' step 1: press '1x': 'x' is not a phone key (use 0-9, * and #)",
        f"{path}:6:22: call 'a' step 2: the menu has no node 'emergenc' (did you mean "
        "'emergency'? nodes: main, more, emergency, doctor_now, gp_open, gp, health_info, dial)",
        f"{path}:7:18: call 'a' step 3: silence must be a number of seconds from 0 to 3600, "
        "not the number -1 (e.g. silence: 6)",
        f"{path}:10:30: call 'a' step 1: expect_prompt_regex '(unclosed' is not a valid regular "
        "expression: missing ), unterminated subpattern (check the brackets and escape special "
        "characters with a backslash)",
        f"{path}:11:9: call 'a' step 2 must be a mapping with exactly one key, not 2 keys "
        '(e.g. - press: "12#"; put each action or expectation in its own step)',
    ]


def test_duplicate_call_names_are_refused(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n  - name: a\n    steps: [{press: '1'}]\n  - name: a\n    steps: [{press: '2'}]\n"
    )
    assert errors_of(path) == [
        f"{path}:5:11: duplicate call name 'a' (first used at line 3) (give every call its own "
        "name; reports and JUnit refer to calls by name)"
    ]


def test_a_number_yaml_reads_as_octal_must_be_quoted(write_calls: Callable[..., Path]) -> None:
    path = write_calls("calls:\n  - name: a\n    steps:\n      - press: 010\n")
    assert errors_of(path) == [
        f"{path}:5:16: call 'a' step 1: press 010 was read by YAML as the number 8 "
        '(quote the keys: press: "010")'
    ]


def test_a_route_no_service_has_is_refused(write_calls: Callable[..., Path]) -> None:
    path = write_calls("calls:\n  - name: a\n    steps:\n      - expect_route: '999'\n")
    (message,) = errors_of(path)
    assert message.startswith(
        f"{path}:5:23: call 'a' step 1: no service of the menu has the number '999' "
        "(the menu's numbers are 110, 112, 113, 116 117"
    )


def test_a_language_the_menu_lacks_is_refused(write_calls: Callable[..., Path]) -> None:
    path = write_calls("calls:\n  - name: a\n    lang: de\n    steps: [{press: '1'}]\n")
    assert errors_of(path) == [
        f"{path}:4:11: call 'a': language 'de' is not one of the menu's languages "
        "(use one of en, nb)"
    ]


def test_malformed_yaml_is_reported_with_file_line_and_column(
    write_calls: Callable[..., Path],
) -> None:
    path = write_calls("calls:\n  - name: a\n    steps: [press: '1'\n")
    assert errors_of(path) == [
        f"{path}:4:12: the [ opened here is never closed (add ] after the last item)"
    ]


def test_menu_path_is_relative_to_the_call_file(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "er"
    folder.mkdir(parents=True)
    menu = tmp_path / "m.yaml"
    menu.write_text(NORWAY.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "x.calls.yaml"
    path.write_text(
        "menu: ../../m.yaml\ncalls:\n  - name: a\n    steps: [{press: '3'}]\n", encoding="utf-8"
    )
    assert load_call_file(path).calls.menu_path == str(menu)


def test_missing_menu_names_where_it_looked(tmp_path: Path) -> None:
    path = tmp_path / "x.calls.yaml"
    path.write_text(
        "menu: nope.yaml\ncalls:\n  - name: a\n    steps: [{press: '3'}]\n", encoding="utf-8"
    )
    assert errors_of(path) == [
        f"{path}:1:7: menu file 'nope.yaml' not found (looked for {tmp_path / 'nope.yaml'}) "
        "(the menu path is relative to the call file's folder)"
    ]


def test_missing_required_keys_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.calls.yaml"
    path.write_text("calls: []\n", encoding="utf-8")
    assert errors_of(path) == [
        f"{path}:1:1: the call file is missing required key 'menu' (add menu: ...)",
        f"{path}:1:8: 'calls' is empty (add at least one call with a name and steps)",
    ]


def test_folders_are_searched_for_call_files_only(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.calls.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "two.calls.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "menu.yaml").write_text("x", encoding="utf-8")
    assert find_call_files([str(tmp_path)]) == [
        str(tmp_path / "a" / "one.calls.yaml"),
        str(tmp_path / "two.calls.yaml"),
    ]


def test_no_call_files_found_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IvrError) as info:
        load_call_files([str(tmp_path)])
    assert str(info.value) == (
        f"no call files (*.calls.yaml) found in {tmp_path} "
        "(name call files like police.calls.yaml, or give their paths)"
    )
