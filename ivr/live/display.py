"""Live feedback in the terminal: what the menu says, wrapped to the window; what the
caller does; and one status line at the bottom (the line being typed, a key held
for more digits, the level meter, partial results).

Everything is written under one lock and every full line first clears the status
line and then draws it again, so neither the menu's words, a log message nor a
library's complaint ever lands in the middle of what the caller is typing.
"""

from __future__ import annotations

import io
import os
import re
import sys
import textwrap
import threading
from typing import TextIO, cast

from ivr.events import Route

METER_WIDTH = 30
FLOOR_DB = -60.0
DEFAULT_WIDTH = 80
CLEAR = "\r\x1b[K"

#: A number read out in groups ("1 1 3", "810 59 500") is never split across lines.
_NUMBER = re.compile(r"\b\d+(?: \d+)+\b")
_GLUE = "\ue000"  # a private-use character: not whitespace, so textwrap never breaks it


def meter(dbfs: float, width: int = METER_WIDTH) -> str:
    """A bar for an input level: empty at -60 dBFS and below, full at 0."""
    share = 0.0 if dbfs <= FLOOR_DB else min(1.0, (dbfs - FLOOR_DB) / -FLOOR_DB)
    filled = round(share * width)
    return "#" * filled + "." * (width - filled)


def wrap(text: str, width: int, indent: int) -> str:
    """``text`` wrapped at word boundaries to ``width`` columns, continuation lines
    indented by ``indent`` so they line up under the speaker's words."""
    if width <= indent + 10:
        return text
    glued = _NUMBER.sub(lambda m: m.group().replace(" ", _GLUE), text)
    lines = textwrap.wrap(
        glued, width=width, subsequent_indent=" " * indent, break_on_hyphens=False
    )
    return "\n".join(lines).replace(_GLUE, " ")


def legend(voice: bool) -> str:
    """The one line that tells a first-time caller how to use the terminal as a phone."""
    if voice:
        return "Speak or press 0-9 * #; type words + Enter to say them; Ctrl-D hangs up."
    return "Keys 0-9 * # act at once; type words + Enter to say them; Ctrl-D hangs up."


class TerminalDisplay:
    def __init__(
        self, out: TextIO = sys.stdout, live: bool | None = None, width: int | None = None
    ) -> None:
        self.out = out
        self.live = out.isatty() if live is None else live
        self._width = width
        self._lock = threading.RLock()
        self._shown = False  # the status line is on the screen
        self._ended = False
        self._node = ""
        self._draft = ""
        self._waiting = ""
        self._activity = ""

    # -- what the live call shows -------------------------------------------------
    def legend(self, voice: bool) -> None:
        self._line(self._wrapped("", legend(voice)))

    def ivr(self, text: str) -> None:
        self._activity = ""
        self._line(self._wrapped("IVR: ", text))

    def caller(self, text: str, kind: str) -> None:
        self._activity = ""
        self._line(f"[{text}]" if kind == "press" else self._wrapped("YOU: ", text))

    def node(self, node_id: str) -> None:
        if node_id != self._node:
            self._node = node_id
            self._refresh()

    def level(self, dbfs: float) -> None:
        self._activity = f"mic {meter(dbfs)} {dbfs:6.1f} dBFS"
        self._refresh()

    def partial(self, text: str) -> None:
        self._activity = f"hearing: {text}"
        self._refresh()

    def draft(self, text: str) -> None:
        self._draft = text
        self._refresh()

    def waiting(self, text: str) -> None:
        self._waiting = text
        self._refresh()

    def notice(self, text: str) -> None:
        self._line(self._wrapped("(!) ", text))

    def result(self, route: Route | None, reason: str | None) -> None:
        self._ended = True
        if route is not None:
            self._line(f"=> routed to {route.display} ({route.name})")
        else:
            self._line(f"=> the call ended ({reason})" if reason else "=> the call ended")

    def hung_up(self) -> None:
        self._ended = True
        where = f" at {self._node}" if self._node else ""
        self._line(f"=> you hung up{where}; no service reached")

    def stream(self) -> TextIO:
        """A text stream whose lines are shown above the status line (for stderr)."""
        return cast(TextIO, _LinesAbove(self))

    # -- drawing -------------------------------------------------------------------
    def width(self) -> int:
        if self._width is not None:
            return self._width
        try:
            return os.get_terminal_size(self.out.fileno()).columns or DEFAULT_WIDTH
        except (OSError, ValueError, io.UnsupportedOperation):
            return DEFAULT_WIDTH

    def _wrapped(self, prefix: str, text: str) -> str:
        if not self.live:
            return prefix + text
        return wrap(prefix + text, self.width() - 1, len(prefix))  # no line ends at the edge

    def _line(self, text: str) -> None:
        with self._lock:
            if self._shown:
                self.out.write(CLEAR)
                self._shown = False
            self.out.write(text + "\n")
            self._draw()
            self.out.flush()

    def _refresh(self) -> None:
        with self._lock:
            self._draw()
            self.out.flush()

    def _draw(self) -> None:
        if not self.live:
            return
        status = "" if self._ended else self._status()
        if not status and not self._shown:
            return
        self.out.write(CLEAR + status)
        self._shown = bool(status)

    def _status(self) -> str:
        room = self.width() - 1  # a status line that wrapped could not be redrawn in place
        if self._draft:
            typed = "YOU: " + self._draft
            return typed if len(typed) <= room else "YOU: ..." + self._draft[-(room - 8) :]
        if self._waiting:
            text = self._waiting
        elif self._activity:
            text = f"[{self._node}] {self._activity}"
        elif self._node:
            text = f"-- at {self._node} --"
        else:
            return ""
        return text[:room]


class _LinesAbove(io.TextIOBase):
    """Collects writes into lines and shows each through the display."""

    def __init__(self, display: TerminalDisplay) -> None:
        self._display = display
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._display._line(line)
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._display._line(self._partial)
            self._partial = ""
