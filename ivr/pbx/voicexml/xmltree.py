"""Reading a VoiceXML file into a small element tree that knows its source lines.

Every node and option of an imported menu names the line it came from, and a
bad file is reported at the line of the mistake, so each element keeps the
line expat was on when it opened. The file comes from outside: it is parsed
with ``defusedxml`` (entity declarations and external references refused, so
no billion laughs and no file or network reads), and the size, the nesting
depth and the number of elements are capped before any of it is compiled.

A ``<!DOCTYPE vxml PUBLIC ...>`` line without an internal subset is accepted:
many real documents carry one, and nothing it names is ever fetched; a DTD
with an internal subset (the only place entities can be declared) is refused.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from ivr.errors import Location, MenuError
from ivr.pbx.common import pbx_error

#: Caps on what one document may hold; a real phone menu is far below each.
MAX_CHARS = 5_000_000
MAX_DEPTH = 64
MAX_ELEMENTS = 50_000

#: Namespaces whose elements are read by their local name.
KNOWN_NAMESPACES = (
    "http://www.w3.org/2001/vxml",
    "http://www.w3.org/2001/06/grammar",
    "http://www.w3.org/2001/10/synthesis",
)
XML_NS = "http://www.w3.org/XML/1998/namespace"

# defusedxml ships no type stubs; the parser class is used through Any.
_defused: Any = importlib.import_module("defusedxml.ElementTree")
_defused_common: Any = importlib.import_module("defusedxml.common")


@dataclass
class XNode:
    """One element: its local name, attributes, line, and children in document order
    (text as ``str``, elements as ``XNode``), so mixed prompt content keeps its order."""

    tag: str
    attrs: dict[str, str]
    line: int
    col: int = 1
    children: list[XNode | str] = field(default_factory=list)

    def elements(self, *tags: str) -> Iterator[XNode]:
        """Child elements, only those named ``tags`` when given."""
        for child in self.children:
            if isinstance(child, XNode) and (not tags or child.tag in tags):
                yield child

    def first(self, tag: str) -> XNode | None:
        return next(self.elements(tag), None)

    def text(self) -> str:
        """The element's own text (not its children's), whitespace collapsed."""
        return " ".join("".join(c for c in self.children if isinstance(c, str)).split())

    def all_text(self) -> str:
        """Every text inside, children's included, whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.all_text()} ")
        return " ".join("".join(parts).split())

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


class _TooBig(Exception):
    def __init__(self, line: int, col: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message, self.hint = line, col, message, hint


def _local(name: str) -> str:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        if ns in KNOWN_NAMESPACES:
            return local
        if ns == XML_NS:
            return f"xml:{local}"
    return name


class _Builder:
    """The parser's target: builds ``XNode``s, reading the line from expat as each opens."""

    def __init__(self) -> None:
        self.parser: Any = None
        self.stack: list[XNode] = []
        self.root: XNode | None = None
        self.count = 0

    def _where(self) -> tuple[int, int]:
        expat = self.parser.parser
        return int(expat.CurrentLineNumber), int(expat.CurrentColumnNumber) + 1

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        line, col = self._where()
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _TooBig(
                line,
                col,
                f"more than {MAX_ELEMENTS} elements",
                "split the application into several documents",
            )
        if len(self.stack) >= MAX_DEPTH:
            raise _TooBig(
                line,
                col,
                f"elements nested more than {MAX_DEPTH} deep",
                "a phone menu needs far fewer levels; flatten the document",
            )
        node = XNode(_local(tag), {_local(k): v for k, v in attrs.items()}, line, col)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1].children.append(text)

    def close(self) -> XNode | None:
        return self.root


def _refuse_internal_subset(
    parser: Any, file: str
) -> Any:  # the expat StartDoctypeDeclHandler, typed loosely like expat itself
    def handler(name: str, sysid: str | None, pubid: str | None, internal: int) -> None:
        if internal:
            expat = parser.parser
            raise _TooBig(
                int(expat.CurrentLineNumber),
                int(expat.CurrentColumnNumber) + 1,
                "the DOCTYPE has an internal subset (entity and DTD declarations are not read)",
                "remove the [...] part of <!DOCTYPE ...>",
            )

    return handler


def parse(text: str, file: str) -> XNode:
    """The document's root element; ``MenuError`` at the line of any problem."""
    top = Location(file, 1, 1)
    if len(text) > MAX_CHARS:
        raise pbx_error(
            top,
            f"the file is {len(text)} characters, over the {MAX_CHARS} a VoiceXML menu may have",
            "is this really a VoiceXML document? split it into several",
        )
    bad = next((i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        raise pbx_error(
            Location(file, line, 1),
            "the file is not valid UTF-8",
            "save it as UTF-8 (the encoding its XML declaration names is not used)",
        )
    if not text.strip():
        raise pbx_error(top, "the file is empty", "a VoiceXML document starts with <vxml ...>")
    builder = _Builder()
    parser = _defused.DefusedXMLParser(target=builder, forbid_dtd=False)
    builder.parser = parser
    parser.parser.StartDoctypeDeclHandler = _refuse_internal_subset(parser, file)
    try:
        parser.feed(text)
        root = parser.close()
    except _TooBig as e:
        raise pbx_error(Location(file, e.line, e.col), e.message, e.hint) from None
    except _defused_common.DefusedXmlException as e:
        expat = parser.parser
        where = Location(file, int(expat.CurrentLineNumber), int(expat.CurrentColumnNumber) + 1)
        raise pbx_error(
            where,
            f"the file declares entities or refers outside itself ({type(e).__name__})",
            "remove the <!DOCTYPE ...> declarations; VoiceXML needs no entities",
        ) from None
    except SyntaxError as e:  # xml.etree.ElementTree.ParseError
        line, col = getattr(e, "position", (1, 0))
        reason = str(getattr(e, "msg", e)).split(":")[0]
        hint = "fix the XML there (is every element closed, every & written &amp;?)"
        if "no element found" in reason:
            reason, hint = "the document ends before its root element does", "close every element"
        raise pbx_error(
            Location(file, max(line, 1), col + 1), f"not well-formed XML: {reason}", hint
        ) from None
    if not isinstance(root, XNode):
        raise pbx_error(top, "the file has no root element", "a VoiceXML document is <vxml ...>")
    if root.tag != "vxml":
        raise pbx_error(
            Location(file, root.line, root.col),
            f"the root element is <{root.tag}>, not <vxml>",
            'a VoiceXML document is <vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">',
        )
    return root


def error_at(file: str, node: XNode, message: str, hint: str | None = None) -> MenuError:
    return pbx_error(Location(file, node.line, node.col), message, hint)
