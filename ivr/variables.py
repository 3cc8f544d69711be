"""Call variables: ``${name}`` filled into texts and destinations, ``set:`` values
worked out, and the digits of a destination.

PBX menus keep state in variables (an Asterisk ``Read``, a FreeSWITCH regex
capture, a VoiceXML field); the session holds them in a plain dict and these
pure functions are the only place their small language is interpreted.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from ivr.model import BranchRule, LangText, Service, VarTest

_REF = re.compile(r"\$\{([A-Za-z0-9_]+)(?::(-?\d+)(?::(\d+))?)?\}")
_SUM = re.compile(r"^\s*(-?\d+)\s*([-+])\s*(-?\d+)\s*$")
_DIGITS = re.compile(r"^\+?[0-9]{3,15}$")


def fill(template: str, variables: dict[str, str]) -> str:
    """``template`` with each ``${name}`` (or Asterisk's ``${name:offset:length}``)
    replaced by the variable's value; an unset variable is ""."""
    if "${" not in template:
        return template

    def value(match: re.Match[str]) -> str:
        text = variables.get(match.group(1), "")
        if match.group(2) is not None:
            offset = int(match.group(2))
            text = text[offset:]
            if match.group(3) is not None:
                text = text[: int(match.group(3))]
        return text

    return _REF.sub(value, template)


def names_in(template: str) -> list[str]:
    """The variables a template fills in (``${1}``, ``${EXTEN:1}`` -> "1", "EXTEN")."""
    return [m.group(1) for m in _REF.finditer(template)]


def enter(
    variables: dict[str, str], into: str | None, digits: str, caught: re.Match[str] | None
) -> None:
    """What a digit entry sets: ``EXTEN``, the collect's ``into``, and a pattern's
    captures as ``1``, ``2``... (the session and ``ivr paths`` both use this)."""
    variables["EXTEN"] = digits
    if into:
        variables[into] = digits
    if caught is not None:
        for number, group in enumerate(caught.groups(), start=1):
            variables[str(number)] = group or ""


def evaluate(value: str, variables: dict[str, str]) -> str:
    """A ``set:`` value: filled in, and ``A+N`` / ``A-N`` of integers worked out
    (an unset counter counts from 0)."""
    text = fill(value, variables)
    if "${" in value:
        text = re.sub(r"^\s*(?=[-+])", "0", text)  # "${tries}+1" with tries unset
    match = _SUM.match(text)
    if match is None:
        return text
    a, sign, b = int(match.group(1)), match.group(2), int(match.group(3))
    return str(a + b if sign == "+" else a - b)


def route_digits(destination: str) -> str | None:
    """The digits of a destination when it is a number (``1005``, ``SIP/1005``,
    ``sip:1005@host``, ``tel:+4711``, ``transfer 1005 XML features``), else None."""
    text = destination.strip()
    words = text.split()
    candidates = [
        text,
        text.split("/")[-1].rstrip(")"),
        text.split(":", 1)[-1].split("@", 1)[0],
        words[1] if len(words) > 1 and words[0].lower() == "transfer" else "",
    ]
    if "(" in text and text.endswith(")"):  # Dial(SIP/100,20) -> SIP/100
        inner = text[text.index("(") + 1 : -1].split(",")[0]
        candidates += [inner.split("/")[-1], inner.split(":", 1)[-1].split("@", 1)[0]]
    for candidate in candidates:
        if _DIGITS.match(candidate):
            return candidate.lstrip("+")
    return None


def rule_holds(rule: BranchRule, now: datetime, variables: dict[str, str]) -> bool:
    """Whether a branch rule applies: ``otherwise`` always, a time window at ``now``,
    a variable test on the call's variables."""
    when = rule.when
    if when is None:
        return True
    if isinstance(when, VarTest):
        return when.holds(variables)
    return when.contains(now)


def filled_service(service: Service, variables: dict[str, str]) -> Service:
    """A PBX destination with the call's variables filled in: its target as routed,
    and its number (given, else the target's own digits; "" when it has none)."""
    target = fill(service.target, variables)
    if service.number and "${" in service.number:
        number = fill(service.number, variables)
        number = number if number.lstrip("+").isdigit() else ""
    elif service.number:
        number = service.number
    else:
        number = route_digits(target) or ""
    name = LangText(
        tuple((lang, fill(text, variables)) for lang, text in service.name.texts),
        service.name.default,
    )
    display = number if "${" in service.display or not service.display else service.display
    return replace(service, number=number, display=display or target, target=target, name=name)
