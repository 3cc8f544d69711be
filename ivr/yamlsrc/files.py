"""Reading a source file's text, and holding off the garbage collector while it is built.

Every way a file can be unreadable (missing, a directory, too big, not
UTF-8) becomes a located ``MenuError``, like any problem inside the file.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ivr.errors import Location, MenuError
from ivr.yamlsrc.rules import MAX_FILE_BYTES


def read_text(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 source file, turning every way it can be unreadable into a MenuError."""
    name = str(path)
    where = Location(name, 1, 1)
    if os.path.isdir(path):
        raise MenuError(where, "is a directory, not a YAML file", "give the path of a .yaml file")
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise MenuError(
                where,
                f"file is {size:,} bytes, more than the {max_bytes:,} allowed",
                "split the menu or check that this is the right file",
            )
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise MenuError(where, "no such file", "check the path") from None
    except PermissionError:
        raise MenuError(where, "permission denied", "check the file's permissions") from None
    except OSError as exc:
        raise MenuError(where, f"cannot read file: {exc.strerror}", "check the path") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise MenuError(
            Location(name, line, col),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
        ) from None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a document is built.

    Loading allocates hundreds of thousands of small objects that all survive,
    so the collector kept rescanning them: more than half the load time of a
    big menu. Pausing only delays when garbage in reference cycles is found,
    never whether; the previous state is restored, so nesting is fine. The
    switch is process-wide, so other threads also go without cyclic collection
    for the duration of a load (about a second for a 10,000-node menu).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
