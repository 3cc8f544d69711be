"""Mermaid flowchart text for a diagram (renders in GitHub and GitLab markdown)."""

from __future__ import annotations

import re

from ivr.graph.build import Diagram, GNode

_OPEN_CLOSE = {
    "menu": ("(", ")"),
    "branch": ("{", "}"),
    "collect": ("[[", "]]"),
    "service": ("([", "])"),
    "hangup": ("((", "))"),
    "anywhere": (">", "]"),
}


def _id(raw: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", raw)


def _text(text: str) -> str:
    """Mermaid labels in quotes; quotes and angle brackets as entities, newlines as <br/>."""
    body = text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
    body = body.replace(">", "#gt;").replace("|", "#124;").replace("\n", "<br/>")
    return f'"{body}"'


def _node(node: GNode) -> str:
    opening, closing = _OPEN_CLOSE.get(node.kind, ("[", "]"))
    return f"  {_id(node.id)}{opening}{_text(node.label)}{closing}"


def to_mermaid(diagram: Diagram) -> str:
    lines = ["---", f"title: {_text(diagram.title)}", "---", "flowchart LR"]
    lines += [_node(n) for n in diagram.nodes]
    styles: list[str] = []
    for index, edge in enumerate(diagram.edges):
        arrow = "-.->" if edge.kind == "failure" else ("==>" if edge.kind == "shortcut" else "-->")
        lines.append(f"  {_id(edge.source)} {arrow}|{_text(edge.label)}| {_id(edge.target)}")
        if edge.coverage == "missed":
            styles.append(f"  linkStyle {index} stroke:#c0392b,stroke-width:2px")
        elif edge.coverage == "visited":
            styles.append(f"  linkStyle {index} stroke:#1e8449")
        elif edge.kind == "failure":
            styles.append(f"  linkStyle {index} stroke:#b00020")
    lines += styles
    lines.append("  classDef visited stroke:#1e8449,stroke-width:2px")
    lines.append("  classDef missed stroke:#c0392b,stroke-width:2px,color:#c0392b")
    for node in diagram.nodes:
        if node.coverage:
            lines.append(f"  class {_id(node.id)} {node.coverage}")
    return "\n".join(lines) + "\n"
