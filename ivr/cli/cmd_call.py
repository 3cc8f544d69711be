"""``ivr call MENU --press/--say/--play/--silence ...``: one scripted call, steps in the
given order.

``--play FILE`` is a recording of the caller's next utterance, heard by the
menu's engine with the grammar of the node the call is at (and, where the node
takes a described need, free speech); ``--say`` stays typed text unless
``--audio`` speaks it. Every recording is read before the call starts, so a
bad file is one ``Error:`` line and no half-made call.

Steps given after the call has ended are not dropped in silence: they are
named on stderr and in the JSON (``unused_steps``), and the exit status is 3,
so a script notices that the call went otherwise than it was written for.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from typing import Any

from ivr.calllog import CallLog, HeardRow
from ivr.calls import Hearing, Playing, Recognised, Step, recognised, run_step
from ivr.cli.common import add_menu_argument, maybe, open_menu, parse_time, print_json
from ivr.errors import IvrError
from ivr.nlu.rankers import menu_index
from ivr.session import Session

#: Exit status of a call that ended before every step was used.
UNUSED_STEPS = 3

EXIT_STATUSES = """\
exit status:
  0    the call ran every step (whatever came of it: routed, hung up or waiting)
  1    an error: the menu, an option or a recording is bad, or no speech engine
       (one "Error: ..." line on stderr)
  2    the command line is wrong (usage)
  3    the call ended before every step was used: the steps left are named on
       stderr and in the JSON's unused_steps
  130  interrupted (Ctrl-C)
  141  the output was closed early (e.g. piped into head)
"""


class _StepAction(argparse.Action):
    """Keeps --press/--say/--play/--silence in one list, in the order they were given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        steps = list(getattr(namespace, "steps", None) or [])
        steps.append(Step(self.dest, str(values)))
        namespace.steps = steps


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "call",
        help="make one scripted call and print where it went",
        description="Make one scripted call. Steps run in the order given; a --press is "
        "followed by a short pause, so held-back digits are acted on.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_menu_argument(parser)
    parser.set_defaults(steps=[])
    parser.add_argument(
        "--press",
        dest="press",
        action=_StepAction,
        metavar="KEYS",
        help="press phone keys (0-9, *, #), e.g. --press 12",
    )
    parser.add_argument(
        "--say",
        dest="say",
        action=_StepAction,
        metavar="TEXT",
        help="say something, e.g. --say 'my house is on fire'",
    )
    parser.add_argument(
        "--play",
        dest="play",
        action=_StepAction,
        metavar="FILE",
        help="play a recording (WAV, FLAC or OGG; any rate) as the caller's next utterance; "
        "the menu's recogniser hears it at the node the call is at",
    )
    parser.add_argument(
        "--silence",
        dest="silence",
        action=_StepAction,
        metavar="SECONDS",
        help="stay silent for this many seconds",
    )
    parser.add_argument(
        "--at",
        metavar="TIME",
        help='the time of the call, e.g. "2026-11-23 21:00" (default: a Monday at noon)',
    )
    parser.add_argument("--lang", help="language of the call (default: the menu's first)")
    parser.add_argument(
        "--audio",
        action="store_true",
        help="speak each --say with a caller voice and let the recogniser hear it: the "
        "recognised text drives the call",
    )
    parser.add_argument(
        "--noise-db",
        type=float,
        metavar="SNR",
        help="with --audio, mix white noise at this signal-to-noise ratio",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    menu = open_menu(args.menu, args.start)
    at = parse_time(args.at) if args.at else None
    if args.noise_db is not None and not args.audio:
        raise IvrError("--noise-db needs --audio", "add --audio")
    recordings = [step.value for step in args.steps if step.kind == "play"]
    if recordings:
        from ivr.audio.files import read_audio

        for path in recordings:  # every file checked before anything is loaded or said
            read_audio(path)
    session = Session(menu, lang=args.lang, start_time=at, index=menu_index(menu))
    session.start()
    log = CallLog(session)
    hearing: Hearing | None = None
    if args.audio:
        from ivr.scripted.audio import make_audio_hearing

        hearing = _recording(
            make_audio_hearing(
                menu,
                session.grammar,
                lang=session.lang,
                noise_db=args.noise_db,
                node_free=lambda: session.free_speech,
                notice=log.notice,
            ),
            log,
        )
    playing: Playing | None = None
    if recordings:
        from ivr.scripted.audio import make_recording_hearing

        playing = _played(
            make_recording_hearing(
                menu,
                session.grammar,
                lang=session.lang,
                node_free=lambda: session.free_speech,
                notice=log.notice,
            ),
            log,
        )
    unused: list[Step] = []
    for number, step in enumerate(args.steps):
        if session.ended:
            unused = args.steps[number:]
            break
        pressed = session.caller_events
        run_step(session, step, hearing, playing)
        used = session.caller_events - pressed
        if step.kind == "press" and session.ended and used < len(step.value):
            # "--press 1139": the call was routed at 113, the 9 was never heard
            unused = [Step("press", step.value[used:]), *args.steps[number + 1 :]]
            break
    result = log.to_json(heard=bool(args.audio or recordings))
    result["unused_steps"] = [{"kind": step.kind, "value": step.value} for step in unused]
    if args.json:
        print_json(result)
    else:
        _print(result, log, session)
    if unused:
        print(f"ivr: {unused_message(result, unused)}", file=sys.stderr)
        return UNUSED_STEPS
    return 0


def unused_message(result: dict[str, Any], unused: list[Step]) -> str:
    """The steps the call had no use for, as they were given, and how it ended first."""
    if result["outcome"] == "route":
        ended = f"routed to {result['route']}"
    else:
        ended = f"hung up: {result['reason']}" if result["reason"] else "hung up"
    shown = " ".join(f"--{step.kind} {shlex.quote(step.value)}" for step in unused)
    return f"the call ended ({ended}) before these steps, which were not used: {shown}"


def _print(result: dict[str, Any], log: CallLog, session: Session) -> None:
    for number, line in enumerate(result["transcript"]):
        for at_line, text in log.notices:
            if at_line == number:
                print(f"SYSTEM  {text}")
        who = "IVR   " if line["who"] == "ivr" else "CALLER"
        print(f"{who}  {line['text']}")
    for at_line, text in log.notices:
        if at_line >= len(result["transcript"]):
            print(f"SYSTEM  {text}")
    for row in log.heard:
        shown = repr(row.heard) if row.heard else "nothing"
        did = f"played {row.said}" if row.played else f"said {row.said!r}"
        free = " (free transcript)" if row.source == "transcript" else ""
        also = maybe(row.runners_up)
        print(f"(audio) {did}, heard {shown}, confidence {row.confidence:.2f}{free}{also}")
    if result["outcome"] == "route":
        # the number as the menu writes it, as ivr run and lint show it ("116 117")
        shown = session.route.display if session.route is not None else result["route"]
        print(f"=> routed to {shown} ({result['service']})")
    elif result["outcome"] == "hangup":
        print("=> the call ended")
    else:
        print(f"=> waiting at node {session.state.node}")


def _recording(hearing: Hearing, log: CallLog) -> Hearing:
    """``hearing``, noting what was said and what the recogniser made of it: with audio
    the heard text drives the call, and a user needs to see where the two part."""

    def hear(said: str) -> Recognised:
        got = recognised(hearing(said))
        log.hear(HeardRow.of(said, got, played=False))
        return got

    return hear


def _played(playing: Playing, log: CallLog) -> Playing:
    """``playing``, noting each recording (its path as given) and what was heard in it."""

    def play(path: str) -> Recognised:
        got = playing(path)
        log.hear(HeardRow.of(path, got, played=True))
        return got

    return play
