"""What a call file says, once it has been read and checked.

Plain frozen dataclasses (no YAML types, no menu objects) so a loaded call can
be sent to a worker process as is and compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ivr.errors import Location

#: Steps that act on the call (what a caller does), in the order of the issue.
ACTION_STEPS = ("press", "say", "play", "silence", "hangup")

#: Steps that check the call; they never change it.
EXPECT_STEPS = (
    "expect_prompt",
    "expect_prompt_regex",
    "expect_route",
    "expect_target",
    "expect_node",
    "expect_hangup",
    "expect_outcome",
    "expect_service",
    "expect_transcript_contains",
    "expect_heard",
)

STEP_KINDS = ACTION_STEPS + EXPECT_STEPS


@dataclass(frozen=True)
class CallStep:
    """One step. ``value`` is normalised: keys as text, seconds as text, routes as digits;
    a recording (``play``) as written, with ``file`` its path from the call file's folder."""

    kind: str
    value: str
    where: Location
    flag: bool = True  # for expect_hangup: true/false
    file: str | None = None  # for play: the recording, resolved

    @property
    def is_action(self) -> bool:
        return self.kind in ACTION_STEPS

    def describe(self) -> str:
        """The step as its author wrote it, for failure messages."""
        if self.kind == "expect_hangup":
            return f"expect_hangup: {'true' if self.flag else 'false'}"
        if self.kind == "silence":
            return f"silence: {self.value}"
        if self.kind == "hangup":
            return "hangup: true"
        return f"{self.kind}: {self.value!r}"


@dataclass(frozen=True)
class ScriptedCall:
    name: str
    steps: tuple[CallStep, ...]
    where: Location
    lang: str | None = None
    at: datetime | None = None
    audio: bool = False
    noise_db: float | None = None
    caller_voice: str | None = None


@dataclass(frozen=True)
class CallFile:
    path: str  # as given (used in messages)
    menu_path: str  # resolved against the call file's folder
    calls: tuple[ScriptedCall, ...]
    where: Location
