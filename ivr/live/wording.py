"""The caller's side of a live call in words a person reads at a glance.

A bare recogniser confidence ("(0.36)") means nothing to a caller; what matters
is what the menu does with it, so the line says that: heard and sure, heard but
not sure (and asking), or too unsure to act on. A key held back by the dial plan
looks like a frozen terminal unless the line says it is waiting and why.
"""

from __future__ import annotations

from collections.abc import Iterable

from ivr.model import Settings


def heard_line(text: str, confidence: float, settings: Settings, asked: bool) -> str:
    """What the caller's line shows for one recognised utterance; ``asked`` is whether
    the menu answered with a question ("Did you say ...?")."""
    if not text.strip():
        return "(nothing I could make out)"
    if confidence < settings.reject_below:
        return f"heard '{text}'? too unsure to act on it"
    if confidence < settings.confirm_below:
        return f"heard '{text}', not sure: asking" if asked else f"heard '{text}', not sure"
    return text


def waiting_line(held: str, numbers: Iterable[str]) -> str:
    """The status while keys are held in case they become a shortcut number."""
    could = sorted(n for n in numbers if n.startswith(held) and n != held)
    if not could:
        return f"{held} ... waiting for more digits"
    listed = could[0] if len(could) == 1 else f"{', '.join(could[:-1])} or {could[-1]}"
    return f"{held} ... waiting in case you dial {listed}"
