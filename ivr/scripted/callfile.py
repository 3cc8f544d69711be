"""Reading ``*.calls.yaml`` files strictly, reporting every problem with its place.

A call file is checked against its menu when it is loaded (node ids, service
numbers, languages), because a typo in an expectation would otherwise show up
as a confusing test failure, or worse, as a test that can never fail.

The steps of each call are read by ``ivr.scripted.callsteps``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.errors import IvrError, Location, MenuError, MenuErrors
from ivr.fields import Problems, Reader, describe, where_of
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.scripted.callsteps import StepReader
from ivr.scripted.model import CallFile, ScriptedCall
from ivr.yamlsrc import YMap, load_yaml, read_text

CALL_FILE_SUFFIX = ".calls.yaml"
FILE_KEYS = ("menu", "calls", "start")
CALL_KEYS = ("name", "steps", "lang", "at", "audio", "noise_db", "caller_voice", "description")


@dataclass(frozen=True)
class LoadedFile:
    """A call file and its menu, loaded once and shared by all its calls."""

    calls: CallFile
    menu: Menu


def load_call_file(path: str | Path) -> LoadedFile:
    """Read and check a call file and load its menu; raises ``MenuErrors`` listing every problem.

    Problems in the call file are all reported together. A menu that does not
    load is reported with the menu's own ``FILE:LINE:COL`` errors.
    """
    name = str(path)
    try:
        text = read_text(path)
        data = load_yaml(name, text=text)
    except MenuError as exc:
        raise MenuErrors([exc]) from None
    problems = Problems(name)
    reader = _CallReader(name, text, problems, Path(path).parent)
    top = Location(name, 1, 1)
    root = reader.read.mapping(data, top, "a call file")
    if root is None:
        problems.raise_if_any()
        raise MenuErrors([MenuError(top, "not a call file")])  # pragma: no cover
    reader.read.check_keys(root, FILE_KEYS, "the call file", required=("menu", "calls"))
    menu_path, menu = reader.menu(root, Path(path).parent)
    calls = reader.calls(root, menu)
    problems.raise_if_any()
    if menu is None or menu_path is None:  # pragma: no cover - a problem was recorded
        raise MenuErrors([MenuError(root.where, "the menu could not be loaded")])
    return LoadedFile(CallFile(name, menu_path, tuple(calls), root.where), menu)


def find_call_files(paths: list[str]) -> list[str]:
    """Call files named on the command line, folders searched recursively, sorted per folder."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(str(p) for p in path.rglob(f"*{CALL_FILE_SUFFIX}") if p.is_file())
        else:
            found.append(raw)
    return list(dict.fromkeys(found))


class _CallReader:
    def __init__(self, file: str, text: str, problems: Problems, folder: Path) -> None:
        self.file = file
        self.problems = problems
        self.read = Reader(problems)
        self.step_reader = StepReader(text.splitlines(), problems, folder)

    def add(self, where: Location, message: str, hint: str | None = None) -> None:
        self.problems.add(where, message, hint)

    # -- the menu -------------------------------------------------------------------
    def menu(self, root: YMap, folder: Path) -> tuple[str | None, Menu | None]:
        if "menu" not in root:
            return None, None
        value = root["menu"]
        where = where_of(root, "menu", root.where)
        if not isinstance(value, str) or not value.strip():
            self.add(
                where,
                f"'menu' must be the path of a menu file, not {describe(value)}",
                "e.g. menu: ../../menus/norway.yaml (relative to this call file)",
            )
            return None, None
        resolved = Path(os.path.normpath(folder / value.strip()))
        if not resolved.is_file():
            self.add(
                where,
                f"menu file {value.strip()!r} not found (looked for {resolved})",
                "the menu path is relative to the call file's folder",
            )
            return None, None
        start = root.get("start")
        if "start" in root and not (isinstance(start, str) and start.strip()):
            self.add(
                where_of(root, "start", root.where),
                f"'start' must name where calls begin, not {describe(start)}",
                "a FreeSWITCH menu, an Asterisk context, a VoiceXML dialog or a node id",
            )
            return str(resolved), None
        try:
            return str(resolved), load_menu(resolved, start.strip() if start else None)
        except MenuErrors as exc:
            self.problems.errors += exc.errors
        except MenuError as exc:
            self.problems.errors.append(exc)
        return str(resolved), None

    # -- calls ----------------------------------------------------------------------
    def calls(self, root: YMap, menu: Menu | None) -> list[ScriptedCall]:
        found = self.read.items(
            root,
            "calls",
            "a list of calls",
            "write each call as a list item: - name: ...",
            "add at least one call with a name and steps",
        )
        if found is None:
            return []
        value, where = found
        out: list[ScriptedCall] = []
        names: dict[str, Location] = {}
        for index, item in enumerate(value):
            item_where = where_of(value, index, where)
            call = self.call(item, item_where, index + 1, menu)
            if call is None:
                continue
            if call.name in names:
                first = names[call.name]
                self.add(
                    call.where,
                    f"duplicate call name {call.name!r} (first used at line {first.line})",
                    "give every call its own name; reports and JUnit refer to calls by name",
                )
                continue
            names[call.name] = call.where
            out.append(call)
        return out

    def call(
        self, item: Any, where: Location, number: int, menu: Menu | None
    ) -> ScriptedCall | None:
        what = f"call {number}"
        m = self.read.mapping(item, where, what)
        if m is None:
            return None
        name = self.read.string(m, "name", what)
        if name is not None:
            what = f"call {name!r}"
        self.read.check_keys(m, CALL_KEYS, what, required=("name", "steps"))
        lang = self.read.string(m, "lang", what)
        if lang is not None and menu is not None and lang not in menu.languages:
            self.add(
                where_of(m, "lang", m.where),
                f"{what}: language {lang!r} is not one of the menu's languages",
                "use one of " + ", ".join(menu.languages),
            )
        at = self.read.time(m, what)
        audio = self.read.boolean(m, "audio", what)
        noise = self.read.number(m, "noise_db", what, -20, 100)
        voice = self.read.string(m, "caller_voice", what)
        self.read.string(m, "description", what)
        steps = self.step_reader.steps(m, what, menu)
        if name is None or not steps:
            return None
        name_where = where_of(m, "name", m.where)
        return ScriptedCall(name, tuple(steps), name_where, lang, at, bool(audio), noise, voice)


def load_call_files(paths: list[str]) -> list[LoadedFile]:
    """Load every call file under ``paths``; all problems of all files are reported together."""
    files = find_call_files(paths)
    if not files:
        raise IvrError(
            f"no call files (*{CALL_FILE_SUFFIX}) found in {', '.join(paths) or 'nothing'}",
            f"name call files like police{CALL_FILE_SUFFIX}, or give their paths",
        )
    loaded: list[LoadedFile] = []
    errors: list[MenuError] = []
    for path in files:
        try:
            loaded.append(load_call_file(path))
        except MenuErrors as exc:
            errors += exc.errors
        except MenuError as exc:
            errors.append(exc)
    if errors:
        order = {path: i for i, path in enumerate(files)}
        grouped = MenuErrors(errors)
        # MenuErrors sorts by line only; keep the files in the order they were given
        grouped.errors = sorted(
            errors, key=lambda e: (order.get(e.where.file, -1), e.where.line, e.where.col)
        )
        raise grouped
    return loaded
