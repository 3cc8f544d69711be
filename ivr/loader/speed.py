"""Shortcuts that make a big menu load faster without changing what it loads to.

Kept apart from the schema code, so the section readers say only what the
format is. Each shortcut gives way to the general path whenever it cannot be
sure of the same result; ``tests/core/test_loader_speed_equivalence.py`` holds
the two paths equal.
"""

from __future__ import annotations

from dataclasses import fields, replace

from ivr.model import Node, Settings
from ivr.yamlsrc import YSeq

#: Shared by every node without settings of its own: Settings is frozen, and
#: building one per node was measurable on big menus.
DEFAULT_SETTINGS = Settings()

# Nodes are rebuilt once settings and parents are known; calling the constructor
# directly is twice as fast as dataclasses.replace, but only safe while Node has
# exactly these fields, so any change to Node falls back to replace.
_NODE_FIELDS = (
    "id", "prompt", "short_prompt", "help", "options", "settings", "branch", "collect",
    "parent", "where",
)  # fmt: skip
_DIRECT_NODE = tuple(f.name for f in fields(Node)) == _NODE_FIELDS


def placed(node: Node, settings: Settings, parent: str | None) -> Node:
    """``node`` with the settings it ends up with and its parent in the tree."""
    if _DIRECT_NODE:
        return Node(
            node.id, node.prompt, node.short_prompt, node.help, node.options,
            settings, node.branch, node.collect, parent, node.where,
        )  # fmt: skip
    return replace(node, settings=settings, parent=parent)


def clean_words(items: YSeq) -> tuple[str, ...] | None:
    """Words of a list that ``Reader.string_list`` would accept without a problem, else None.

    The common case, checked without working out any location; anything else
    goes through ``string_list`` so problems are reported exactly as before.
    """
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            word = item.strip()
            if not word:
                return None
            out.append(word)
        elif isinstance(item, int) and not isinstance(item, bool):
            out.append(str(item))
        else:
            return None
    return tuple(out)
