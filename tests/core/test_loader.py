"""Menu loading: strict YAML, unknown keys, references, numbers, languages, inheritance."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.errors import MenuError, MenuErrors
from ivr.loader import load_menu, load_menu_text
from ivr.model import ENGINES, ActionKind
from tests.core.menus import TINY

WriteMenu = Callable[..., Path]


def errors_of(path: Path) -> list[str]:
    with pytest.raises((MenuErrors, MenuError)) as caught:
        load_menu(path)
    exc = caught.value
    items = exc.errors if isinstance(exc, MenuErrors) else [exc]
    return [str(e).replace(str(path), "M") for e in items]


def test_tiny_menu_loads_with_option_keys_as_strings() -> None:
    menu = load_menu_text(TINY)
    keys = [o.key for o in menu.nodes["main"].options]
    assert keys == ["1", "2", "3", "4", "5"]
    assert menu.services["info_line"].number == "02800"


def test_norway_menu_loads(norway_path: Path) -> None:
    menu = load_menu(norway_path)
    assert menu.languages == ("en", "nb")
    numbers = {s.number for s in menu.services.values()}
    assert numbers == {"110", "112", "113", "116117", "116123", "1412", "02800", "81059500"}


def test_duplicate_keys_are_rejected_with_both_lines(write_menu: WriteMenu) -> None:
    path = write_menu("menu: a\nstart: main\nmenu: b\nnodes: {}\n")
    assert errors_of(path) == [
        "M:3:1: duplicate key 'menu' (first defined at line 1) (remove or rename one of them; "
        "YAML would silently keep only the last)"
    ]


def test_unknown_keys_are_rejected_by_name_with_the_allowed_keys(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        nodes:
          main:
            prompt: Hi
            optoins: []
            options:
              - key: 1
                route: x
                colour: red
        services:
          x: {number: "123", name: X}
        """
    )
    assert errors_of(path) == [
        "M:6:5: unknown key 'optoins' (did you mean 'options'?) in node 'main' (allowed keys: "
        "prompt, short_prompt, help, settings, options, branch, collect, on_no_input, "
        "on_no_match)",
        "M:10:9: unknown key 'colour' in node 'main' option 1 (allowed keys: key, words, "
        "examples, label, confirm, goto, route, info, do, say, set)",
    ]


def test_a_mistyped_key_is_named_with_the_allowed_key_it_is_closest_to(
    write_menu: WriteMenu,
) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        nodes:
          main:
            prompt: Hi
            options:
              - {key: 1, lable: Bye, do: hangup}
        """
    )
    assert errors_of(path) == [
        "M:7:18: unknown key 'lable' (did you mean 'label'?) in node 'main' option 1 (allowed "
        "keys: key, words, examples, label, confirm, goto, route, info, do, say, set)"
    ]


def test_mistyped_keys_are_guessed_in_every_section(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        settings: {no_input_timout: 3}
        commands:
          operater: {route: desk, words: [operator]}
        services:
          desk: {numbr: "123", name: Desk}
        nodes:
          main:
            prompt: Hi
            options:
              - {key: 1, route: desk}
          b:
            branch:
              - when: {day: mon-fri, time: "08:00-16:00"}
                goto: main
              - {otherwise: true, goto: main}
        """
    )
    assert errors_of(path) == [
        "M:3:12: unknown key 'no_input_timout' (did you mean 'no_input_timeout'?) in menu "
        "settings (allowed keys: no_input_timeout, inter_digit_timeout, max_no_input, "
        "max_no_match, on_max_failures, confirm_below, reject_below, barge_in, search)",
        "M:5:3: unknown key 'operater' (did you mean 'operator'?) in commands (allowed keys: "
        "repeat, back, main_menu, help, operator)",
        "M:7:9: service 'desk' is missing required key 'number' (add number: ...)",
        "M:7:10: unknown key 'numbr' (did you mean 'number'?) in service 'desk' (allowed keys: "
        "number, name, purpose, examples, announce, urgent, target)",
        "M:15:16: unknown key 'day' (did you mean 'days'?) in node 'b' branch rule 1 when "
        "(allowed keys: days, time)",
    ]


def test_an_unknown_key_that_is_not_text_is_named_without_a_guess(
    write_menu: WriteMenu,
) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        nodes:
          main:
            prompt: Hi
            1: one
            options:
              - {key: 1, do: hangup}
        """
    )
    assert errors_of(path) == [
        "M:6:5: unknown key 1 in node 'main' (allowed keys: prompt, short_prompt, help, "
        "settings, options, branch, collect, on_no_input, on_no_match)"
    ]


def test_every_reference_is_resolved(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: mian
        nodes:
          main:
            prompt: Hi
            options:
              - {key: 1, goto: submenu}
              - {key: 2, route: polise}
        services:
          police: {number: "112", name: Police}
        shortcuts: [fire]
        """
    )
    assert errors_of(path) == [
        "M:2:8: start node 'mian' is not defined (did you mean 'main'?)",
        "M:7:24: node 'main' option 1 goes to node 'submenu', which is not defined "
        "(defined nodes: main)",
        "M:8:25: node 'main' option 2 routes to service 'polise', which is not defined "
        "(did you mean 'police'?)",
        "M:11:12: shortcut 'fire' is not a defined service (defined services: police)",
    ]


def test_unquoted_service_number_is_rejected_because_yaml_eats_leading_zeros(
    write_menu: WriteMenu,
) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        services:
          info: {number: 0112, name: Info}
          bad: {number: "12ab", name: Bad}
          short: {number: "12", name: Short}
        nodes:
          main: {prompt: Hi, options: [{key: 1, route: info}]}
        """
    )
    messages = errors_of(path)
    assert messages[0] == (
        "M:4:18: service 'info' number must be quoted text, not the number 74 (write number: "
        '"02800": unquoted, YAML drops leading zeros and reads 0... as octal)'
    )
    assert messages[1] == (
        "M:5:17: service 'bad' number '12ab' is not a phone number (use digits "
        'and spaces, e.g. number: "116 117")'
    )
    assert messages[2] == (
        "M:6:19: service 'short' number '12' has 2 digits (a service number has 3 to 15 digits)"
    )


def test_star_key_left_unquoted_gets_a_quoting_hint(write_menu: WriteMenu) -> None:
    path = write_menu("menu: m\nstart: main\nnodes:\n  main:\n    options:\n      - key: #\n")
    assert errors_of(path) == [
        "M:5:5: node 'main' is missing 'prompt' (add prompt: ...)",
        "M:6:9: node 'main' option 1 has no action (add one of goto: NODE, route: SERVICE, "
        "info: TEXT, do: back|main_menu|repeat|help|hangup|operator|exit)",
        'M:6:13: node \'main\' option 1 key is empty (quote "#" and "*": YAML reads # as a '
        "comment and * as an alias)",
    ]


def test_option_key_clashing_with_a_global_command_is_rejected(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        commands:
          repeat: {key: "#", words: [repeat]}
        nodes:
          main:
            prompt: Hi
            options:
              - {key: "#", do: hangup}
        """
    )
    assert errors_of(path) == [
        "M:9:9: node 'main' option key '#' is also the key of the global command 'repeat' "
        "(pick another key; global commands work at every node)"
    ]


def test_duplicate_option_keys_are_rejected(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        nodes:
          main:
            prompt: Hi
            options:
              - {key: 1, do: hangup}
              - {key: "1", do: repeat}
        """
    )
    assert errors_of(path) == [
        "M:8:15: node 'main' option 2 uses key '1', already used by option 1 "
        "(give each option its own key)"
    ]


def test_every_language_needs_every_text(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        languages: [en, nb]
        start: main
        nodes:
          main:
            prompt: {en: Hello}
            options:
              - {key: 1, words: {en: [bye]}, do: hangup}
        """
    )
    assert errors_of(path) == [
        "M:6:13: node 'main' 'prompt' has no text in nb (add nb: ...)",
        "M:8:25: node 'main' option 1 has no words in nb (add nb: [...])",
    ]


def test_branch_needs_a_final_otherwise(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: b
        nodes:
          b:
            branch:
              - when: {days: mon-fri, time: "08:00-16:00"}
                goto: b
        """
    )
    assert errors_of(path) == [
        "M:6:7: node 'b' branch has no otherwise rule (add a last rule with otherwise: true so "
        "every caller gets somewhere)"
    ]


def test_bad_time_range_and_days(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: b
        nodes:
          b:
            branch:
              - when: {days: someday, time: "8-16"}
                do: hangup
              - otherwise: true
                do: hangup
        """
    )
    assert errors_of(path) == [
        "M:6:22: node 'b' branch rule 1 days 'someday' not understood (use e.g. mon-fri, "
        "weekends, daily or [mon, wed])",
        "M:6:37: node 'b' branch rule 1 time '8-16' is not a range (write time: "
        '"08:00-16:00" (quoted))',
    ]


def test_on_max_failures_cannot_loop_back_into_the_menu(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        settings:
          on_max_failures: {goto: main}
        nodes:
          main: {prompt: Hi, options: [{key: 1, do: hangup}]}
        """
    )
    assert errors_of(path) == [
        "M:4:20: on_max_failures must route, hang up or exit (use route: SERVICE, do: hangup "
        "or do: exit (back to the node that entered this one), so a caller who keeps failing "
        "is never sent round in a loop)"
    ]


def test_option_needs_exactly_one_action(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        nodes:
          main:
            prompt: Hi
            options:
              - {key: 1}
              - {key: 2, do: hangup, goto: main}
        """
    )
    assert errors_of(path) == [
        "M:7:9: node 'main' option 1 has no action (add one of goto: NODE, route: SERVICE, "
        "info: TEXT, do: back|main_menu|repeat|help|hangup|operator|exit)",
        "M:8:9: node 'main' option 2 has goto and do; give exactly one action (keep one of "
        "goto, route, info, do)",
    ]


def test_settings_are_inherited_down_the_tree_and_search_is_per_node() -> None:
    menu = load_menu_text(
        TINY.replace(
            "    settings: {search: tree}\n", "    settings: {search: tree, no_input_timeout: 9}\n"
        )
    )
    assert menu.nodes["main"].settings.no_input_timeout == 9
    assert menu.nodes["emergency"].settings.no_input_timeout == 9  # inherited
    assert menu.nodes["emergency"].settings.inter_digit_timeout == 2  # menu level
    assert menu.nodes["main"].settings.search == "tree"
    assert menu.nodes["emergency"].settings.search == "node"
    assert menu.nodes["emergency"].parent == "main"


def test_settings_values_are_range_checked(write_menu: WriteMenu) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        settings: {no_input_timeout: -1, max_no_match: 2.5, barge_in: maybe, search: all}
        nodes:
          main: {prompt: Hi, options: [{key: 1, do: hangup}]}
        """
    )
    assert errors_of(path) == [
        "M:3:30: menu settings 'no_input_timeout' must be a number from 0.5 to 120, not the "
        "number -1 (e.g. no_input_timeout: 0.5)",
        "M:3:48: menu settings 'max_no_match' must be a whole number from 0 to 10, not the "
        "number 2.5 (e.g. max_no_match: 0)",
        "M:3:63: menu settings 'barge_in' must be true or false, not str 'maybe' (write "
        "barge_in: true)",
        "M:3:78: menu settings 'search' must be one of node, tree, not str 'all' (e.g. "
        "search: node)",
    ]


def test_do_operator_needs_an_operator_command(write_menu: WriteMenu) -> None:
    path = write_menu(
        "menu: m\nstart: main\nnodes:\n  main: {prompt: Hi, options: [{key: 1, do: operator}]}\n"
    )
    assert errors_of(path)[0].startswith(
        "M:4:32: node 'main' option uses do: operator but the menu has no operator command"
    )


def test_options_are_actions_of_the_right_kind() -> None:
    menu = load_menu_text(TINY)
    kinds = [o.action.kind for o in menu.nodes["main"].options]
    assert kinds == [
        ActionKind.GOTO,
        ActionKind.ROUTE,
        ActionKind.INFO,
        ActionKind.GOTO,
        ActionKind.GOTO,
    ]


def test_every_engine_a_menu_may_name_is_one_the_recogniser_registry_builds() -> None:
    pytest.importorskip("numpy")  # the registry's composers need it
    from ivr.asr.registry import GRAMMAR_ENGINES

    assert ENGINES[0] == "auto"
    assert set(ENGINES) == {"auto", *GRAMMAR_ENGINES}


def test_a_menu_can_list_yes_no_on_and_off_as_words() -> None:
    menu = load_menu_text(
        "menu: m\nstart: main\nnodes:\n  main:\n    prompt: Hi\n    options:\n"
        "      - {key: 1, words: [yes, no, on, off], do: hangup}\n"
    )
    (option,) = menu.nodes["main"].options
    assert option.phrases.get("en") == ("yes", "no", "on", "off")
    assert option.label.get("en") == "yes"


def test_true_and_false_are_still_booleans_where_a_boolean_is_expected() -> None:
    menu = load_menu_text(
        "menu: m\nstart: main\nsettings: {barge_in: false}\nnodes:\n  main:\n"
        "    prompt: Hi\n    options:\n      - {key: 1, confirm: true, do: hangup}\n"
    )
    assert menu.nodes["main"].settings.barge_in is False
    assert menu.nodes["main"].options[0].action.confirm is True


def test_yes_where_a_boolean_is_expected_is_refused_with_the_way_to_write_it(
    write_menu: WriteMenu,
) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        settings: {barge_in: no}
        nodes:
          main:
            prompt: Hi
            options:
              - {key: 1, confirm: yes, do: hangup}
        """
    )
    assert errors_of(path) == [
        "M:3:22: menu settings 'barge_in' must be true or false, not str 'no' (write "
        "barge_in: true)",
        "M:8:27: node 'main' option 1 confirm must be true or false (write confirm: true)",
    ]


def test_loading_a_menu_imports_no_speech_audio_or_numpy() -> None:
    code = (
        "import sys\n"
        "from ivr.loader import load_menu_text\n"
        "from tests.core.menus import TINY\n"
        "load_menu_text(TINY)\n"
        "print(sorted(m for m in sys.modules if m == 'numpy' or m.startswith(('ivr.asr', "
        "'ivr.audio', 'ivr.tts'))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert done.stdout.strip() == "[]"
