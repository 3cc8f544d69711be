"""Output files appear whole or not at all, readable like any file the user writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ivr.errors import IvrError
from ivr.fsutil import atomic_output, write_text


def test_written_file_has_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "out.html", "<p>hi</p>", "diagram")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "out.html").stat().st_mode)
    assert mode == 0o644
    assert (tmp_path / "out.html").read_text() == "<p>hi</p>"


def test_writing_never_sets_the_process_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # setting it, even briefly, changes the mode of files other threads create meanwhile
    def umask(mask: int) -> int:
        raise AssertionError(f"os.umask({mask:o}) called")

    monkeypatch.setattr(os, "umask", umask)
    write_text(tmp_path / "out.txt", "hi", "report")
    assert (tmp_path / "out.txt").read_text() == "hi"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target, "report") as handle:
        handle.write(b"half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xml"]


def test_a_directory_as_target_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IvrError, match=r"cannot write diagram .*: it is a directory"):
        write_text(tmp_path, "x", "diagram")
