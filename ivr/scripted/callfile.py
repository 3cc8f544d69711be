"""Reading ``*.calls.yaml`` files strictly, reporting every problem with its place.

A call file is checked against its menu when it is loaded (node ids, service
numbers, languages), because a typo in an expectation would otherwise show up
as a confusing test failure, or worse, as a test that can never fail.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.errors import IvrError, Location, MenuError, MenuErrors
from ivr.events import PHONE_KEYS
from ivr.fields import Problems, Reader, as_written, describe, did_you_mean, key_where, where_of
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.scripted.model import STEP_KINDS, CallFile, CallStep, ScriptedCall
from ivr.yamlsrc import YMap, YSeq, load_yaml, read_text

CALL_FILE_SUFFIX = ".calls.yaml"
FILE_KEYS = ("menu", "calls")
CALL_KEYS = ("name", "steps", "lang", "at", "audio", "noise_db", "caller_voice", "description")
MAX_SILENCE = 3600.0


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
    reader.read.check_keys(root, FILE_KEYS, "the call file", required=FILE_KEYS)
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
        self.folder = folder
        self.lines = text.splitlines()
        self.problems = problems
        self.read = Reader(problems)

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
        try:
            return str(resolved), load_menu(resolved)
        except MenuErrors as exc:
            self.problems.errors += exc.errors
        except MenuError as exc:
            self.problems.errors.append(exc)
        return str(resolved), None

    # -- calls ----------------------------------------------------------------------
    def calls(self, root: YMap, menu: Menu | None) -> list[ScriptedCall]:
        if "calls" not in root:
            return []
        value = root["calls"]
        where = where_of(root, "calls", root.where)
        if not isinstance(value, YSeq):
            self.add(
                where,
                f"'calls' must be a list of calls, not {describe(value)}",
                "write each call as a list item: - name: ...",
            )
            return []
        if not value:
            self.add(where, "'calls' is empty", "add at least one call with a name and steps")
            return []
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
        steps = self.steps(m, what, menu)
        if name is None or not steps:
            return None
        name_where = where_of(m, "name", m.where)
        return ScriptedCall(name, tuple(steps), name_where, lang, at, bool(audio), noise, voice)

    # -- steps ----------------------------------------------------------------------
    def steps(self, m: YMap, what: str, menu: Menu | None) -> list[CallStep]:
        if "steps" not in m:
            return []
        value = m["steps"]
        where = where_of(m, "steps", m.where)
        if not isinstance(value, YSeq):
            self.add(
                where,
                f"{what}: 'steps' must be a list, not {describe(value)}",
                'write each step as a list item: - press: "1"',
            )
            return []
        if not value:
            self.add(where, f"{what}: 'steps' is empty", 'add steps like - press: "1"')
            return []
        out: list[CallStep] = []
        for index, item in enumerate(value):
            step = self.step(item, where_of(value, index, where), f"{what} step {index + 1}", menu)
            if step is not None:
                out.append(step)
        return out if len(out) == len(value) else []

    def step(self, item: Any, where: Location, what: str, menu: Menu | None) -> CallStep | None:
        if not isinstance(item, YMap) or len(item) != 1:
            shown = f"{len(item)} keys" if isinstance(item, YMap) else describe(item)
            self.add(
                where,
                f"{what} must be a mapping with exactly one key, not {shown}",
                'e.g. - press: "12#"; put each action or expectation in its own step',
            )
            return None
        kind = next(iter(item))
        value = item[kind]
        kwhere = key_where(item, kind)
        vwhere = where_of(item, kind, where)
        if kind not in STEP_KINDS:
            self.add(
                kwhere,
                f"unknown step {kind!r} in {what}",
                did_you_mean(str(kind), list(STEP_KINDS))
                + "allowed steps: "
                + ", ".join(STEP_KINDS),
            )
            return None
        checker = getattr(self, f"_{kind}")
        result: CallStep | None = checker(value, vwhere, what, menu)
        return result

    def _text(self, kind: str, value: Any, where: Location, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.add(
            where,
            f"{what}: {kind} must be text, not {describe(value)}",
            f'e.g. {kind}: "some words"',
        )
        return None

    def _press(self, value: Any, where: Location, what: str, menu: Menu | None) -> CallStep | None:
        if isinstance(value, int) and not isinstance(value, bool):
            raw = as_written(self.lines, where)
            if raw != str(value):
                self.add(
                    where,
                    f"{what}: press {raw or value} was read by YAML as the number {value}",
                    f'quote the keys: press: "{raw or value}"',
                )
                return None
            value = str(value)
        if not isinstance(value, str) or not value:
            self.add(
                where,
                f"{what}: press must be phone keys, not {describe(value)}",
                'e.g. press: "12#" (quote keys with * or #)',
            )
            return None
        keys = value.replace(" ", "")
        bad = [k for k in keys if k not in PHONE_KEYS]
        if bad or not keys:
            self.add(
                where,
                f"{what}: press {value!r}: {bad[0] if bad else 'nothing'!r} is not a phone key",
                "use 0-9, * and #",
            )
            return None
        return CallStep("press", keys, where)

    def _say(self, value: Any, where: Location, what: str, menu: Menu | None) -> CallStep | None:
        text = self._text("say", value, where, what)
        return None if text is None else CallStep("say", text, where)

    def _play(self, value: Any, where: Location, what: str, menu: Menu | None) -> CallStep | None:
        """A recording, relative to the call file's folder: read now, so a missing or
        broken file is reported with its line like every other mistake."""
        text = self._text("play", value, where, what)
        if text is None:
            return None
        resolved = os.path.normpath(self.folder / text)
        if not os.path.lexists(resolved):
            self.add(
                where,
                f"{what}: recording {text!r} not found (looked for {resolved})",
                "a play path is relative to the call file's folder",
            )
            return None
        try:
            from ivr.audio.files import DecoderMissingError, read_audio
        except ImportError:  # no numpy: the call is unavailable when run, not malformed
            return CallStep("play", text, where, file=resolved)
        try:
            read_audio(resolved)
        except DecoderMissingError:
            pass  # the same: nothing here decodes it, which the run reports
        except IvrError as exc:
            reason = getattr(exc, "reason", exc.message)
            self.add(where, f"{what}: play {text!r} {reason}", exc.hint)
            return None
        return CallStep("play", text, where, file=resolved)

    def _silence(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and 0 <= value <= MAX_SILENCE
        ):
            return CallStep("silence", f"{float(value):g}", where)
        self.add(
            where,
            f"{what}: silence must be a number of seconds from 0 to "
            f"{MAX_SILENCE:g}, not {describe(value)}",
            "e.g. silence: 6",
        )
        return None

    def _hangup(self, value: Any, where: Location, what: str, menu: Menu | None) -> CallStep | None:
        if value is True:
            return CallStep("hangup", "true", where)
        self.add(
            where,
            f"{what}: hangup must be true, not {describe(value)}",
            "write hangup: true to put the phone down",
        )
        return None

    def _expect_prompt(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_prompt", value, where, what)
        return None if text is None else CallStep("expect_prompt", text, where)

    def _expect_prompt_regex(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_prompt_regex", value, where, what)
        if text is None:
            return None
        try:
            re.compile(text)
        except re.error as exc:
            self.add(
                where,
                f"{what}: expect_prompt_regex {text!r} is not a valid regular "
                f"expression: {exc.msg}",
                "check the brackets and escape special characters with a backslash",
            )
            return None
        return CallStep("expect_prompt_regex", text, where)

    def _expect_route(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_route", value, where, what)
        if text is None:
            return None
        digits = text.replace(" ", "")
        if not digits.isdigit() or not digits.isascii():
            self.add(
                where,
                f"{what}: expect_route {text!r} must be a phone number (digits, spaces allowed)",
                'e.g. expect_route: "116 117"',
            )
            return None
        if menu is not None:
            numbers = {s.number: s.display for s in menu.services.values()}
            if digits not in numbers:
                self.add(
                    where,
                    f"{what}: no service of the menu has the number {text!r}",
                    "the menu's numbers are " + ", ".join(numbers.values()),
                )
                return None
        return CallStep("expect_route", digits, where)

    def _expect_node(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_node", value, where, what)
        if text is None:
            return None
        if menu is not None and text not in menu.nodes:
            self.add(
                where,
                f"{what}: the menu has no node {text!r}",
                did_you_mean(text, list(menu.nodes)) + "nodes: " + ", ".join(menu.nodes),
            )
            return None
        return CallStep("expect_node", text, where)

    def _expect_service(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_service", value, where, what)
        if text is None:
            return None
        if menu is not None and text not in menu.services:
            self.add(
                where,
                f"{what}: the menu has no service {text!r}",
                did_you_mean(text, list(menu.services)) + "services: " + ", ".join(menu.services),
            )
            return None
        return CallStep("expect_service", text, where)

    def _expect_hangup(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        if isinstance(value, bool):
            return CallStep("expect_hangup", str(value).lower(), where, flag=value)
        self.add(
            where,
            f"{what}: expect_hangup must be true or false, not {describe(value)}",
            "write expect_hangup: true",
        )
        return None

    def _expect_outcome(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        outcomes = ("route", "hangup", "waiting")
        if isinstance(value, str) and value in outcomes:
            return CallStep("expect_outcome", value, where)
        self.add(
            where,
            f"{what}: expect_outcome must be one of {', '.join(outcomes)}, not {describe(value)}",
            "e.g. expect_outcome: waiting",
        )
        return None

    def _expect_transcript_contains(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_transcript_contains", value, where, what)
        return None if text is None else CallStep("expect_transcript_contains", text, where)

    def _expect_heard(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        text = self._text("expect_heard", value, where, what)
        return None if text is None else CallStep("expect_heard", text, where)


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
