"""Live feedback in the terminal: the level meter, partial results, the route, wrapped
prompts, the line being typed, keys held for more digits."""

from __future__ import annotations

import io

from ivr.events import Route
from ivr.live.display import CLEAR, TerminalDisplay, legend, meter, wrap


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
    assert text.endswith(
        "\r\x1b[KIVR: Connecting you.\n\r\x1b[K-- at main --"
        "\r\x1b[K=> routed to 110 (the fire service)\n"
    )


def test_no_status_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=False)
    display.level(-20.0)
    display.partial("x")
    display.caller("3", "press")
    display.result(None, "max failures")
    assert out.getvalue() == "[3]\n=> the call ended (max failures)\n"


NORWAY_OPENING = (
    "IVR: Welcome to the Norway emergency and health line. If a life is in danger, say or "
    "key 1 1 3 for an ambulance, 1 1 2 for the police or 1 1 0 for the fire service."
)


def screen_lines(text: str) -> list[str]:
    """What stays on the screen: each status line drawn is wiped by the next CLEAR."""
    return [line.split(CLEAR)[-1] for line in text.split("\n")]


def test_prompts_wrap_at_the_terminal_width_under_the_speakers_words() -> None:
    out = io.StringIO()
    TerminalDisplay(out, live=True, width=40).ivr(NORWAY_OPENING[len("IVR: ") :])
    lines = [line for line in screen_lines(out.getvalue()) if line]
    assert len(lines) > 3 and all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("IVR: Welcome")
    assert all(line.startswith("     ") and line[5] != " " for line in lines[1:])


def test_a_number_read_out_in_groups_is_never_split_across_lines() -> None:
    for width in range(30, 90):
        wrapped = wrap(NORWAY_OPENING, width, 5)
        for number in ("1 1 3", "1 1 2", "1 1 0"):
            assert number in wrapped, (width, wrapped)
    assert "810 59 500" in wrap("Call the GP registration line on 810 59 500 today.", 36, 0)


def test_lines_are_not_wrapped_when_the_output_is_not_a_terminal() -> None:
    out = io.StringIO()
    TerminalDisplay(out, live=False, width=40).ivr(NORWAY_OPENING[len("IVR: ") :])
    assert out.getvalue() == NORWAY_OPENING + "\n"


def test_the_legend_fits_one_line_of_a_standard_terminal_and_names_every_way_in() -> None:
    for voice in (False, True):
        text = legend(voice)
        assert len(text) < 80
        assert "0-9 * #" in text and "Enter" in text and "Ctrl-D hangs up" in text
    assert "Speak" in legend(True) and "Speak" not in legend(False)


def test_the_line_being_typed_is_drawn_again_below_what_the_menu_says() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=True, width=80)
    display.node("main")
    display.draft("my dad has")
    display.ivr("Sorry, I didn't hear anything.")
    text = out.getvalue()
    assert "my dad hasIVR" not in text
    assert text.endswith("IVR: Sorry, I didn't hear anything.\n" + CLEAR + "YOU: my dad has")


def test_a_long_typed_line_shows_its_end_within_the_width() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=True, width=30)
    display.draft("my father fell down the stairs and cannot get up")
    status = out.getvalue().split(CLEAR)[-1]
    assert len(status) < 30 and status.startswith("YOU: ...") and status.endswith("get up")


def test_keys_held_for_more_digits_are_shown_until_the_wait_ends() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=True, width=80)
    display.node("main")
    display.caller("1", "press")
    display.waiting("1 ... waiting for more digits: it could become 110, 112 or 113")
    display.level(-40.0)  # the meter does not hide the wait
    assert out.getvalue().split(CLEAR)[-1].startswith("1 ... waiting for more digits")
    display.waiting("")
    display.ivr("Emergencies.")
    assert out.getvalue().split(CLEAR)[-1] == "-- at main --"


def test_hanging_up_says_where_and_that_no_service_was_reached() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=True, width=80)
    display.node("emergency")
    display.draft("hel")
    display.draft("")
    display.hung_up()
    assert out.getvalue().endswith(CLEAR + "=> you hung up at emergency; no service reached\n")


def test_stderr_lines_are_shown_above_the_status_line() -> None:
    out = io.StringIO()
    display = TerminalDisplay(out, live=True, width=80)
    display.draft("smoke in")
    stream = display.stream()
    stream.write("WARNING ivr.x: something ")
    stream.write("odd\n")
    assert out.getvalue().endswith(
        CLEAR + "WARNING ivr.x: something odd\n" + CLEAR + "YOU: smoke in"
    )
