"""JUnit XML a CI can read, and the coverage report's documented shape."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from ivr.loader import load_menu
from ivr.scripted.callfile import load_call_files
from ivr.scripted.coverage import ERROR_KINDS, coverage_report, write_coverage_json
from ivr.scripted.junit import write_junit
from ivr.scripted.runner import run_files
from tests.scripted.conftest import NORWAY

TWO_CALLS = (
    "calls:\n"
    "  - name: good\n"
    "    steps:\n"
    "      - press: '3'\n"
    "      - expect_route: 116 123\n"
    "  - name: bad <&>\n"
    "    steps:\n"
    "      - press: '4'\n"
    "      - expect_route: '113'\n"
)


def test_junit_has_a_suite_per_file_and_a_case_per_call(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    a = write_calls(TWO_CALLS, name="a.calls.yaml")
    b = write_calls("calls:\n  - name: only\n    steps: [{press: '5'}]\n", name="b.calls.yaml")
    files = load_call_files([str(a), str(b)])
    out = tmp_path / "reports" / "junit.xml"
    write_junit(run_files(files), out)
    root = ET.parse(out).getroot()
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == (
        "testsuites",
        "3",
        "1",
        "0",
    )
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        (str(a), "2", "1"),
        (str(b), "1", "0"),
    ]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["good", "bad <&>"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == (
        f"step 2 ({a}:10:23): expect_route: '113': expected routed to 113; "
        "got still waiting at node 'more' (mode menu)"
    )
    assert "CALLER  4" in (failure.text or "")
    assert "CALLER  4" in (cases[1].findtext("system-out") or "")
    assert [p.name for p in out.parent.iterdir()] == ["junit.xml"]  # no temp file left


def test_coverage_json_lists_what_no_call_reached(
    write_calls: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_calls(TWO_CALLS)
    files = load_call_files([str(path)])
    report = coverage_report({f.calls.menu_path: f.menu for f in files}, run_files(files))
    out = tmp_path / "cov.json"
    write_coverage_json(report, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "ivr-coverage/1"
    ((key, menu),) = data["menus"].items()
    assert key.endswith("menus/norway.yaml")
    assert menu["calls"] == 2
    nodes = menu["nodes"]
    assert (nodes["total"], nodes["visited"]) == (8, 2)
    assert nodes["missed"] == ["emergency", "doctor_now", "gp_open", "gp", "health_info", "dial"]
    assert nodes["hits"]["main"] == 2
    options = menu["options"]
    assert (options["total"], options["visited"], options["percent"]) == (23, 2, 8.7)
    assert options["hits"]["main.3"] == 1 and options["hits"]["main.4"] == 1
    assert "main.w1" in options["missed"]  # the emergencies option, said, never keyed
    errors = menu["errors"]
    assert errors["total"] == 7 * len(ERROR_KINDS)  # every node but the time branch
    assert errors["visited"] == 0
    assert errors["by_node"]["main"] == {k: 0 for k in ERROR_KINDS}
    rules = load_menu(NORWAY).nodes["doctor_now"].branch
    assert menu["branches"]["missed"] == [f"doctor_now:{r.where.line}" for r in rules]


def test_error_branches_are_counted_per_node(write_calls: Callable[..., Path]) -> None:
    path = write_calls(
        "calls:\n  - name: x\n    steps:\n      - say: emergency\n      - press: '5'\n"
        "      - silence: 6\n      - say: purple\n      - say: orange\n"
    )
    files = load_call_files([str(path)])
    report = coverage_report({f.calls.menu_path: f.menu for f in files}, run_files(files))
    (menu,) = report["menus"].values()
    assert menu["errors"]["by_node"]["emergency"] == {
        "no_input": 1,
        "no_match": 3,
        "invalid_key": 1,
        "max_failures": 1,
    }
