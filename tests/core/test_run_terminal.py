"""``ivr run`` on a real terminal: keys act the moment they are pressed, no Enter needed."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


def read_until(fd: int, needle: str, timeout: float = 30.0) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk.decode(errors="replace")
    return seen


def spawn(norway_path: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "ivr", "run", str(norway_path), *extra],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    return process, controller


def test_a_key_acts_without_enter(norway_path: Path) -> None:
    process, fd = spawn(norway_path)
    try:
        read_until(fd, "services.")  # the end of the prompt
        os.write(fd, b"3")  # no newline: a phone key
        output = read_until(fd, "=> routed")
        assert "=> routed to 116 123 (the mental health helpline)" in output
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(fd)


def test_typed_words_are_speech_ended_by_enter(norway_path: Path) -> None:
    process, fd = spawn(norway_path, "--lang", "nb")
    try:
        read_until(fd, "tjenester.")
        os.write(fd, b"jeg lukter gass\r")
        output = read_until(fd, "=> routed")
        assert "=> routed to 110 (brannvesenet)" in output
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(fd)
