"""The fast path: YMap/YSeq built straight from the parser's events.

A big menu loads several times faster this way than through PyYAML's node
graph. Whenever the builder meets anything it does not handle itself,
including every document that must be refused, it returns ``FALLBACK`` and
the strict path (``ivr.yamlsrc.strict``), which owns every error message,
reads the document again.
"""

from __future__ import annotations

from typing import Any

import yaml

from ivr.yamlsrc.located import YMap, YSeq
from ivr.yamlsrc.rules import MAX_DEPTH, MAX_EXPANDED_NODES, STR_TAG

#: What ``build_fast`` returns when the strict path must read the document.
FALLBACK: Any = object()
_MISSING: Any = object()
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
_ScalarEvent = yaml.ScalarEvent
_MappingStartEvent = yaml.MappingStartEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_AliasEvent = yaml.AliasEvent
_ScalarNode = yaml.ScalarNode


def build_fast(file: str, loader: Any) -> Any:
    """One pass over the parser's events, skipping PyYAML's node graph.

    It must give exactly what ``load_strict`` gives, so wherever the strict
    path would refuse the document (or do anything unusual) this returns
    ``FALLBACK`` and lets it: undefined, duplicate or self-containing anchors,
    nesting that could pass ``MAX_DEPTH``, more than ``MAX_EXPANDED_NODES``
    values, duplicate or unhashable keys, merge keys, tags other than the
    standard map/seq ones on collections, and scalars whose construction fails.
    Scalars are resolved and constructed by the same loader class the strict
    path uses, once per distinct plain value.
    """
    get = loader.get_event
    if not isinstance(get(), yaml.StreamStartEvent):
        return FALLBACK
    if not isinstance(get(), yaml.DocumentStartEvent):
        return FALLBACK  # no document: the strict path says so
    resolve = loader.resolve
    construct = loader.construct_object
    str_tag = STR_TAG
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
    root: Any = FALLBACK
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
                    return FALLBACK  # e.g. !!map on a scalar: the strict path decides
            mark = ev.start_mark
            is_collection = False
            if ev.anchor is not None:
                if ev.anchor in anchors:
                    return FALLBACK
                anchors[ev.anchor] = (value, mark, 1, 1)
        elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
            if depth >= limit:
                return FALLBACK  # its children could be deeper than MAX_DEPTH
            if kind is _MappingStartEvent:
                if ev.tag not in _MAP_TAGS:
                    return FALLBACK
                new: Any = YMap()
            else:
                if ev.tag not in _SEQ_TAGS:
                    return FALLBACK
                new = YSeq()
            total += 1
            depth += 1
            mark = ev.start_mark
            anchor = ev.anchor
            stack.append((cur, is_map, entries, has_key, pkey, pmark, mark, anchor, total, deepest))
            if anchor is not None:
                if anchor in anchors:
                    return FALLBACK
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
                return FALLBACK  # undefined, or inside its own anchor
            value, mark, size, height = found
            total += size
            if depth + height > MAX_DEPTH:
                return FALLBACK
            if depth + height > deepest:
                deepest = depth + height
            is_collection = isinstance(value, YMap | YSeq)
        elif kind is yaml.DocumentEndEvent:
            break
        else:
            return FALLBACK
        # a value is complete: put it where it belongs
        if is_map:
            if has_key:
                cur[pkey] = value
                entries.append((pkey, pmark, mark))
                has_key = False
            else:
                if is_collection or value in cur:
                    return FALLBACK  # unhashable or duplicate key
                pkey = value
                pmark = mark
                has_key = True
        elif cur is not None:
            cur.append(value)
            entries.append(mark)
        else:
            root = value
    if not isinstance(get(), yaml.StreamEndEvent):
        return FALLBACK  # another document follows
    if total > MAX_EXPANDED_NODES:
        return FALLBACK
    return root
