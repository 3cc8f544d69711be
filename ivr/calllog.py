"""The call log: one JSON shape for a call, however it was made.

``ivr call --json`` prints it and ``ivr run --record`` saves it as
``transcript.json``, so a recorded live call is read as a scripted one is.
It is ``call_result`` (outcome, route, service, nodes, reason, and the
transcript: the caller's words as the menu took them, never a confidence
inside the text), then

- ``heard``: each utterance a recogniser heard, in order: ``said`` (the words
  a synthetic caller spoke, the recording played, or the WAV file a recorded
  call saved the utterance to), ``heard``, ``confidence`` and ``source``
  (``grammar``: one phrase of the node's grammar; ``transcript``: a free
  transcript of a described need);
- ``notices``: what the system itself told the caller, each line once.

``ivr call`` adds ``unused_steps``; a recorded call adds ``recording`` (the WAV
files and where each utterance sits in them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ivr.calls import Recognised, call_result
from ivr.session import Session


@dataclass(frozen=True)
class HeardRow:
    """One utterance: what was said (or played) and what the recogniser made of it.

    ``played``: ``said`` names a recording (a file played, or the WAV a live
    call saved), not words; the text output says "played" rather than "said".
    """

    said: str
    heard: str
    confidence: float
    source: str
    played: bool = False
    #: Menu phrases the recogniser also found likely, which the menu may ask about.
    runners_up: tuple[str, ...] = ()

    @classmethod
    def of(cls, said: str, got: Recognised, played: bool) -> HeardRow:
        return cls(said, got.text, got.confidence, got.source, played, got.runners_up)

    def to_json(self) -> dict[str, Any]:
        """The row as ``--json`` shows it; ``runners_up`` only when there are some."""
        row: dict[str, Any] = {
            "said": self.said,
            "heard": self.heard,
            "confidence": round(self.confidence, 3),
            "source": self.source,
        }
        if self.runners_up:
            row["runners_up"] = list(self.runners_up)
        return row


class CallLog:
    """What a call's log holds beyond the session's own record: the utterances heard
    and the system's notices (each kept with its place in the transcript, so a
    front end can show it where it happened)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.heard: list[HeardRow] = []
        self.notices: list[tuple[int, str]] = []  # (transcript position, text)

    def hear(self, row: HeardRow) -> None:
        self.heard.append(row)

    def notice(self, text: str) -> None:
        """A notice, kept once however often it is given."""
        if all(text != said for _, said in self.notices):
            self.notices.append((len(self.session.transcript), text))

    def to_json(self, *, heard: bool = True) -> dict[str, Any]:
        """The log; ``heard=False`` leaves ``heard`` and ``notices`` out (a call in
        which nothing was recognised: typed words and keys only)."""
        result = call_result(self.session)
        if heard:
            result["heard"] = [row.to_json() for row in self.heard]
            result["notices"] = [text for _, text in self.notices]
        return result
