"""Writing a menu document as YAML a person can read and diff, with comments.

PyYAML cannot put comments in its output, and ``ivr import`` must say which
source line every node and option came from, so this small writer renders the
document itself. Strings are always double-quoted (JSON escapes are valid
YAML), so no value is ever read back as a number, a boolean or an alias.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_INDENT = "  "


@dataclass(frozen=True)
class Commented:
    """A mapping with a comment written on the line before it (e.g. its source line)."""

    value: Mapping[str, Any]
    comment: str


def dump(doc: Mapping[str, Any], header: str = "") -> str:
    """``doc`` as YAML; ``header`` lines become comments at the top."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    _mapping(doc, 0, lines)
    return "\n".join(lines) + "\n"


def _key(key: object) -> str:
    text = str(key)
    return text if _PLAIN_KEY.match(text) and text not in _RESERVED else json.dumps(text)


#: Bare words YAML would read as something other than a string key.
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _comment(text: str, depth: int, lines: list[str]) -> None:
    for part in text.splitlines():
        lines.append(f"{_INDENT * depth}# {part}".rstrip())


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _is_empty(value: object) -> bool:
    return isinstance(value, Mapping | list | tuple) and not value


def _mapping(m: Mapping[str, Any], depth: int, lines: list[str]) -> None:
    pad = _INDENT * depth
    for key, value in m.items():
        if isinstance(value, Commented):
            _comment(value.comment, depth, lines)
            value = value.value
        if _is_empty(value):
            lines.append(f"{pad}{_key(key)}: {'{}' if isinstance(value, Mapping) else '[]'}")
        elif isinstance(value, Mapping):
            lines.append(f"{pad}{_key(key)}:")
            _mapping(value, depth + 1, lines)
        elif isinstance(value, list | tuple):
            lines.append(f"{pad}{_key(key)}:")
            _sequence(value, depth + 1, lines)
        else:
            lines.append(f"{pad}{_key(key)}: {_scalar(value)}")


def _sequence(items: Sequence[Any], depth: int, lines: list[str]) -> None:
    pad = _INDENT * depth
    for item in items:
        if isinstance(item, Commented):
            _comment(item.comment, depth, lines)
            item = item.value
        if isinstance(item, Mapping) and item:
            start = len(lines)
            _mapping(item, depth + 1, lines)
            # the dash goes on the first key; a comment may stand above it at any indent
            first = next(i for i in range(start, len(lines)) if not _is_comment(lines[i]))
            lines[first] = f"{pad}- {lines[first][len(pad) + len(_INDENT) :]}"
        elif isinstance(item, list | tuple) and item:
            lines.append(f"{pad}-")
            _sequence(item, depth + 1, lines)
        elif _is_empty(item):
            lines.append(f"{pad}- {'{}' if isinstance(item, Mapping) else '[]'}")
        else:
            lines.append(f"{pad}- {_scalar(item)}")
