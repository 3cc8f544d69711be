"""The keyboard as a phone keypad, read on its own thread.

Phone keys (0-9, * and #) are sent the moment they are pressed; any other
character starts a line of typed "speech", sent when Enter is pressed.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from ivr.events import PHONE_KEYS
from ivr.live.inputs import EndOfInput, Key, LiveInput, Typed


@contextlib.contextmanager
def keypad_mode(fd: int) -> Iterator[None]:
    """Unbuffered, unechoed-line terminal input for the duration of a call."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class KeyboardSource:
    """Reads ``fd`` until ``stop()`` or end of input, putting Key/Typed items in ``inbox``."""

    def __init__(self, fd: int, inbox: queue.Queue[LiveInput], echo: TextIO = sys.stdout) -> None:
        self.fd = fd
        self.inbox = inbox
        self.echo = echo
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ivr-keyboard", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)

    def _run(self) -> None:
        typed = ""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(self.fd, 1)
            if not data or data == b"\x04":
                self.inbox.put(EndOfInput())
                return
            char = data.decode(errors="ignore")
            if not typed and char in PHONE_KEYS:
                self.inbox.put(Key(char))
            elif char in ("\r", "\n"):
                if typed.strip():
                    self.echo.write("\n")
                    self.inbox.put(Typed(typed.strip()))
                typed = ""
            elif char in ("\x7f", "\b"):
                if typed:
                    typed = typed[:-1]
                    self.echo.write("\b \b")
            elif char.isprintable():
                typed += char
                self.echo.write(char)
            self.echo.flush()
