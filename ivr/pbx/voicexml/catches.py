"""Event handlers: which ``<catch>`` runs, compiled to ivr's handlers by count.

Followed: VoiceXML 2.0 section 5.2.2 (``<catch event count cond>``, the
``<noinput>``, ``<nomatch>``, ``<help>`` and ``<error>`` shorthands, a list
of events, and a name matching every event it is a prefix of), 5.2.4 (catch
element selection: the catches of the current element and every enclosing
one, innermost scope first and then in document order; of those matching the
event, the ones with the highest ``count`` not above the counter; the first of
them) and 5.2.5 (the platform's defaults: ``noinput`` reprompts silently,
``nomatch`` and ``help`` reprompt after a platform message, anything else
exits). ivr's ``on_no_input``/``on_no_match`` list runs "the handler with the
highest count not above the counter", so the first catch of each count over
all scopes is exactly VoiceXML's choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ivr.pbx.voicexml import script
from ivr.pbx.voicexml.xmltree import XNode

#: What the platform says on a nomatch or help with no handler of its own
#: (VoiceXML 2.0 5.2.5 leaves the words to the platform).
PLATFORM_NOMATCH = "Sorry, I did not understand."
PLATFORM_HELP = "Sorry, no help is available."
PLATFORM_DEFAULTS = {"nomatch": PLATFORM_NOMATCH, "help": PLATFORM_HELP}
WarnFn = Callable[[int, str], None]
_SHORTHANDS = {"noinput": "noinput", "nomatch": "nomatch", "help": "help", "error": "error"}


def events_of(el: XNode) -> list[str] | None:
    """The events a handler element catches; ``[]`` for all, None if not a handler."""
    if el.tag in _SHORTHANDS:
        return [_SHORTHANDS[el.tag]]
    if el.tag == "catch":
        return (el.get("event") or "").split()
    return None


def catches(event: str, el: XNode) -> bool:
    names = events_of(el)
    if names is None:
        return False
    if not names:
        return True
    return any(event == n or event.startswith(n + ".") for n in names)


def count_of(el: XNode) -> int:
    try:
        return max(1, int(el.get("count") or 1))
    except ValueError:
        return 1


def candidates(event: str, chain: list[XNode], warn: WarnFn) -> Iterator[XNode]:
    """Every handler in scope for ``event``, innermost scope first, in document order."""
    for owner in chain:
        for el in owner.elements():
            if not catches(event, el):
                continue
            cond = el.get("cond")
            if cond:
                try:
                    value = script.evaluate(script.parse(cond), {})
                except (script.Unsupported, LookupError):
                    warn(el.line, f"{el.tag} cond={cond!r}: not simulated; the handler is used")
                    yield el
                    continue
                if not script.truthy(value):
                    continue
            yield el


def by_count(event: str, chain: list[XNode], warn: WarnFn) -> list[tuple[int, XNode]]:
    """The handler VoiceXML picks at each count: the first one with that count."""
    chosen: dict[int, XNode] = {}
    for el in candidates(event, chain, warn):
        chosen.setdefault(count_of(el), el)
    return sorted(chosen.items(), key=lambda pair: pair[0])


def selected(event: str, chain: list[XNode], counter: int, warn: WarnFn) -> XNode | None:
    """The handler for ``event`` when its counter is ``counter`` (None: the default)."""
    best: tuple[int, XNode] | None = None
    for count, el in by_count(event, chain, warn):
        if count <= counter:
            best = (count, el)
    return best[1] if best is not None else None
