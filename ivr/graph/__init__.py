"""Diagrams of a menu: DOT, Mermaid, SVG and a self-contained HTML page."""

from __future__ import annotations

from ivr.errors import IvrError
from ivr.graph.build import Diagram, build_diagram
from ivr.graph.coverage import Coverage, load_coverage
from ivr.graph.dot import to_dot
from ivr.graph.html import to_html
from ivr.graph.mermaid import to_mermaid
from ivr.graph.svg import render_with_dot
from ivr.model import Menu

FORMATS = ("dot", "mermaid", "svg", "html")

__all__ = ["FORMATS", "Coverage", "Diagram", "build_diagram", "load_coverage", "render"]


def render(menu: Menu, fmt: str, coverage: Coverage | None = None, lang: str | None = None) -> str:
    if fmt not in FORMATS:
        raise IvrError(f"unknown diagram format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    diagram = build_diagram(menu, lang, coverage)
    if fmt == "dot":
        return to_dot(diagram)
    if fmt == "mermaid":
        return to_mermaid(diagram)
    if fmt == "svg":
        return render_with_dot(diagram)
    return to_html(menu, diagram, lang)
