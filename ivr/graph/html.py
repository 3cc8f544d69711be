"""One self-contained HTML page: the diagram inline as SVG, and the routes as a table.

Nothing is fetched from the network and nothing is built: the SVG is drawn
here (by Graphviz when installed, else the built-in layout) and the page
carries its own style and a small script. A real menu's diagram is far wider
than a window (Norway's is about 2,900 pt), so the script fits it to the
window on load and lets the reader zoom (wheel, pinch, +/- buttons, keys)
and pan (drag, arrow keys) on a CSS transform of the drawing. Without
script the diagram is still there, at its own size, in a scrolling box.
"""

from __future__ import annotations

from html import escape

from ivr.analysis.timing import time_to_service
from ivr.graph.build import Diagram
from ivr.graph.svg import dot_available, render_builtin, render_with_dot
from ivr.model import Menu

_STYLE = """
html, body { margin: 0; }
body { font-family: Helvetica, Arial, sans-serif; color: #222; }
.page { display: flex; flex-direction: column; height: 100vh; }
header { padding: .6em 1em .4em; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.3em; margin: 0 0 .2em; } header p { margin: .2em 0; font-size: .9em; }
.toolbar { display: flex; gap: .4em; align-items: center; margin-top: .3em; }
.toolbar button { font-size: 1em; min-width: 2.2em; padding: .15em .5em; cursor: pointer; }
.toolbar .hint { color: #666; font-size: .85em; margin-left: .6em; }
.diagram { flex: 1; min-height: 12em; overflow: auto; position: relative; outline: none; }
.diagram:focus-visible { box-shadow: inset 0 0 0 2px #2471a3; }
.js .diagram { overflow: hidden; cursor: grab; touch-action: none; user-select: none;
  -webkit-user-select: none; }
.js .diagram.dragging { cursor: grabbing; }
.js .stage { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
.stage svg { display: block; }
section { padding: 0 1em 1em; }
table { border-collapse: collapse; margin-top: .5em; }
td, th { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
.legend span { margin-right: 1.2em; } .missed { color: #c0392b; } .visited { color: #1e8449; }
"""

#: Fit, zoom and pan. Plain ES5 in the page: no library, no build step, no network.
_SCRIPT = r"""
(function () {
  "use strict";
  var view = document.getElementById("viewport");
  var stage = document.getElementById("stage");
  var svg = stage && stage.querySelector("svg");
  if (!view || !svg) { return; }
  document.documentElement.className += " js";
  var box = svg.viewBox && svg.viewBox.baseVal;
  var width = box && box.width ? box.width : svg.getBBox().width;
  var height = box && box.height ? box.height : svg.getBBox().height;
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  stage.style.width = width + "px";
  stage.style.height = height + "px";
  var scale = 1, x = 0, y = 0, fitScale = 1, fitted = true;
  var MARGIN = 0.96, STEP = 1.25, MAX_FIT = 2;  // a small menu is not blown up past 2x

  function apply() {
    stage.style.transform = "translate(" + x + "px, " + y + "px) scale(" + scale + ")";
    stage.setAttribute("data-scale", scale.toFixed(4));
  }
  function limits() {
    return [Math.min(fitScale, 1) / 4, Math.max(8, fitScale * 2)];
  }
  function fit() {
    var w = view.clientWidth, h = view.clientHeight;
    if (w <= 0 || h <= 0) { return; }
    fitScale = Math.min(Math.min(w / width, h / height) * MARGIN, MAX_FIT);
    scale = fitScale;
    x = (w - width * scale) / 2;
    y = (h - height * scale) / 2;
    fitted = true;
    apply();
  }
  function zoomAt(factor, cx, cy) {
    var range = limits();
    var next = Math.min(range[1], Math.max(range[0], scale * factor));
    var k = next / scale;
    x = cx - (cx - x) * k;
    y = cy - (cy - y) * k;
    scale = next;
    fitted = false;
    apply();
  }
  function zoomCentre(factor) { zoomAt(factor, view.clientWidth / 2, view.clientHeight / 2); }
  function panBy(dx, dy) { x += dx; y += dy; fitted = false; apply(); }
  function local(event) {
    var r = view.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  }

  view.addEventListener("wheel", function (event) {
    event.preventDefault();
    var unit = event.deltaMode === 1 ? 0.05 : (event.deltaMode === 2 ? 1 : 0.002);
    var at = local(event);
    zoomAt(Math.exp(-event.deltaY * unit), at[0], at[1]);
  }, { passive: false });

  var pointers = {}, pinch = null;
  function points() {
    var list = [];
    for (var id in pointers) { if (pointers.hasOwnProperty(id)) { list.push(pointers[id]); } }
    return list;
  }
  function spread(list) {
    var dx = list[0][0] - list[1][0], dy = list[0][1] - list[1][1];
    return { d: Math.sqrt(dx * dx + dy * dy) || 1,
             cx: (list[0][0] + list[1][0]) / 2, cy: (list[0][1] + list[1][1]) / 2 };
  }
  view.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    view.setPointerCapture(event.pointerId);
    pointers[event.pointerId] = local(event);
    var list = points();
    pinch = list.length === 2 ? spread(list) : null;
    view.className += " dragging";
  });
  view.addEventListener("pointermove", function (event) {
    var before = pointers[event.pointerId];
    if (!before) { return; }
    var now = local(event);
    pointers[event.pointerId] = now;
    var list = points();
    if (list.length === 2 && pinch) {
      var next = spread(list);
      panBy(next.cx - pinch.cx, next.cy - pinch.cy);
      zoomAt(next.d / pinch.d, next.cx, next.cy);
      pinch = next;
    } else if (list.length === 1) {
      panBy(now[0] - before[0], now[1] - before[1]);
    }
  });
  function release(event) {
    delete pointers[event.pointerId];
    var list = points();
    pinch = list.length === 2 ? spread(list) : null;
    if (!list.length) { view.className = view.className.replace(/ dragging/g, ""); }
  }
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  view.addEventListener("dblclick", function (event) {
    var at = local(event);
    zoomAt(2, at[0], at[1]);
  });

  var KEYS = {
    "+": function () { zoomCentre(STEP); }, "=": function () { zoomCentre(STEP); },
    "-": function () { zoomCentre(1 / STEP); }, "_": function () { zoomCentre(1 / STEP); },
    "0": fit, "f": fit,
    "ArrowLeft": function () { panBy(view.clientWidth / 10, 0); },
    "ArrowRight": function () { panBy(-view.clientWidth / 10, 0); },
    "ArrowUp": function () { panBy(0, view.clientHeight / 10); },
    "ArrowDown": function () { panBy(0, -view.clientHeight / 10); }
  };
  view.addEventListener("keydown", function (event) {
    var act = KEYS[event.key];
    if (!act || event.ctrlKey || event.metaKey || event.altKey) { return; }
    event.preventDefault();
    act();
  });
  document.getElementById("zoom-in").addEventListener("click", function () { zoomCentre(STEP); });
  document.getElementById("zoom-out").addEventListener("click", function () {
    zoomCentre(1 / STEP);
  });
  document.getElementById("zoom-fit").addEventListener("click", fit);
  window.addEventListener("resize", function () { if (fitted) { fit(); } });
  fit();
})();
"""


def to_html(menu: Menu, diagram: Diagram, lang: str | None = None) -> str:
    with_dot = dot_available()
    svg = render_with_dot(diagram) if with_dot else render_builtin(diagram)
    layout = (
        "Laid out by Graphviz."
        if with_dot
        else "Laid out by ivr's own simple layout (install Graphviz for a clearer one)."
    )
    rows = []
    for rt in time_to_service(menu, lang=lang):
        rows.append(
            f"<tr><td>{escape(rt.display)}</td><td>{escape(rt.name)}</td>"
            f"<td>{escape(rt.fewest_said)}</td><td>{rt.paths['barge'].seconds:.1f} s "
            f"({escape(rt.paths['barge'].said)})</td><td>{rt.paths['listen'].seconds:.1f} s</td>"
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
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(menu.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<div class="page">
<header>
<h1>{escape(menu.title)}</h1>
<p>Menu <code>{escape(menu.id)}</code> from <code>{escape(menu.file)}</code>:
{len(menu.nodes)} nodes, {len(menu.services)} services. Dashed red arrows are error branches
(too many no-input or no-match turns); the note box holds what works at every node.
{layout}</p>
{legend}
<div class="toolbar" role="toolbar" aria-label="diagram view">
<button type="button" id="zoom-in" title="zoom in (+)" aria-label="zoom in">+</button>
<button type="button" id="zoom-out" title="zoom out (-)" aria-label="zoom out">&minus;</button>
<button type="button" id="zoom-fit" title="fit to the window (0)" aria-label="fit to the window">\
fit</button>
<span class="hint">Wheel or pinch to zoom, drag to move; on the diagram, + &minus; 0 and the
arrow keys do the same.</span>
</div>
</header>
<div class="diagram" id="viewport" tabindex="0" role="group" aria-label="diagram of the menu">
<div class="stage" id="stage">
{svg}
</div>
</div>
</div>
<section>
<h2>Routes</h2>
<table>
<tr><th>number</th><th>service</th><th>fewest keys</th><th>by barge-in keys</th>
<th>listening to every prompt</th></tr>
{"".join(rows)}
</table>
</section>
<script>{_SCRIPT}</script>
</body>
</html>
"""
