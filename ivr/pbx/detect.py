"""Which kind of menu a file is, told by its content, and loading any of them.

A person points ``ivr call`` at whatever they have (``ivr.conf`` XML, an
``extensions.conf``, a ``.vxml``), so the content decides, never the file
name: VoiceXML has a ``<vxml>`` root, FreeSWITCH ``<menu>`` elements, an
Asterisk dialplan ``[context]`` sections with ``exten =>`` lines; anything
else is read as an ivr YAML menu.
"""

from __future__ import annotations

import importlib
import logging
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from ivr.errors import IvrError
from ivr.pbx.common import Imported

log = logging.getLogger(__name__)

#: Bytes read to tell the kind of a file; every format says what it is early on.
SNIFF_BYTES = 64_000
#: The largest PBX file accepted: real dialplans and menus are far smaller.
MAX_BYTES = 5_000_000


class MenuFormat(StrEnum):
    YAML = "yaml"
    FREESWITCH = "freeswitch"
    ASTERISK = "asterisk"
    VOICEXML = "voicexml"


#: Checked in this order: a VoiceXML document may hold <menu> elements too.
PBX_FORMATS = (MenuFormat.VOICEXML, MenuFormat.FREESWITCH, MenuFormat.ASTERISK)


def format_module(kind: MenuFormat) -> Any:
    """The package that reads and writes ``kind`` (imported only when needed)."""
    return importlib.import_module(f"ivr.pbx.{kind.value}")


_XML_START = re.compile(r"^\ufeff?\s*<")
_VXML = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?vxml[\s>]")
_FS_MENU = re.compile(r"<menu[\s>]")
_SECTION = re.compile(r"^[ \t]*\[[^\]\n]+\]", re.M)
_EXTEN = re.compile(r"^[ \t]*(?:exten|same|include)[ \t]*=>?", re.M | re.I)


def detect(text: str) -> MenuFormat:
    """Cheap tests of the first bytes; the format's own reader then checks it whole."""
    head = text[:SNIFF_BYTES]
    if _XML_START.match(head):
        if _VXML.search(head):
            return MenuFormat.VOICEXML
        if _FS_MENU.search(head):
            return MenuFormat.FREESWITCH
    elif _SECTION.search(head) and _EXTEN.search(head):
        return MenuFormat.ASTERISK
    return MenuFormat.YAML


def sniff_file(path: str | Path) -> MenuFormat:
    """The kind of the file at ``path`` (YAML when it cannot be read: the YAML loader
    then reports the problem as it always has)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return MenuFormat.YAML
    return detect(head.decode("utf-8", errors="replace"))


def read_text(path: str | Path) -> str:
    """A PBX file's text, refused with a clear message when too big or not UTF-8."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise IvrError(
                f"{name}: {size} bytes is too big for a menu (the limit is {MAX_BYTES})",
                "split the file, or import only the part with the menu",
            )
        data = Path(path).read_bytes()
    except OSError as exc:
        raise IvrError(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IvrError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
        ) from None


def import_file(path: str | Path, start: str | None = None) -> Imported:
    """Compile the PBX file at ``path`` into an ivr menu document."""
    text = read_text(path)
    kind = detect(text)
    if kind is MenuFormat.YAML:
        raise IvrError(
            f"{path}: not a FreeSWITCH, Asterisk or VoiceXML menu",
            "ivr import reads ivr.conf XML, extensions.conf and VoiceXML; an ivr YAML menu "
            "needs no import",
        )
    imported: Imported = format_module(kind).import_text(text, str(path), start)
    for warning in imported.warnings:
        log.info("%s", warning)
    return imported
