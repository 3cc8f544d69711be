"""Words for results: a line per call, a failure report, a summary.

The failure report is the one thing a person reads when a call breaks, so it
says which call and step (with ``FILE:LINE:COL`` an editor can jump to), what
was expected, what happened, and the conversation up to that point.
"""

from __future__ import annotations

from collections.abc import Sequence

from ivr.scripted.expect import Heard
from ivr.scripted.runner import ERROR, FAIL, CallOutcome, FileOutcome

STATUS_WORD = {"pass": "PASS", "fail": "FAIL", "error": "ERROR"}


def call_line(call: CallOutcome) -> str:
    mode = " [audio]" if call.audio else ""
    line = f"  {STATUS_WORD[call.status]:<5} {call.name}{mode}"
    if call.failure is not None:
        line += f"  (step {call.failure.step} at {call.failure.where})"
    elif call.error is not None:
        line += f"  ({call.error.splitlines()[0]})"
    return line


def transcript_text(call: CallOutcome, indent: str = "    ") -> str:
    said = {i: h for i, h in enumerate(call.heard)}
    lines: list[str] = []
    say_number = 0
    for line in call.transcript:
        if line.who == "ivr":
            lines.append(f"{indent}IVR     {line.text}")
            continue
        text = line.text
        heard = said.get(say_number) if line.kind == "say" else None
        if heard is not None and heard.played:
            text = (
                f'played {heard.said}, heard "{heard.heard}" ({heard.confidence:.2f}{_from(heard)})'
            )
        elif heard is not None and call.audio:
            text = (
                f'said "{heard.said}", heard "{heard.heard}" ({heard.confidence:.2f}{_from(heard)})'
            )
        if line.kind == "say":
            say_number += 1
        lines.append(f"{indent}CALLER  {text}")
    return "\n".join(lines)


def repr_quoted(text: str) -> str:
    return f'"{text}"'


def _from(heard: Heard) -> str:
    """ ", free transcript" for a transcript; nothing for a grammar phrase (the usual)."""
    return ", free transcript" if heard.source == "transcript" else ""


def failure_text(call: CallOutcome) -> str:
    """The full report of a failed or broken call."""
    head = f'{STATUS_WORD[call.status]}: call "{call.name}" ({call.where})'
    parts = [head]
    if call.failure is not None:
        f = call.failure
        parts += [
            f"  step {f.step} ({f.where}): {f.step_text}",
            f"  expected: {f.expected}",
            f"  got:      {f.got}",
        ]
    if call.error is not None:
        parts.append(f"  error: {call.error}")
    if call.heard and (call.audio or any(h.played for h in call.heard)):
        parts.append("  said vs heard:")
        parts += [
            f"    {'played' if h.played else 'said'} "
            f'{h.said if h.played else repr_quoted(h.said)} -> heard "{h.heard}" '
            f"({h.confidence:.2f}{_from(h)})"
            for h in call.heard
            if call.audio or h.played
        ]
    if call.notices:
        parts += [f"  note: {text}" for text in call.notices]
    if call.transcript:
        parts.append("  transcript so far:")
        parts.append(transcript_text(call))
    return "\n".join(parts)


def summary_line(files: Sequence[FileOutcome], wall_seconds: float) -> str:
    calls = [c for f in files for c in f.calls]
    failed = sum(1 for c in calls if c.status == FAIL)
    errors = sum(1 for c in calls if c.status == ERROR)
    passed = len(calls) - failed - errors
    noun = "call" if len(calls) == 1 else "calls"
    fnoun = "file" if len(files) == 1 else "files"
    text = f"{len(calls)} {noun} in {len(files)} {fnoun}: {passed} passed, {failed} failed"
    if errors:
        text += f", {errors} errors"
    return text + f" ({wall_seconds:.2f}s)"
