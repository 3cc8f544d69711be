"""``ivr graph``: DOT, Mermaid, SVG and a self-contained HTML page, with coverage colours."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import ivr.graph.svg as svg_module
from ivr.graph import build_diagram, render
from ivr.graph.coverage import load_coverage
from ivr.graph.svg import render_builtin
from ivr.loader import load_menu
from tests.quality.conftest import Cli

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


@pytest.mark.parametrize("with_dot", [True, False])
def test_html_is_one_self_contained_page(
    cli: Cli, norway_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_dot: bool
) -> None:
    if with_dot and shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    if not with_dot:
        monkeypatch.setattr(svg_module.shutil, "which", lambda name: None)
    target = tmp_path / "menu.html"
    assert cli("graph", str(norway_path), "--format", "html", "--out", str(target))[0] == 0
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    links = re.findall(r"(?:src|href)=\"([^\"]+)\"", page) + re.findall(r"url\(([^)#]+)\)", page)
    assert links == []  # nothing to fetch
    assert "<script" not in page
    assert "<td>02800</td><td>the police information line</td><td>41</td>" in page


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
