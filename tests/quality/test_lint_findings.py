"""``ivr lint``: every analysis, with the exact text a menu author reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ivr.analysis import Severity, lint_file
from ivr.analysis.flow import Flow
from ivr.analysis.phonetic import cmudict_path
from ivr.analysis.vocabulary import check_vocabulary
from ivr.loader import load_menu
from tests.quality.conftest import Cli

NORWAY_BUDGETS = ("110<=10s", "112<=10s", "113<=10s")


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


def test_norway_lints_clean_and_strict_with_emergency_budgets(cli: Cli, norway_path: Path) -> None:
    args = ["lint", str(norway_path), "--strict"]
    for budget in NORWAY_BUDGETS:
        args += ["--budget", budget]
    code, out, err = cli(*args)
    assert (code, err) == (0, "")
    assert lines(out)[-1] == f"{norway_path}: ok (8 nodes, 8 services)"
    assert f"{norway_path}: budget 113<=10s met: 8.5 s by barge-in keys (keys 1 1 3)" in out


def test_norway_has_no_errors_or_warnings_in_json(cli: Cli, norway_path: Path) -> None:
    code, out, _ = cli("lint", str(norway_path), "--json", "--strict")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["file"] == str(norway_path)
    assert {f["severity"] for f in data["findings"]} <= {"info"}
    assert set(data["findings"][0]) == {"severity", "code", "file", "line", "col", "message",
                                        "hint"}  # fmt: skip


def test_structure_findings_name_unreachable_dead_end_and_closed_loop(
    cli: Cli, menus: Path
) -> None:
    path = menus / "structure.yaml"
    code, out, _ = cli("lint", str(path))
    assert code == 1
    assert lines(out) == [
        f"{path}:14:5: nodes 'loop_a', 'loop_b' form a loop with no way out except hanging up "
        "(give one of them an option that routes or goes elsewhere, or add a main_menu command)",
        f"{path}:22:5: node 'trap' is a dead end: a caller can only leave it by hanging up "
        "(add an option that goes to another node or routes, or a back / main_menu command)",
        f"{path}:26:5: warning: node 'orphan' cannot be reached from the start node 'main' "
        "(add an option with goto: orphan somewhere, or delete the node)",
    ]


def test_unused_service_is_info_shown_only_with_info_flag(cli: Cli, menus: Path) -> None:
    path = menus / "structure.yaml"
    _, out, _ = cli("lint", str(path), "--info")
    assert lines(out)[0] == (
        f"{path}:5:10: info: service 'spare' (999) is never routed to "
        "(route to it from an option, or remove it)"
    )


def test_a_main_menu_command_opens_the_loop_and_the_dead_end(tmp_path: Path, menus: Path) -> None:
    text = (menus / "structure.yaml").read_text()
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(text.replace("nodes:", "commands:\n  main_menu: {key: 9}\nnodes:", 1))
    codes = {f.code for f in lint_file(fixed).findings}
    assert "closed-loop" not in codes and "dead-end" not in codes and "unreachable" in codes


def test_duplicate_key_from_the_loader_is_an_error_finding(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "menu: d\nstart: main\nservices:\n  a: {number: '110', name: A}\nnodes:\n"
        "  main:\n    prompt: Press 1.\n    options:\n"
        "      - {key: 1, route: a}\n      - {key: 1, route: a}\n"
    )
    code, out, _ = cli("lint", str(path))
    assert code == 1
    assert lines(out) == [
        f"{path}:10:15: node 'main' option 2 uses key '1', already used by option 1 "
        "(give each option its own key)"
    ]
    code, out, _ = cli("lint", str(path), "--json")
    finding = json.loads(out)["findings"][0]
    assert finding["code"] == "duplicate-key" and finding["severity"] == "error"
    assert (finding["line"], finding["col"]) == (10, 15)


def test_phrase_prefix_and_sound_alike_are_warnings_shared_phrases_info(
    cli: Cli, menus: Path
) -> None:
    path = menus / "phrases.yaml"
    source = "cmudict" if cmudict_path() else "spelling"
    code, out, _ = cli("lint", str(path), "--info")
    assert code == 0
    assert lines(out) == [
        f"{path}:13:9: warning: [en] 'fire' (option 1 of node 'main' (fire)) is the start of "
        "'fire brigade please' (option 2 of node 'main' (fire brigade please)) at node 'main': "
        "a caller cut short gets the other option (reword one of them, or drop 'fire')",
        f"{path}:13:9: info: [en] 'car crash' (option 2 of node 'main' (fire brigade please)) "
        "and 'car crash' (option 1 of node 'main' (fire)) are the same words at node 'main': "
        "callers who say it are asked which one they mean (keep it if the question is "
        "intended; otherwise keep the phrase on one option)",
        f"{path}:14:9: warning: [en] 'fever' (option 3 of node 'main' (fever)) and 'beaver' "
        "(option 2 of node 'main' (fire brigade please)) sound alike at node 'main' "
        f"({source} distance 1): a recogniser may mix them up (reword one of them so they "
        "differ by more than one sound)",
        f"{path}:15:9: info: [en] 'main menus' (option 4 of node 'main' (main menus)) and "
        "'main menu' (command 'main_menu') are the same words at node 'main': callers who say "
        "it are asked which one they mean (keep it if the question is intended; otherwise keep "
        "the phrase on one option)",
        f"{path}: ok (1 nodes, 2 services, 2 warnings)",
    ]


def test_warnings_fail_only_with_strict(cli: Cli, menus: Path) -> None:
    path = str(menus / "phrases.yaml")
    assert cli("lint", path)[0] == 0
    assert cli("lint", path, "--strict")[0] == 1
    code, out, _ = cli("lint", path, "--strict", "--json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_prompt_key_mentions_and_unannounced_numbers(cli: Cli, menus: Path) -> None:
    path = menus / "prompts.yaml"
    _, out, _ = cli("lint", str(path))
    assert lines(out) == [
        f"{path}:4:9: warning: [en] callers put through to 'fire' never hear its number 110 "
        "(say the number in announce:, digit by digit (e.g. 1 1 6 1 1 7) or grouped, "
        "or use {number})",
        f"{path}:9:5: warning: [en] prompt of node 'main' mentions key 4 ('or 4') but no "
        "option or command has key 4 (add an option with key: '4', or fix the prompt)",
        f"{path}:9:5: warning: [en] short_prompt of node 'main' mentions key 5 ('or 5') but no "
        "option or command has key 5 (add an option with key: '5', or fix the prompt)",
        f"{path}:9:5: warning: [en] prompt of node 'main' tells callers to key 1 1 2, which is "
        "not a shortcut (add the service to shortcuts:, or reword the prompt)",
        f"{path}:14:9: warning: [en] prompt of node 'main' never mentions key 3 (police) "
        '(add e.g. "press 3 for police" to the prompt)',
        f"{path}: ok (1 nodes, 2 services, 5 warnings)",
    ]


def test_budget_over_time_is_an_error_with_the_keys(cli: Cli, norway_path: Path) -> None:
    code, out, _ = cli("lint", str(norway_path), "--budget", "113<=5s")
    assert code == 1
    text = norway_path.read_text(encoding="utf-8").splitlines()
    number_line = text.index("  ambulance:") + 2  # the service's number:
    assert lines(out) == [
        f"{norway_path}:{number_line}:5: route 113 (the medical emergency line) takes 8.5 s by "
        "barge-in keys (keys 1 1 3), over its budget of 5 s (shorten the prompts or the "
        "announcement on the way, or add the number to shortcuts:)"
    ]


def test_budget_for_a_number_no_route_reaches(cli: Cli, norway_path: Path) -> None:
    code, out, _ = cli("lint", str(norway_path), "--budget", "999<=5s")
    assert code == 1
    assert lines(out) == [
        f"{norway_path}:1:1: budget '999<=5s' names 999, which no route of the menu reaches "
        "(give a service number or id the menu routes to (see ivr paths))"
    ]


def test_bad_budget_syntax_is_one_error_line(cli: Cli, norway_path: Path) -> None:
    code, out, err = cli("lint", str(norway_path), "--budget", "113 in 10s")
    assert (code, out) == (1, "")
    assert err == (
        "Error: --budget '113 in 10s' is not a budget (write NUMBER<=SECONDS, e.g. "
        '--budget "113<=10s" or "113<=60s:listen")\n'
    )


def test_listen_budget_uses_the_listening_figure(cli: Cli, norway_path: Path) -> None:
    assert cli("lint", str(norway_path), "--budget", "ambulance<=25s:listen")[0] == 0
    assert cli("lint", str(norway_path), "--budget", "ambulance<=20s:listen")[0] == 1


def test_unknown_words_hook_reports_each_phrase_once(norway_path: Path) -> None:
    menu = load_menu(norway_path)
    calls: list[tuple[str, int]] = []

    def fake_unknown_words(engine: str, phrases: list[str]) -> list[str]:
        calls.append((engine, len(phrases)))
        return ["legevakt"]

    findings = check_vocabulary(menu, Flow(menu), fake_unknown_words)
    assert calls and calls[0][0] == "pocketsphinx"  # engine: auto checks the cheap dictionary
    assert [f.message for f in findings] == [
        "[en] phrase 'legevakt' has words the pocketsphinx recogniser does not know: legevakt"
    ]
    assert findings[0].severity is Severity.INFO  # auto may use vosk at run time


def test_unknown_words_hook_failure_is_reported_not_raised(norway_path: Path) -> None:
    menu = load_menu(norway_path)

    def broken(engine: str, phrases: list[str]) -> list[str]:
        raise RuntimeError("model missing")

    findings = check_vocabulary(menu, Flow(menu), broken)
    assert [f.code for f in findings] == ["asr-vocabulary-skipped"]
    assert "RuntimeError: model missing" in findings[0].message


def test_times_table_lists_every_route_by_its_number_as_the_menu_writes_it(
    cli: Cli, norway_path: Path
) -> None:
    code, out, _ = cli("lint", str(norway_path), "--times")
    assert code == 0
    table = lines(out)[1:9]
    assert sorted(row[:10].strip() for row in table) == sorted(
        ["110", "112", "113", "116 117", "116 123", "1412", "02800", "810 59 500"]
    )


def test_times_table_reads_keys_menu_by_menu_and_explains_its_columns(
    cli: Cli, norway_path: Path
) -> None:
    _, out, _ = cli("lint", str(norway_path), "--times")
    rows = out.splitlines()
    assert rows[0] == "     route  presses  barge-in  listening      worst  keys"
    by_number = {row[:10].strip(): row for row in rows[1:9]}
    assert by_number["02800"].endswith("  4 then 1")
    assert by_number["113"].endswith("  1 1 3")
    assert by_number["112"].endswith("  1 1 2 (fewest: 0 then 1)")  # the operator, confirmed
    assert rows[9:17] == [
        "",
        "  route      the number, as the menu writes it",
        "  presses    the fewest keys that get there",
        "  barge-in   seconds for a caller who presses each key as soon as its prompt starts",
        "  listening  seconds for a caller who hears every prompt to the end before pressing",
        "  worst      seconds for a caller who also lets every allowed no-input timeout run out",
        '  keys       the fastest barge-in keys, menu by menu ("6 then 1": 6, then 1 at the next '
        "menu); fewest: the keys with the fewest presses",
        "  Seconds run from the start of the call to the end of the connecting announcement: "
        "prompts, key presses, waits for more digits and confirmation questions.",
    ]


def test_json_routes_carry_the_number_as_written_and_the_keys_menu_by_menu(
    cli: Cli, norway_path: Path
) -> None:
    _, out, _ = cli("lint", str(norway_path), "--json")
    routes = {r["service"]: r for r in json.loads(out)["routes"]}
    assert routes["gp_register"]["number"] == "81059500"
    assert routes["gp_register"]["display"] == "810 59 500"
    assert routes["police_info"]["barge_keys"] == "41"
    assert routes["police_info"]["barge_steps"] == ["4", "1"]


def test_a_long_prompt_a_long_list_and_a_slow_emergency_number_are_warnings(
    cli: Cli, menus: Path
) -> None:
    path = menus / "listening.yaml"
    code, out, _ = cli("lint", str(path))
    assert code == 0
    assert lines(out) == [
        f"{path}:7:9: warning: [en] emergency number 110 (the fire service) is keyed only 23.4 s "
        "into the call by a caller who hears each prompt to the end (keys 1 1 0), over the 15 s "
        "allowed (say the emergency numbers first and keep the prompts before them short)",
        f"{path}:18:5: warning: [en] prompt of node 'main' takes 22.5 s to say, over the 20 s a "
        "caller keeps listening (say less: move choices into a submenu and details into help:)",
        f"{path}:18:5: warning: node 'main' reads out 6 options (keys 1 to 6), more than the 5 a "
        "caller can keep in mind (group some into a submenu, or leave them to callers who say "
        "what they need at a node with settings: {search: tree})",
        f"{path}: ok (1 nodes, 7 services, 3 warnings)",
    ]
    code, out, _ = cli("lint", str(path), "--strict", "--json")
    codes = [f["code"] for f in json.loads(out)["findings"]]
    assert code == 1 and codes == ["emergency-slow", "prompt-too-long", "too-many-options"]


def test_the_listening_limits_are_set_on_the_command_line(cli: Cli, menus: Path) -> None:
    path = str(menus / "listening.yaml")
    code, out, _ = cli("lint", path, "--strict", "--prompt-budget", "23",
                       "--max-options", "6", "--emergency-budget", "24s")  # fmt: skip
    assert (code, lines(out)) == (0, [f"{path}: ok (1 nodes, 7 services)"])
    _, out, _ = cli("lint", path, "--prompt-budget", "22", "--max-options", "6",
                    "--emergency-budget", "23")  # fmt: skip
    assert [line.split(": warning: ")[1][:30] for line in lines(out)[:-1]] == [
        "[en] emergency number 110 (the",
        "[en] prompt of node 'main' tak",
    ]


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [("--max-options", "0", "--max-options '0' is not a whole number above 0 (write e.g. "
      "--max-options 5)"),
     ("--prompt-budget", "long", "--prompt-budget 'long' is not a number of seconds above 0 "
      "(write e.g. --prompt-budget 20)"),
     ("--emergency-budget", "-3", "--emergency-budget '-3' is not a number of seconds above 0 "
      "(write e.g. --emergency-budget 15)")],
)  # fmt: skip
def test_a_bad_listening_limit_is_one_error_line(
    cli: Cli, norway_path: Path, flag: str, value: str, expected: str
) -> None:
    code, out, err = cli("lint", str(norway_path), flag, value)
    assert (code, out, err) == (1, "", f"Error: {expected}\n")


def test_a_yaml_syntax_error_is_an_error_finding_with_the_yaml_code(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "tab.yaml"
    path.write_text("menu: t\nnodes:\n\tmain: {}\n")
    code, out, _ = cli("lint", str(path), "--json")
    (finding,) = json.loads(out)["findings"]
    assert code == 1 and finding["code"] == "yaml" and (finding["line"], finding["col"]) == (3, 1)
    assert finding["message"] == "a tab character in the indentation; YAML indents with spaces"
