"""``ivr test PATH...``: run scripted calls (``*.calls.yaml``) and report pass/fail per call."""

from __future__ import annotations

import argparse
import time

from ivr.scripted.callfile import load_call_files
from ivr.scripted.coverage import coverage_report, coverage_text, write_coverage_json
from ivr.scripted.junit import write_junit
from ivr.scripted.report import call_line, failure_text, summary_line
from ivr.scripted.runner import run_files


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "test",
        help="run scripted test calls (*.calls.yaml) and report which pass",
        description="Run the scripted calls in call files (folders are searched for "
        "*.calls.yaml). Prints a PASS/FAIL line per call, a report for each failure and a "
        "summary; exits 1 if any call fails.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="call files, or folders to search for *.calls.yaml"
    )
    parser.add_argument(
        "--junit", metavar="FILE", help="also write a JUnit XML report to FILE (for CI)"
    )
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="print which nodes, options and error paths the calls reached",
    )
    parser.add_argument(
        "--coverage-json",
        metavar="FILE",
        help="write the coverage as JSON to FILE (format ivr-coverage/1)",
    )
    parser.add_argument(
        "--audio",
        action="store_true",
        help="run every call in audio mode (speech synthesised and recognised)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="run calls in N worker processes (output order is unchanged)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    loaded = load_call_files(list(args.paths))
    results = run_files(loaded, jobs=args.jobs, audio=args.audio)
    wall = time.perf_counter() - started
    for file in results:
        print(file.path)
        for call in file.calls:
            print(call_line(call))
    broken = [c for f in results for c in f.calls if not c.ok]
    for call in broken:
        print()
        print(failure_text(call))
    if args.coverage or args.coverage_json:
        report = coverage_report({f.calls.menu_path: f.menu for f in loaded}, results)
        if args.coverage:
            print()
            print(coverage_text(report))
        if args.coverage_json:
            write_coverage_json(report, args.coverage_json)
    if args.junit:
        write_junit(results, args.junit)
    print()
    print(summary_line(results, wall))
    return 1 if broken else 0
