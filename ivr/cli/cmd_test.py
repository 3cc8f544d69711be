"""``ivr test PATH...``: run scripted calls (``*.calls.yaml``) and report pass/fail per call.

``-k`` narrows the run to some calls, ``--shard K/N`` to one of N machines' share
(``ivr.scripted.select``); ``--merge-junit OUT`` and ``--merge-coverage OUT`` join
the shards' JUnit reports and coverage files into one of each.
"""

from __future__ import annotations

import argparse
import time

from ivr.errors import IvrError
from ivr.scripted.callfile import load_call_files
from ivr.scripted.coverage import (
    coverage_report,
    coverage_text,
    merge_coverage,
    write_coverage_json,
)
from ivr.scripted.junit import merge_junit, write_junit
from ivr.scripted.report import call_line, failure_text, summary_line
from ivr.scripted.runner import run_files
from ivr.scripted.select import parse_shard, select_calls, shard_calls


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "test",
        help="run scripted test calls (*.calls.yaml) and report which pass",
        description="Run the scripted calls in call files (folders are searched for "
        "*.calls.yaml). Prints a PASS/FAIL line per call, a report for each failure and a "
        "summary; exits 1 if any call fails. With --merge-junit OUT (or --merge-coverage "
        "OUT), the PATHs are the JUnit reports (coverage files) of the shards of one run, "
        "merged into OUT.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="call files, or folders to search for *.calls.yaml (or the files to merge)",
    )
    parser.add_argument(
        "-k",
        dest="patterns",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run only the calls whose name, or whose file's name, holds PATTERN (case "
        "ignored); repeat for any of several",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="run only the K-th of N even shares of the calls, the same on every machine "
        "(a CI matrix runs 1/N ... N/N and merges their --junit reports)",
    )
    parser.add_argument(
        "--merge-junit",
        metavar="OUT",
        help="merge the JUnit reports given as PATHs (the shards of one run) into OUT; "
        "exits 1 if the merged report has a failure",
    )
    parser.add_argument(
        "--merge-coverage",
        metavar="OUT",
        help="merge the --coverage-json files given as PATHs (the shards of one run) into OUT",
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
    if args.merge_junit or args.merge_coverage:
        return _merge(args)
    started = time.perf_counter()
    shard = parse_shard(args.shard) if args.shard is not None else None
    loaded = select_calls(load_call_files(list(args.paths)), args.patterns)
    if shard is not None:
        loaded = shard_calls(loaded, shard)
    results = run_files(loaded, jobs=args.jobs, audio=args.audio)
    wall = time.perf_counter() - started
    if shard is not None:
        print(f"shard {shard}: {_count(sum(len(f.calls) for f in results), 'call')}")
    for file in results:
        if not file.calls:
            continue  # none of this shard's calls are in it
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
    print(summary_line([f for f in results if f.calls], wall))
    return 1 if broken else 0


def _merge(args: argparse.Namespace) -> int:
    """``--merge-junit OUT IN...`` or ``--merge-coverage OUT IN...``: nothing is run, so the
    options of a run are refused."""
    mode = "--merge-junit" if args.merge_junit else "--merge-coverage"
    if args.merge_junit and args.merge_coverage:
        raise IvrError(
            "--merge-junit and --merge-coverage take different files",
            "merge each kind in a command of its own",
        )
    refused = [
        flag
        for flag, given in (
            ("-k", bool(args.patterns)),
            ("--shard", args.shard is not None),
            ("--junit", args.junit is not None),
            ("--coverage", args.coverage),
            ("--coverage-json", args.coverage_json is not None),
            ("--audio", args.audio),
            ("--jobs", args.jobs != 1),
        )
        if given
    ]
    if refused:
        raise IvrError(
            f"{mode} runs no calls, so {', '.join(refused)} cannot go with it",
            f"merge in a step of its own: ivr test {mode} OUT FILE...",
        )
    if args.merge_coverage:
        report = merge_coverage(list(args.paths), args.merge_coverage)
        print(f"merged {_count(len(args.paths), 'coverage file')} into {args.merge_coverage}")
        print(coverage_text(report))
        return 0
    totals = merge_junit(list(args.paths), args.merge_junit)
    passed = totals.tests - totals.failures - totals.errors - totals.skipped
    line = (
        f"merged {_count(totals.reports, 'report')} into {args.merge_junit}: "
        f"{_count(totals.tests, 'call')} in {_count(totals.files, 'file')}: "
        f"{passed} passed, {totals.failures} failed"
    )
    if totals.errors:
        line += f", {totals.errors} errors"
    if totals.skipped:
        line += f", {totals.skipped} skipped"
    print(line)
    return 1 if totals.failures or totals.errors else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
