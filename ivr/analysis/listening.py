"""What a caller has to sit through: long prompts, long lists, and a slow way to an emergency.

A phone menu is heard, not read: a caller cannot skim a prompt or look back
at the start of a list, so past about five choices the first ones are
forgotten by the time the last is read, and a prompt over about 20 s loses
the caller before it ends. Barge-in does not save a caller who does not know
they may interrupt, so the emergency numbers (the menu's ``shortcuts``, which
route at once from anywhere) must be reachable quickly by someone who listens
to every prompt to the end before pressing: that is the figure checked, from
the start of the call until the number has been keyed and taken, with the
connecting announcement left out (every route has one, however it is reached).

The limits are ``ivr lint`` options (``--prompt-budget``, ``--max-options``,
``--emergency-budget``), like ``--budget``: they are the author's house rules,
not part of the menu a caller hears.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.analysis.findings import Finding, Severity
from ivr.analysis.flow import Flow
from ivr.analysis.timing import Durations, WordRateDurations, time_to_service
from ivr.errors import IvrError
from ivr.model import Menu, Node

#: Seconds a prompt may take to say.
PROMPT_BUDGET_S = 20.0
#: Keyed options one prompt may read out.
MAX_OPTIONS = 5
#: Seconds until a caller who listens to every prompt has keyed an emergency number.
EMERGENCY_BUDGET_S = 15.0


@dataclass(frozen=True)
class Limits:
    prompt_s: float = PROMPT_BUDGET_S
    options: int = MAX_OPTIONS
    emergency_s: float = EMERGENCY_BUDGET_S


def parse_limits(
    prompt: str | None = None, options: str | None = None, emergency: str | None = None
) -> Limits:
    """The ``ivr lint`` limit options, each a positive number, or the defaults."""
    return Limits(
        _positive("--prompt-budget", prompt, PROMPT_BUDGET_S),
        int(_positive("--max-options", options, MAX_OPTIONS, whole=True)),
        _positive("--emergency-budget", emergency, EMERGENCY_BUDGET_S),
    )


def _positive(flag: str, text: str | None, default: float, whole: bool = False) -> float:
    if text is None:
        return default
    try:
        value = int(text) if whole else float(text.strip().removesuffix("s"))
    except ValueError:
        value = -1
    if value <= 0 or value != value or value == float("inf"):
        kind = "a whole number above 0" if whole else "a number of seconds above 0"
        raise IvrError(f"{flag} {text!r} is not {kind}", f"write e.g. {flag} {default:g}")
    return value


def check_listening(
    menu: Menu, flow: Flow | None = None, durations: Durations | None = None,
    limits: Limits | None = None,
) -> list[Finding]:  # fmt: skip
    """Prompts over budget, nodes reading out too many options, slow emergency numbers."""
    flow = flow or Flow(menu)
    durations = durations or WordRateDurations(menu)
    limits = limits or Limits()
    findings: list[Finding] = []
    for node in menu.nodes.values():
        if node.branch:
            continue
        findings += _long_prompts(node, durations, limits)
        findings += _many_options(node, limits)
    findings += _slow_emergencies(menu, flow, durations, limits)
    return findings


def _long_prompts(node: Node, durations: Durations, limits: Limits) -> list[Finding]:
    findings: list[Finding] = []
    for field_name, text in (("prompt", node.prompt), ("short_prompt", node.short_prompt),
                             ("help", node.help)):  # fmt: skip
        for lang, body in text.texts:
            seconds = durations(body, lang) if body else 0.0
            if seconds > limits.prompt_s:
                findings.append(
                    Finding(
                        Severity.WARNING, "prompt-too-long", node.where,
                        f"[{lang}] {field_name} of node {node.id!r} takes {seconds:.1f} s to "
                        f"say, over the {limits.prompt_s:g} s a caller keeps listening",
                        "say less: move choices into a submenu and details into help:"
                        if field_name != "help"
                        else "say less: the prompt already names the choices",
                    )
                )  # fmt: skip
    return findings


def _many_options(node: Node, limits: Limits) -> list[Finding]:
    keys = [o.key for o in node.options if o.key is not None]
    if len(keys) <= limits.options:
        return []
    return [
        Finding(
            Severity.WARNING, "too-many-options", node.where,
            f"node {node.id!r} reads out {len(keys)} options ({_key_list(keys)}), more than "
            f"the {limits.options} a caller can keep in mind",
            "group some into a submenu, or leave them to callers who say what they need at "
            "a node with settings: {search: tree}",
        )
    ]  # fmt: skip


def _key_list(keys: list[str]) -> str:
    digits = sorted(int(k) for k in keys if k.isdigit())
    if len(digits) == len(keys) and digits == list(range(digits[0], digits[0] + len(digits))):
        return f"keys {digits[0]} to {digits[-1]}"
    return "keys " + ", ".join(keys)


def _slow_emergencies(
    menu: Menu, flow: Flow, durations: Durations, limits: Limits
) -> list[Finding]:
    findings: list[Finding] = []
    if not menu.shortcuts:  # no emergency numbers: nothing to time
        return findings
    for lang in menu.languages:
        times = {rt.service: rt for rt in time_to_service(menu, flow, durations, lang)}
        for sid in menu.shortcuts:
            service = menu.services[sid]
            name = service.name.get(lang)
            rt = times.get(sid)
            if rt is None:
                findings.append(
                    Finding(
                        Severity.WARNING, "emergency-slow", service.where,
                        f"[{lang}] emergency number {service.display} ({name}) cannot be "
                        "reached by keys",
                        "let callers key it at the start node (it is in shortcuts:)",
                    )
                )  # fmt: skip
                continue
            path = rt.paths["listen"]
            seconds = path.seconds - rt.announce_s
            if seconds > limits.emergency_s:
                findings.append(
                    Finding(
                        Severity.WARNING, "emergency-slow", service.where,
                        f"[{lang}] emergency number {service.display} ({name}) is keyed only "
                        f"{seconds:.1f} s into the call by a caller who hears each prompt to "
                        f"the end (keys {path.said}), over the {limits.emergency_s:g} s allowed",
                        "say the emergency numbers first and keep the prompts before them short",
                    )
                )  # fmt: skip
    return findings
