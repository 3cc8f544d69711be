"""Generate large synthetic menus for benchmarks and stress tests."""

from __future__ import annotations


def generated_menu_yaml(nodes: int, fanout: int = 8) -> str:
    """A valid menu with ``nodes`` nodes in a tree of ``fanout`` options per node."""
    lines = [
        "menu: generated",
        "start: n0",
        "services:",
        '  desk: {number: "12345", name: Desk}',
        "nodes:",
    ]
    for i in range(nodes):
        children = [c for c in range(i * fanout + 1, i * fanout + fanout + 1) if c < nodes]
        lines.append(f"  n{i}:")
        lines.append(f"    prompt: Node {i}. Choose one of {len(children) or 1} options.")
        lines.append("    options:")
        if not children:
            lines.append("      - {key: 1, words: [desk, front desk], route: desk}")
        for key, child in enumerate(children, start=1):
            lines.append(
                f"      - {{key: {key}, words: [topic {child}, item {child}], goto: n{child}}}"
            )
    return "\n".join(lines) + "\n"
