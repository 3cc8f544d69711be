"""FreeSWITCH XML read safely, every element with the line it starts on.

A PBX file comes from outside, so it is parsed by ``defusedxml`` (no DTD, no
entity declarations, no external references: no billion laughs, no XXE) and
capped in size, nesting depth and element count before any of it is used.
``xml.etree`` keeps no line numbers, so a small tree builder records the
expat parser's position as each element starts; the importer's warnings and
errors then point at ``FILE:LINE`` like a compiler's.

``defusedxml`` ships no type hints; it is imported by name so the rest of this
package stays strictly typed without a blanket ``ignore``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from ivr.errors import Location
from ivr.pbx.common import pbx_error

#: A FreeSWITCH menu file is a few kilobytes; anything this big is not one.
MAX_BYTES = 5_000_000
#: ``<include><configuration><menus><menu><entry>`` is five deep; phrase files eight.
MAX_DEPTH = 32
#: Elements in one file: thousands of menus and entries, far below what exhausts memory.
MAX_ELEMENTS = 100_000

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass
class XNode:
    """One element: its tag, attributes, where it starts, its children and text."""

    tag: str
    attrs: dict[str, str]
    line: int
    col: int
    children: list[XNode] = field(default_factory=list)
    text: str = ""
    #: The line each attribute is written on (a ``<menu>`` start tag spans many lines).
    attr_lines: dict[str, int] = field(default_factory=dict)

    def find_all(self, tag: str) -> list[XNode]:
        """Descendants named ``tag`` in document order (not below one found)."""
        found: list[XNode] = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(child.find_all(tag))
        return found

    def walk(self) -> list[XNode]:
        """This element and every descendant, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


class _Refused(Exception):
    """A cap was passed; raised from inside the parser's callback to stop it."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


class _Builder:
    """The parser's target: builds ``XNode``s and enforces the depth and count caps."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.expat: Any = None
        self.stack: list[XNode] = []
        self.root: XNode | None = None
        self.count = 0
        self.line_starts = [0] + [m.end() for m in re.finditer(rb"\n", source)]

    def _line_of(self, offset: int) -> int:
        low, high = 0, len(self.line_starts) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if self.line_starts[mid] <= offset:
                low = mid
            else:
                high = mid - 1
        return low + 1

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        line = int(self.expat.CurrentLineNumber)
        col = int(self.expat.CurrentColumnNumber) + 1
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _Refused(
                line,
                f"more than {MAX_ELEMENTS} elements",
                "a FreeSWITCH menu file has far fewer; split it or check it is the right file",
            )
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(
                line,
                f"elements nested more than {MAX_DEPTH} deep",
                "FreeSWITCH menus nest five deep (<include><configuration><menus><menu><entry>)",
            )
        node = XNode(tag, dict(attrs), line, col)
        node.attr_lines = self._attr_lines(int(self.expat.CurrentByteIndex), attrs, line)
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)

    def _attr_lines(self, offset: int, attrs: dict[str, str], line: int) -> dict[str, int]:
        if offset < 0 or not attrs:
            return {}
        end = self.source.find(b">", offset)
        tag = self.source[offset : end if end >= 0 else len(self.source)]
        lines: dict[str, int] = {}
        for name in attrs:
            found = re.search(rb"(?:^|\s)" + re.escape(name.encode()) + rb"\s*=", tag)
            lines[name] = self._line_of(offset + found.start()) if found else line
        return lines

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].text += text

    def close(self) -> XNode | None:
        return self.root


def _to_bytes(text: str, file: str) -> bytes:
    """The file's bytes: text read with ``surrogateescape`` gets its bytes back, and
    a file declaring another encoding (FreeSWITCH's phrase files are often
    Windows-1252) is decoded as it says."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        index = exc.start
    try:
        raw: bytes | None = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = None
    declared = _DECLARED.match(raw) if raw is not None else None
    if raw is not None and declared is not None:
        try:
            return raw.decode(declared.group(1).decode()).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    line = text.count("\n", 0, index) + 1
    raise pbx_error(
        Location(file, line, 1),
        "this text is not UTF-8 and declares no encoding that decodes it",
        'save the file as UTF-8, or declare its encoding (<?xml version="1.0" encoding="..."?>)',
    )


def parse_xml(text: str, file: str) -> XNode:
    """The element tree of ``text``; bad or hostile XML is a ``MenuError`` at its line."""
    if len(text) > MAX_BYTES:
        raise pbx_error(
            Location(file, 1, 1),
            f"the file is over {MAX_BYTES // 1_000_000} MB",
            "a FreeSWITCH menu file is a few kilobytes; check it is the right file",
        )
    data = _to_bytes(text, file)
    if not data.strip():
        raise pbx_error(
            Location(file, 1, 1),
            "the file is empty",
            "a FreeSWITCH menu file holds <menu name=...> elements",
        )
    defused = importlib.import_module("defusedxml.ElementTree")
    common = importlib.import_module("defusedxml.common")
    builder = _Builder(data)
    parser = defused.DefusedXMLParser(
        target=builder, encoding="utf-8", forbid_dtd=True, forbid_entities=True
    )
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except _Refused as exc:
        raise pbx_error(Location(file, exc.line, 1), exc.message, exc.hint) from None
    except common.DefusedXmlException as exc:
        raise pbx_error(
            Location(file, int(parser.parser.CurrentLineNumber), 1),
            f"refused {type(exc).__name__.replace('Forbidden', '')} declaration",
            "FreeSWITCH menus need no DOCTYPE or entities; remove it (they can expand to "
            "gigabytes or read other files)",
        ) from None
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        line, col = getattr(exc, "position", (1, 0))
        reason = str(exc).split(": line ")[0]
        raise pbx_error(
            Location(file, int(line), int(col) + 1),
            f"not well-formed XML: {reason}",
            "fix the XML (a FreeSWITCH menu file is XML with <menu> elements)",
        ) from None
    if not isinstance(root, XNode):  # pragma: no cover - a well-formed file has a root
        raise pbx_error(Location(file, 1, 1), "no XML element found", "check the file")
    return root
