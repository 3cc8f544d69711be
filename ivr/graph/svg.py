"""SVG from Graphviz ``dot`` when it is installed, and a plain built-in layout otherwise.

``ivr graph --format svg`` insists on Graphviz (its layout is far better and
the user asked for an SVG file); the HTML page falls back to the built-in
layered layout so it works on a machine without Graphviz too.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections import deque
from html import escape

from ivr.errors import IvrError
from ivr.graph.build import ANYWHERE, HANGUP, Diagram, dom_id
from ivr.graph.dot import to_dot

log = logging.getLogger(__name__)
DOT_TIMEOUT_S = 60


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_with_dot(diagram: Diagram) -> str:
    exe = shutil.which("dot")
    if exe is None:
        raise IvrError(
            "Graphviz 'dot' is not installed, so no SVG can be drawn",
            "apt-get install graphviz, or use --format dot, mermaid or html",
        )
    try:
        done = subprocess.run(
            [exe, "-Tsvg"], input=to_dot(diagram).encode("utf-8"), capture_output=True,
            timeout=DOT_TIMEOUT_S, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise IvrError(f"Graphviz dot took over {DOT_TIMEOUT_S} s", "try --format dot") from None
    except OSError as exc:
        raise IvrError(f"cannot run Graphviz dot: {exc.strerror}", "check the install") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IvrError(
            f"Graphviz dot failed: {message[-1] if message else 'exit ' + str(done.returncode)}",
            "report this with the --format dot output",
        )
    svg = done.stdout.decode("utf-8", "replace")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


_BOX_W, _BOX_H, _COL_GAP, _ROW_GAP = 190, 48, 140, 26
_FILL = {
    "menu": "#ffffff", "branch": "#fdf2e9", "collect": "#eef6ee", "service": "#e8f4ff",
    "hangup": "#eeeeee", "anywhere": "#fffbe6",
}  # fmt: skip
_STROKE = {"visited": "#1e8449", "missed": "#c0392b"}


def render_builtin(diagram: Diagram) -> str:
    """A layered left-to-right layout: columns by distance from the "any node" box."""
    ids = [n.id for n in diagram.nodes]
    outgoing: dict[str, list[str]] = {i: [] for i in ids}
    for edge in diagram.edges:
        outgoing[edge.source].append(edge.target)
    level: dict[str, int] = {}
    roots = [*[i for i in ids if i.startswith("n_")][:1], *[i for i in ids if i == ANYWHERE]]
    queue = deque(roots)
    for root in roots:
        level[root] = 0
    while queue:
        current = queue.popleft()
        for nxt in outgoing[current]:
            if nxt not in level and not nxt.startswith("s_") and nxt != HANGUP:
                level[nxt] = level[current] + 1
                queue.append(nxt)
    last = max(level.values(), default=0) + 1
    for node in diagram.nodes:
        level.setdefault(node.id, last)
    columns: dict[int, list[str]] = {}
    for node in diagram.nodes:
        columns.setdefault(level[node.id], []).append(node.id)
    pos: dict[str, tuple[float, float]] = {}
    for col, members in columns.items():
        for row, node_id in enumerate(members):
            pos[node_id] = (20 + col * (_BOX_W + _COL_GAP), 50 + row * (_BOX_H + _ROW_GAP))
    width = 40 + (max(columns) + 1) * (_BOX_W + _COL_GAP)
    height = 80 + max(len(m) for m in columns.values()) * (_BOX_H + _ROW_GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
        f'<text x="20" y="24" font-size="16" font-weight="bold">{escape(diagram.title)}</text>',
    ]
    for edge in diagram.edges:
        x1, y1 = pos[edge.source]
        x2, y2 = pos[edge.target]
        colour = _STROKE.get(edge.coverage or "", "#b00020" if edge.kind == "failure" else "#777")
        dash = ' stroke-dasharray="5,4"' if edge.kind == "failure" else ""
        if edge.source == edge.target:
            path = (f"M{x1 + _BOX_W - 30},{y1} C{x1 + _BOX_W},{y1 - 30} {x1 + _BOX_W + 30},"
                    f"{y1 + 10} {x1 + _BOX_W},{y1 + 14}")  # fmt: skip
            lx, ly = x1 + _BOX_W + 4, y1 - 8
        else:
            sx, sy = x1 + _BOX_W, y1 + _BOX_H / 2
            tx, ty = x2, y2 + _BOX_H / 2
            if x2 <= x1:
                sx, tx = x1, x2 + _BOX_W
            path = f"M{sx},{sy} L{tx},{ty}"
            lx, ly = (sx + tx) / 2, (sy + ty) / 2 - 3
        parts.append(
            f'<g class="edge {edge.kind}"><title>{escape(edge.label)}</title>'
            f'<path d="{path}" fill="none" stroke="{colour}"{dash} marker-end="url(#arrow)"/>'
            f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="9" fill="#333" text-anchor="middle">'
            f"{escape(edge.label[:40])}</text></g>"
        )
    for node in diagram.nodes:
        x, y = pos[node.id]
        stroke = _STROKE.get(node.coverage or "", "#333")
        rx = 20 if node.kind in ("service", "hangup") else 6
        lines = node.label.split("\n")
        parts.append(
            f'<g class="node {node.kind}" id="{escape(dom_id(node.id))}">'
            f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="{rx}" '
            f'fill="{_FILL.get(node.kind, "#fff")}" '
            f'stroke="{stroke}" stroke-width="{2 if node.coverage else 1}"/>'
        )
        for i, line in enumerate(lines[:3]):
            parts.append(
                f'<text x="{x + _BOX_W / 2}" y="{y + 18 + i * 13}" font-size="11" '
                f'text-anchor="middle">{escape(line[:32])}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
