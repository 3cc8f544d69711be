"""Asterisk's configuration file syntax, read as ``main/config.c`` reads it, with lines.

Every ``.conf`` file of Asterisk, ``extensions.conf`` too, is read by one parser
(``config_text_file_load`` and ``process_text_line`` in asterisk/asterisk
``main/config.c``); this module follows it so a dialplan means here what it
means on the PBX:

- ``;`` starts a comment to the end of the line, ``\\;`` is a literal ``;``,
  ``;--`` ... ``--;`` is a block comment that may span lines and nest;
- there is no line continuation: each line stands alone (Asterisk skips a line
  longer than its 8 KB buffer, with a warning);
- ``[name]`` opens a category; ``[name](!)`` is a template (not a context),
  ``[name](+)`` adds to an earlier ``[name]``, ``[name](base,...)`` copies the
  lines of earlier categories first;
- ``name = value`` and ``name => value`` are the same (``>`` is ignored), ``+=``
  appends to the last value of that name, a leading ``\\`` escapes the first
  character;
- ``#include FILE`` and ``#tryinclude FILE`` read another file in place (quotes
  or ``<>`` around the name are dropped, globs allowed); ``#exec`` runs a program,
  which an importer never does.

Caps keep hostile input bounded: total size, include depth and line count.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

from ivr.errors import Location, MenuError
from ivr.pbx.common import PbxWarning, pbx_error

MAX_BYTES = 5_000_000  # all files together
MAX_INCLUDE_DEPTH = 8
MAX_LINES = 200_000
LINE_BUFFER = 8192  # Asterisk's fgets buffer: a longer line is skipped
MAX_NESTED_COMMENTS = 128  # main/config.c MAX_NESTED_COMMENTS


@dataclass
class Line:
    """One ``name = value`` line of a category."""

    name: str
    value: str
    where: Location


@dataclass
class Category:
    name: str
    where: Location
    template: bool = False
    lines: list[Line] = field(default_factory=list)


@dataclass
class Config:
    categories: list[Category] = field(default_factory=list)
    warnings: list[PbxWarning] = field(default_factory=list)
    errors: list[MenuError] = field(default_factory=list)


@dataclass
class _Reader:
    config: Config
    size: int = 0
    lines: int = 0
    current: Category | None = None
    stack: list[Path] = field(default_factory=list)

    def warn(self, where: Location, text: str) -> None:
        self.config.warnings.append(PbxWarning(where, text))

    def error(self, where: Location, message: str, hint: str | None = None) -> None:
        self.config.errors.append(pbx_error(where, message, hint))


def read_config(text: str, file: str) -> Config:
    """The categories of ``text`` (the file named ``file``), #includes followed
    relative to its folder. Raises ``MenuError`` when a cap is passed."""
    reader = _Reader(Config())
    path = Path(file)
    reader.stack.append(path.resolve() if file else path)
    _read_text(reader, text, file, path.parent)
    return reader.config


def _read_text(reader: _Reader, text: str, file: str, folder: Path) -> None:
    reader.size += len(text)
    if reader.size > MAX_BYTES:
        raise pbx_error(
            Location(file, 1, 1),
            f"the dialplan is larger than {MAX_BYTES // 1_000_000} MB",
            "import the contexts the menu needs, not a whole PBX configuration",
        )
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise pbx_error(
            Location(file, line, 1),
            "the file holds binary data (a NUL byte), not dialplan text",
            "give an extensions.conf saved as text",
        )
    depth = 0  # nested ;-- --; comments open at the start of the line
    for number, raw in enumerate(text.splitlines(), 1):
        reader.lines += 1
        if reader.lines > MAX_LINES:
            raise pbx_error(
                Location(file, number, 1),
                f"the dialplan has more than {MAX_LINES} lines",
                "import the contexts the menu needs, not a whole PBX configuration",
            )
        where = Location(file, number, 1)
        if number == 1:
            raw = raw.removeprefix("\ufeff")
        if len(raw) >= LINE_BUFFER - 1:
            reader.warn(where, "line too long: Asterisk skips it, and so does the simulator")
            continue
        kept, depth = strip_comments(raw, depth)
        if kept.strip():
            _line(reader, kept.strip(), where, folder)
    if depth:
        reader.warn(Location(file, 1, 1), "a ;-- block comment is never closed with --;")


def strip_comments(raw: str, depth: int) -> tuple[str, int]:
    """``raw`` without comments, and the block-comment depth after it."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        opens = raw.startswith(";--", i) and not raw.startswith(";---", i)
        if depth:
            if raw.startswith("--;", i):
                depth -= 1
                i += 3
            elif opens:
                depth = min(depth + 1, MAX_NESTED_COMMENTS)
                i += 3
            else:
                i += 1
        elif raw.startswith("\\;", i):
            out.append(";")
            i += 2
        elif opens:
            depth = 1
            i += 3
        elif raw[i] == ";":
            break
        else:
            out.append(raw[i])
            i += 1
    return "".join(out), depth


def _line(reader: _Reader, line: str, where: Location, folder: Path) -> None:
    if line.startswith("["):
        _category(reader, line, where)
    elif line.startswith("#"):
        _directive(reader, line, where, folder)
    elif reader.current is None:
        reader.error(where, "a line before any [context]", "put it under a [context] header")
    else:
        _assignment(reader, reader.current, line, where)


def _category(reader: _Reader, line: str, where: Location) -> None:
    end = line.find("]")
    if end < 0:
        reader.error(where, f"{line!r} has no closing ']'", "write [name]")
        return
    name = line[1:end]
    rest = line[end + 1 :]
    options: list[str] = []
    if rest.startswith("("):
        close = rest.find(")")
        if close < 0:
            reader.error(where, f"{line!r} has no closing ')'", "write [name](!) or [name](+)")
            return
        options = [o.strip() for o in rest[1:close].split(",")]
    category = Category(name, where)
    for option in options:
        if option == "!":
            category.template = True
        elif option.startswith("+"):
            earlier = _find(reader, name)
            if earlier is None:
                reader.error(
                    where,
                    f"[{name}](+) adds to a category that is not defined above",
                    f"define [{name}] first",
                )
                return
            reader.current = earlier
            return
        elif option:
            base = _find(reader, option)
            if base is None:
                reader.error(
                    where,
                    f"[{name}] inherits from {option!r}, which is not defined above",
                    f"define [{option}](!) before it",
                )
                return
            category.lines.extend(Line(v.name, v.value, v.where) for v in base.lines)
    reader.config.categories.append(category)
    reader.current = category


def _find(reader: _Reader, name: str) -> Category | None:
    return next((c for c in reversed(reader.config.categories) if c.name == name), None)


def _directive(reader: _Reader, line: str, where: Location, folder: Path) -> None:
    word, _, argument = line[1:].partition(" ")
    word, _, tab_arg = word.partition("\t")
    argument = (argument or tab_arg).strip()
    kind = word.lower()
    if kind not in ("include", "tryinclude", "exec"):
        reader.warn(where, f"#{word}: unknown directive; Asterisk ignores it, and so does ivr")
        return
    if kind == "exec":
        reader.warn(where, f"#exec {argument}: programs are never run; its output is left out")
        return
    if not argument:
        reader.error(where, f"#{word} needs a file name", f"write #{kind} other.conf")
        return
    if argument[0] in '"<' and argument[-1] == {'"': '"', "<": ">"}[argument[0]]:
        argument = argument[1:-1]
    target = Path(argument)
    pattern = str(target if target.is_absolute() else folder / target)
    found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
    found = [f for f in found if Path(f).is_file()]
    if not found:
        if kind == "include":
            reader.error(
                where,
                f"#include {argument}: no such file next to this one",
                "put it beside the dialplan, or use #tryinclude for an optional file",
            )
        return
    for name in found:
        shown = argument if not glob.has_magic(argument) else str(Path(name).name)
        _include(reader, Path(name), where, shown)


def _include(reader: _Reader, path: Path, where: Location, shown: str) -> None:
    resolved = path.resolve()
    if resolved in reader.stack:
        raise pbx_error(where, f"#include {shown} includes itself", "remove the circular #include")
    if len(reader.stack) > MAX_INCLUDE_DEPTH:
        raise pbx_error(
            where,
            f"#include nested deeper than {MAX_INCLUDE_DEPTH} files",
            "flatten the includes",
        )
    try:
        if resolved.stat().st_size + reader.size > MAX_BYTES:
            raise pbx_error(
                where,
                f"#include {shown}: the dialplan gets larger than {MAX_BYTES // 1_000_000} MB",
                "import the contexts the menu needs, not a whole PBX configuration",
            )
        text = resolved.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise pbx_error(
            where, f"#include {shown} is not UTF-8 text ({exc.reason})", "save it as UTF-8"
        ) from None
    except OSError as exc:
        raise pbx_error(where, f"#include {shown} cannot be read ({exc.strerror})") from None
    reader.stack.append(resolved)
    _read_text(reader, text, str(path), path.parent)
    reader.stack.pop()


def _assignment(reader: _Reader, category: Category, line: str, where: Location) -> None:
    escaped = line.startswith("\\")
    if escaped:
        line = line[1:]
        if not line or ord(line[0]) < 33:
            reader.error(where, "invalid escape at the start of the line", "remove the '\\'")
            return
    equals = line.find("=", 1 if escaped else 0)
    if equals < 0:
        reader.error(
            where,
            f"{line!r} has no '='",
            "write exten => NAME,PRIORITY,App(args) or name = value",
        )
        return
    value = line[equals + 1 :]
    if equals > 0 and line[equals - 1] == "+":
        name = line[: equals - 1].strip()
        earlier = next((v for v in reversed(category.lines) if v.name == name), None)
        if earlier is not None:
            earlier.value = (earlier.value + value).strip()
            return
    else:
        name = line[:equals].strip()
        value = value.removeprefix(">")
    if not name:
        reader.error(where, "a line with no name before '='", "write name = value")
        return
    category.lines.append(Line(name, value.strip(), where))
