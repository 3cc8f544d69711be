"""Writing output files whole or not at all.

Every file ivr writes for a person (WAV prompts, reports, diagrams, coverage,
recordings) goes through ``atomic_output``: a temporary file beside the target,
renamed over it only when complete, with the permissions a plain ``open`` would
have given (``mkstemp`` alone makes files only their owner can read).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ivr.errors import IvrError


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


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
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise IvrError(
            f"cannot write {label}: {exc.strerror or exc}",
            "check the folder exists and is writable",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(temp, _default_mode())
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise IvrError(
            f"cannot write {label}: {exc.strerror or exc}", "check the folder is writable"
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str, what: str = "") -> None:
    with atomic_output(path, what) as handle:
        handle.write(text.encode("utf-8"))
