"""Where each key and item of a YAML document stands: ``YMap`` and ``YSeq``.

Menu authors need ``FILE:LINE:COL`` in every message, so mappings and
sequences carry the location of each key and item; both reading paths
(``ivr.yamlsrc.fast`` and ``ivr.yamlsrc.strict``) build these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml

from ivr.errors import Location


class _Lazy:
    """A location attribute made on first use, then kept in the instance like a plain one.

    A 10,000-node menu has hundreds of thousands of keys and items, and the
    loader asks where only a fraction of them are; building every ``Location``
    up front was a large share of load time. A non-data descriptor keeps the
    attributes ordinary: once made (or assigned) they live in ``__dict__``.
    """

    def __init__(self, make: Callable[[Any], Any]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        raw = obj.__dict__.get("_raw")
        if raw is None:
            raise AttributeError(f"{type(obj).__name__!r} object has no attribute {self._name!r}")
        value = self._make(raw)
        obj.__dict__[self._name] = value
        return value


def loc(file: str, mark: yaml.Mark | None) -> Location:
    """The 1-based location of a parser mark (0-based); the file's start when there is none."""
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


# ``_raw`` of a fast-built YMap: (file, start mark, [(key, key mark, value mark), ...]);
# of a YSeq: (file, start mark, [item mark, ...]).
def _raw_where(raw: tuple[str, Any, list[Any]]) -> Location:
    return loc(raw[0], raw[1])


def _raw_key_where(raw: tuple[str, Any, list[tuple[Any, Any, Any]]]) -> dict[Any, Location]:
    file = raw[0]
    return {key: Location(file, m.line + 1, m.column + 1) for key, m, _ in raw[2]}


def _raw_value_where(raw: tuple[str, Any, list[tuple[Any, Any, Any]]]) -> dict[Any, Location]:
    file = raw[0]
    return {key: Location(file, m.line + 1, m.column + 1) for key, _, m in raw[2]}


def _raw_item_where(raw: tuple[str, Any, list[Any]]) -> list[Location]:
    file = raw[0]
    return [Location(file, m.line + 1, m.column + 1) for m in raw[2]]


class YMap(dict[Any, Any]):
    """A mapping that remembers where it, each key and each value start."""

    if TYPE_CHECKING:
        where: Location
        key_where: dict[Any, Location]
        value_where: dict[Any, Location]
    else:
        where = _Lazy(_raw_where)
        key_where = _Lazy(_raw_key_where)
        value_where = _Lazy(_raw_value_where)


class YSeq(list[Any]):
    """A sequence that remembers where it and each item start."""

    if TYPE_CHECKING:
        where: Location
        item_where: list[Location]
    else:
        where = _Lazy(_raw_where)
        item_where = _Lazy(_raw_item_where)


def relocate(data: Any, lines: list[int]) -> None:
    """Point every location in ``data`` at another file's lines (``lines[i]`` for line
    i + 1 of the YAML; column 1), as an imported menu's YAML points at its PBX file."""

    def moved(where: Location) -> Location:
        index = min(max(where.line - 1, 0), len(lines) - 1) if lines else 0
        return Location(where.file, lines[index] if lines else where.line, 1)

    if isinstance(data, YMap):
        data.where = moved(data.where)
        data.key_where = {k: moved(v) for k, v in data.key_where.items()}
        data.value_where = {k: moved(v) for k, v in data.value_where.items()}
        for value in data.values():
            relocate(value, lines)
    elif isinstance(data, YSeq):
        data.where = moved(data.where)
        data.item_where = [moved(v) for v in data.item_where]
        for item in data:
            relocate(item, lines)
