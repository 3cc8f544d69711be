"""The strict path: compose the whole document, check its shape, then construct it.

This is the reference behaviour: every refusal and its exact message comes
from here. PyYAML's ``safe_load`` silently keeps the last of two duplicate
keys and will expand an alias bomb, so duplicate keys, merge keys, tags,
nesting and alias expansion are all checked before anything is constructed.
"""

from __future__ import annotations

from typing import Any

import yaml

from ivr.errors import Location, MenuError
from ivr.yamlsrc.located import YMap, YSeq, loc
from ivr.yamlsrc.rules import MAX_DEPTH, MAX_EXPANDED_NODES, STR_TAG
from ivr.yamlsrc.syntax import YamlSyntaxError, explain


def load_strict(name: str, text: str, base: type[yaml.SafeLoader]) -> Any:
    """One YAML document as YMap/YSeq/scalars, or the ``MenuError`` that refuses it.

    ``base`` is the parser class to read with (``PARSER``, unless a test reads
    without libyaml); ``ivr.yamlsrc.fast`` hands a document over to this
    whenever it meets anything it does not handle itself.
    """
    _check_event_depth(name, text, base)
    loader = _make_loader(name, base)(text)
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
                loc(name, mark),
                f"tag {tag} is not allowed",
                "menus are plain YAML: remove the !tag",
            ) from None
        raise MenuError(loc(name, mark), problem, "check the YAML syntax") from None
    except yaml.MarkedYAMLError as exc:
        raise explain(name, text, exc) from None
    except yaml.reader.ReaderError as exc:
        raise YamlSyntaxError(
            _offset_loc(name, text, exc.position),
            f"invalid YAML: character {_shown(exc.character)} is not allowed",
            "remove control characters from the file",
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise YamlSyntaxError(
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


def _make_loader(file: str, base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    class Loader(base):  # type: ignore[valid-type,misc]
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
        if node.tag == STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # the common case, without the generic dispatch
        return loader.construct_object(node, deep=True)

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YMap:
        result = YMap()
        result.where = loc(file, node.start_mark)
        result.key_where = {}
        result.value_where = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise MenuError(
                    loc(file, key_node.start_mark),
                    "YAML merge keys (<<) are not supported",
                    "write the keys out in full",
                )
            key = construct(loader, key_node)
            try:
                hash(key)
            except TypeError:
                raise MenuError(
                    loc(file, key_node.start_mark),
                    "a mapping key must be a plain value, not a list or mapping",
                    "use a word or number as the key",
                ) from None
            if key in result:
                first = result.key_where[key]
                raise MenuError(
                    loc(file, key_node.start_mark),
                    f"duplicate key {key!r} (first defined at line {first.line})",
                    "remove or rename one of them; YAML would silently keep only the last",
                )
            result[key] = construct(loader, value_node)
            result.key_where[key] = loc(file, key_node.start_mark)
            result.value_where[key] = loc(file, value_node.start_mark)
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YSeq:
        result = YSeq(construct(loader, child) for child in node.value)
        result.where = loc(file, node.start_mark)
        result.item_where = [loc(file, child.start_mark) for child in node.value]
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
                loc(file, node.start_mark),
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
                    loc(file, node.start_mark),
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
                loc(file, node.start_mark),
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


def _shown(character: int | str) -> str:
    return repr(chr(character) if isinstance(character, int) else character)


def _offset_loc(file: str, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(file, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _check_event_depth(file: str, text: str, base: type[yaml.SafeLoader]) -> None:
    """Refuse deep nesting from the parser's events, before libyaml's composer
    recurses on it (tens of thousands of levels overflow its C stack)."""
    loader: Any = base(text)
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
                        loc(file, mark),
                        f"nesting is deeper than {MAX_DEPTH} levels",
                        "flatten the structure; menus link nodes by id instead of nesting them",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: the composer reports it, with its own location
    finally:
        loader.dispose()
