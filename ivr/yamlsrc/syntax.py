"""YAML syntax errors in a menu author's words, at the line of the actual mistake.

PyYAML and libyaml report where the parser gave up, which is often a line
after the mistake (an unclosed quote fails at the end of the file, a missing
colon on the next line) and in parser terms ("expected <block end>, but found
'<block mapping start>'"), and the two parsers word the same error
differently. So the error is classified from its marks and the text around
them, not from the parser's wording, and the common mistakes (a tab in the
indentation, an unclosed quote or bracket, a missing colon, a line indented to
no level above it, text after a closing quote, a colon inside a value) are
named, each with what to do. Anything else keeps the parser's words.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ivr.errors import Location, MenuError

_CLOSERS = {"[": "]", "{": "}"}
_KINDS = {"[": "list", "{": "mapping"}


class YamlSyntaxError(MenuError):
    """A file that is not YAML at all, as opposed to YAML that is not a valid menu."""


@dataclass(frozen=True)
class _Text:
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


def explain(file: str, source: str, exc: yaml.MarkedYAMLError) -> MenuError:
    """The one-line error for a YAML syntax error; the parser's words when no rule fits."""
    text = _Text(source.splitlines())
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    opened = exc.context_mark
    for rule in (_tab, _escape, _unclosed_quote, _flow, _missing_colon, _colon_in_value,
                 _indentation, _after_quote, _bad_start):  # fmt: skip
        found = rule(text, line, col, problem, context, opened)
        if found is not None:
            (at_line, at_col), message, hint = found
            return YamlSyntaxError(Location(file, at_line, at_col), message, hint)
    hint = "check the YAML syntax"
    if "alias" in context or "anchor" in context:
        hint = 'quote "*" and "#" in values, e.g. key: "*"'
    return YamlSyntaxError(Location(file, line, col), f"invalid YAML: {problem}", hint)


#: (where, message, hint)
_Found = tuple[tuple[int, int], str, str] | None


def _tab(text: _Text, line: int, col: int, problem: str, context: str, opened: object) -> _Found:
    body = text.line(line)
    lead = body[: len(body) - len(body.lstrip(" \t"))]
    if "\t" in lead:
        return (
            (line, lead.index("\t") + 1),
            "a tab character in the indentation; YAML indents with spaces",
            "replace the tab with spaces",
        )
    if body[col - 1 : col] == "\t":
        return (line, col), "a tab character where YAML expects a value", "use a space instead"
    return None


def _escape(text: _Text, line: int, col: int, problem: str, context: str, opened: object) -> _Found:
    if "escape" not in problem:
        return None
    body = text.line(line)
    at = col - 1 if body[col - 1 : col] == "\\" else col - 2
    sequence = body[at : at + 2]
    return (
        (line, at + 1),
        f'"{sequence}" is not an escape YAML knows inside double quotes',
        "write \\\\ for a backslash, or put the value in single quotes",
    )


def _unclosed_quote(
    text: _Text, line: int, col: int, problem: str, context: str, opened: object
) -> _Found:
    if "quoted scalar" not in context or "end of stream" not in problem:
        return None
    start = _where(opened)
    quote = text.line(start[0])[start[1] - 1 : start[1]] or '"'
    return start, f"the {quote} opened here is never closed", f"add the closing {quote}"


def _flow(text: _Text, line: int, col: int, problem: str, context: str, opened: object) -> _Found:
    if "flow sequence" not in context and "flow mapping" not in context:
        return None
    start = _where(opened)
    char = text.line(start[0])[start[1] - 1 : start[1]]
    if char not in _CLOSERS:
        return None
    closer = _CLOSERS[char]
    if not _closes(text.lines, start):
        return start, f"the {char} opened here is never closed", f"add {closer} after the last item"
    return (
        (line, col),
        f"expected , or {closer} here, in the {_KINDS[char]} opened at line {start[0]}",
        "separate items with commas, and quote an item that has , [ ] { } or # in it",
    )


def _missing_colon(
    text: _Text, line: int, col: int, problem: str, context: str, opened: object
) -> _Found:
    if "simple key" in context and "expected ':'" in problem:
        at = _where(opened)[0]
    elif "mapping values" in problem and not _earlier_colon(text.line(line), col):
        above = text.previous(line)
        previous = text.line(above)
        if not above or text.indent(previous) != text.indent(text.line(line)):
            return None
        if _has_colon(previous) or previous.lstrip().startswith("- "):
            return None
        at = above
    else:
        return None
    body = text.line(at)
    stripped = body.strip()
    if stripped.startswith("-") and stripped[1:2] not in ("", " "):
        return (
            (at, text.indent(body) + 1),
            "a - with no space after it",
            f"write - {stripped[1:]}: a list item needs a space after the dash",
        )
    words = stripped.split(None, 1)
    if len(words) == 2:
        hint = f"write it as key: value, e.g. {words[0]}: {words[1]}"
    else:
        hint = "write it as key: value, with a space after the colon"
    return (at, text.indent(body) + 1), "a key with no colon after it", hint


def _colon_in_value(
    text: _Text, line: int, col: int, problem: str, context: str, opened: object
) -> _Found:
    if "mapping values" not in problem or not _earlier_colon(text.line(line), col):
        return None
    return (
        (line, col),
        'a value with ": " in it',
        'put the value in quotes, e.g. key: "a: b"',
    )


def _indentation(
    text: _Text, line: int, col: int, problem: str, context: str, opened: object
) -> _Found:
    body = text.line(line)
    width = text.indent(body)
    block = "block" in context or "mapping values" in problem
    if not block or (col != width + 1 and "mapping values" not in problem):
        return None
    ladder = text.ladder(line)
    if not ladder:
        return None
    above, above_width = ladder[0]
    previous = text.line(above).strip()
    if width > above_width and _has_value(previous):
        return (
            (line, width + 1),
            f"this line is indented more than line {above}, whose value is already given",
            f"line it up with line {above}, at {_spaces(above_width)}, if it is a new key",
        )
    if "mapping values" in problem:
        return None
    if all(width != w for _, w in ladder):
        levels = ", ".join(f"line {n} has {w}" for n, w in ladder[:3])
        return (
            (line, width + 1),
            f"this line is indented {_spaces(width)}, which lines up with no line above it: "
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
            f"indent it {_spaces(inside)} if it belongs to that item, or start it with - "
            "for a new item",
        )
    if not item.startswith("-") and body.lstrip().startswith("- "):
        return (
            (line, width + 1),
            f"a - list item among keys: line {sibling} is a key at the same indentation",
            "put the list under a key of its own: key:, then the - items indented below it",
        )
    return None


def _after_quote(
    text: _Text, line: int, col: int, problem: str, context: str, opened: object
) -> _Found:
    before = text.line(line)[: col - 1].rstrip()
    if "block" not in context or not before or before[-1] not in "\"'" or not before.strip(" -"):
        return None
    if before.strip() in ('"', "'") or before.lstrip(" -") == before[-1]:
        return None
    return (
        (line, col),
        "text after the closing quote of a value",
        "put the whole value inside the quotes",
    )


def _bad_start(
    text: _Text, line: int, col: int, problem: str, context: str, opened: object
) -> _Found:
    if "single document" in context:
        return (
            (line, col),
            "a second YAML document (---) in the file",
            "a file is one document: remove the ---",
        )
    if "an alias" in context:
        start = _where(opened)
        return start, "a value cannot start with *", 'quote it, e.g. key: "*"'
    if "cannot start any token" not in problem:
        return None
    char = text.line(line)[col - 1 : col]
    if not char.strip():
        return None
    return (line, col), f"a value cannot start with {char}", "put the value in quotes"


def _where(mark: object) -> tuple[int, int]:
    line = getattr(mark, "line", 0)
    column = getattr(mark, "column", 0)
    return int(line) + 1, int(column) + 1


def _spaces(width: int) -> str:
    return f"{width} space{'s' * (width != 1)}"


def _earlier_colon(body: str, col: int) -> bool:
    """Whether a ``key:`` separator comes before column ``col`` of the line."""
    return _has_colon(body[: col - 1])


def _has_colon(body: str) -> bool:
    stripped = body.split(" #", 1)[0].rstrip()
    return ": " in stripped or stripped.endswith(":")


def _has_value(stripped: str) -> bool:
    """Whether a ``key: value`` or ``- value`` line already gives its value on the line."""
    body = stripped.split(" #", 1)[0].rstrip()
    if body.startswith("- "):
        body = body[2:]
        if not _has_colon(body):
            return bool(body.strip())
    if ": " not in body:
        return False
    value = body.split(": ", 1)[1].strip()
    return bool(value) and value[0] not in "|>&!"


def _closes(lines: list[str], start: tuple[int, int]) -> bool:
    """Whether the bracket at ``start`` is closed later in the file.

    Quoted strings and comments are skipped; a quote counts only where a
    value can begin (after a bracket, a comma, a colon or at a line's start),
    so the apostrophe in ``[don't]`` is plain text, as YAML reads it.
    """
    depth = 0
    quote = ""
    for number in range(start[0], len(lines) + 1):
        body = lines[number - 1]
        i = start[1] - 1 if number == start[0] else 0
        can_start = True
        while i < len(body):
            char = body[i]
            if quote:
                if char == quote:
                    if quote == "'" and body[i + 1 : i + 2] == "'":
                        i += 1
                    else:
                        quote = ""
                elif char == "\\" and quote == '"':
                    i += 1
            elif char in "\"'" and can_start:
                quote = char
            elif char == "#" and (i == 0 or body[i - 1] in " \t"):
                break
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return True
            if not quote and not char.isspace():
                can_start = char in "[{,:"
            i += 1
    return False
