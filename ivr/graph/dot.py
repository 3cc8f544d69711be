"""Graphviz DOT text for a diagram (render it with ``dot -Tsvg``)."""

from __future__ import annotations

from ivr.graph.build import Diagram, GEdge, GNode, dom_id

_SHAPES = {
    "menu": "box, style=rounded",
    "branch": "diamond",
    "collect": "box3d",
    "service": 'doubleoctagon, style=filled, fillcolor="#e8f4ff"',
    "hangup": 'octagon, style=filled, fillcolor="#eeeeee"',
    "anywhere": 'note, style=filled, fillcolor="#fffbe6"',
}
_EDGE_STYLES = {
    "failure": 'style=dashed, color="#b00020", fontcolor="#b00020"',
    "shortcut": 'color="#d35400", penwidth=2',
    "command": 'color="#555555"',
    "info": "style=dotted",
    "number": 'color="#2471a3"',
}
COVERAGE_NODE = {
    "visited": 'color="#1e8449", penwidth=2',
    "missed": 'color="#c0392b", penwidth=2, fontcolor="#c0392b"',
}
COVERAGE_EDGE = {"visited": 'color="#1e8449"', "missed": 'color="#c0392b", style=bold'}


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _node(node: GNode) -> str:
    attrs = [f"label={quote(node.label)}", f"shape={_SHAPES.get(node.kind, 'box')}"]
    if node.coverage:
        attrs.append(COVERAGE_NODE[node.coverage])
    attrs.append(f"id={quote(dom_id(node.id))}")
    return f"  {quote(node.id)} [{', '.join(attrs)}];"


def _edge(edge: GEdge) -> str:
    attrs = [f"label={quote(edge.label)}"]
    if edge.kind in _EDGE_STYLES:
        attrs.append(_EDGE_STYLES[edge.kind])
    if edge.coverage:
        attrs.append(COVERAGE_EDGE[edge.coverage])
    return f"  {quote(edge.source)} -> {quote(edge.target)} [{', '.join(attrs)}];"


def to_dot(diagram: Diagram) -> str:
    lines = [
        "digraph menu {",
        f"  label={quote(diagram.title)}; labelloc=t; rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    lines += [_node(n) for n in diagram.nodes]
    lines += [_edge(e) for e in diagram.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"
