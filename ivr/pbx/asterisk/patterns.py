"""Asterisk extension patterns: matching, the order they are tried in, and regexes.

Follows ``_extension_match_core``, ``ext_cmp`` and ``ext_cmp_pattern_pos`` in
asterisk/asterisk ``main/pbx.c``: a name starting with ``_`` is a pattern where
``X`` is 0-9, ``Z`` 1-9, ``N`` 2-9, ``[1-5]`` a set, ``.`` one or more of anything
and ``!`` zero or more (both only at the end); any other character is itself,
and ``-`` is ignored everywhere as eye candy (``_NXX-XXXX``). Exact names sort
before patterns; patterns sort position by position, the smaller set first
(so ``_7XXX`` is tried before ``_X.``), which is the classic matcher's order.
"""

from __future__ import annotations

import enum
import re

DTMF = "0123456789*#"


class Mode(enum.Enum):
    MATCH = "match"  # the digits are this extension
    CANMATCH = "canmatch"  # the digits are it, or could become it
    MATCHMORE = "matchmore"  # more digits could make it


def normalize(name: str) -> str:
    """The name as Asterisk compares it: without ``-`` (kept inside a pattern's ``[]``)."""
    out: list[str] = []
    inside = False
    for char in name.strip():
        if char == "[":
            inside = True
        elif char == "]":
            inside = False
        if char != "-" or (inside and name.startswith("_")):
            out.append(char)
    return "".join(out)


def _positions(pattern: str) -> list[str] | None:
    """The pattern (without ``_``) as one token per position; None when a ``[`` is
    never closed."""
    tokens: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                return None
            if end > i + 1:  # an empty set is ignored
                tokens.append(pattern[i : end + 1])
            i = end + 1
            continue
        if char != "-":
            tokens.append(char)
        i += 1
    return tokens


def _chars(token: str) -> set[str]:
    """The characters one position of a pattern accepts."""
    upper = token.upper()
    if upper == "X":
        return set("0123456789")
    if upper == "Z":
        return set("123456789")
    if upper == "N":
        return set("23456789")
    if not token.startswith("["):
        return {token}
    body = token[1:-1]
    found: set[str] = set()
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            found.update(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            found.add(body[i])
            i += 1
    return found


def match(name: str, data: str, mode: Mode = Mode.MATCH) -> bool:
    """Whether the dialled ``data`` matches extension ``name`` in ``mode``."""
    data = data.replace("-", "")
    if not name.startswith("_"):
        exact = name.replace("-", "")
        if len(exact) < len(data):
            return False
        if mode is Mode.MATCH:
            return exact == data
        if not exact.startswith(data):
            return False
        return len(exact) > len(data) if mode is Mode.MATCHMORE else True
    tokens = _positions(name[1:])
    if tokens is None:
        return False
    for index, char in enumerate(data):
        if index >= len(tokens):
            return False
        token = tokens[index]
        if token == ".":  # one or more of anything: matches, and could take more
            return True
        if token == "!":
            return mode is not Mode.MATCHMORE
        if char not in _chars(token):
            return False
    rest = tokens[len(data) :]
    if not rest:
        return mode is not Mode.MATCHMORE
    if rest[0] == "!":
        return mode is not Mode.MATCHMORE
    return mode is not Mode.MATCH


def sort_key(name: str) -> tuple[object, ...]:
    """Asterisk's order of extensions in a context (``ext_cmp``): exact names first,
    then patterns position by position, smaller character sets first."""
    if not name.startswith("_"):
        return (0, name.replace("-", ""))
    tokens = _positions(name[1:])
    if tokens is None:
        return (2, name)
    key: list[tuple[int, int]] = []
    for token in [*tokens, ""]:
        if token == "":
            key.append((0x30000, 0))
        elif token == ".":
            key.append((0x18000, 0))
        elif token == "!":
            key.append((0x28000, 0))
        else:
            chars = _chars(token)
            low = min(ord(c) for c in chars)
            mask = sum(1 << (255 - ord(c)) for c in chars if ord(c) < 256)
            key.append(((len(chars) << 8) | low, -mask))
    return (1, tuple(key))


def length_range(name: str) -> tuple[int, int | None]:
    """The shortest and longest digit strings the extension matches (None: no limit)."""
    if not name.startswith("_"):
        return len(name), len(name)
    tokens = _positions(name[1:]) or []
    fixed = [t for t in tokens if t not in (".", "!")]
    if "." in tokens or "!" in tokens:
        return len(fixed) + (1 if "." in tokens else 0), None
    return len(fixed), len(fixed)


def dialable(name: str) -> bool:
    """Whether a caller's keys can reach this extension (``s``, ``i``, ``t``, ``h``
    and other names with letters cannot)."""
    if not name.startswith("_"):
        return bool(name) and all(c in DTMF for c in name)
    tokens = _positions(name[1:]) or []
    return bool(tokens) and all(t in (".", "!") or _chars(t) & set(DTMF) for t in tokens)


def regex(name: str, groups: bool = False) -> str:
    """A Python regular expression (for ``fullmatch``) the same as the extension;
    with ``groups`` every position is its own group, ``.``/``!`` one for the rest."""
    if not name.startswith("_"):
        parts = [re.escape(c) for c in name]
    else:
        parts = []
        for token in _positions(name[1:]) or []:
            if token == ".":
                parts.append(".+")
            elif token == "!":
                parts.append(".*")
            elif len(token) == 1 and token.upper() not in "XZN":
                parts.append(re.escape(token))
            else:
                parts.append(_char_class(_chars(token)))
    if groups:
        parts = [f"({p})" for p in parts]
    return "^" + "".join(parts) + "$"


def _char_class(chars: set[str]) -> str:
    """``[0-9]``, ``[2-5*]``: a regex class with runs of characters as ranges."""
    codes = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(first if i == j else f"{first}{last}" if j == i + 1 else f"{first}-{last}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def substring_groups(name: str, offset: int, length: int | None) -> str | None:
    """``${EXTEN:offset:length}`` of digits matched by pattern ``name``, as ``${N}``
    references to the groups of ``regex(name, groups=True)``; None when the cut
    does not fall between fixed positions."""
    if not name.startswith("_"):
        return None
    tokens = _positions(name[1:]) or []
    count = len(tokens)
    variable = bool(tokens) and tokens[-1] in (".", "!")
    fixed = count - 1 if variable else count
    if offset < 0:
        if variable:
            return None
        offset = max(0, count + offset)
    if offset > fixed:
        return None
    if length is None:
        end = count
    elif length < 0:
        if variable:
            return None
        end = count + length
    else:
        end = offset + length
        if end > fixed:
            return None
    return "".join(f"${{{i + 1}}}" for i in range(offset, max(offset, end)))


def substring(value: str, offset: int, length: int | None) -> str:
    """``${VAR:offset:length}`` as ``substring`` in main/pbx_variables.c cuts it."""
    total = len(value)
    if offset < 0:
        offset = max(0, total + offset)
    if offset >= total:
        return ""
    if length is None or length >= total - offset:
        return value[offset:]
    if length >= 0:
        return value[offset : offset + length]
    return value[offset : total + length] if total > offset - length else ""
