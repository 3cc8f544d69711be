"""YAML syntax errors in a menu author's words, at the line of the actual mistake.

PyYAML and libyaml report where the parser gave up, which is often a line
after the mistake (an unclosed quote fails at the end of the file, a missing
colon on the next line) and in parser terms ("expected <block end>, but found
'<block mapping start>'"), and the two parsers word the same error
differently. So the error is classified from its marks and the text around
them, not from the parser's wording, and the common mistakes (a tab in the
indentation, an unclosed quote or bracket, a missing colon, a line indented to
no level above it, text after a closing quote, a colon inside a value) are
named, each with what to do (the indentation rules are in
``ivr.yamlsrc.indentation``). Anything else keeps the parser's words.
"""

from __future__ import annotations

import yaml

from ivr.errors import Location, MenuError
from ivr.yamlsrc.indentation import (
    Found,
    Text,
    earlier_colon,
    has_colon,
    indentation,
    indented_start,
    mark_at,
)

_CLOSERS = {"[": "]", "{": "}"}
_KINDS = {"[": "list", "{": "mapping"}


class YamlSyntaxError(MenuError):
    """A file that is not YAML at all, as opposed to YAML that is not a valid menu."""


def explain(file: str, source: str, exc: yaml.MarkedYAMLError) -> MenuError:
    """The one-line error for a YAML syntax error; the parser's words when no rule fits."""
    text = Text(source.splitlines())
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    opened = exc.context_mark
    for rule in (_tab, _escape, _unclosed_quote, _flow, _missing_colon, _colon_in_value,
                 indentation, indented_start, _after_quote, _bad_start):  # fmt: skip
        found = rule(text, line, col, problem, context, opened)
        if found is not None:
            (at_line, at_col), message, hint = found
            return YamlSyntaxError(Location(file, at_line, at_col), message, hint)
    hint = "check the YAML syntax"
    if "alias" in context or "anchor" in context:
        hint = 'quote "*" and "#" in values, e.g. key: "*"'
    return YamlSyntaxError(Location(file, line, col), f"invalid YAML: {problem}", hint)


def _tab(text: Text, line: int, col: int, problem: str, context: str, opened: object) -> Found:
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


def _escape(text: Text, line: int, col: int, problem: str, context: str, opened: object) -> Found:
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
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
    if "quoted scalar" not in context or "end of stream" not in problem:
        return None
    start = mark_at(opened)
    quote = text.line(start[0])[start[1] - 1 : start[1]] or '"'
    return start, f"the {quote} opened here is never closed", f"add the closing {quote}"


def _flow(text: Text, line: int, col: int, problem: str, context: str, opened: object) -> Found:
    if "flow sequence" not in context and "flow mapping" not in context:
        return None
    start = mark_at(opened)
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
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
    if "simple key" in context and "expected ':'" in problem:
        at = mark_at(opened)[0]
    elif "mapping values" in problem and not earlier_colon(text.line(line), col):
        above = text.previous(line)
        previous = text.line(above)
        if not above or text.indent(previous) != text.indent(text.line(line)):
            return None
        if has_colon(previous) or previous.lstrip().startswith("- "):
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
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
    if "mapping values" not in problem or not earlier_colon(text.line(line), col):
        return None
    return (
        (line, col),
        'a value with ": " in it',
        'put the value in quotes, e.g. key: "a: b"',
    )


def _after_quote(
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
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
    text: Text, line: int, col: int, problem: str, context: str, opened: object
) -> Found:
    if "single document" in context:
        return (
            (line, col),
            "a second YAML document (---) in the file",
            "a file is one document: remove the ---",
        )
    if "an alias" in context:
        start = mark_at(opened)
        return start, "a value cannot start with *", 'quote it, e.g. key: "*"'
    if "cannot start any token" not in problem:
        return None
    char = text.line(line)[col - 1 : col]
    if not char.strip():
        return None
    return (line, col), f"a value cannot start with {char}", "put the value in quotes"


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
