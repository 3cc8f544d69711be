"""The keyboard as a phone keypad, read on its own thread.

The bytes go through ``LineEditor`` (phone keys at once, typed lines, Ctrl-D,
non-printing keys ignored); nothing is echoed here: the display shows the line
being typed, so that what the menu says never splices into it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import threading
from collections.abc import Iterator

from ivr.live.inputs import CallerHungUp, EndOfInput, LiveInput
from ivr.live.lineedit import LineEditor

#: How long an Esc may wait for the rest of its sequence before it counts as Esc alone.
ESCAPE_WAIT = 0.05


@contextlib.contextmanager
def keypad_mode(fd: int) -> Iterator[None]:
    """Unbuffered, unechoed terminal input for the duration of a call (Ctrl-C still
    interrupts)."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class KeyboardSource:
    """Reads ``fd`` until ``stop()``, Ctrl-D or end of input, putting caller inputs in
    ``inbox``."""

    def __init__(self, fd: int, inbox: queue.Queue[LiveInput]) -> None:
        self.fd = fd
        self.inbox = inbox
        self.editor = LineEditor()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ivr-keyboard", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = ESCAPE_WAIT if self.editor.in_escape else 0.1
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                self.editor.escape_timed_out()
                continue
            try:
                data = os.read(self.fd, 256)
            except OSError:  # the terminal went away
                data = b""
            if not data:
                self.inbox.put(EndOfInput())
                return
            for item in self.editor.feed(data):
                self.inbox.put(item)
                if isinstance(item, CallerHungUp):
                    return
