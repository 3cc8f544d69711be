"""Live feedback in the terminal: the level meter, partial results, the route."""

from __future__ import annotations

import io

from ivr.events import Route
from ivr.live.display import TerminalDisplay, meter


def test_meter_is_empty_at_the_floor_and_full_at_zero_dbfs() -> None:
    assert meter(-90.0, width=10) == ".........."
    assert meter(-30.0, width=10) == "#####....."
    assert meter(0.0, width=10) == "##########"


def test_status_line_is_replaced_and_cleared_before_the_next_line() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=True)
    display.node("main")
    display.level(-30.0)
    display.partial("smell")
    display.ivr("Connecting you.")
    display.result(Route("fire", "110", "110", "the fire service"), None)
    text = out.getvalue()
    assert "\r\x1b[K[main] mic ###############" in text
    assert "\r\x1b[K[main] hearing: smell" in text
    assert text.endswith("\r\x1b[KIVR: Connecting you.\n=> routed to 110 (the fire service)\n")


def test_no_status_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=False)
    display.level(-20.0)
    display.partial("x")
    display.caller("3", "press")
    display.result(None, "max failures")
    assert out.getvalue() == "[3]\n=> the call ended (max failures)\n"
