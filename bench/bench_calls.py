"""How fast scripted calls run: calls per second and simulated call time per wall second.

Run from the repository root: ``python bench/bench_calls.py [--no-audio] [--no-scale]``.
Prints measured numbers only. Text mode replays ``tests/calls/norway.calls.yaml``;
audio mode (when ivr.tts/ivr.asr load) replays
``tests/calls/norway-audio.calls.yaml``.

Scale-out (``--scale-rounds R``): the English audio calls repeated R times, run
as a whole command each way a suite can be spread: one process, ``ivr test
--jobs 2``, two ``--shard K/2`` processes at once (what a two-machine CI matrix
does, here on this machine's cores) with their JUnit reports merged, and
``pytest -n 2`` against ``pytest`` alone. Every figure includes starting the
process and loading the engines, as a CI job pays them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

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


def audio_suite(folder: Path, rounds: int) -> tuple[Path, int]:
    """``rounds`` call files of the English audio calls, in a folder of their own.

    Copies in files of their own keep the calls' names, and so the noise each
    call's name seeds: renamed, a noisy call would hear other noise.
    """
    data = yaml.safe_load(AUDIO_CALLS.read_text(encoding="utf-8"))
    english = [c for c in data["calls"] if c.get("lang", "en") == "en"]
    menu = (AUDIO_CALLS.parent / data["menu"]).resolve()
    suite = folder / "suite"
    suite.mkdir()
    for number in range(1, rounds + 1):
        text = yaml.safe_dump({"menu": str(menu), "calls": english})
        (suite / f"round-{number}.calls.yaml").write_text(text, encoding="utf-8")
    return suite, rounds * len(english)


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(*commands: list[str]) -> tuple[float, float, list[int]]:
    """Run the commands at the same time: the wall time until the last ends, the CPU
    seconds they (and their children) used, and their exit codes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cpu = _cpu()
    started = time.perf_counter()
    running = [
        subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for c in commands
    ]
    codes = [p.wait() for p in running]
    return time.perf_counter() - started, _cpu() - cpu, codes


def scale_out(rounds: int) -> None:
    ivr = [sys.executable, "-m", "ivr", "test"]
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        suite, count = audio_suite(folder, rounds)
        shards = [folder / f"shard-{k}.xml" for k in (1, 2)]
        sharded = [
            [*ivr, str(suite), "--shard", f"{k}/2", "--junit", str(shards[k - 1])] for k in (1, 2)
        ]
        # (what, the commands run at once, the one-process figure it is compared with)
        ways = [
            ("ivr test, one process", [[*ivr, str(suite)]], "ivr"),
            ("ivr test --jobs 2", [[*ivr, str(suite), "--jobs", "2"]], "ivr"),
            ("ivr test --shard 1/2 and 2/2 at once", sharded, "ivr"),
            ("pytest, one process", [[*pytest, "-p", "no:xdist", str(suite)]], "pytest"),
            ("pytest -n 2", [[*pytest, "-n", "2", str(suite)]], "pytest"),
        ]
        print(f"scale-out: {count} audio calls, {os.cpu_count()} cores, load {_load()}")
        serial: dict[str, float] = {}
        for label, commands, compared in ways:
            wall, cpu, codes = _timed(*commands)
            base = serial.setdefault(compared, wall)
            # --jobs workers are the forkserver's children, never waited for by ours
            used = "    ? s" if "--jobs" in label else f"{cpu:5.1f} s"
            print(
                f"  {label:<38} {wall:6.1f} s  {count / wall:5.2f} calls/s  "
                f"x{base / wall:.2f}  cpu {used}  exit {','.join(map(str, codes))}"
            )
        merged = folder / "merged.xml"
        _timed([*ivr, "--merge-junit", str(merged), *map(str, shards)])
        # CPU seconds are what the load of other processes does not change: with N
        # cores to itself, a way's wall time tends to its CPU seconds over min(N, ways).
        root = ET.parse(merged).getroot()
        print(f"  merged shard reports: {root.get('tests')} calls, {root.get('failures')} failed")
        print(f"  load average after: {_load()}")


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="times to replay the text suite")
    parser.add_argument(
        "--no-audio", action="store_true", help="skip audio mode (synthesis + recognition)"
    )
    parser.add_argument(
        "--scale-rounds", type=int, default=3, help="audio calls x this for the scale-out figures"
    )
    parser.add_argument("--no-scale", action="store_true", help="skip the scale-out figures")
    parser.add_argument("--scale-only", action="store_true", help="only the scale-out figures")
    args = parser.parse_args()
    if args.scale_only:
        scale_out(args.scale_rounds)
        return 0
    measure(TEXT_CALLS, args.rounds)
    measure(TEXT_CALLS, args.rounds, jobs=2)
    if not args.no_audio:
        try:
            measure(AUDIO_CALLS, 3, audio=True)
        except IvrError as exc:
            print(f"audio mode not measured: {exc}")
    if not args.no_audio and not args.no_scale:
        scale_out(args.scale_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
