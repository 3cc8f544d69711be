"""One FreeSWITCH ``<menu>`` as one ivr node (see ``compile`` for the semantics).

The attributes are read as ``switch_ivr_menu_stack_xml_build`` and
``switch_ivr_menu_init`` read them: numbers with C's ``atoi`` (``"10s"`` is
10, ``"abc"`` is 0, said in a warning), zero or absent meaning the default.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ivr.pbx.freeswitch.config import ACTIONS, Entry, FsMenu
from ivr.pbx.freeswitch.prompts import Prompts
from ivr.pbx.freeswitch.regex import split_slashes, whole_entry_regex
from ivr.pbx.freeswitch.steps import Action, Step, StepMaker, captures_to_vars, merge, with_extras
from ivr.pbx.yamlout import Commented

#: Attributes ``switch_ivr_menu_stack_xml_build`` reads; others are ignored by FreeSWITCH.
_ATTR_NAMES = """
    name greet-long greet-short invalid-sound exit-sound transfer-sound timeout max-failures
    max-timeouts exec-on-max-failures exec-on-max-timeouts confirm-macro confirm-key tts-engine
    tts-voice confirm-attempts digit-len inter-digit-timeout pin pin-file bad-pin-file"""
KNOWN_ATTRS = frozenset(_ATTR_NAMES.split())
KEYS = "0123456789*#"
#: The simulator's ranges for timeouts (seconds) and handler counts.
NO_INPUT_RANGE = (0.5, 120.0)
INTER_DIGIT_RANGE = (0.2, 30.0)
MAX_COUNT = 100
MAX_DIGITS = 32
MAX_PATTERN = 200
#: A pattern that matches nothing: a menu without entries takes every entry as wrong.
NOTHING = "/(?!)/"
_ATOI = re.compile(r"^\s*([-+]?\d*)")


@dataclass(frozen=True)
class Timing:
    timeout_ms: int
    inter_ms: int
    max_failures: int
    max_timeouts: int
    digit_len: int


class NodeMaker:
    """Builds node documents; ``warn(line, text)`` records what differs."""

    def __init__(self, steps: StepMaker, prompts: Prompts, warn: Callable[[int, str], None]):
        self.steps = steps
        self.prompts = prompts
        self.warn = warn
        self.file = steps.file

    def node(self, menu: FsMenu) -> dict[str, Any]:
        self._attribute_warnings(menu)
        timing = self._timing(menu)
        has_long = bool(menu.attr("greet-long"))
        has_short = bool(menu.attr("greet-short"))
        long_text = self.prompts.text(menu.attr("greet-long"))
        short_text = self.prompts.text(menu.attr("greet-short"))
        choices, length = self._choices(menu, timing.digit_len)
        fail = self._give_up(menu, "exec-on-max-failures")
        if not has_long and not has_short:
            self.warn(
                menu.line,
                f"menu {menu.name!r} has no greet-long: FreeSWITCH never listens there, it "
                "counts max-failures failures and leaves; so does the simulator",
            )
            return {"branch": [Commented({"otherwise": True, **fail}, self._at(menu.line))]}
        if length == 0:
            self.warn(
                menu.line,
                f"menu {menu.name!r} has no digit-len and no literal entry: FreeSWITCH collects "
                "no digits there (it plays the greeting max-failures times and leaves); so does "
                "the simulator",
            )
            repeats = [short_text or long_text] * (timing.max_failures - 1)
            rule = with_extras(fail, " ".join([*repeats, fail.pop("say", "")]).strip(), {})
            body = {"otherwise": True, **rule}
            return {"prompt": long_text or "...", "branch": [Commented(body, self._at(menu.line))]}
        if not has_long:
            self.warn(
                menu.line_of("greet-short"),
                f"menu {menu.name!r} has no greet-long: FreeSWITCH counts one failure before it "
                "first plays greet-short; the simulator starts with greet-short",
            )
        node: dict[str, Any] = {"prompt": (long_text if has_long else short_text) or "..."}
        if has_short and short_text and has_long:
            node["short_prompt"] = short_text
        node["settings"] = {
            "no_input_timeout": self._seconds(menu, "timeout", timing.timeout_ms, NO_INPUT_RANGE),
            "inter_digit_timeout": self._seconds(
                menu, "inter-digit-timeout", timing.inter_ms, INTER_DIGIT_RANGE
            ),
            "max_no_input": 0,
            "max_no_match": 0,
        }
        node.update(choices)
        invalid = self.prompts.text(menu.attr("invalid-sound"))
        timeout_fail = self._give_up(menu, "exec-on-max-timeouts")
        node["on_no_input"] = self._handlers(menu, "", timing.max_timeouts, timeout_fail)
        node["on_no_match"] = self._handlers(menu, invalid, timing.max_failures, fail)
        return node

    def _at(self, line: int) -> str:
        return f"{self.file}:{line}"

    # -- entries -----------------------------------------------------------------
    def _choices(self, menu: FsMenu, digit_len: int) -> tuple[dict[str, Any], int]:
        """``options`` (single keys) or ``collect``, and the digits FreeSWITCH collects."""
        length = max(0, digit_len)
        literal: dict[str, list[tuple[Entry, Step]]] = {}
        patterns: dict[str, list[tuple[Entry, Step]]] = {}  # by the expression as written
        regexes: dict[str, str] = {}
        for entry in menu.entries:
            if entry.action not in ACTIONS or not entry.digits:
                continue  # refused: the compiler reports it
            if entry.digits.startswith("/"):
                regex = regexes.get(entry.digits) or self._regex(entry)
                if regex is not None:
                    regexes[entry.digits] = regex
                    step = self._step(menu, entry, captures_to_vars(entry.param))
                    patterns.setdefault(entry.digits, []).append((entry, step))
                continue
            length = max(length, len(entry.digits))  # switch_ivr_menu_bind_action
            if any(c not in KEYS for c in entry.digits):
                self.warn(
                    entry.line,
                    f"digits {entry.digits!r}: no key sequence can enter it (FreeSWITCH menus "
                    "match /regular expressions/ only; this one is literal); dropped",
                )
                continue
            literal.setdefault(entry.digits, []).append(
                (entry, self._step(menu, entry, entry.param))
            )
        actions = {digits: self._merged(group) for digits, group in literal.items()}
        self._overlaps(literal, [(g[0][0], regexes[d]) for d, g in patterns.items()])
        if length > MAX_DIGITS:
            self.warn(menu.line, f"{length} digits: the simulator collects at most {MAX_DIGITS}")
            length = MAX_DIGITS
        if length <= 1 and not patterns and actions:
            options = [
                Commented({"key": digits, **action}, self._at(literal[digits][0][0].line))
                for digits, action in actions.items()
            ]
            return {"options": options}, length
        collect: dict[str, Any] = {"max_digits": max(1, length), "terminator": "#"}
        if any("#" in digits for digits in actions):
            collect["terminator"] = "none"
            self.warn(
                next(g[0][0].line for d, g in literal.items() if "#" in d),
                "an entry with '#': FreeSWITCH takes # as a digit only while the greeting "
                "plays (after it, # ends the entry); the simulator always takes it as a digit",
            )
        if actions:
            collect["entries"] = {
                digits: Commented(action, self._at(literal[digits][0][0].line))
                for digits, action in actions.items()
            }
        if patterns:
            collect["patterns"] = [
                Commented({"match": f"/{regexes[d]}/", **self._merged(g)}, self._at(g[0][0].line))
                for d, g in patterns.items()
            ]
        if not actions and not patterns:
            self.warn(menu.line, f"menu {menu.name!r} has no entries: every entry is wrong")
            collect["patterns"] = [{"match": NOTHING, "do": "repeat"}]
        return {"collect": collect}, length

    def _step(self, menu: FsMenu, entry: Entry, param: str) -> Step:
        return self.steps.entry(menu, entry.action, param, entry.line)

    def _merged(self, group: list[tuple[Entry, Step]]) -> Action:
        """Entries on the same digits, run in turn as FreeSWITCH does."""
        leaves = [i for i, (_, step) in enumerate(group) if step.action is not None]
        if leaves and leaves[0] < len(group) - 1:
            first = group[leaves[0]][0]
            for entry, _ in group[leaves[0] + 1 :]:
                self.warn(
                    entry.line,
                    f"entry on {entry.digits!r} never runs: the call has left the menu by the "
                    f"entry at line {first.line}",
                )
        return merge([step for _, step in group])

    def _regex(self, entry: Entry) -> str | None:
        parts = split_slashes(entry.digits)
        if parts is None:
            self.warn(
                entry.line,
                f"digits {entry.digits!r}: no closing '/'; FreeSWITCH logs an error and never "
                "matches it; dropped",
            )
            return None
        regex = whole_entry_regex(*parts)
        try:
            re.compile(regex)
        except re.error as exc:
            self.warn(entry.line, f"digits {entry.digits!r}: {exc}; never matches, dropped")
            return None
        if len(regex) + 2 > MAX_PATTERN:
            self.warn(
                entry.line,
                f"digits {entry.digits!r}: longer than the simulator's {MAX_PATTERN} "
                "characters; dropped",
            )
            return None
        return regex

    def _overlaps(
        self, literal: dict[str, list[tuple[Entry, Step]]], patterns: list[tuple[Entry, str]]
    ) -> None:
        for digits, group in literal.items():
            for entry, regex in patterns:
                if re.fullmatch(regex, digits):
                    self.warn(
                        max(entry.line, group[0][0].line),
                        f"{digits!r} (line {group[0][0].line}) and {entry.digits} (line "
                        f"{entry.line}) both match {digits!r}: FreeSWITCH runs both in turn; "
                        "the simulator runs only the exact entry",
                    )

    # -- failures ----------------------------------------------------------------
    def _give_up(self, menu: FsMenu, attr: str) -> Action:
        """What ends the menu after too many failures: ``exec-on-max-*`` then leaving."""
        leave = {"do": "exit"}
        say = self.steps.exit_sound(menu)
        param = menu.attr(attr)
        if not param:
            return with_extras(leave, say, {})
        step = self.steps.app(menu, param, menu.line_of(attr), on_max=True)
        if step.action is not None:
            return with_extras(step.action, step.say, dict(step.sets))
        return with_extras(leave, " ".join(x for x in (step.say, say) if x), dict(step.sets))

    def _handlers(
        self, menu: FsMenu, sound: str, limit: int, fail: Action
    ) -> list[Commented | dict[str, Any]]:
        handlers: list[Commented | dict[str, Any]] = []
        if limit > 1:
            again: dict[str, Any] = {"count": 1}
            if sound:
                again["say"] = sound
            again["reprompt"] = True
            handlers.append(again)
        last: dict[str, Any] = {"count": min(limit, MAX_COUNT)}
        action = dict(fail)
        say = " ".join(x for x in (sound, action.pop("say", "")) if x)
        if say:
            last["say"] = say
        last.update(action)
        handlers.append(last)
        return handlers

    # -- numbers -----------------------------------------------------------------
    def _timing(self, menu: FsMenu) -> Timing:
        timeout = self._int(menu, "timeout")
        inter = self._int(menu, "inter-digit-timeout")
        if inter == 0:
            inter = timeout // 2  # switch_ivr_menu_init, before timeout gets its default
        if timeout <= 0:
            timeout = 10000
        if inter <= 0:  # collect_digits_count then waits the first-digit timeout
            inter = timeout
        failures = self._int(menu, "max-failures")
        timeouts = self._int(menu, "max-timeouts") if menu.attr("max-timeouts") else failures
        failures = failures if failures > 0 else 3
        timeouts = timeouts if timeouts > 0 else 3
        for key, value in (("max-failures", failures), ("max-timeouts", timeouts)):
            if value > MAX_COUNT:
                self.warn(menu.line_of(key), f"{key}={value}: the simulator stops at {MAX_COUNT}")
        return Timing(timeout, inter, failures, timeouts, self._int(menu, "digit-len"))

    def _int(self, menu: FsMenu, key: str) -> int:
        raw = menu.attr(key)
        if raw is None or not raw.strip():
            return 0
        match = _ATOI.match(raw)
        digits = match.group(1) if match else ""
        value = int(digits) if digits.lstrip("+-") else 0
        if raw.strip() != digits or not digits.lstrip("+-"):
            self.warn(
                menu.line_of(key),
                f'{key}="{raw}": not a whole number; FreeSWITCH reads it as {value}, and so '
                "does the simulator",
            )
        return value

    def _seconds(self, menu: FsMenu, key: str, ms: int, bounds: tuple[float, float]) -> float:
        seconds = ms / 1000
        low, high = bounds
        if not low <= seconds <= high:
            clamped = min(max(seconds, low), high)
            self.warn(
                menu.line_of(key),
                f"{key} of {seconds:g} s: the simulator uses {clamped:g} s "
                f"(its range is {low:g} to {high:g})",
            )
            seconds = clamped
        return int(seconds) if seconds == int(seconds) else seconds

    def _attribute_warnings(self, menu: FsMenu) -> None:
        for key in menu.attrs:
            if key not in KNOWN_ATTRS:
                self.warn(
                    menu.line_of(key),
                    f"attribute {key!r}: FreeSWITCH ignores it, so does the simulator",
                )
        if menu.attr("confirm-macro"):
            self.warn(
                menu.line_of("confirm-macro"),
                "confirm-macro: the simulator does not ask the caller to confirm an entry; "
                "entries are taken as keyed",
            )
        if menu.attr("pin"):
            self.warn(
                menu.line_of("pin"),
                "pin: the simulator does not ask for the PIN before the menu",
            )
