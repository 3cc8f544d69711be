"""Live feedback in the terminal: the node, what the menu says, a level meter while
listening, partial results, and the final route."""

from __future__ import annotations

import sys
from typing import TextIO

from ivr.events import Route

METER_WIDTH = 30
FLOOR_DB = -60.0


def meter(dbfs: float, width: int = METER_WIDTH) -> str:
    """A bar for an input level: empty at -60 dBFS and below, full at 0."""
    share = 0.0 if dbfs <= FLOOR_DB else min(1.0, (dbfs - FLOOR_DB) / -FLOOR_DB)
    filled = round(share * width)
    return "#" * filled + "." * (width - filled)


class TerminalDisplay:
    def __init__(self, out: TextIO = sys.stdout, live: bool | None = None) -> None:
        self.out = out
        self.live = out.isatty() if live is None else live
        self._status = False
        self._node = ""

    def _line(self, text: str) -> None:
        if self._status:
            self.out.write("\r\x1b[K")
            self._status = False
        self.out.write(text + "\n")
        self.out.flush()

    def _status_line(self, text: str) -> None:
        if not self.live:
            return
        self.out.write("\r\x1b[K" + text)
        self.out.flush()
        self._status = True

    def ivr(self, text: str) -> None:
        self._line(f"IVR: {text}")

    def caller(self, text: str, kind: str) -> None:
        self._line(f"[{text}]" if kind == "press" else f"YOU: {text}")

    def node(self, node_id: str) -> None:
        if node_id != self._node:
            self._node = node_id
            self._status_line(f"-- at {node_id} --")

    def level(self, dbfs: float) -> None:
        self._status_line(f"[{self._node}] mic {meter(dbfs)} {dbfs:6.1f} dBFS")

    def partial(self, text: str) -> None:
        self._status_line(f"[{self._node}] hearing: {text}")

    def notice(self, text: str) -> None:
        self._line(f"(!) {text}")

    def result(self, route: Route | None, reason: str | None) -> None:
        if route is not None:
            self._line(f"=> routed to {route.display} ({route.name})")
        else:
            self._line(f"=> the call ended ({reason})" if reason else "=> the call ended")
