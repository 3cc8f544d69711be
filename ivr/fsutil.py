"""Writing output files whole or not at all.

Every file ivr writes for a person (WAV prompts, reports, diagrams, coverage,
recordings) goes through ``atomic_output``: a temporary file beside the target,
renamed over it only when complete, with the permissions a plain ``open`` would
have given (``mkstemp`` alone makes files only their owner can read).

File I/O, not pure core: it sits at the top level because front ends and
adapters alike write through it; the core itself never calls it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ivr.errors import IvrError


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside ``target``, open for writing.

    Created with mode 0o666 so the kernel applies the umask as for a plain ``open``;
    reading the umask instead means setting it, process-wide, and a file another
    thread (live audio, recording) created meanwhile would be writable by everyone.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:  # another writer drew the same name
            continue


@contextmanager
def atomic_output(path: str | Path, what: str = "") -> Iterator[BinaryIO]:
    """A binary handle whose content replaces ``path`` when the block ends cleanly.

    Failing to write is an ``IvrError`` naming ``what`` and the path; an exception
    inside the block leaves the old file (or none) in place.
    """
    target = Path(path)
    label = f"{what} {target}" if what else str(target)
    if target.is_dir():
        raise IvrError(f"cannot write {label}: it is a directory", "give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = _create_beside(target)
    except OSError as exc:
        raise IvrError(
            f"cannot write {label}: {exc.strerror or exc}",
            "check the folder exists and is writable",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise IvrError(
            f"cannot write {label}: {exc.strerror or exc}", "check the folder is writable"
        ) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str, what: str = "") -> None:
    with atomic_output(path, what) as handle:
        handle.write(text.encode("utf-8"))
