"""pytest plugin: every ``*.calls.yaml`` becomes a test module, every call a test.

Registered as the ``pytest11`` entry point ``ivr_calls``, or loaded explicitly
with ``pytest -p ivr.scripted.pytest_plugin``. A failing call fails with the
same report ``ivr test`` prints; a malformed call file is a collection error
listing every ``FILE:LINE:COL`` problem. ``--ivr-audio`` runs every call in
audio mode.
"""

from __future__ import annotations

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


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ivr", "scripted IVR calls")
    group.addoption(
        "--ivr-audio",
        action="store_true",
        default=False,
        help="run scripted calls (*.calls.yaml) in audio mode",
    )


def pytest_configure(config: pytest.Config) -> None:
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
        index = menu_index(loaded.menu)
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
        self, *, loaded: LoadedFile, call: ScriptedCall, index: MenuIndex, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.call = call
        self.index = index
        if call.audio or any(step.kind == "play" for step in call.steps):
            self.add_marker("engine")

    def runtest(self) -> None:
        audio = bool(self.config.getoption("ivr_audio", default=False))
        outcome = run_call(self.loaded, self.call, audio=audio, index=self.index)
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
