"""How fast scripted calls run: calls per second and simulated call time per wall second.

Run from the repository root: ``python bench/bench_calls.py [--no-audio]``. Prints
measured numbers only. Text mode replays ``tests/calls/norway.calls.yaml``;
audio mode (when ivr.tts/ivr.asr load) replays
``tests/calls/norway-audio.calls.yaml``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivr.errors import IvrError
from ivr.scripted.callfile import load_call_file
from ivr.scripted.runner import run_files

ROOT = Path(__file__).resolve().parents[1]
TEXT_CALLS = ROOT / "tests" / "calls" / "norway.calls.yaml"
AUDIO_CALLS = ROOT / "tests" / "calls" / "norway-audio.calls.yaml"


def measure(path: Path, rounds: int, jobs: int = 1, audio: bool = False) -> None:
    started = time.perf_counter()
    loaded = load_call_file(path)
    load_seconds = time.perf_counter() - started
    calls = simulated = 0.0
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for _ in range(rounds):
        for file in run_files([loaded], jobs=jobs, audio=audio):
            for call in file.calls:
                calls += 1
                simulated += call.call_seconds
                statuses[call.status] = statuses.get(call.status, 0) + 1
    wall = time.perf_counter() - started
    mode = "audio" if audio else "text"
    print(
        f"{mode} mode, {path.name}, jobs={jobs}: {int(calls)} calls in {wall:.2f}s "
        f"(file + menu load {load_seconds * 1000:.1f} ms)"
    )
    print(f"  {calls / wall:,.0f} calls/s, {wall / calls * 1000:.3f} ms per call")
    print(
        f"  {simulated / wall:,.0f} simulated call seconds per wall second "
        f"({simulated:,.0f} s simulated)"
    )
    print(f"  outcomes: {statuses}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="times to replay the text suite")
    parser.add_argument(
        "--no-audio", action="store_true", help="skip audio mode (synthesis + recognition)"
    )
    args = parser.parse_args()
    measure(TEXT_CALLS, args.rounds)
    measure(TEXT_CALLS, args.rounds, jobs=2)
    if not args.no_audio:
        try:
            measure(AUDIO_CALLS, 3, audio=True)
        except IvrError as exc:
            print(f"audio mode not measured: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
