"""``ivr run MENU``: an interactive call in the terminal.

On a terminal, keys act the moment they are pressed, like a phone keypad;
any other character starts a line of "speech" ended by Enter. With piped
input, each line is either keys (only 0-9, * and #) or speech; an empty line
is silence until the next timeout.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import time
from typing import TextIO

from ivr.cli.common import add_menu_argument, open_menu, parse_time
from ivr.events import PHONE_KEYS, KeyPress, Output, Route, Say, Silence, Speech
from ivr.session import Session


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="call a menu interactively in the terminal",
        description="Call a menu interactively: press keys (0-9, *, #) or type what you "
        "would say and press Enter. Timeouts run in real time.",
    )
    add_menu_argument(parser)
    parser.add_argument("--lang", help="language of the call (default: the menu's first)")
    parser.add_argument(
        "--at", metavar="TIME", help='the time of the call, e.g. "2026-11-23 21:00"'
    )
    parser.set_defaults(handler=run)


def show(outputs: list[Output], out: TextIO) -> None:
    for item in outputs:
        if isinstance(item, Say):
            out.write(f"IVR: {item.text}\n")
        elif isinstance(item, Route):
            out.write(f"=> routed to {item.display} ({item.name})\n")
    out.flush()


def run(args: argparse.Namespace) -> int:
    menu = open_menu(args.menu)
    session = Session(menu, lang=args.lang, start_time=parse_time(args.at) if args.at else None)
    if sys.stdin.isatty():
        _run_terminal(session)
    else:
        show(session.start(), sys.stdout)
        _run_piped(session, sys.stdin)
    if not session.ended:
        print("=> call left waiting (end of input)")
    elif session.outcome == "hangup" and session.route is None:
        print("=> the call ended")
    return 0


def _run_piped(session: Session, stream: TextIO) -> None:
    for raw in stream:
        line = raw.strip()
        if session.ended:
            break
        if not line:
            wait = session.next_deadline()
            show(session.send(Silence(wait if wait is not None else 0.0)), sys.stdout)
        elif all(ch in PHONE_KEYS for ch in line.replace(" ", "")):
            for key in line.replace(" ", ""):
                show(session.send(KeyPress(key)), sys.stdout)
            show(session.settle(), sys.stdout)
        else:
            show(session.send(Speech(line)), sys.stdout)


def _run_terminal(session: Session) -> None:
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    typed = ""
    last = time.monotonic()
    try:
        tty.setcbreak(fd)  # before the first prompt, so no early key waits for Enter
        show(session.start(), sys.stdout)
        last = time.monotonic()
        while not session.ended:
            wait = session.next_deadline()
            ready, _, _ = select.select([fd], [], [], wait)
            now = time.monotonic()
            if not ready:
                show(session.send(Silence(now - last)), sys.stdout)
                last = now
                continue
            char = os.read(fd, 1).decode(errors="ignore")
            if not char:
                break
            if typed or char not in PHONE_KEYS:
                if char in ("\r", "\n"):
                    sys.stdout.write("\n")
                    show(session.send(Silence(now - last)), sys.stdout)
                    if typed.strip():
                        show(session.send(Speech(typed)), sys.stdout)
                    typed = ""
                elif char in ("\x7f", "\b"):
                    typed = typed[:-1]
                    sys.stdout.write("\b \b")
                elif char == "\x04":
                    break
                else:
                    typed += char
                    sys.stdout.write(char)
                sys.stdout.flush()
            else:
                show(session.send(Silence(now - last)), sys.stdout)
                sys.stdout.write(f"[{char}]\n")
                show(session.send(KeyPress(char)), sys.stdout)
            last = now
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
