"""Which calls a run takes: ``-k`` patterns, and ``--shard K/N`` for suites split over machines.

A shard is picked round-robin over the calls in run order (files in the order
they were found, folders sorted; calls in file order): call ``i`` (from 0) goes
to shard ``i % N + 1``. The split depends on nothing but that order, so every
machine of a CI matrix given the same paths agrees on it, the N shards are
disjoint and together hold every call, and their sizes differ by one at most.
Neighbouring calls, which tend to cost alike (a file's audio calls are
usually written together), land on different shards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ivr.errors import IvrError
from ivr.scripted.callfile import CALL_FILE_SUFFIX, LoadedFile
from ivr.scripted.model import ScriptedCall

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as written on the command line
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def takes(self, position: int) -> bool:
        """Whether the call at ``position`` (0-based, in run order) is this shard's."""
        return position % self.count == self.index - 1


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> the second of four shards; anything else is a one-line error."""
    found = _SHARD.match(text)
    if found is None:
        raise IvrError(f"--shard {text!r} is not K/N", "e.g. --shard 2/4: the second of 4 shards")
    index, count = int(found.group(1)), int(found.group(2))
    if count < 1 or not 1 <= index <= count:
        raise IvrError(
            f"--shard {text!r}: K must be from 1 to N and N at least 1",
            f"e.g. --shard 1/{max(count, 2)} ... --shard {max(count, 2)}/{max(count, 2)}",
        )
    return Shard(index, count)


def file_label(path: str) -> str:
    """The name ``-k`` matches a call file by: its file name without ``.calls.yaml``."""
    name = Path(path).name
    return name[: -len(CALL_FILE_SUFFIX)] if name.endswith(CALL_FILE_SUFFIX) else name


def matches(call: ScriptedCall, path: str, patterns: Sequence[str]) -> bool:
    """Whether any pattern is in the call's name or its file's label, ignoring case."""
    if not patterns:
        return True
    names = (call.name.casefold(), file_label(path).casefold())
    return any(p.casefold() in name for p in patterns for name in names)


def _keep(loaded: LoadedFile, calls: Sequence[ScriptedCall]) -> LoadedFile:
    return replace(loaded, calls=replace(loaded.calls, calls=tuple(calls)))


def select_calls(files: Sequence[LoadedFile], patterns: Sequence[str]) -> list[LoadedFile]:
    """The files narrowed to the calls ``patterns`` match (files left empty are dropped).

    No call matching is an error rather than an empty, green run: a typo in ``-k``
    must not pass a CI job that ran nothing.
    """
    if not patterns:
        return list(files)
    kept: list[LoadedFile] = []
    for loaded in files:
        calls = [c for c in loaded.calls.calls if matches(c, loaded.calls.path, patterns)]
        if calls:
            kept.append(_keep(loaded, calls))
    if not kept:
        total = sum(len(f.calls.calls) for f in files)
        shown = " or ".join(repr(p) for p in patterns)
        raise IvrError(
            f"no call matches -k {shown} (of {total} call{'s' * (total != 1)} in "
            f"{len(files)} file{'s' * (len(files) != 1)})",
            "-k is a piece of a call's name or of its file's name, case ignored",
        )
    return kept


def shard_calls(files: Sequence[LoadedFile], shard: Shard) -> list[LoadedFile]:
    """Every file, narrowed to this shard's calls.

    A file with none of them is kept, empty, so that each shard's JUnit report
    lists the same files in the same order (``testsuite id``), which is what
    lets ``merge_junit`` put the pieces back in the unsharded order. A shard may
    be empty (more shards than calls): it runs nothing and passes.
    """
    kept: list[LoadedFile] = []
    position = 0
    for loaded in files:
        calls = []
        for call in loaded.calls.calls:
            if shard.takes(position):
                calls.append(call)
            position += 1
        kept.append(_keep(loaded, calls))
    return kept
