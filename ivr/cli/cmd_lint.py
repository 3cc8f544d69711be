"""``ivr lint MENU``: check a menu; one ``FILE:LINE:COL: ...`` line per problem.

Exit 0 when the menu is valid (warnings are printed but only fail with
``--strict``), else exit 1. Errors print as ``FILE:LINE:COL: message (hint)``;
warnings and info as ``FILE:LINE:COL: warning: message (hint)``. The
``--times`` table is followed by a legend, since its columns are models of
three different callers that no header word can explain.
"""

from __future__ import annotations

import argparse

from ivr.analysis import LintReport, Severity, lint_file
from ivr.analysis.listening import EMERGENCY_BUDGET_S, MAX_OPTIONS, PROMPT_BUDGET_S, parse_limits
from ivr.analysis.timing import MODE_NAMES, Durations, TtsDurations, parse_budget
from ivr.cli.common import print_json
from ivr.errors import IvrError
from ivr.loader import load_menu


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "lint",
        help="check a menu file and report every problem",
        description="Check a menu file: schema, unreachable nodes, dead ends, loops, phrase "
        "collisions, prompts that mention the wrong keys, unannounced numbers, prompts too long "
        "or with too many options, emergency numbers slow to reach without barge-in, and time "
        "to service. Exit 0 when it is valid; otherwise print one FILE:LINE:COL: problem (hint) "
        "line per problem and exit 1.",
    )
    parser.add_argument("menu", metavar="MENU", help="path of the menu YAML file")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="NUMBER<=SECONDS",
        help='fail when a route is slower than this, e.g. "113<=10s" (by barge-in keys) or '
        '"113<=60s:listen" / ":worst"; repeatable',
    )
    parser.add_argument(
        "--times", action="store_true", help="print the time to service of every route"
    )
    parser.add_argument(
        "--prompt-budget",
        metavar="SECONDS",
        help="warn about a prompt that takes longer than this to say "
        f"(default {PROMPT_BUDGET_S:g})",
    )
    parser.add_argument(
        "--max-options",
        metavar="N",
        help=f"warn about a node that reads out more keyed options (default {MAX_OPTIONS})",
    )
    parser.add_argument(
        "--emergency-budget",
        metavar="SECONDS",
        help="warn when a caller who listens to every prompt to the end has not keyed an "
        f"emergency number (a shortcut) this many seconds into the call "
        f"(default {EMERGENCY_BUDGET_S:g})",
    )
    parser.add_argument("--info", action="store_true", help="print info findings too")
    parser.add_argument(
        "--tts-durations",
        action="store_true",
        help="time prompts by synthesising them (needs the tts extra) instead of by word count",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    budgets = [parse_budget(text) for text in args.budget]
    limits = parse_limits(args.prompt_budget, args.max_options, args.emergency_budget)
    durations: Durations | None = None
    if args.tts_durations:
        # loaded first so a menu error is reported as usual, not as a speech error
        try:
            menu = load_menu(args.menu)
        except IvrError:  # reported below as findings, by lint_file
            menu = None
        if menu is not None:
            durations = TtsDurations(menu)
    report = lint_file(args.menu, budgets, durations=durations, limits=limits)
    ok = report.ok(args.strict)
    if args.json:
        print_json(report.to_json(args.strict))
        return 0 if ok else 1
    shown = [f for f in report.findings if args.info or f.severity is not Severity.INFO]
    for finding in shown:
        print(finding.line())
    if args.times:
        _print_times(report)
    for row in report.budgets:
        if row.get("ok"):
            print(
                f"{report.file}: budget {row['budget']} met: {row['seconds']:.1f} s "
                f"{MODE_NAMES[row['mode']]} (keys {row['keys_said']})"
            )
    if not ok:
        return 1
    menu = report.menu
    if menu is None:  # pragma: no cover - a menu that failed to load is never ok
        return 1
    warnings = report.count(Severity.WARNING)
    extra = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
    print(f"{report.file}: ok ({len(menu.nodes)} nodes, {len(menu.services)} services{extra})")
    return 0


#: What each column of the ``--times`` table means, printed under it.
TIMES_LEGEND = (
    "route      the number, as the menu writes it",
    "presses    the fewest keys that get there",
    "barge-in   seconds for a caller who presses each key as soon as its prompt starts",
    "listening  seconds for a caller who hears every prompt to the end before pressing",
    "worst      seconds for a caller who also lets every allowed no-input timeout run out",
    'keys       the fastest barge-in keys, menu by menu ("6 then 1": 6, then 1 at the '
    "next menu); fewest: the keys with the fewest presses",
    "Seconds run from the start of the call to the end of the connecting announcement: "
    "prompts, key presses, waits for more digits and confirmation questions.",
)


def _print_times(report: LintReport) -> None:
    width = max([len("route"), *(len(rt.display) for rt in report.routes)])
    print(
        f"{'route':>{width}}  {'presses':>7}  {'barge-in':>8}  {'listening':>9}  {'worst':>9}  keys"
    )
    for rt in report.routes:
        paths = rt.paths
        barge = paths["barge"]
        fewest = f" (fewest: {rt.fewest_said})" if rt.fewest_steps != barge.steps else ""
        print(
            f"{rt.display:>{width}}  {rt.presses:>7}  {barge.seconds:>7.1f}s  "
            f"{paths['listen'].seconds:>8.1f}s  {paths['worst'].seconds:>8.1f}s  "
            f"{barge.said}{fewest}"
        )
    print()
    for line in TIMES_LEGEND:
        print(f"  {line}")
