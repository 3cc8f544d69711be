"""Strict, position-aware YAML reading shared by menu files and call files.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, forgets
where each value came from, and will happily expand an alias bomb. Menu authors
need ``FILE:LINE:COL`` in every message, so mappings and sequences are built as
``YMap`` / ``YSeq`` carrying the location of each key and item, and the
document is checked for size, nesting depth and alias expansion before it is
constructed.

Two paths give the same result. The fast one builds YMap/YSeq straight from
the parser's events (a big menu loads several times faster); whenever it meets
anything it does not handle itself, including every document that must be
refused, it steps aside and the strict compose-check-construct path, which
owns every error message, reads the document again.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ivr.errors import Location, MenuError

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 64

log = logging.getLogger(__name__)

_BaseLoader: type[yaml.SafeLoader]
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _mark_loc(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


# ``_raw`` of a fast-built YMap: (file, start mark, [(key, key mark, value mark), ...]);
# of a YSeq: (file, start mark, [item mark, ...]).
def _raw_where(raw: tuple[str, Any, list[Any]]) -> Location:
    return _mark_loc(raw[0], raw[1])


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
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not done:
            if key in open_nodes:
                raise MenuError(
                    _loc(file, node.start_mark),
                    "an alias refers to a collection that contains it",
                    "remove the recursive alias (*name inside &name)",
                )
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(key)
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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a document is built.

    Loading allocates hundreds of thousands of small objects that all survive,
    so the collector kept rescanning them: more than half the load time of a
    big menu. Pausing only delays when garbage in reference cycles is found,
    never whether; the previous state is restored, so nesting is fine. The
    switch is process-wide, so other threads also go without cyclic collection
    for the duration of a load (about a second for a 10,000-node menu).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_FALLBACK: Any = object()
_MISSING: Any = object()
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
_ScalarEvent = yaml.ScalarEvent
_MappingStartEvent = yaml.MappingStartEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_AliasEvent = yaml.AliasEvent
_ScalarNode = yaml.ScalarNode


def _load_fast(name: str, text: str) -> Any:
    """Build YMap/YSeq straight from parser events, or return ``_FALLBACK``."""
    if _BaseLoader.yaml_path_resolvers:
        return _FALLBACK  # tags would depend on the path; leave that to the composer
    loader = _BaseLoader(text)
    try:
        return _build_fast(name, loader)
    except Exception as exc:  # the strict path reports it, exactly as before
        log.debug("fast YAML path gave way to the strict one: %r", exc)
        return _FALLBACK
    finally:
        loader.dispose()


def _build_fast(file: str, loader: Any) -> Any:
    """One pass over the parser's events, skipping PyYAML's node graph.

    It must give exactly what ``_load_strict`` gives, so wherever the strict
    path would refuse the document (or do anything unusual) this returns
    ``_FALLBACK`` and lets it: undefined, duplicate or self-containing anchors,
    nesting that could pass ``MAX_DEPTH``, more than ``MAX_EXPANDED_NODES``
    values, duplicate or unhashable keys, merge keys, tags other than the
    standard map/seq ones on collections, and scalars whose construction fails.
    Scalars are resolved and constructed by the same loader class the strict
    path uses, once per distinct plain value.
    """
    get = loader.get_event
    if not isinstance(get(), yaml.StreamStartEvent):
        return _FALLBACK
    if not isinstance(get(), yaml.DocumentStartEvent):
        return _FALLBACK  # no document: the strict path says so
    resolve = loader.resolve
    construct = loader.construct_object
    str_tag = _STR_TAG
    limit = MAX_DEPTH - 1
    plain: dict[str, Any] = {}  # plain scalar text -> constructed value
    # anchor -> (value, mark, expanded size, height bound); None while still open
    anchors: dict[str, tuple[Any, Any, int, int] | None] = {}
    stack: list[tuple[Any, ...]] = []
    cur: Any = None  # the open YMap / YSeq, None at the top
    is_map = False
    entries: list[Any] = []  # cur's (key, key mark, value mark) or item marks
    has_key = False
    pkey: Any = None
    pmark: Any = None
    depth = 0  # open collections
    deepest = 0  # bound on node depth seen (reset inside anchored collections)
    total = 0  # values the document expands to, aliases counted per use
    root: Any = _FALLBACK
    while True:
        ev = get()
        kind = type(ev)
        if kind is _ScalarEvent:
            total += 1
            tag = ev.tag
            if tag is None or tag == "!":
                if ev.implicit[0]:
                    text = ev.value
                    value = plain.get(text, _MISSING)
                    if value is _MISSING:
                        rtag = resolve(_ScalarNode, text, (True, False))
                        value = text if rtag == str_tag else construct(_ScalarNode(rtag, text))
                        plain[text] = value
                else:
                    value = ev.value
            elif tag == str_tag:
                value = ev.value
            else:
                value = construct(_ScalarNode(tag, ev.value))
                if loader.state_generators or isinstance(value, dict | list | set):
                    return _FALLBACK  # e.g. !!map on a scalar: the strict path decides
            mark = ev.start_mark
            is_collection = False
            if ev.anchor is not None:
                if ev.anchor in anchors:
                    return _FALLBACK
                anchors[ev.anchor] = (value, mark, 1, 1)
        elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
            if depth >= limit:
                return _FALLBACK  # its children could be deeper than MAX_DEPTH
            if kind is _MappingStartEvent:
                if ev.tag not in _MAP_TAGS:
                    return _FALLBACK
                new: Any = YMap()
            else:
                if ev.tag not in _SEQ_TAGS:
                    return _FALLBACK
                new = YSeq()
            total += 1
            depth += 1
            mark = ev.start_mark
            anchor = ev.anchor
            stack.append((cur, is_map, entries, has_key, pkey, pmark, mark, anchor, total, deepest))
            if anchor is not None:
                if anchor in anchors:
                    return _FALLBACK
                anchors[anchor] = None
                deepest = 0
            if depth + 1 > deepest:
                deepest = depth + 1
            cur = new
            is_map = kind is _MappingStartEvent
            entries = []
            new._raw = (file, mark, entries)
            has_key = False
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = cur
            is_collection = True
            start_depth = depth
            depth -= 1
            cur, is_map, entries, has_key, pkey, pmark, mark, anchor, start, outer = stack.pop()
            if anchor is not None:
                height = deepest - start_depth + 1
                anchors[anchor] = (value, mark, total - start + 1, height)
                if outer > deepest:
                    deepest = outer
        elif kind is _AliasEvent:
            found = anchors.get(ev.anchor, _MISSING)
            if found is None or found is _MISSING:
                return _FALLBACK  # undefined, or inside its own anchor
            value, mark, size, height = found
            total += size
            if depth + height > MAX_DEPTH:
                return _FALLBACK
            if depth + height > deepest:
                deepest = depth + height
            is_collection = isinstance(value, YMap | YSeq)
        elif kind is yaml.DocumentEndEvent:
            break
        else:
            return _FALLBACK
        # a value is complete: put it where it belongs
        if is_map:
            if has_key:
                cur[pkey] = value
                entries.append((pkey, pmark, mark))
                has_key = False
            else:
                if is_collection or value in cur:
                    return _FALLBACK  # unhashable or duplicate key
                pkey = value
                pmark = mark
                has_key = True
        elif cur is not None:
            cur.append(value)
            entries.append(mark)
        else:
            root = value
    if not isinstance(get(), yaml.StreamEndEvent):
        return _FALLBACK  # another document follows
    if total > MAX_EXPANDED_NODES:
        return _FALLBACK
    return root


def _shown(character: int | str) -> str:
    return repr(chr(character) if isinstance(character, int) else character)


def _offset_loc(file: str, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(file, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _check_event_depth(file: str, text: str) -> None:
    """Refuse deep nesting from the parser's events, before libyaml's composer
    recurses on it (tens of thousands of levels overflow its C stack)."""
    loader: Any = _BaseLoader(text)
    depth = 0
    try:
        while True:
            event: Any = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark: Any = event.start_mark
                    raise MenuError(
                        _loc(file, mark),
                        f"nesting is deeper than {MAX_DEPTH} levels",
                        "flatten the structure; menus link nodes by id instead of nesting them",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: the composer reports it, with its own location
    finally:
        loader.dispose()


def load_yaml(path: str | Path, text: str | None = None) -> Any:
    """Parse one YAML document strictly; returns YMap/YSeq/scalars, never Python objects."""
    name = str(path)
    if text is None:
        text = read_text(path)
    if not text.strip():
        raise MenuError(Location(name, 1, 1), "file is empty", "see menus/norway.yaml for a start")
    with gc_paused():
        data = _load_fast(name, text)
        if data is _FALLBACK:
            return _load_strict(name, text)
        return data


def _load_strict(name: str, text: str) -> Any:
    """Compose the whole document, check its shape, then construct it.

    This is the reference behaviour: every refusal and its exact message
    comes from here. ``_build_fast`` hands a document over to it whenever it
    meets anything it does not handle itself.
    """
    _check_event_depth(name, text)
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
    except yaml.reader.ReaderError as exc:
        raise MenuError(
            _offset_loc(name, text, exc.position),
            f"invalid YAML: character {_shown(exc.character)} is not allowed",
            "remove control characters from the file",
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise MenuError(
            Location(name, 1, 1), f"invalid YAML: {problem}", "check the syntax"
        ) from None
    except (ValueError, TypeError) as exc:  # e.g. "!!map foo": a tag its value cannot take
        raise MenuError(
            Location(name, 1, 1),
            f"a value cannot be read as its tag says ({exc})",
            "remove the !!tag",
        ) from None
    except RecursionError:
        raise MenuError(
            Location(name, 1, 1), "nesting is too deep to read", "flatten the structure"
        ) from None
    finally:
        loader.dispose()
