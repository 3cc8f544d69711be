"""FreeSWITCH IVR menus (``ivr.conf`` XML) read into ivr menus, and ivr menus written out.

The importer runs a FreeSWITCH menu as FreeSWITCH would: the semantics are
taken from ``src/switch_ivr_menu.c`` (the menu loop, digit collection, the
failure and timeout counters), ``src/switch_ivr_play_say.c`` (``say:`` and
``phrase:`` prompts, phrase macros) and ``src/switch_regex.c`` (regex entries
and ``$1`` substitution) of signalwire/freeswitch; each module says which part
it follows. The exporter writes an ``ivr_menus.xml`` FreeSWITCH loads as it is
and this importer reads back.
"""

from __future__ import annotations

import re
from pathlib import Path

from ivr.pbx.common import Imported, sound_texts_near
from ivr.pbx.freeswitch.compile import compile_config
from ivr.pbx.freeswitch.config import read_config
from ivr.pbx.freeswitch.dialplan import Dialplan, near
from ivr.pbx.freeswitch.export import Exported, export_menu
from ivr.pbx.freeswitch.prompts import Prompts
from ivr.pbx.freeswitch.xmltree import parse_xml
from ivr.pbx.yamlout import dump

__all__ = ["Exported", "export_menu", "import_text", "looks_like"]

_SNIFF = 8192
_VXML = re.compile(r"<vxml\b", re.I)
_IVR_CONF = re.compile(r"""<configuration\b[^>]*\bname\s*=\s*["']ivr\.conf["']""")
_MENU = re.compile(r"""<menu\b[^>]*\bname\s*=""")
_MENU_SIGNS = re.compile(r"""\bgreet-long\s*=|<entry\b[^>]*\baction\s*=\s*["']menu-""")


def looks_like(text: str) -> bool:
    """Whether the start of ``text`` is a FreeSWITCH IVR menu file: an ``ivr.conf``
    configuration, or ``<menu name=...>`` with a greeting or ``menu-*`` entries
    (a VoiceXML ``<menu>`` has an ``id`` and sits in ``<vxml>``)."""
    head = text[:_SNIFF]
    if _VXML.search(head):
        return False
    return bool(_IVR_CONF.search(head) or (_MENU.search(head) and _MENU_SIGNS.search(head)))


def import_text(text: str, file: str, start: str | None = None) -> Imported:
    """The ivr menu YAML of a FreeSWITCH IVR file, starting at menu ``start`` (default
    the first); bad input is a ``MenuError``/``MenuErrors`` naming ``FILE:LINE``."""
    root = parse_xml(text, file)
    config = read_config(root, file)
    prompts = Prompts(config, sound_texts_near(Path(file)))
    dialplan = Dialplan()
    dialplan.add_tree(root, file)
    dialplan.merge(near(Path(file)))
    compiled = compile_config(config, prompts, dialplan, start)
    header = (
        f"Imported by ivr from the FreeSWITCH IVR file {Path(file).name}, menu "
        f"{compiled.start!r}.\nEach comment names the line a node, entry or handler comes from."
    )
    return Imported(dump(compiled.document, header), compiled.warnings, compiled.starts)
