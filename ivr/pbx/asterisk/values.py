"""Application data as Asterisk reads it: ``${...}`` variables, ``$[...]`` expressions,
and arguments split at commas.

Asterisk substitutes variables and evaluates ``$[...]`` before an application
sees its data (``pbx_substitute_variables_helper_full`` in main/pbx_variables.c),
then most applications split the result at commas outside quotes, parentheses
and brackets, dropping the quotes and ``\\`` escapes (``__ast_app_separate_args``
in main/app.c). What is known when importing (``${EXTEN}`` of an exact
extension, a Gosub's ``${ARGn}``) is filled in here; every other variable stays
``${NAME}`` for the simulator to fill in from the call's variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ivr.pbx.common import sound_text

_NAME = re.compile(r"^([A-Za-z0-9_.]+)(?::(-?\d+)(?::(-?\d+))?)?$")


@dataclass(frozen=True)
class Segment:
    kind: str  # "text", "var" (inside ${}) or "expr" (inside $[])
    body: str

    def source(self) -> str:
        if self.kind == "var":
            return "${" + self.body + "}"
        if self.kind == "expr":
            return "$[" + self.body + "]"
        return self.body


def scan(text: str) -> list[Segment]:
    """``text`` cut into plain text, ``${...}`` and ``$[...]`` (nesting counted)."""
    out: list[Segment] = []
    plain: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith(("${", "$["), i):
            close = "}" if text[i + 1] == "{" else "]"
            end = _closing(text, i + 2, text[i + 1], close)
            if end is not None:
                if plain:
                    out.append(Segment("text", "".join(plain)))
                    plain = []
                out.append(Segment("var" if close == "}" else "expr", text[i + 2 : end]))
                i = end + 1
                continue
        plain.append(text[i])
        i += 1
    if plain:
        out.append(Segment("text", "".join(plain)))
    return out


def _closing(text: str, start: int, opener: str, closer: str) -> int | None:
    depth = 1
    for i in range(start, len(text)):
        if text[i] == opener and text[i - 1] == "$":
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i
    return None


@dataclass(frozen=True)
class VarRef:
    """``${NAME}`` or ``${NAME:offset:length}``."""

    name: str
    offset: int = 0
    length: int | None = None

    @property
    def whole(self) -> bool:
        return self.offset == 0 and self.length is None


def var_ref(body: str) -> VarRef | None:
    """The variable a ``${...}`` names; None for a function call (``${LEN(x)}``)."""
    found = _NAME.match(body.strip())
    if found is None:
        return None
    name, offset, length = found.groups()
    return VarRef(name, int(offset or 0), int(length) if length is not None else None)


#: Fills in a variable known at import time: its text, or None to leave it to the call.
Lookup = Callable[[VarRef], str | None]


def substitute(text: str, lookup: Lookup, problems: list[str]) -> str:
    """``text`` with the variables ``lookup`` knows filled in; functions and cuts of
    unknown variables stay as written and are named in ``problems``."""
    out: list[str] = []
    for segment in scan(text):
        if segment.kind == "text":
            out.append(segment.body)
        elif segment.kind == "expr":
            out.append("$[" + substitute(segment.body, lookup, problems) + "]")
        else:
            inner = substitute(segment.body, lookup, problems)
            ref = var_ref(inner)
            known = lookup(ref) if ref is not None else None
            if known is not None:
                out.append(known)
                continue
            if ref is None:
                problems.append(f"${{{inner}}}: the function is not simulated; left as text")
            elif not ref.whole:
                problems.append(f"${{{inner}}}: the cut of a variable is not simulated")
                inner = ref.name
            out.append("${" + inner + "}")
    return "".join(out)


def split_args(data: str, delim: str = ",") -> list[str]:
    """Arguments as ``AST_STANDARD_APP_ARGS`` splits them (quotes and escapes dropped)."""
    if not data:
        return []
    args: list[str] = []
    current: list[str] = []
    paren = bracket = 0
    quote = False
    i = 0
    while i < len(data):
        char = data[i]
        if char == "(":
            paren += 1
        elif char == ")":
            paren = max(0, paren - 1)
        elif char == "[":
            bracket += 1
        elif char == "]":
            bracket = max(0, bracket - 1)
        elif char == '"' and delim != '"':
            quote = not quote
            i += 1
            continue
        elif char == "\\" and i + 1 < len(data):
            current.append(data[i + 1])
            i += 2
            continue
        elif char == delim and not (paren or quote or bracket):
            args.append("".join(current))
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    args.append("".join(current))
    return args


def arg(args: list[str], index: int) -> str:
    return args[index].strip() if index < len(args) else ""


def split_outside(text: str, delim: str) -> tuple[str, str | None]:
    """``text`` split at the first ``delim`` outside ``${}``/``$[]`` (GotoIf's ``?``
    and ``:`` are read after expressions are evaluated, so theirs never count)."""
    depth = 0
    i = 0
    while i < len(text):
        if text.startswith(("${", "$["), i):
            depth += 1
            i += 2
            continue
        if text[i] in "}]" and depth:
            depth -= 1
        elif text[i] == delim and not depth:
            return text[:i], text[i + 1 :]
        i += 1
    return text, None


def seconds(text: str) -> float | None:
    """A timeout argument in seconds (``5``, ``2.5``); None when absent or not a number."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def with_globals(name: str, known: dict[str, str]) -> str:
    """A sound name with the globals it uses filled in (their values when the call
    starts: a sound is named by its file, not by what a call later sets)."""
    for variable, value in known.items():
        name = name.replace("${" + variable + "}", value)
    return name


def spoken(name: str) -> str:
    """A sound's name made speakable; a ``${var}`` in it is left for the call to fill
    (``digits/${EXTEN}`` says the digits)."""
    if "${" not in name.rsplit("/", 1)[-1]:
        return sound_text(name)
    base = name.rsplit("/", 1)[-1]
    parts = re.split(r"(\$\{[^}]*\})", base)
    return " ".join(
        " ".join(p if p.startswith("${") else re.sub(r"[-_+]+", " ", p) for p in parts).split()
    )
