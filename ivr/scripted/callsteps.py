"""Reading the steps of a call in a ``*.calls.yaml`` file, one reader per kind of step.

Apart from the file-level reader (``ivr.scripted.callfile``: the menu, the calls,
their names and settings) because each kind of step has its own checks against
the menu (node ids, service numbers, recordings that must exist and decode), and
those grow with every new kind of step. Every problem is recorded with its place
rather than raised, so one run reports all the mistakes of a file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ivr.errors import IvrError, Location
from ivr.events import PHONE_KEYS
from ivr.fields import Problems, as_written, describe, did_you_mean, key_where, where_of
from ivr.model import Menu
from ivr.scripted.model import STEP_KINDS, CallStep
from ivr.yamlsrc import YMap, YSeq

MAX_SILENCE = 3600.0


class StepReader:
    """The steps of the calls of one file. ``lines``: the file's text, to tell keys YAML
    read as a number from keys written as one; ``folder``: where ``play`` paths start."""

    def __init__(self, lines: list[str], problems: Problems, folder: Path) -> None:
        self.lines = lines
        self.problems = problems
        self.folder = folder

    def add(self, where: Location, message: str, hint: str | None = None) -> None:
        self.problems.add(where, message, hint)

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
        # a PBX destination filled in when routed ("transfer ${1} XML features") may
        # route to any number
        open_numbers = menu is not None and any(
            s.templated or (s.target and not s.number) for s in menu.services.values()
        )
        if menu is not None and not open_numbers:
            numbers = {s.number: s.display for s in menu.services.values() if s.number}
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

    def _expect_target(
        self, value: Any, where: Location, what: str, menu: Menu | None
    ) -> CallStep | None:
        """The destination as a PBX menu wrote it, variables filled in."""
        text = self._text("expect_target", value, where, what)
        if text is None:
            return None
        return CallStep("expect_target", text.strip(), where)

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
