"""``ivr serve`` under load: concurrent keypad calls per second, and key-to-prompt latency.

Each call is a raw WebSocket client (the protocol of ivr/web/protocol.py, no
browser): start on menus/norway.yaml at a Monday noon, wait for the greeting,
press 2 (the GP node's prompt follows), press 2 again (the route to 810 59 500,
GP registration, is announced), read the log and the close. Neither key can begin
a shortcut number (110, 112, 113), so the menu acts on each at once: a 1 would be
held for the inter-digit timeout (1.5 s) by design, which is no server latency.
Key-to-prompt latency is from sending a key to receiving the menu's next line
(``ivr``); both keys are measured.
``--concurrency`` calls run at once until ``--calls`` are done; calls per second
is completed calls over the wall time of the run.

The server runs as ``ivr serve --port 0`` in its own process (so client and
server do not share an interpreter), or in this process with ``--in-process``,
or is the one at ``--url``. Nothing is asserted; figures are printed.

Run: python3 bench/bench_serve.py [--calls 200] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NORWAY = ROOT / "menus" / "norway.yaml"
NOON = "2026-11-23 12:00"
WAIT = 60.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    routed: int = 0
    errors: list[str] = field(default_factory=list)


async def _until(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, object]:
    while True:
        msg = await ws.receive(timeout=WAIT)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            raise RuntimeError(f"socket closed ({ws.close_code}) before {kind!r}")
        message: dict[str, object] = json.loads(msg.data)
        if message.get("type") == "error":
            raise RuntimeError(f"server error: {message.get('reason')}")
        if message.get("type") == kind:
            return message


async def one_call(session: aiohttp.ClientSession, url: str, tally: Tally) -> None:
    origin = url.rstrip("/")
    async with session.ws_connect(origin + "/ws", headers={"Origin": origin}) as ws:
        await ws.send_str(json.dumps({"type": "start", "menu": 0, "at": NOON}))
        await _until(ws, "ivr")  # the greeting
        for key in "22":
            sent = time.perf_counter()
            await ws.send_str(json.dumps({"type": "key", "key": key}))
            await _until(ws, "ivr")
            tally.latencies.append(time.perf_counter() - sent)
        result = await _until(ws, "result")
        await _until(ws, "log")
        if result.get("route") == "810 59 500":
            tally.routed += 1
        else:
            tally.errors.append(f"routed to {result.get('route')!r}")


async def run_load(url: str, calls: int, concurrency: int) -> tuple[Tally, float]:
    tally = Tally()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(calls):
        queue.put_nowait(number)
    connector = aiohttp.TCPConnector(limit=0)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            queue.get_nowait()
            try:
                await one_call(session, url, tally)
            except (RuntimeError, aiohttp.ClientError, TimeoutError) as exc:
                tally.errors.append(str(exc))

    async with aiohttp.ClientSession(connector=connector) as session:
        await one_call(session, url, Tally())  # warm-up: menus, index, first thread
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        wall = time.perf_counter() - began
    return tally, wall


def start_subprocess(max_calls: int) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ivr", "serve", str(NORWAY), "--port", "0",
               "--max-calls", str(max_calls)]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"(http://\S+/)", line)
    if not found:
        process.kill()
        raise SystemExit(f"ivr serve did not start: {line!r}")
    return process, found.group(1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="calls in all (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="calls at once (default 20)")
    parser.add_argument("--url", help="an ivr serve already running (its page address)")
    parser.add_argument("--in-process", action="store_true", help="run the server in this process")
    args = parser.parse_args()
    process = None
    server = None
    if args.url:
        url, where = args.url, "at " + args.url
    elif args.in_process:
        from ivr.web.server import ServeOptions, ServerThread, make_app

        options = ServeOptions(port=0, max_calls=args.concurrency + 5)
        server = ServerThread(make_app([NORWAY], options), options).start()
        url, where = server.url, "in this process"
    else:
        process, url = start_subprocess(args.concurrency + 5)
        where = "in its own process"
    try:
        tally, wall = asyncio.run(run_load(url, args.calls, args.concurrency))
    finally:
        if server is not None:
            server.stop()
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    ms = [1000 * s for s in tally.latencies]
    print(f"ivr serve {where}, menus/norway.yaml, {os.cpu_count()} CPU(s)")
    print(f"calls: {args.calls} ({args.concurrency} at once), routed {tally.routed}, "
          f"errors {len(tally.errors)}")  # fmt: skip
    print(f"throughput: {tally.routed / wall:.1f} calls/s (wall {wall:.2f} s)")
    if ms:
        median, p95 = statistics.median(ms), percentile(ms, 0.95)
        print(f"key-to-prompt: median {median:.1f} ms, p95 {p95:.1f} ms, "
              f"max {max(ms):.1f} ms ({len(ms)} keys)")  # fmt: skip
    for error in tally.errors[:5]:
        print(f"  error: {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
