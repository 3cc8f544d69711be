"""Strict, position-aware YAML reading shared by menu files, call files and needs files.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, forgets
where each value came from, and will happily expand an alias bomb. Menu authors
need ``FILE:LINE:COL`` in every message, so mappings and sequences are built as
``YMap`` / ``YSeq`` carrying the location of each key and item (``located``),
and the document is checked for size, nesting depth and alias expansion before
it is constructed.

Two paths give the same result. The fast one (``fast``) builds YMap/YSeq
straight from the parser's events (a big menu loads several times faster);
whenever it meets anything it does not handle itself, including every document
that must be refused, it steps aside and the strict compose-check-construct
path (``strict``), which owns every error message, reads the document again.
``files`` reads the text; ``rules`` holds the limits both paths decide by, and
reads only true and false as booleans (YAML 1.2), so yes, no, on and off are words.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import Location, MenuError
from ivr.yamlsrc.fast import FALLBACK, build_fast
from ivr.yamlsrc.files import gc_paused, read_text
from ivr.yamlsrc.located import YMap, YSeq, relocate
from ivr.yamlsrc.rules import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    MAX_FILE_BYTES,
    PARSER,
    plain_booleans,
)
from ivr.yamlsrc.strict import load_strict

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "YMap",
    "YSeq",
    "gc_paused",
    "load_yaml",
    "read_text",
    "relocate",
]

log = logging.getLogger(__name__)

# Looked up here at every load, so a test can read without libyaml by swapping it.
_BaseLoader: type[yaml.SafeLoader] = PARSER
_FALLBACK: Any = FALLBACK


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
            return load_strict(name, text, plain_booleans(_BaseLoader))
        return data


def _load_fast(name: str, text: str) -> Any:
    """Build YMap/YSeq straight from parser events, or return ``_FALLBACK``."""
    if _BaseLoader.yaml_path_resolvers:
        return _FALLBACK  # tags would depend on the path; leave that to the composer
    loader = plain_booleans(_BaseLoader)(text)
    try:
        return build_fast(name, loader)
    except Exception as exc:  # the strict path reports it, exactly as before
        log.debug("fast YAML path gave way to the strict one: %r", exc)
        return _FALLBACK
    finally:
        loader.dispose()
