"""``ivr run MENU``: an interactive call in the terminal.

On a terminal, keys act the moment they are pressed, like a phone keypad;
any other character starts a line of "speech" ended by Enter; Ctrl-D hangs
up. Text and voice calls on a terminal run through the same live driver
(``ivr.live.call``), so they show the same lines in the same order. With piped
input, each line is either keys (only 0-9, * and #) or speech; an empty line
is silence until the next timeout, on the virtual clock. When audio devices
are there the menu speaks its prompts and listens on the microphone
(``ivr.live``); without them it says so once and carries on in text.
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ivr.audio.echo_check import EchoMode
from ivr.audio.vad import VadKind
from ivr.cli.common import add_menu_argument, open_menu, parse_time
from ivr.errors import IvrError
from ivr.events import PHONE_KEYS, HangUp, KeyPress, Output, Route, Say, Silence, Speech
from ivr.live.inputs import CallerHungUp, EndOfInput, Key, LiveInput, Typed
from ivr.model import ENGINES
from ivr.nlu.rankers import menu_index
from ivr.session import Session

if TYPE_CHECKING:
    from ivr.live.call import LiveCall
    from ivr.live.display import TerminalDisplay

#: Exit status when the caller hung up (Ctrl-D, or the end of piped input) before the
#: call reached a service or the menu ended it; 0 when it did.
EXIT_HUNG_UP = 4


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="call a menu interactively in the terminal",
        description="Call a menu interactively: press keys (0-9, *, #) or type what you "
        "would say and press Enter; Ctrl-D hangs up. Timeouts run in real time.",
        epilog="Exit status: 0 when the call was routed or the menu ended it, 4 when the "
        "caller hung up first (Ctrl-D, or the end of piped input), 1 on an error.",
    )
    add_menu_argument(parser)
    parser.add_argument("--lang", help="language of the call (default: the menu's first)")
    parser.add_argument(
        "--at", metavar="TIME", help='the time of the call, e.g. "2026-11-23 21:00"'
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--text",
        action="store_true",
        help="print prompts instead of speaking them, and do not listen",
    )
    mode.add_argument(
        "--voice",
        action="store_true",
        help="speak and listen on the audio devices; fail if there is no microphone "
        "(default: speak and listen when the devices are there)",
    )
    parser.add_argument(
        "--output-device", metavar="DEV", help="output device name or index (see: ivr devices)"
    )
    parser.add_argument(
        "--input-device", metavar="DEV", help="input device name or index (see: ivr devices)"
    )
    parser.add_argument(
        "--echo",
        default=EchoMode.CHECK.value,
        choices=[mode.value for mode in EchoMode],
        help="when the microphone would hear the speaker (one sound card, or a monitor of "
        "the output): check refuses (default), cancel filters the prompts out of the "
        "microphone (needs ivr[echo]), allow goes ahead (headphones)",
    )
    parser.add_argument(
        "--device-rate",
        type=int,
        metavar="HZ",
        help="sample rate to open the devices at (default: the device's own)",
    )
    parser.add_argument(
        "--block-size",
        type=int,
        metavar="FRAMES",
        help="audio block size in frames (default: 20 ms)",
    )
    parser.add_argument(
        "--engine",
        default="auto",
        choices=list(ENGINES),
        help="speech recogniser (default: auto)",
    )
    parser.add_argument(
        "--trailing-silence",
        type=float,
        default=0.8,
        metavar="SECONDS",
        help="silence that ends an utterance (default: 0.8)",
    )
    parser.add_argument(
        "--vad",
        default=VadKind.AUTO.value,
        choices=[kind.value for kind in VadKind],
        help="what decides the caller has stopped talking: silero (a trained model, "
        "if installed), energy, or auto (silero when it can run; default)",
    )
    parser.add_argument(
        "--no-speech-barge-in",
        action="store_true",
        help="only keys interrupt prompts, not the caller's voice",
    )
    parser.add_argument(
        "--record",
        metavar="DIR",
        help="save both sides of the call as WAV plus transcript.json in DIR",
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
    menu = open_menu(args.menu, args.start)
    session = Session(
        menu,
        lang=args.lang,
        start_time=parse_time(args.at) if args.at else None,
        index=menu_index(menu),
    )
    if args.text or not _run_live(session, args):
        if sys.stdin.isatty():
            _run_terminal(session)
        else:
            show(session.start(), sys.stdout)
            _run_piped(session, sys.stdin)
            _end_of_input(session)
    return EXIT_HUNG_UP if session.caller_hung_up else 0


def _run_live(session: Session, args: argparse.Namespace) -> bool:
    """A call on the audio devices; False when there are none (the caller gets text)."""
    from ivr.live.build import LiveOptions, build_live_call
    from ivr.live.display import TerminalDisplay
    from ivr.live.quiet import native_stderr_logged

    options = LiveOptions(
        output_device=args.output_device,
        input_device=args.input_device,
        device_rate=args.device_rate,
        block_size=args.block_size,
        engine=args.engine,
        trailing_silence=args.trailing_silence,
        vad=VadKind(args.vad),
        barge_in_on_speech=not args.no_speech_barge_in,
        record=Path(args.record) if args.record else None,
        echo=EchoMode(args.echo),
        require_listen=args.voice,
    )
    display = TerminalDisplay()
    with native_stderr_logged(display.stream() if display.live else None):
        parts = build_live_call(session, display, options)
        if args.voice and parts.listener is None:
            raise IvrError(parts.notes[-1], "check the microphone with: ivr devices")
        for note in parts.notes:
            print(f"ivr: {note}", file=sys.stderr)
        if parts.call.player is None and parts.listener is None:
            return False
        if parts.listener is not None:
            parts.listener.start()
        try:
            _converse(parts.call, parts.inbox, display, voice=parts.listener is not None)
        finally:
            if parts.listener is not None:
                parts.listener.stop()
            if parts.call.recorder is not None:
                print(f"ivr: recorded the call in {parts.call.recorder.save()}", file=sys.stderr)
    return True


def _run_terminal(session: Session) -> None:
    """Keys and typed words on a terminal, prompts as text: the live call, without audio."""
    from ivr.live.call import LiveCall
    from ivr.live.display import TerminalDisplay

    display = TerminalDisplay()
    inbox: queue.Queue[LiveInput] = queue.Queue()
    _converse(LiveCall(session, display), inbox, display, voice=False)


def _converse(
    call: LiveCall, inbox: queue.Queue[LiveInput], display: TerminalDisplay, *, voice: bool
) -> None:
    """Run the call with the keyboard (or piped lines) as the caller's keypad."""
    if not sys.stdin.isatty():
        _feed_lines(inbox)
        call.run(inbox)
    else:
        from ivr.live.keyboard import KeyboardSource, keypad_mode
        from ivr.live.quiet import stderr_to

        fd = sys.stdin.fileno()
        display.legend(voice)
        # keypad mode before the first prompt, so that no early key waits for Enter
        with keypad_mode(fd), stderr_to(display.stream()):
            keyboard = KeyboardSource(fd, inbox)
            keyboard.start()
            try:
                call.run(inbox)
            finally:
                keyboard.stop()
    if not call.session.ended:  # the input ended with the call still waiting
        call.step(CallerHungUp(), call.clock())


def _feed_lines(inbox: queue.Queue[LiveInput]) -> None:
    """Keys and typed words from piped stdin, on their own thread."""

    def read_lines() -> None:
        for raw in sys.stdin:
            line = raw.strip()
            if line and all(ch in PHONE_KEYS for ch in line.replace(" ", "")):
                for key in line.replace(" ", ""):
                    inbox.put(Key(key))
            elif line:
                inbox.put(Typed(line))
        inbox.put(EndOfInput())

    threading.Thread(target=read_lines, name="ivr-stdin", daemon=True).start()


def _run_piped(session: Session, stream: TextIO) -> None:
    """Piped text on the virtual clock: an empty line is silence until the next timeout."""
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


def _end_of_input(session: Session) -> None:
    if not session.ended:
        node = session.state.node
        session.send(HangUp())
        print(f"=> you hung up at {node} (end of input); no service reached")
    elif session.route is None:
        print(f"=> the call ended ({session.hangup_reason})")
