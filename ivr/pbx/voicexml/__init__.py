"""VoiceXML 2.0/2.1 documents read as ivr menus, and ivr menus written as VoiceXML.

``import_text`` compiles a document (its ``<menu>`` and ``<form>`` dialogs,
grammars, handlers and links) into the ivr menu YAML the one loader reads;
``export_menu`` writes a menu as one VoiceXML 2.1 document that validates
against the W3C schema, its prompts as sound files with their text as the
fallback. Semantics follow the W3C VoiceXML 2.0 Recommendation (16 March 2004)
and VoiceXML 2.1 (19 June 2007); each module names the sections it follows.
"""

from __future__ import annotations

import re

from ivr.errors import Location
from ivr.pbx.common import Imported, pbx_error
from ivr.pbx.voicexml.export import Exported, export_menu
from ivr.pbx.voicexml.importer import import_document

__all__ = ["Exported", "export_menu", "import_text", "looks_like"]

_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?vxml[\s>/]")


def looks_like(text: str) -> bool:
    """Whether ``text`` (the first few KB of a file) is a VoiceXML document: its root
    element is ``<vxml>``."""
    head = re.sub(r"<!--.*?-->", "", text[:8192], flags=re.S)
    head = re.sub(r"<\?.*?\?>|<!DOCTYPE[^>]*>", "", head, flags=re.S).lstrip()
    return _ROOT.match(head) is not None


def import_text(text: str, file: str, start: str | None = None) -> Imported:
    """The VoiceXML document ``text`` (read from ``file``) as an ivr menu, starting at the
    dialog ``start`` (a ``<menu>`` or ``<form>`` id; default the first)."""
    try:
        return import_document(text, file, start)
    except RecursionError:
        raise pbx_error(
            Location(file, 1, 1),
            "the document nests its statements too deeply to compile",
            "flatten nested <if> elements",
        ) from None
