"""Strict, position-aware YAML reading shared by menu files and call files.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, forgets
where each value came from, and will happily expand an alias bomb. Menu authors
need ``FILE:LINE:COL`` in every message, so mappings and sequences are built as
``YMap`` / ``YSeq`` carrying the location of each key and item, and the
document is checked for size, nesting depth and alias expansion before it is
constructed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import Location, MenuError

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 64

_BaseLoader: type[yaml.SafeLoader]
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YMap(dict[Any, Any]):
    """A mapping that remembers where it, each key and each value start."""

    where: Location
    key_where: dict[Any, Location]
    value_where: dict[Any, Location]


class YSeq(list[Any]):
    """A sequence that remembers where it and each item start."""

    where: Location
    item_where: list[Location]


def _loc(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


_STR_TAG = "tag:yaml.org,2002:str"


def _make_loader(file: str) -> type[yaml.SafeLoader]:
    class Loader(_BaseLoader):  # type: ignore[valid-type,misc]
        _resolved: dict[tuple[str, bool], str]

        def resolve(self, kind: type, value: Any, implicit: Any) -> Any:
            # PyYAML resolves every value in Python, by regex; a big menu repeats the
            # same words a lot and has no path resolvers, so answer from a cache.
            if kind is yaml.MappingNode:
                return self.DEFAULT_MAPPING_TAG
            if kind is yaml.SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG
            if not implicit[0]:
                return self.DEFAULT_SCALAR_TAG
            cache = self.__dict__.setdefault("_resolved", {})
            tag = cache.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                cache[value] = tag
            return tag

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # the common case, without the generic dispatch
        return loader.construct_object(node, deep=True)

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YMap:
        result = YMap()
        result.where = _loc(file, node.start_mark)
        result.key_where = {}
        result.value_where = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise MenuError(
                    _loc(file, key_node.start_mark),
                    "YAML merge keys (<<) are not supported",
                    "write the keys out in full",
                )
            key = construct(loader, key_node)
            try:
                hash(key)
            except TypeError:
                raise MenuError(
                    _loc(file, key_node.start_mark),
                    "a mapping key must be a plain value, not a list or mapping",
                    "use a word or number as the key",
                ) from None
            if key in result:
                first = result.key_where[key]
                raise MenuError(
                    _loc(file, key_node.start_mark),
                    f"duplicate key {key!r} (first defined at line {first.line})",
                    "remove or rename one of them; YAML would silently keep only the last",
                )
            result[key] = construct(loader, value_node)
            result.key_where[key] = _loc(file, key_node.start_mark)
            result.value_where[key] = _loc(file, value_node.start_mark)
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YSeq:
        result = YSeq(construct(loader, child) for child in node.value)
        result.where = _loc(file, node.start_mark)
        result.item_where = [_loc(file, child.start_mark) for child in node.value]
        return result

    Loader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)
    return Loader


def _check_shape(file: str, root: yaml.Node, aliases_possible: bool) -> None:
    """Refuse absurd nesting, and alias bombs before anything is expanded."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MenuError(
                _loc(file, node.start_mark),
                f"nesting is deeper than {MAX_DEPTH} levels",
                "flatten the structure; menus link nodes by id instead of nesting them",
            )
        if isinstance(node, yaml.ScalarNode) or id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend((child, depth + 1) for child in _children(node))
    if aliases_possible:
        _check_expansion(file, root)


def _check_expansion(file: str, root: yaml.Node) -> None:
    """Count the values a document expands to, each shared node once per use."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        total = 1 + sum(sizes[id(child)] for child in children)
        if total > MAX_EXPANDED_NODES:
            raise MenuError(
                _loc(file, node.start_mark),
                f"aliases expand to more than {MAX_EXPANDED_NODES:,} values (an alias bomb?)",
                "use fewer anchors and aliases (&name / *name)",
            )
        sizes[key] = total


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def read_text(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 source file, turning every way it can be unreadable into a MenuError."""
    name = str(path)
    where = Location(name, 1, 1)
    if os.path.isdir(path):
        raise MenuError(where, "is a directory, not a YAML file", "give the path of a .yaml file")
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise MenuError(
                where,
                f"file is {size:,} bytes, more than the {max_bytes:,} allowed",
                "split the menu or check that this is the right file",
            )
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise MenuError(where, "no such file", "check the path") from None
    except PermissionError:
        raise MenuError(where, "permission denied", "check the file's permissions") from None
    except OSError as exc:
        raise MenuError(where, f"cannot read file: {exc.strerror}", "check the path") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise MenuError(
            Location(name, line, col),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
        ) from None


def load_yaml(path: str | Path, text: str | None = None) -> Any:
    """Parse one YAML document strictly; returns YMap/YSeq/scalars, never Python objects."""
    name = str(path)
    if text is None:
        text = read_text(path)
    if not text.strip():
        raise MenuError(Location(name, 1, 1), "file is empty", "see menus/norway.yaml for a start")
    loader = _make_loader(name)(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise MenuError(Location(name, 1, 1), "file has no YAML content", "add a mapping")
        _check_shape(name, root, aliases_possible="&" in text)
        return loader.construct_document(root)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "cannot construct value"
        if "could not determine a constructor" in problem:
            tag = problem.split("tag", 1)[-1].strip()
            raise MenuError(
                _loc(name, mark),
                f"tag {tag} is not allowed",
                "menus are plain YAML: remove the !tag",
            ) from None
        raise MenuError(_loc(name, mark), problem, "check the YAML syntax") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        hint = "check the YAML syntax"
        context = exc.context or ""
        if "alias" in context or "anchor" in context:
            hint = 'quote "*" and "#" in values, e.g. key: "*"'
        raise MenuError(_loc(name, mark), f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as exc:
        raise MenuError(Location(name, 1, 1), f"invalid YAML: {exc}", "check the syntax") from None
    except RecursionError:
        raise MenuError(
            Location(name, 1, 1), "nesting is too deep to read", "flatten the structure"
        ) from None
    finally:
        loader.dispose()
