"""``ivr chaos MENU``: random callers against a menu; every failure comes with its replay."""

from __future__ import annotations

import argparse
import random
import shlex

from ivr.chaos.runner import run_chaos
from ivr.cli.common import add_menu_argument, open_menu, print_json
from ivr.errors import IvrError

MAX_CALLS = 10_000_000


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "chaos",
        help="run random calls (keys, phrases, silences, barge-ins, hang-ups) against a menu",
        description="Run random calls against a menu. Every call must end within the bound "
        "the menu's limits imply, never raise, and only route where the caller chose. "
        "Exit 1 on any failure; each is printed with the seed and events to replay it.",
    )
    add_menu_argument(parser)
    parser.add_argument("--calls", type=int, default=1000, help="number of calls (default 1000)")
    parser.add_argument(
        "--seed", type=int, help="seed of the first call; call i uses seed+i (default: random)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument(
        "--max-failures", type=int, default=20, help="failures to list in full (default 20)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.calls <= MAX_CALLS:
        raise IvrError(f"--calls {args.calls} is out of range", f"give 1 to {MAX_CALLS:,}")
    if args.max_failures < 0:
        raise IvrError("--max-failures must not be negative", "e.g. --max-failures 20")
    menu = open_menu(args.menu, args.start)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    report = run_chaos(menu, args.calls, seed, max_failures=args.max_failures)
    if args.json:
        data = report.to_json()
        data["seed"] = seed
        print_json(data)
        return 1 if report.failures else 0
    for failure in report.failures:
        print(f"FAILED call seed {failure.seed} ({failure.kind}): {failure.message}")
        print(f"  language {failure.lang}, call started {failure.start}")
        print(f"  replay: ivr chaos {shlex.quote(args.menu)} --calls 1 --seed {failure.seed}")
        for number, event in enumerate(failure.events, 1):
            print(f"  {number:>4}. {event}")
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
    rate = report.calls / report.wall_s if report.wall_s else float("inf")
    print(
        f"{report.calls} calls (seed {seed}), {report.events} events, longest call "
        f"{report.max_steps} events, {report.simulated_s:.0f} s simulated in "
        f"{report.wall_s:.2f} s ({rate:.0f} calls/s): {outcomes}; "
        f"{len(report.failures) or 'no'} failure{'s' * (len(report.failures) != 1)}"
    )
    return 1 if report.failures else 0
