"""``ivr graph``: DOT, Mermaid, SVG and a self-contained HTML page, with coverage colours."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import ivr.graph.svg as svg_module
from ivr.graph import Diagram, build_diagram, render
from ivr.graph.coverage import Coverage, load_coverage
from ivr.graph.svg import render_builtin
from ivr.loader import load_menu
from ivr.scripted.callfile import load_call_files
from ivr.scripted.coverage import coverage_report, write_coverage_json
from ivr.scripted.runner import run_files
from tests.conftest import ROOT
from tests.quality.conftest import Cli

NORWAY_CALLS = ROOT / "tests" / "calls" / "norway.calls.yaml"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def test_dot_has_nodes_keys_phrases_routes_and_error_branches(cli: Cli, norway_path: Path) -> None:
    code, out, _ = cli("graph", str(norway_path), "--format", "dot")
    assert code == 0 and out.startswith("digraph menu {")
    assert '"n_main" -> "n_more" [label="4 | \\"other services\\""' in out
    assert '"n_main" -> "n_emergency" [label="\\"emergency\\", \\"emergency services\\"' in out
    assert '"s_ambulance" [label="113\\nthe medical emergency line"' in out
    assert '"anywhere" -> "s_fire" [label="110"' in out  # a shortcut, drawn once
    assert '"n_main" -> "hangup" [label="3x no input / 3x no match", style=dashed' in out
    assert '"n_doctor_now" -> "s_legevakt" [label="otherwise"' in out
    assert '"n_dial" -> "s_police_info" [label="02800#"' in out


def test_mermaid_is_a_flowchart_with_escaped_labels(cli: Cli, norway_path: Path) -> None:
    code, out, _ = cli("graph", str(norway_path), "--format", "mermaid")
    assert code == 0 and "flowchart LR" in out
    assert 'n_main -->|"4 #124; #quot;other services#quot;"| n_more' in out
    assert 'anywhere ==>|"113"| s_ambulance' in out
    assert re.search(r"n_main -\.->\|\"3x no input / 3x no match\"\| hangup", out)


@needs_dot
def test_svg_comes_from_graphviz(cli: Cli, norway_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "menu.svg"
    code, out, _ = cli("graph", str(norway_path), "--format", "svg", "--out", str(target))
    text = target.read_text()
    assert code == 0 and out.startswith(f"wrote {target} (svg, ")
    assert text.startswith("<svg") and "the medical emergency line" in text


def test_svg_without_graphviz_is_a_clear_error(
    cli: Cli, norway_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svg_module.shutil, "which", lambda name: None)
    code, out, err = cli("graph", str(norway_path), "--format", "svg")
    assert (code, out) == (1, "")
    assert err == (
        "Error: Graphviz 'dot' is not installed, so no SVG can be drawn (apt-get install "
        "graphviz, or use --format dot, mermaid or html)\n"
    )


class _Page(HTMLParser):
    """The page's elements as (tag, attributes, ids of the open elements around it)."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.open: list[tuple[str, str]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        around = tuple(i for _, i in self.open if i)
        self.elements.append((tag, attributes, around))
        if tag not in self.VOID:
            self.open.append((tag, attributes.get("id", "")))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1][0] == "script":
            self.scripts.append(data)


def _html(cli: Cli, menu: Path, target: Path, *extra: str) -> str:
    assert cli("graph", str(menu), "--format", "html", "--out", str(target), *extra)[0] == 0
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("with_dot", [True, False])
def test_html_is_one_self_contained_page_with_zoom_controls(
    cli: Cli, norway_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_dot: bool
) -> None:
    if with_dot and shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    if not with_dot:
        monkeypatch.setattr(svg_module.shutil, "which", lambda name: None)
    page = _html(cli, norway_path, tmp_path / "menu.html")
    assert page.startswith("<!DOCTYPE html>")
    links = re.findall(r"(?:src|href)=\"([^\"]+)\"", page) + re.findall(r"url\(([^)#]+)\)", page)
    assert links == []  # nothing to fetch
    parsed = _Page()
    parsed.feed(page)
    tags = {(tag, a.get("id", "")): around for tag, a, around in parsed.elements}
    assert tags[("svg", "")][-2:] == ("viewport", "stage")  # the drawing sits in the stage
    assert {("button", b) for b in ("zoom-in", "zoom-out", "zoom-fit")} <= tags.keys()
    viewport = next(a for tag, a, _ in parsed.elements if a.get("id") == "viewport")
    assert viewport.get("tabindex") == "0"  # it takes the zoom and pan keys
    scripts = [a for tag, a, _ in parsed.elements if tag == "script"]
    assert scripts == [{}]  # one script, inline
    code = "".join(parsed.scripts)
    assert all(word in code for word in ("wheel", "pointermove", "keydown", "fit()"))
    assert "Drawn with" not in page
    assert ("Laid out by Graphviz." in page) is with_dot
    # keys as a person reads them, menu by menu (as lint --times prints them)
    assert "<td>113</td><td>the medical emergency line</td><td>1 1 3</td>" in page
    assert "<td>02800</td><td>the police information line</td><td>4 then 1</td>" in page


def _orphans(diagram: Diagram) -> list[str]:
    linked = {e.source for e in diagram.edges} | {e.target for e in diagram.edges}
    return [n.id for n in diagram.nodes if n.id not in linked]


def _coverage_graph(calls: Path, tmp_path: Path) -> Diagram:
    """The diagram of the calls' menu, coloured by the coverage of running them."""
    files = load_call_files([str(calls)])
    report = coverage_report({f.calls.menu_path: f.menu for f in files}, run_files(files))
    write_coverage_json(report, tmp_path / "cov.json")
    menu_path = files[0].calls.menu_path
    coverage = load_coverage(tmp_path / "cov.json", menu_path)
    return build_diagram(load_menu(menu_path), coverage=coverage)


def test_the_norway_coverage_graph_has_no_orphan_node(tmp_path: Path) -> None:
    diagram = _coverage_graph(NORWAY_CALLS, tmp_path)
    assert _orphans(diagram) == []
    assert all(n.coverage == "visited" for n in diagram.nodes if n.id.startswith("n_"))


def test_the_coverage_graph_of_the_ivr_new_example_has_no_orphan_node(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("new", str(tmp_path / "clinic.yaml"))[0] == 0
    diagram = _coverage_graph(tmp_path / "clinic.calls.yaml", tmp_path)
    assert _orphans(diagram) == []
    assert "hangup" not in {n.id for n in diagram.nodes}  # failures go to reception there


@pytest.mark.parametrize("name", ["structure.yaml", "limits.yaml", "timing.yaml", "phrases.yaml"])
def test_other_menus_have_no_orphan_node(menus: Path, name: str) -> None:
    diagram = build_diagram(load_menu(menus / name))
    assert _orphans(diagram) == []
    assert render_builtin(diagram).count('<g class="node ') == len(diagram.nodes)


def test_boxes_nothing_points_at_are_left_out(menus: Path) -> None:
    ids = {n.id for n in build_diagram(load_menu(menus / "structure.yaml")).nodes}
    assert "s_spare" not in ids  # a service nothing routes to
    assert "anywhere" not in ids  # no command or shortcut leads anywhere
    assert {"n_main", "n_orphan", "s_fire"} <= ids  # an unreachable node keeps its arrows


def test_no_hang_up_box_when_every_failure_goes_to_a_person(
    write_menu: Callable[..., Path],
) -> None:
    path = write_menu(
        """\
        menu: m
        start: main
        settings: {on_max_failures: {route: desk}}
        services:
          desk: {number: "555 0100", name: the desk, announce: "The desk, {number}."}
        nodes:
          main:
            prompt: Press 1 for the desk.
            options:
              - {key: 1, route: desk}
        """
    )
    diagram = build_diagram(load_menu(path), coverage=Coverage(frozenset(), frozenset(), ()))
    assert [n.id for n in diagram.nodes] == ["n_main", "s_desk"]
    assert _orphans(diagram) == []


CHROMIUM = Path("/usr/bin/chromium")


def _browser_page() -> Any:
    """A 1280x800 page in Debian's headless chromium, or a skip when there is none."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api.sync_playwright()


@pytest.mark.parametrize("with_dot", [True, False])
def test_the_page_fits_the_diagram_to_the_window_and_zooms_in_a_browser(
    cli: Cli, norway_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_dot: bool
) -> None:
    if with_dot and shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    if not with_dot:
        monkeypatch.setattr(svg_module.shutil, "which", lambda name: None)
    target = tmp_path / "menu.html"
    _html(cli, norway_path, target)
    monkeypatch.undo()  # shutil.which is everyone's, the browser's launcher's too
    with _browser_page() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(target.as_uri())
            view = page.locator("#viewport").bounding_box()
            drawn = page.locator("#stage svg").bounding_box()

            def transform() -> str:
                return str(page.eval_on_selector("#stage", "e => e.style.transform"))

            def scale() -> float:
                return float(page.eval_on_selector("#stage", "e => e.dataset.scale"))

            fitted = transform()
            # the whole drawing is inside the window, and fills it one way
            assert view["x"] + view["width"] <= 1280 and view["y"] + view["height"] <= 800
            assert drawn["x"] >= view["x"] and drawn["y"] >= view["y"]
            assert drawn["x"] + drawn["width"] <= view["x"] + view["width"] + 0.5
            assert drawn["y"] + drawn["height"] <= view["y"] + view["height"] + 0.5
            assert max(drawn["width"] / view["width"], drawn["height"] / view["height"]) > 0.9
            first = scale()
            page.click("#zoom-in")
            assert transform() != fitted and scale() > first
            zoomed = scale()
            page.mouse.move(view["x"] + 200, view["y"] + 150)
            page.mouse.wheel(0, 400)  # wheel down: out (wheel events are delivered async)
            page.wait_for_function(
                "limit => Number(document.getElementById('stage').dataset.scale) < limit",
                arg=zoomed,
            )
            page.focus("#viewport")
            page.keyboard.press("0")
            assert transform() == fitted
            page.keyboard.press("+")
            assert scale() > first
            before = transform()
            page.mouse.move(view["x"] + 300, view["y"] + 200)
            page.mouse.down()
            page.mouse.move(view["x"] + 400, view["y"] + 260, steps=4)
            page.mouse.up()
            moved = transform()
            assert moved != before and moved.endswith(before[before.index("scale") :])
            assert errors == []
        finally:
            browser.close()


def test_coverage_colours_missed_nodes_and_options(
    cli: Cli, norway_path: Path, tmp_path: Path
) -> None:
    coverage = tmp_path / "coverage.json"
    coverage.write_text(json.dumps({"menus": {str(norway_path): {
        "nodes": {"total": 7, "visited": 6, "missed": ["gp"]},
        "options": {"total": 30, "visited": 29, "missed": ["more.4"]},
        "errors": {"total": 6, "visited": 5, "missed": ["dial:no_input"]},
    }}}))  # fmt: skip
    code, out, _ = cli("graph", str(norway_path), "--coverage", str(coverage))
    assert code == 0
    assert '"n_gp" [label="gp", shape=box, style=rounded, color="#c0392b"' in out
    assert '"n_main" [label="main (start)", shape=box, style=rounded, color="#1e8449"' in out
    assert re.search(r'"n_more" -> "n_health_info" \[[^\n]*color="#c0392b", style=bold', out)
    assert re.search(r'"n_dial" -> "hangup" \[[^\n]*color="#c0392b"', out)
    assert re.search(r'"n_main" -> "hangup" \[[^\n]*color="#1e8449"', out)


def test_coverage_for_another_menu_is_refused(cli: Cli, norway_path: Path, tmp_path: Path) -> None:
    coverage = tmp_path / "coverage.json"
    coverage.write_text(json.dumps({"menus": {"other.yaml": {}}}))
    code, _, err = cli("graph", str(norway_path), "--coverage", str(coverage))
    assert code == 1
    expected = f"Error: coverage file {coverage} has nothing for {norway_path}"
    assert err == f"{expected} (it covers: other.yaml)\n"


def test_coverage_matches_the_menu_by_file_name(norway_path: Path, tmp_path: Path) -> None:
    coverage = tmp_path / "c.json"
    coverage.write_text(json.dumps({"menus": {"menus/norway.yaml": {"nodes": {"missed": ["gp"]}}}}))
    assert load_coverage(coverage, str(norway_path)).node("gp") == "missed"


def test_builtin_layout_places_every_node(norway_path: Path) -> None:
    diagram = build_diagram(load_menu(norway_path))
    svg = render_builtin(diagram)
    assert svg.count('<g class="node ') == len(diagram.nodes)
    assert svg.count('<g class="edge ') == len(diagram.edges)


def test_norwegian_labels(norway_path: Path) -> None:
    text = render(load_menu(norway_path), "dot", lang="nb")
    assert "medisinsk nødtelefon" in text and '\\"ambulanse\\"' in text


def test_unknown_language_is_refused(cli: Cli, norway_path: Path) -> None:
    code, _, err = cli("graph", str(norway_path), "--lang", "sv")
    assert code == 1 and err.startswith("Error: --lang 'sv' is not one of the menu's languages")
