"""What can only be checked or worked out once every section has been read.

Option keys against the global commands' keys, ``do: operator`` against the
commands, and each node's settings: its own over those of the node above it
in the tree, which is known only when every node is.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from ivr.loader.context import Context
from ivr.loader.keys import SETTINGS_KEYS
from ivr.loader.speed import placed
from ivr.model import ActionKind, Command, Node, Settings

_SETTINGS_KEY_SET = frozenset(SETTINGS_KEYS)


def check_keys_against_commands(
    ctx: Context, nodes: dict[str, Node], commands: tuple[Command, ...]
) -> None:
    """A global command works at every node, so no option may take its key."""
    taken = {c.key: c.name for c in commands if c.key is not None}
    for node in nodes.values():
        for option in node.options:
            if option.key is not None and option.key in taken:
                ctx.add(
                    option.where,
                    f"node {node.id!r} option key {option.key!r} is "
                    f"also the key of the global command {taken[option.key]!r}",
                    "pick another key; global commands work at every node",
                )


def check_operator(ctx: Context, nodes: dict[str, Node], commands: tuple[Command, ...]) -> None:
    """``do: operator`` goes where the operator command does, so that command must exist."""
    if any(c.name == "operator" for c in commands):
        return
    for node in nodes.values():
        for option in node.options:
            if option.action.kind is ActionKind.OPERATOR:
                ctx.add(
                    option.where,
                    f"node {node.id!r} option uses do: operator but the "
                    "menu has no operator command",
                    "add commands: {operator: {route: SERVICE, words: [...]}}",
                )


def _targets(node: Node) -> list[str]:
    actions = [o.action for o in node.options] + [r.action for r in node.branch]
    if node.collect is not None:
        actions += [a for _, a in node.collect.entries]
    return [a.target for a in actions if a.kind is ActionKind.GOTO and a.target]


def inherit_settings(
    nodes: dict[str, Node], start: str, base: Settings, own: dict[str, set[str]]
) -> dict[str, Node]:
    """Give every node its parent's settings, overridden by its own.

    The tree is the breadth-first spanning tree from the start node: a node's
    parent is the first node that leads to it. Unreachable nodes inherit the
    menu settings (``ivr lint`` reports them).
    """
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for target in _targets(nodes[current]):
            if target not in parent:
                parent[target] = current
                queue.append(target)
    resolved: dict[str, Settings] = {}

    def settings_for(node_id: str) -> Settings:
        chain = []
        cursor: str | None = node_id
        while cursor is not None and cursor not in resolved:
            chain.append(cursor)
            cursor = parent.get(cursor)
        inherited = resolved[cursor] if cursor is not None else base
        for nid in reversed(chain):
            keys = own.get(nid)
            keys = keys & _SETTINGS_KEY_SET if keys else set()
            if keys:
                node_settings = nodes[nid].settings
                inherited = replace(inherited, **{k: getattr(node_settings, k) for k in keys})
            # search is the node's own: a top menu searching the whole tree does
            # not make every submenu do so. (Settings are frozen, so a node that
            # changes nothing shares its parent's.)
            search = inherited.search if "search" in keys else base.search
            if inherited.search != search:
                inherited = replace(inherited, search=search)
            resolved[nid] = inherited
        return resolved[node_id]

    return {
        node_id: placed(node, settings_for(node_id), parent.get(node_id))
        for node_id, node in nodes.items()
    }
