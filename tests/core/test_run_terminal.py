"""``ivr run`` on a real terminal (a pseudo-terminal): keys act the moment they are
pressed, typed words are speech, Ctrl-D hangs up, and the screen explains itself.

Waits are generous and only ever wait *for* something; no test asserts how long
anything took.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.menus import TINY

CLEAR = "\r\x1b[K"
NO_INPUT = "Sorry, I didn't hear anything."


class Terminal:
    """``ivr run`` in a pseudo-terminal of a given size, and what it wrote."""

    def __init__(self, *args: str, columns: int = 80) -> None:
        controller, terminal = pty.openpty()
        size = struct.pack("HHHH", 24, columns, 0, 0)
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, size)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ivr", "run", *args],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            close_fds=True,
        )
        os.close(terminal)
        self.fd = controller
        self.seen = ""

    def read_until(self, needle: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.seen and time.monotonic() < deadline:
            self._read(0.2)
        return self.seen

    def read_for(self, seconds: float) -> str:
        """Everything written in the next ``seconds`` (to let time pass on the call)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._read(min(0.2, max(0.0, deadline - time.monotonic())))
        return self.seen

    def _read(self, wait: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], wait)
        if ready:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the call ended and the terminal closed
                return
            self.seen += chunk.decode(errors="replace")

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def screen(self) -> list[str]:
        """The lines left on the screen: a status line is wiped by the CLEAR after it."""
        return [line.split(CLEAR)[-1] for line in self.seen.split("\r\n")]

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self.fd)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


@pytest.fixture
def slow_tiny(tmp_path: Path) -> Path:
    """The tiny menu with a two-second no-input timeout: a pause outlasts it quickly."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY.replace("no_input_timeout: 5", "no_input_timeout: 2"))
    return path


def open_terminal(terminals: list[Terminal], *args: str, columns: int = 80) -> Terminal:
    terminal = Terminal(*args, columns=columns)
    terminals.append(terminal)
    return terminal


def test_a_key_acts_without_enter(norway_path: Path, terminals: list[Terminal]) -> None:
    term = open_terminal(terminals, str(norway_path))
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    term.send(b"3")  # no newline: a phone key
    output = term.read_until("=> routed")
    assert "=> routed to 116 123 (the mental health helpline)" in output
    assert term.process.wait(timeout=60) == 0


def test_typed_words_are_speech_ended_by_enter(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--lang", "nb")
    term.read_until("tjenester.")
    term.send("jeg ser røyk fra taket\r".encode())  # a letter of two bytes, too
    output = term.read_until("=> routed")
    assert "=> routed to 110 (brannvesenet)" in output
    assert "YOU: jeg ser røyk fra taket" in term.screen()
    assert term.process.wait(timeout=60) == 0


def test_the_first_line_tells_how_to_press_type_and_hang_up(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--text")
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    assert term.screen()[0] == (
        "Keys 0-9 * # act at once; type words + Enter to say them; Ctrl-D hangs up."
    )


def test_keys_dialled_quickly_reach_the_emergency_number(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--text")
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    term.send(b"113")
    output = term.read_until("=> routed")
    assert "=> routed to 113 (the medical emergency line)" in output
    assert term.process.wait(timeout=60) == 0


def test_a_key_that_may_become_an_emergency_number_shows_the_wait(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--text")
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    term.send(b"1")
    wait = "1 ... waiting in case you dial 110, 112 or 113"
    term.read_until(wait)
    term.send(b"13")
    output = term.read_until("=> routed")
    assert output.index("[1]") < output.index(wait) < output.index("=> routed to 113")
    assert wait not in term.screen()  # a state, wiped once it is over


def test_typing_through_a_long_pause_gets_no_reprompt_spliced_in(
    slow_tiny: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(slow_tiny), "--text")
    term.read_until("Main menu.")
    term.send(b"I smell")
    typing = term.read_until("YOU: I smell").index("YOU: I")
    term.read_for(5.0)  # two no-input timeouts, had the caller been silent
    term.send(b" gas\r")
    output = term.read_until("=> routed")
    assert NO_INPUT not in output[typing:]
    assert "YOU: I smell gas" in term.screen()
    assert "=> routed to 110 (Fire)" in output


def test_silence_after_the_prompt_still_gets_the_reprompt(
    slow_tiny: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(slow_tiny), "--text")
    assert NO_INPUT in term.read_until(NO_INPUT)


def test_arrow_and_function_keys_are_not_taken_for_speech(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--text")
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    term.send(b"\x1b[A\x1b[D\x1bOP\t")  # up, left, F1, Tab
    term.send(b"3")
    output = term.read_until("=> routed")
    assert "=> routed to 116 123" in output
    assert "didn't get that" not in output and "[A" not in output and "YOU:" not in output


def test_ctrl_d_hangs_up_with_an_outcome_and_exit_status_4(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--text")
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    term.send(b"my da")
    term.read_until("YOU: my da")
    term.send(b"\x04")
    output = term.read_until("no service reached")
    assert term.screen()[-2] == "=> you hung up at main; no service reached"
    assert "left waiting" not in output
    assert term.process.wait(timeout=60) == 4


def test_prompts_wrap_to_a_narrow_terminal_and_keep_numbers_whole(
    norway_path: Path, terminals: list[Terminal]
) -> None:
    term = open_terminal(terminals, str(norway_path), "--text", columns=40)
    term.read_until("services.")  # the end of the prompt (one word: lines wrap)
    lines = [line for line in term.screen() if line]
    assert all(len(line) < 40 for line in lines), lines
    first = next(i for i, line in enumerate(lines) if line.startswith("IVR: Emergency and health"))
    assert lines[first + 1].startswith("     ") and lines[first + 1][5] != " "
    for number in ("1 1 3", "1 1 2", "1 1 0"):  # each read out whole on one line
        assert any(number in line for line in lines), (number, lines)


def test_piped_input_that_ends_first_hangs_up_with_exit_status_4(norway_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ivr", "run", str(norway_path), "--text"],
        input="4\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    last = result.stdout.splitlines()[-1]
    assert last == "=> you hung up at more (end of input); no service reached"
    assert result.returncode == 4
