"""Asterisk ``extensions.conf`` dialplans: read as menus, and menus written as dialplans.

``import_text`` runs the dialplan from a context's ``s`` extension the way
Asterisk's PBX loop would, without a caller, and writes every place the call
waits for digits or branches as a node of the ivr menu YAML (``compile``).
``export_menu`` writes an ivr menu as one context per node (``export``). The
parsing follows Asterisk's own config reader (``config``, ``dialplan``).
"""

from __future__ import annotations

import re

from ivr.pbx.asterisk.compile import import_dialplan
from ivr.pbx.asterisk.export import Exported, export_menu
from ivr.pbx.common import Imported

__all__ = ["Exported", "export_menu", "import_text", "looks_like"]

_CONTEXT = re.compile(r"^\s*\[[^\]\n]+\]", re.M)
_EXTEN = re.compile(r"^\s*(?:exten|same|include)\s*=>?", re.M | re.I)
SNIFF = 65536  # a dialplan may open with long [general] and [globals] sections


def looks_like(text: str) -> bool:
    """Whether ``text`` (the start of a file) is an Asterisk dialplan: a ``[context]``
    header and an ``exten =>``, ``same =>`` or ``include =>`` line, and no markup or
    binary data."""
    head = text[:SNIFF]
    if "\0" in head or head.lstrip().startswith("<"):
        return False
    return bool(_CONTEXT.search(head) and _EXTEN.search(head))


def import_text(text: str, file: str, start: str | None = None) -> Imported:
    """The dialplan ``text`` (from ``file``) as ivr menu YAML, started at context
    ``start``'s ``s`` extension (default: the first context that has one)."""
    return import_dialplan(text, file, start)
