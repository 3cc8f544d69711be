"""ivr's own escalation, recognised in the handlers an ivr export writes.

An ivr menu without handlers of its own escalates the same way at every node:
an apology and the short prompt, then the apology, the full prompt and the
help, then its ``on_max_failures``; a wrong key and an utterance not
understood get different apologies. ``ivr export`` writes exactly that as
``<noinput>``/``<nomatch>`` by count (the two apologies split on
``application.lastresult$.inputmode``, VoiceXML 2.0 5.1.5). A dialog whose
handlers are exactly that shape, with the same apologies as every other such
dialog, is read back as that escalation rather than as handlers, so the
distinction between the two apologies (which handlers cannot make) survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ivr.pbx.voicexml import catches
from ivr.pbx.voicexml.flow import Scope, Tail
from ivr.pbx.voicexml.xmltree import XNode

if TYPE_CHECKING:
    from ivr.pbx.voicexml.compile import Compiler

BY_KEY = "application.lastresult$.inputmode == 'dtmf'"


@dataclass(frozen=True)
class Ladder:
    no_input: str
    no_match: str
    invalid_key: str
    max_no_input: int
    max_no_match: int
    give_up: tuple[tuple[str, Any], ...]

    def messages(self) -> tuple[str, str, str]:
        return self.no_input, self.no_match, self.invalid_key


def _kids(el: XNode) -> list[XNode | str]:
    return [k for k in el.children if isinstance(k, XNode) or k.strip()]


def _spoken(c: Compiler, el: XNode | str) -> str | None:
    if isinstance(el, XNode) and el.tag == "prompt":
        return c.speech.text([el])
    return None


def _apologies(c: Compiler, el: XNode | str) -> tuple[str, str] | None:
    """(by key, spoken) from one prompt, or from the split on the input mode."""
    said = _spoken(c, el)
    if said is not None:
        return said, said
    if (
        not isinstance(el, XNode)
        or el.tag != "if"
        or " ".join((el.get("cond") or "").split()) != BY_KEY
    ):
        return None
    kids = _kids(el)
    if len(kids) != 3 or not isinstance(kids[1], XNode) or kids[1].tag != "else":
        return None
    key, spoken = _spoken(c, kids[0]), _spoken(c, kids[2])
    return (key, spoken) if key is not None and spoken is not None else None


def _rung(
    c: Compiler, event: str, handlers: list[tuple[int, XNode]], prompt: str, help_text: str
) -> tuple[tuple[str, str], int, XNode] | None:
    """The apologies, the limit and the giving-up handler of one event's ladder."""
    counts = [n for n, _ in handlers]
    most = counts[-1] if counts else 0
    if most < 1 or counts != sorted({1, 2, most} & set(range(1, most + 1))):
        return None
    apology: tuple[str, str] | None = None
    for count, el in handlers[:-1]:
        kids = _kids(el)
        found = _apologies(c, kids[0]) if kids else None
        if found is None or (apology is not None and found != apology):
            return None
        apology = found
        rest = [_spoken(c, k) for k in kids[1:]]
        if count == 1:
            if not (len(kids) == 2 and isinstance(kids[1], XNode) and kids[1].tag == "reprompt"):
                return None
        elif rest != [prompt, *([help_text] if help_text else [])]:
            return None
    if apology is None:
        apology = ("", "")
    return apology, most, handlers[-1][1]


def recognise(
    c: Compiler,
    nid: str,
    owner: XNode,
    chain: list[XNode],
    texts: tuple[str, str],
    scope: Scope | None,
    tail: Tail | None,
) -> Ladder | None:
    """The escalation ``owner``'s handlers write, if they are ivr's; else None."""
    prompt, help_text = texts
    found = []
    for event in ("noinput", "nomatch"):
        if any(catches.by_count(event, chain[1:], c.warn)):
            return None  # a form's or the document's handlers take part
        rung = _rung(c, event, catches.by_count(event, [owner], c.warn), prompt, help_text)
        if rung is None:
            return None
        found.append(rung)
    (no_input, _), max_in, give_in = found[0]
    (invalid_key, no_match), max_match, give_match = found[1]
    inner = Scope(chain, scope.items if scope is not None else {}, handler_node=nid)
    after: Tail = tail or (lambda cleared: {"goto": nid})
    actions = [
        c.flow.run(list(g.children), {}, inner, after, g.line) for g in (give_in, give_match)
    ]
    if actions[0] != actions[1] or not set(actions[0]) & {"goto", "route", "do"}:
        return None
    give_up = tuple(actions[0].items())
    return Ladder(no_input, no_match, invalid_key, max_in, max_match, give_up)
