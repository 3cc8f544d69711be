"""pytest plugin: every ``*.calls.yaml`` becomes a test module, every call a test.

Registered as the ``pytest11`` entry point ``ivr_calls``, or loaded explicitly
with ``pytest -p ivr.scripted.pytest_plugin``. A failing call fails with the
same report ``ivr test`` prints; a malformed call file is a collection error
listing every ``FILE:LINE:COL`` problem. ``--ivr-audio`` runs every call in
audio mode.

Under pytest-xdist (``pytest -n auto``) every worker collects every call file
(cheap: YAML and the menu) and runs the calls it is sent. What is costly is
loaded once per worker process, when its first call needs it, never at
collection: a menu's understanding index (``menu_index``, with the sentence
embedding model) is shared by all call files of that menu, and the speech
engines' models are cached per process by ``ivr.asr``. A worker also takes
only its share of the cores for the embedding model's OpenMP threads, so N
workers do not run N times the machine's threads.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ivr.errors import IvrError
from ivr.menuindex import MenuIndex
from ivr.nlu.rankers import menu_index
from ivr.scripted.callfile import CALL_FILE_SUFFIX, LoadedFile, load_call_file
from ivr.scripted.model import ScriptedCall
from ivr.scripted.report import failure_text
from ivr.scripted.runner import run_call

log = logging.getLogger(__name__)

#: Understanding indexes built in this session, by menu file: one per menu per worker.
#: Kept on the session's config, not in this module: an index must not outlive the
#: session that built it (pytester's in-process runs unload the modules they imported).
INDEXES = pytest.StashKey[dict[str, MenuIndex]]()


def index_for(loaded: LoadedFile, built: dict[str, MenuIndex]) -> MenuIndex:
    """The menu's index from ``built``, or built now and kept there.

    Call files naming the same menu each load their own copy of it; an equal copy
    shares the index, a changed file (edited between loads) gets its own.
    """
    index = built.get(loaded.calls.menu_path)
    if index is None or (index.menu is not loaded.menu and index.menu != loaded.menu):
        index = built[loaded.calls.menu_path] = menu_index(loaded.menu)
    return index


class _FileIndex:
    """A call file's index, asked of ``index_for`` once, by the file's first call run here."""

    def __init__(self, loaded: LoadedFile, built: dict[str, MenuIndex]) -> None:
        self.loaded = loaded
        self.built = built
        self.index: MenuIndex | None = None

    def get(self) -> MenuIndex:
        if self.index is None:
            self.index = index_for(self.loaded, self.built)
        return self.index


def _share_cores() -> None:
    """In an xdist worker: OpenMP threads for this worker's share of the cores.

    Set before any model loads (``pytest_configure`` runs before collection),
    and only when the user has not chosen a number.
    """
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if not os.environ.get("PYTEST_XDIST_WORKER") or not workers or not workers.isdigit():
        return
    threads = max(1, (os.cpu_count() or 1) // max(1, int(workers)))
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    log.info("xdist worker: %s OpenMP threads", os.environ["OMP_NUM_THREADS"])


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ivr", "scripted IVR calls")
    group.addoption(
        "--ivr-audio",
        action="store_true",
        default=False,
        help="run scripted calls (*.calls.yaml) in audio mode",
    )


def pytest_configure(config: pytest.Config) -> None:
    _share_cores()
    config.addinivalue_line(
        "markers", "engine: runs a real speech engine (espeak-ng, pocketsphinx, vosk) on real audio"
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(CALL_FILE_SUFFIX):
        collector: CallFileCollector = CallFileCollector.from_parent(parent, path=file_path)
        return collector
    return None


class CallFileError(Exception):
    """A call file that cannot be loaded; its text lists every problem."""


class CallFailed(Exception):
    """A scripted call that did not do what its steps expected."""


class CallFileCollector(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            loaded = load_call_file(self.path)
        except IvrError as exc:
            raise CallFileError(str(exc)) from None
        index = _FileIndex(loaded, self.config.stash.setdefault(INDEXES, {}))
        for call in loaded.calls.calls:
            item: CallItem = CallItem.from_parent(
                self, name=call.name, loaded=loaded, call=call, index=index
            )
            yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CallFileError):
            return f"malformed call file {self.path}:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))


class CallItem(pytest.Item):
    def __init__(
        self, *, loaded: LoadedFile, call: ScriptedCall, index: _FileIndex, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.call = call
        self.index = index
        if call.audio or any(step.kind == "play" for step in call.steps):
            self.add_marker("engine")

    def runtest(self) -> None:
        audio = bool(self.config.getoption("ivr_audio", default=False))
        outcome = run_call(self.loaded, self.call, audio=audio, index=self.index.get())
        if outcome.unavailable:
            pytest.skip(f"audio call skipped: {outcome.error}")
        if not outcome.ok:
            raise CallFailed(failure_text(outcome))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CallFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.call.where.line - 1, f"call: {self.call.name}"
