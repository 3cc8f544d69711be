"""``ivr lint MENU``: check a menu; one ``FILE:LINE:COL: ...`` line per problem.

Exit 0 when the menu is valid (warnings are printed but only fail with
``--strict``), else exit 1. Errors print as ``FILE:LINE:COL: message (hint)``;
warnings and info as ``FILE:LINE:COL: warning: message (hint)``.
"""

from __future__ import annotations

import argparse

from ivr.analysis import LintReport, Severity, lint_file
from ivr.analysis.timing import MODE_NAMES, Durations, TtsDurations, parse_budget
from ivr.cli.common import print_json
from ivr.errors import IvrError
from ivr.loader import load_menu


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "lint",
        help="check a menu file and report every problem",
        description="Check a menu file: schema, unreachable nodes, dead ends, loops, phrase "
        "collisions, prompts that mention the wrong keys, unannounced numbers, and time to "
        "service. Exit 0 when it is valid; otherwise print one FILE:LINE:COL: problem (hint) "
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
    parser.add_argument("--info", action="store_true", help="print info findings too")
    parser.add_argument(
        "--tts-durations",
        action="store_true",
        help="time prompts by synthesising them (needs the tts extra) instead of by word count",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    budgets = [parse_budget(text) for text in args.budget]
    durations: Durations | None = None
    if args.tts_durations:
        # loaded first so a menu error is reported as usual, not as a speech error
        try:
            menu = load_menu(args.menu)
        except IvrError:  # reported below as findings, by lint_file
            menu = None
        if menu is not None:
            durations = TtsDurations(menu)
    report = lint_file(args.menu, budgets, durations=durations)
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
                f"{MODE_NAMES[row['mode']]} (keys {row['keys']})"
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


def _print_times(report: LintReport) -> None:
    print(f"{'route':>10}  {'presses':>7}  {'barge-in':>9}  {'listening':>9}  {'worst':>8}  keys")
    for rt in report.routes:
        paths = rt.paths
        print(
            f"{rt.number:>10}  {rt.presses:>7}  {paths['barge'].seconds:>8.1f}s  "
            f"{paths['listen'].seconds:>8.1f}s  {paths['worst'].seconds:>7.1f}s  "
            f"{paths['barge'].keys} (fewest: {rt.fewest_keys})"
        )
