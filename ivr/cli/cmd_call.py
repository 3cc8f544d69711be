"""``ivr call MENU --press/--say/--silence ...``: one scripted call, steps in the given order."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from ivr.calls import Hearing, Step, call_result, run_step
from ivr.cli.common import add_menu_argument, open_menu, parse_time, print_json
from ivr.errors import IvrError
from ivr.session import Session


class _StepAction(argparse.Action):
    """Keeps --press/--say/--silence in one list, in the order they were given."""

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
    menu = open_menu(args.menu)
    at = parse_time(args.at) if args.at else None
    session = Session(menu, lang=args.lang, start_time=at)
    session.start()
    hearing: Hearing | None = None
    heard: list[dict[str, Any]] = []
    if args.audio:
        from ivr.scripted.audio import make_audio_hearing

        hearing = _recording(
            make_audio_hearing(menu, session.grammar, lang=session.lang, noise_db=args.noise_db),
            heard,
        )
    elif args.noise_db is not None:
        raise IvrError("--noise-db needs --audio", "add --audio")
    for step in args.steps:
        if session.ended:
            break
        run_step(session, step, hearing)
    result = call_result(session)
    if args.audio:
        result["heard"] = heard
    if args.json:
        print_json(result)
        return 0
    for line in result["transcript"]:
        who = "IVR   " if line["who"] == "ivr" else "CALLER"
        print(f"{who}  {line['text']}")
    for row in heard:
        shown = repr(row["heard"]) if row["heard"] else "nothing"
        print(f"(audio) said {row['said']!r}, heard {shown}, confidence {row['confidence']:.2f}")
    if result["outcome"] == "route":
        print(f"=> routed to {result['route']} ({result['service']})")
    elif result["outcome"] == "hangup":
        print("=> the call ended")
    else:
        print(f"=> waiting at node {session.state.node}")
    return 0


def _recording(hearing: Hearing, heard: list[dict[str, Any]]) -> Hearing:
    """``hearing``, noting what was said and what the recogniser made of it: with audio
    the heard text drives the call, and a user needs to see where the two part."""

    def hear(said: str) -> tuple[str, float]:
        text, confidence = hearing(said)
        heard.append({"said": said, "heard": text, "confidence": round(confidence, 3)})
        return text, confidence

    return hear
