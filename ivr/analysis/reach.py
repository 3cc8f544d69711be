"""Structural checks: nodes nobody reaches, nodes and loops nobody can leave.

A caller stuck in a menu has only one way out, hanging up, which for an
emergency line is the worst outcome there is. Failing on purpose to trigger
``on_max_failures`` does not count as a way out: nobody should have to.
"""

from __future__ import annotations

from ivr.analysis.findings import Finding, Severity
from ivr.analysis.flow import Flow
from ivr.model import Menu


def check_structure(menu: Menu, flow: Flow) -> list[Finding]:
    findings: list[Finding] = []
    reachable = flow.reachable()
    for node_id, node in menu.nodes.items():
        if node_id not in reachable:
            findings.append(
                Finding(
                    Severity.WARNING, "unreachable", node.where,
                    f"node {node_id!r} cannot be reached from the start node {menu.start!r}",
                    f"add an option with goto: {node_id} somewhere, or delete the node",
                )
            )  # fmt: skip
    leaves = _leaves(flow)
    for node_id, node in menu.nodes.items():
        if node.branch or leaves[node_id]:
            continue
        findings.append(
            Finding(
                Severity.ERROR, "dead-end", node.where,
                f"node {node_id!r} is a dead end: a caller can only leave it by hanging up",
                "add an option that goes to another node or routes, or a back / main_menu "
                "command",
            )
        )  # fmt: skip
    for group in _closed_loops(menu, flow):
        first = min(group, key=lambda n: (menu.nodes[n].where.line, n))
        names = ", ".join(repr(n) for n in sorted(group))
        findings.append(
            Finding(
                Severity.ERROR, "closed-loop", menu.nodes[first].where,
                f"nodes {names} form a loop with no way out except hanging up",
                "give one of them an option that routes or goes elsewhere, or add a main_menu "
                "command",
            )
        )  # fmt: skip
    used = flow.routed_services()
    for sid, service in menu.services.items():
        if sid not in used:
            findings.append(
                Finding(
                    Severity.INFO, "unused-service", service.where,
                    f"service {sid!r} ({service.display}) is never routed to",
                    "route to it from an option, or remove it",
                )
            )  # fmt: skip
    return findings


def _node_edges(flow: Flow) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {n: set() for n in flow.menu.nodes}
    for ex, (kind, target) in flow.edges():
        if ex.kind != "failure" and kind == "node":
            edges[ex.node].add(target)
    return edges


def _leaves(flow: Flow) -> dict[str, bool]:
    """Whether each node has a caller-chosen exit to another node or to a route."""
    out = {n: False for n in flow.menu.nodes}
    for ex, (kind, target) in flow.edges():
        if ex.kind == "failure":
            continue
        if kind == "route" or (kind == "node" and target != ex.node):
            out[ex.node] = True
    return out


def _closed_loops(menu: Menu, flow: Flow) -> list[set[str]]:
    """Strongly connected groups of two or more nodes with no exit out of the group."""
    edges = _node_edges(flow)
    routes = {n: False for n in menu.nodes}
    for ex, (kind, _) in flow.edges():
        if ex.kind != "failure" and kind == "route":
            routes[ex.node] = True
    out: list[set[str]] = []
    for group in _strongly_connected(edges):
        if len(group) < 2:
            continue
        if any(routes[n] for n in group):
            continue
        if any(t not in group for n in group for t in edges[n]):
            continue
        out.append(group)
    return out


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative so that a long chain of nodes cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
