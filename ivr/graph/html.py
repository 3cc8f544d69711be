"""One self-contained HTML page: the diagram inline as SVG, and the routes as a table.

Nothing is fetched from the network: the SVG is drawn here (by Graphviz when
installed, else the built-in layout) and the page carries its own style.
"""

from __future__ import annotations

from html import escape

from ivr.analysis.timing import time_to_service
from ivr.graph.build import Diagram
from ivr.graph.svg import dot_available, render_builtin, render_with_dot
from ivr.model import Menu

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } .diagram { overflow: auto; border: 1px solid #ddd; padding: .5em; }
table { border-collapse: collapse; margin-top: 1em; }
td, th { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
.legend span { margin-right: 1.2em; } .missed { color: #c0392b; } .visited { color: #1e8449; }
"""


def to_html(menu: Menu, diagram: Diagram, lang: str | None = None) -> str:
    svg = render_with_dot(diagram) if dot_available() else render_builtin(diagram)
    layout = "Graphviz" if dot_available() else "built-in layout"
    rows = []
    for rt in time_to_service(menu, lang=lang):
        rows.append(
            f"<tr><td>{escape(rt.display)}</td><td>{escape(rt.name)}</td>"
            f"<td>{escape(rt.fewest_keys)}</td><td>{rt.paths['barge'].seconds:.1f} s "
            f"({escape(rt.paths['barge'].keys)})</td><td>{rt.paths['listen'].seconds:.1f} s</td>"
            "</tr>"
        )
    covered = any(n.coverage for n in diagram.nodes)
    legend = (
        '<p class="legend"><span class="visited">green: visited by tests</span>'
        '<span class="missed">red: missed by tests</span></p>'
        if covered
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{escape(lang or menu.default_lang)}">
<head>
<meta charset="utf-8">
<title>{escape(menu.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{escape(menu.title)}</h1>
<p>Menu <code>{escape(menu.id)}</code> from <code>{escape(menu.file)}</code>:
{len(menu.nodes)} nodes, {len(menu.services)} services. Dashed red arrows are error branches
(too many no-input or no-match turns); the note box holds what works at every node.
Drawn with the {layout}.</p>
{legend}
<div class="diagram">
{svg}
</div>
<h2>Routes</h2>
<table>
<tr><th>number</th><th>service</th><th>fewest keys</th><th>by barge-in keys</th>
<th>listening to every prompt</th></tr>
{"".join(rows)}
</table>
</body>
</html>
"""
