"""Drive ``ivr run`` in a pseudo-terminal and print the screen as a person sees it.

Used to write the session shown in the README, so it is real output and can be
made again when the menu changes:

    python scripts/terminal_session.py menus/norway.yaml --columns 80 -- \
        1 wait:3 show "my dad has chest pain" enter

Each step after ``--`` is typed as it is, except ``wait:S`` (let S seconds pass),
``enter``, ``ctrl-d`` and ``show`` (print the bottom line at that moment, the
status line: the line being typed, a key held for more digits).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

SPECIAL = {"enter": b"\r", "ctrl-d": b"\x04"}


class Screen:
    """Just enough of a terminal for ``ivr run``: text, CR, LF, backspace, erase-line."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self.column = 0
        self._escape = ""

    def feed(self, text: str) -> None:
        for char in text:
            if self._escape or char == "\x1b":
                self._escape += char
                if len(self._escape) > 1 and self._escape[-1].isalpha():
                    if self._escape == "\x1b[K":
                        self.lines[-1] = self.lines[-1][: self.column]
                    self._escape = ""
            elif char == "\r":
                self.column = 0
            elif char == "\n":
                self.lines.append("")
                self.column = 0
            elif char == "\b":
                self.column = max(0, self.column - 1)
            elif char.isprintable():
                line = self.lines[-1].ljust(self.column)
                self.lines[-1] = line[: self.column] + char + line[self.column + 1 :]
                self.column += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("menu")
    parser.add_argument("--columns", type=int, default=80)
    parser.add_argument("--lang")
    argv = sys.argv[1:]
    steps = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, args.columns, 0, 0))
    command = [sys.executable, "-m", "ivr", "run", args.menu, "--text"]
    if args.lang:
        command += ["--lang", args.lang]
    process = subprocess.Popen(
        command, stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True
    )
    os.close(terminal)
    screen = Screen()

    def read_for(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([controller], [], [], min(left, 0.1))
            if ready:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:
                    return
                screen.feed(chunk.decode(errors="replace"))

    read_for(3.0)
    for step in steps:
        if step.startswith("wait:"):
            read_for(float(step.removeprefix("wait:")))
        elif step == "show":
            print(f"[bottom line now] {screen.lines[-1]}")
        else:
            os.write(controller, SPECIAL.get(step, step.encode()))
            read_for(0.3)
    read_for(3.0)
    print("\n".join(screen.lines).rstrip("\n"))
    try:
        code = process.wait(timeout=30)
    finally:
        process.kill()
        os.close(controller)
    print(f"[exit status {code}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
