"""The menu as boxes and arrows, independent of the output format.

Global things (commands, shortcuts) are drawn once from an "any node" box
rather than from every node, or the picture drowns in identical arrows.
A box no arrow touches (the "hang up" end of a menu whose failures all go to
a person, a service nothing routes to, an "any node" box with nothing to
point at) is left out: alone in a corner it reads as a mistake in the
drawing, and lint reports an unused service already.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ivr.analysis.flow import Exit, Flow
from ivr.graph.coverage import Coverage
from ivr.model import ActionKind, Menu
from ivr.refs import RefKind

MAX_PHRASES = 3
ANYWHERE = "anywhere"
HANGUP = "hangup"


@dataclass(frozen=True)
class GNode:
    id: str
    label: str
    kind: str  # menu, branch, collect, service, hangup, anywhere
    coverage: str | None = None  # visited / missed


@dataclass(frozen=True)
class GEdge:
    source: str
    target: str
    label: str
    kind: str  # option, branch, entry, number, command, shortcut, failure, info
    coverage: str | None = None


@dataclass
class Diagram:
    title: str
    nodes: list[GNode] = field(default_factory=list)
    edges: list[GEdge] = field(default_factory=list)


def node_key(node_id: str) -> str:
    return f"n_{node_id}"


def service_key(sid: str) -> str:
    return f"s_{sid}"


def dom_id(key: str) -> str:
    """The id a box carries in SVG, for pages that find it (``ivr serve`` highlights the
    node a call is at): ``node-ID`` for a menu node, ``service-ID`` for a service."""
    if key.startswith("n_"):
        return "node-" + key[2:]
    if key.startswith("s_"):
        return "service-" + key[2:]
    return "box-" + key


def _phrases(ex: Exit, lang: str) -> str:
    words = dict(ex.phrases).get(lang, ())
    shown = ", ".join(f'"{w}"' for w in words[:MAX_PHRASES])
    more = f" +{len(words) - MAX_PHRASES}" if len(words) > MAX_PHRASES else ""
    return shown + more


def _edge_label(ex: Exit, lang: str) -> str:
    parts = []
    if ex.keys:
        parts.append(ex.keys)
    phrases = _phrases(ex, lang)
    if phrases:
        parts.append(phrases)
    if ex.action.confirm:
        parts.append("(confirm)")
    if ex.kind == "branch" and ex.when:
        parts.append(ex.when)
    return " | ".join(parts) or ex.label


def build_diagram(menu: Menu, lang: str | None = None, coverage: Coverage | None = None) -> Diagram:
    lang = lang or menu.default_lang
    flow = Flow(menu)
    diagram = Diagram(menu.title)

    def cov_node(node_id: str) -> str | None:
        return coverage.node(node_id) if coverage else None

    for node_id, node in menu.nodes.items():
        marker = " (start)" if node_id == menu.start else ""
        diagram.nodes.append(GNode(node_key(node_id), f"{node_id}{marker}", node.kind,
                                   cov_node(node_id)))  # fmt: skip
    for sid, service in menu.services.items():
        diagram.nodes.append(
            GNode(service_key(sid), f"{service.display}\n{service.name.get(lang)}", "service")
        )
    diagram.nodes.append(GNode(HANGUP, "hang up", "hangup"))
    commands = [c.name.replace("_", " ") + (f" ({c.key})" if c.key else "") for c in menu.commands]
    diagram.nodes.append(GNode(ANYWHERE, "any node\n" + ", ".join(commands), "anywhere"))
    for exits in flow.exits.values():
        for ex in exits:
            if ex.ref.kind in (RefKind.SHORTCUT, RefKind.CMD):
                continue  # drawn once from the "any node" box
            _add_exit(diagram, flow, ex, lang, coverage)
    start = menu.nodes[menu.start]
    for ex in flow.exits[menu.start]:
        if ex.ref.kind is RefKind.SHORTCUT or (
            ex.ref.kind is RefKind.CMD and ex.action.kind not in (
                ActionKind.REPEAT, ActionKind.HELP, ActionKind.BACK)
        ):  # fmt: skip
            for kind, target in flow.dests(ex):
                dest = _dest_key(kind, target, start.id)
                if dest is not None:
                    diagram.edges.append(
                        GEdge(ANYWHERE, dest, _edge_label(ex, lang), ex.kind
                              if ex.kind == "shortcut" else "command")
                    )  # fmt: skip
    return _without_orphans(diagram, node_key(menu.start))


def _without_orphans(diagram: Diagram, start: str) -> Diagram:
    """The diagram less the boxes no arrow touches (the start node always stays)."""
    linked = {e.source for e in diagram.edges} | {e.target for e in diagram.edges} | {start}
    diagram.nodes = [n for n in diagram.nodes if n.id in linked]
    return diagram


def _dest_key(kind: str, target: str, here: str) -> str | None:
    if kind == "node":
        return node_key(target)
    if kind == "route":
        return service_key(target)
    if kind == "hangup":
        return HANGUP
    return node_key(here) if kind == "stay" else None


def _add_exit(diagram: Diagram, flow: Flow, ex: Exit, lang: str, coverage: Coverage | None) -> None:
    source = node_key(ex.node)
    if ex.kind == "failure":
        node = flow.menu.nodes[ex.node]
        if node.branch:
            return
        s = node.settings
        label = f"{s.max_no_input}x no input / {s.max_no_match}x no match"
        state = coverage.error(ex.node) if coverage else None
        for kind, target in flow.dests(ex):
            dest = _dest_key(kind, target, ex.node)
            if dest is not None:
                diagram.edges.append(GEdge(source, dest, label, "failure", state))
        return
    if ex.kind == "command":  # the collect node's own back key
        for kind, target in flow.dests(ex):
            dest = _dest_key(kind, target, ex.node)
            if dest is not None and dest != source:
                diagram.edges.append(GEdge(source, dest, f"{ex.keys} back", "command"))
        return
    state = coverage.option(ex.ref.id) if coverage and ex.ref.kind is RefKind.OPTION else None
    if ex.kind == "branch" and coverage:
        state = coverage.node(ex.node)
    kind_name = "info" if ex.action.kind is ActionKind.INFO else ex.kind
    for kind, target in flow.dests(ex):
        dest = _dest_key(kind, target, ex.node)
        if dest is not None:
            diagram.edges.append(GEdge(source, dest, _edge_label(ex, lang), kind_name, state))
