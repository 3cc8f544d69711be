"""Chaos caller throughput: calls and events per second on a menu (default: Norway).

    python bench/bench_chaos.py [MENU] [--calls N] [--seed S]

Prints measured figures; nothing is asserted. Also times one ``ivr lint``
analysis pass, since the chaos oracle and lint share the flow model.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.analysis import lint_file  # noqa: E402
from ivr.chaos.runner import run_chaos  # noqa: E402
from ivr.loader import load_menu  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("menu", nargs="?", default=str(ROOT / "menus" / "norway.yaml"))
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    menu = load_menu(args.menu)
    report = run_chaos(menu, args.calls, args.seed)
    print(f"menu {args.menu}: {len(menu.nodes)} nodes, {len(menu.services)} services")
    print(
        f"chaos: {report.calls} calls, {report.events} events in {report.wall_s:.2f} s = "
        f"{report.calls / report.wall_s:,.0f} calls/s, {report.events / report.wall_s:,.0f} "
        f"events/s; longest call {report.max_steps} events; "
        f"{report.simulated_s / 3600:.1f} h of calls simulated "
        f"({report.simulated_s / report.wall_s:,.0f}x real time)"
    )
    print(f"outcomes: {dict(report.outcomes)}; failures: {len(report.failures)}")
    started = time.perf_counter()
    lint_file(args.menu, use_cmudict=False, vocabulary=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    lint_file(args.menu)
    full = time.perf_counter() - started
    print(f"lint analyses: {cold:.2f} s without cmudict/vocabulary, {full:.2f} s with them")
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
