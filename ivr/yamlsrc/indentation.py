"""Indentation mistakes, told from the lines around the parser's complaint.

A YAML parser sees a wrong indentation only where the structure stops making
sense, often a line or more after the line that is off, and cannot say which
of two disagreeing lines is the wrong one. These rules look at the lines
themselves: the levels open above the complaint, the step the file indents by,
and which line of a block set its indentation. ``ivr.yamlsrc.syntax`` tries
them among its other rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Text:
    """The file's lines, with the questions the explanations ask of them."""

    lines: list[str]

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    @staticmethod
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    @staticmethod
    def is_content(line: str) -> bool:
        stripped = line.strip()
        return bool(stripped) and not stripped.startswith("#")

    def previous(self, number: int) -> int:
        """The nearest line above ``number`` with content (0 when there is none)."""
        for n in range(number - 1, 0, -1):
            if self.is_content(self.line(n)):
                return n
        return 0

    def usual_step(self) -> int:
        """The even indentation step the file uses most (2 when it cannot tell).

        Odd steps are left out: people indent by 2 or 4, and an odd step is most
        often the very mistake being explained, which must not vote for itself.
        """
        steps: dict[int, int] = {}
        before = 0
        for body in self.lines:
            if not self.is_content(body):
                continue
            width = self.indent(body)
            if width > before and (width - before) % 2 == 0:
                steps[width - before] = steps.get(width - before, 0) + 1
            before = width
        return max(steps, key=lambda s: (steps[s], -s)) if steps else 2

    def ladder(self, number: int) -> list[tuple[int, int]]:
        """(line, indentation) of the line above and of each less-indented line above it:
        the levels a new line can line up with."""
        out: list[tuple[int, int]] = []
        n = self.previous(number)
        while n:
            width = self.indent(self.line(n))
            if not out or width < out[-1][1]:
                out.append((n, width))
            if width == 0:
                break
            n = self.previous(n)
        return out


#: (where, message, hint)
Found = tuple[tuple[int, int], str, str] | None


def indented_start(
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
    """The file's first key indented, the next ones not: the parser complains at the
    second, which it reads as a second document."""
    if "document start" not in problem:
        return None
    first = next((n for n in range(1, line) if text.is_content(text.line(n))), 0)
    width = text.indent(text.line(line))
    if not first or text.indent(text.line(first)) <= width:
        return None
    first_width = text.indent(text.line(first))
    return (
        (first, first_width + 1),
        f"this line is indented {spaces(first_width)}, but line {line} in the same block {width}",
        "indent the lines of a block alike",
    )


def indentation(
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
    body = text.line(line)
    width = text.indent(body)
    block = "block" in context or "mapping values" in problem
    if not block or (col != width + 1 and "mapping values" not in problem):
        return None
    ladder = text.ladder(line)
    if not ladder:
        return None
    odd = _odd_first_line(text, ladder, line, width)
    if odd is not None:
        first, first_width = odd
        return (
            (first, first_width + 1),
            f"this line is indented {spaces(first_width)}, but line {line} in the same "
            f"block {width}",
            "indent the lines of a block alike",
        )
    above, above_width = ladder[0]
    previous = text.line(above).strip()
    if width > above_width and _has_value(previous):
        return (
            (line, width + 1),
            f"this line is indented more than line {above}, whose value is already given",
            f"line it up with line {above}, at {spaces(above_width)}, if it is a new key",
        )
    if "mapping values" in problem:
        return None
    if all(width != w for _, w in ladder):
        levels = ", ".join(f"line {n} has {w}" for n, w in ladder[:3])
        return (
            (line, width + 1),
            f"this line is indented {spaces(width)}, which lines up with no line above it: "
            f"{levels}",
            "indent it exactly as far as the key or list item it belongs beside",
        )
    sibling = next((n for n, w in ladder if w == width), 0)
    item = text.line(sibling).lstrip()
    if item.startswith("- ") and not body.lstrip().startswith("-"):
        inside = width + 1 + text.indent(item[1:])
        return (
            (line, width + 1),
            f"a key where the list beside it expects a - item; its last item is at line {sibling}",
            f"indent it {spaces(inside)} if it belongs to that item, or start it with - "
            "for a new item",
        )
    if not item.startswith("-") and body.lstrip().startswith("- "):
        return (
            (line, width + 1),
            f"a - list item among keys: line {sibling} is a key at the same indentation",
            "put the list under a key of its own: key:, then the - items indented below it",
        )
    return None


def _odd_first_line(
    text: Text, ladder: list[tuple[int, int]], line: int, width: int
) -> tuple[int, int] | None:
    """The first line of a block, when it (not ``line``) is the one indented oddly.

    The first line of a block sets the block's indentation, so when it is off
    by a space the parser only complains at its next sibling. It is blamed when
    it alone is indented by an unusual step from its parent while ``line`` is
    indented by the file's usual step, and both are the same kind of line.
    """
    step = text.usual_step()
    kind = _kind(text.line(line))
    for index, ((first, first_width), (parent, parent_width)) in enumerate(pairwise(ladder)):
        inner = ladder[index - 1][1] if index else width + 1  # where its children start
        if not parent_width < width < inner or text.previous(first) != parent:
            continue
        if _kind(text.line(first)) is None:
            continue  # a value running over lines, not a key or an item
        if _kind(text.line(first)) != kind:
            return None
        if first_width - parent_width != step and width - parent_width == step:
            return first, first_width
        return None
    return None


def _kind(line: str) -> str | None:
    """ "item" for a ``- `` line, "key" for a ``key:`` line, None for anything else."""
    stripped = line.strip()
    if stripped == "-" or stripped.startswith("- "):
        return "item"
    if stripped[:1] not in "'\"[{#" and has_colon(stripped.split(" ", 1)[0] + " "):
        return "key"
    return None


def mark_at(mark: object) -> tuple[int, int]:
    line = getattr(mark, "line", 0)
    column = getattr(mark, "column", 0)
    return int(line) + 1, int(column) + 1


def spaces(width: int) -> str:
    return f"{width} space{'s' * (width != 1)}"


def earlier_colon(body: str, col: int) -> bool:
    """Whether a ``key:`` separator comes before column ``col`` of the line."""
    return has_colon(body[: col - 1])


def has_colon(body: str) -> bool:
    stripped = body.split(" #", 1)[0].rstrip()
    return ": " in stripped or stripped.endswith(":")


def _has_value(stripped: str) -> bool:
    """Whether a ``key: value`` or ``- value`` line already gives its value on the line."""
    body = stripped.split(" #", 1)[0].rstrip()
    if body.startswith("- "):
        body = body[2:]
        if not has_colon(body):
            return bool(body.strip())
    if ": " not in body:
        return False
    value = body.split(": ", 1)[1].strip()
    return bool(value) and value[0] not in "|>&!"
