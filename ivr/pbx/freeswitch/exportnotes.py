"""What an export to FreeSWITCH leaves out or runs differently, one sentence each.

The sentences go to the export's README, so an administrator knows before a
caller does where the FreeSWITCH menus differ from the menu they came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from ivr.model import Handler, Menu


def general_notes(menu: Menu, lang: str) -> list[str]:
    """What any export of ``menu`` in ``lang`` cannot carry."""
    notes: list[str] = []
    others = [x for x in menu.languages if x != lang]
    if others:
        notes.append(f"Only {lang} is exported; export again with --lang for {', '.join(others)}.")
    if any(o.phrases.all() for n in menu.nodes.values() for o in n.options):
        notes.append(
            "Spoken answers (option words, free speech) are not exported: FreeSWITCH menus "
            "take keys only."
        )
    notes.append(
        "FreeSWITCH says nothing after a timeout and then plays greet-short; the no-input "
        "apology and the escalation to the full prompt and help are not exported."
    )
    lens = [len(menu.services[s].number) for s in menu.shortcuts]
    lens += [n.collect.max_digits for n in menu.nodes.values() if n.collect is not None]
    if any(n > 1 for n in lens):
        notes.append(
            "Where a menu takes longer entries (shortcuts, numbers), FreeSWITCH waits the "
            "inter-digit timeout (or #) after a single key before acting on it; keys meant "
            "for two menus must not be typed together."
        )
    if menu.variables:
        notes.append("Call variables (variables:) are not exported; set them in the dialplan.")
    return notes


def handlers_like_freeswitch(handlers: Sequence[Handler]) -> bool:
    """Handlers FreeSWITCH runs as they are: the same words and the greeting again each
    time, then at the last count the action that ends the menu (what an import of a
    FreeSWITCH menu writes)."""
    if not handlers:
        return True
    *repeats, last = handlers
    return last.action is not None and all(h.reprompt and h.action is None for h in repeats)
