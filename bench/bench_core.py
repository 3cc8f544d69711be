"""Core engine throughput: events per second, simulated call seconds per wall second,
and the load time of a generated 10,000-node menu.

Run: python bench/bench_core.py   (prints one figure per line; takes ~20 s)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from menugen import generated_menu_yaml

from ivr.events import KeyPress, Silence, Speech
from ivr.loader import load_menu
from ivr.menuindex import MenuIndex
from ivr.session import Session

ROOT = Path(__file__).resolve().parents[1]
PHRASES = [
    "my dad has chest pain",
    "I smell gas",
    "my bike was stolen",
    "help",
    "repeat",
    "bananas",
    "one one three",
    "back",
    "main menu",
    "I am deaf",
    "toothache",
    "yes",
    "no",
]


def random_calls(calls: int, seed: int) -> tuple[int, float, float]:
    menu = load_menu(ROOT / "menus" / "norway.yaml")
    index = MenuIndex(menu)
    rng = random.Random(seed)
    events = 0
    simulated = 0.0
    start = time.perf_counter()
    for _ in range(calls):
        session = Session(menu, lang=rng.choice(["en", "nb"]), index=index)
        session.start()
        while not session.ended:
            roll = rng.random()
            if roll < 0.5:
                session.send(KeyPress(rng.choice("0123456789*#")))
            elif roll < 0.8:
                session.send(Speech(rng.choice(PHRASES), rng.uniform(0.2, 1.0)))
            else:
                session.send(Silence(rng.choice([1.0, 2.0, 5.0, 6.0])))
            events += 1
        simulated += session.elapsed
    return events, simulated, time.perf_counter() - start


def load_generated(nodes: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(generated_menu_yaml(nodes))
        size = path.stat().st_size
        start = time.perf_counter()
        menu = load_menu(path)
        elapsed = time.perf_counter() - start
        if len(menu.nodes) != nodes:
            raise SystemExit(f"generated menu has {len(menu.nodes)} nodes, not {nodes}")
    return elapsed, size


def main() -> None:
    events, simulated, wall = random_calls(3000, seed=1)
    print(f"random calls on menus/norway.yaml: 3000 calls, {events} events in {wall:.2f} s")
    print(f"events per second: {events / wall:,.0f}")
    print(f"simulated call seconds per wall second: {simulated / wall:,.0f}")
    elapsed, size = load_generated(10_000)
    print(f"load a generated 10,000-node menu ({size / 1e6:.1f} MB): {elapsed:.2f} s")


if __name__ == "__main__":
    main()
