"""Time to service: how fast a keypad caller can reach each number, and how slow it can get.

Three callers are modelled, all pressing the keys of the cheapest path:

* ``barge``: presses each key as soon as a prompt starts (where barge-in is on);
* ``listen``: listens to every prompt to the end before pressing;
* ``worst``: listens, and at every menu node lets the no-input timeout run out
  as often as the menu allows (``max_no_input - 1`` times), hearing each
  apology and reprompt, before pressing the key at the last chance.

Prompt durations come from the text (words / the voice's rate in words per
minute) or from real synthesis (``TtsDurations``). Every figure includes the
inter-digit wait the session makes when a key could still become a shortcut
("1" of "113"), confirmation questions, and the announcement played before
the call is put through.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ivr.analysis.findings import Finding, Severity
from ivr.analysis.flow import Exit, Flow
from ivr.errors import IvrError
from ivr.model import Menu, Node, Service

log = logging.getLogger(__name__)

DEFAULT_RATE_WPM = 160
#: Seconds a caller takes to press one key.
KEY_SECONDS = 0.3
MODES = ("barge", "listen", "worst")
MODE_NAMES = {
    "barge": "by barge-in keys",
    "listen": "listening to every prompt",
    "worst": "with every allowed timeout",
}

#: (text, language) -> seconds it takes to say.
Durations = Callable[[str, str], float]
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


class WordRateDurations:
    """Estimates from the text: words / the menu voice's rate (default 160 wpm)."""

    def __init__(self, menu: Menu) -> None:
        self.rates = {lang: v.rate for lang, v in menu.voices.items()}

    def __call__(self, text: str, lang: str) -> float:
        return word_count(text) * 60.0 / self.rates.get(lang, DEFAULT_RATE_WPM)


class TtsDurations:
    """Real durations: each prompt synthesised with the menu's voice (needs ``ivr.tts``)."""

    def __init__(self, menu: Menu, speaker: Any = None) -> None:
        try:
            from ivr.tts import VoiceSettings, default_voice, make_speaker
        except ImportError as exc:
            raise IvrError(
                "real prompt durations need the speech package", "pip install ivr[tts]"
            ) from exc
        self._settings: dict[str, Any] = {}
        for lang in menu.languages:
            voice = menu.voices.get(lang)
            name = voice.voice if voice and voice.voice else default_voice(lang)
            rate = voice.rate if voice else DEFAULT_RATE_WPM
            self._settings[lang] = VoiceSettings(voice=name, rate=rate)
        self._speaker = speaker if speaker is not None else make_speaker()
        self._cache: dict[tuple[str, str], float] = {}

    def __call__(self, text: str, lang: str) -> float:
        key = (text, lang)
        if key not in self._cache:
            audio = self._speaker.synthesize(text, self._settings[lang])
            self._cache[key] = float(audio.seconds)
        return self._cache[key]


@dataclass(frozen=True)
class Path:
    seconds: float
    keys: str
    nodes: tuple[str, ...]
    steps: tuple[str, ...] = ()  # the keys pressed at each node, in order

    @property
    def said(self) -> str:
        return say_keys(self.steps or (self.keys,))


def say_keys(steps: tuple[str, ...]) -> str:
    """Keys as a person reads them: "6 then 1" (6, then 1 at the next menu), "1 1 3".

    Written together, "61" reads as a count and "113" could be one key or three.
    """
    return " then ".join(" ".join(step) for step in steps if step) or "none"


@dataclass(frozen=True)
class RouteTime:
    service: str
    number: str
    display: str
    name: str
    presses: int
    fewest_keys: str
    announce_s: float
    paths: dict[str, Path]  # mode -> fastest path in that mode
    fewest_steps: tuple[str, ...] = ()

    @property
    def fewest_said(self) -> str:
        return say_keys(self.fewest_steps or (self.fewest_keys,))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "service": self.service,
            "number": self.number,
            "display": self.display,
            "name": self.name,
            "presses": self.presses,
            "fewest_keys": self.fewest_keys,
            "announce_s": round(self.announce_s, 2),
        }
        for mode, path in self.paths.items():
            out[f"{mode}_s"] = round(path.seconds, 2)
            out[f"{mode}_keys"] = path.keys
            out[f"{mode}_steps"] = list(path.steps)
            out[f"{mode}_nodes"] = list(path.nodes)
        return out


class _Costs:
    def __init__(self, menu: Menu, flow: Flow, durations: Durations, lang: str) -> None:
        self.menu = menu
        self.flow = flow
        self.durations = durations
        self.lang = lang
        self.shortcuts = [menu.services[s].number for s in menu.shortcuts]

    def say(self, text: str) -> float:
        return self.durations(text, self.lang) if text else 0.0

    def prompt(self, node: Node) -> float:
        return self.say(node.prompt.get(self.lang))

    def waiting(self, node: Node, mode: str) -> float:
        """Seconds from entering ``node`` until the caller presses its first key."""
        prompt = self.prompt(node)
        if node.branch:
            return 0.0 if mode == "barge" and node.settings.barge_in else prompt
        if mode == "barge":
            return 0.0 if node.settings.barge_in else prompt
        if mode == "listen":
            return prompt
        total = prompt
        messages = self.menu.messages
        for level in range(1, node.settings.max_no_input):
            total += node.settings.no_input_timeout + self.say(messages.no_input.get(self.lang))
            if level <= 1 and node.short_prompt:
                total += self.say(node.short_prompt.get(self.lang))
            else:
                total += prompt
                if level >= 2 and node.help:
                    total += self.say(node.help.get(self.lang))
        return total

    def keys(self, node: Node, keys: str) -> float:
        """Pressing ``keys``, plus the wait when a lone key could start a shortcut."""
        seconds = len(keys) * KEY_SECONDS
        if node.collect is None and len(keys) == 1 and self._prefix(keys):
            seconds += node.settings.inter_digit_timeout
        return seconds

    def _prefix(self, keys: str) -> bool:
        return any(n.startswith(keys) and n != keys for n in self.shortcuts)

    def confirm(self, node: Node, ex: Exit, mode: str) -> tuple[float, str]:
        if not ex.action.confirm:
            return 0.0, ""
        question = self.menu.messages.confirm.get(self.lang).format(label=ex.label)
        heard = 0.0 if mode == "barge" and node.settings.barge_in else self.say(question)
        return heard + self.keys(node, "1"), "1"

    def announce(self, service: Service) -> float:
        template = service.announce or self.menu.messages.connecting
        text = template.get(self.lang)
        try:
            text = text.format(service=service.name.get(self.lang), number=service.display)
        except (KeyError, IndexError, ValueError):
            log.debug("announce of %s has odd placeholders; timing the raw text", service.id)
        return self.say(text)


def time_to_service(
    menu: Menu, flow: Flow | None = None, durations: Durations | None = None,
    lang: str | None = None,
) -> list[RouteTime]:  # fmt: skip
    """Fewest presses and fastest seconds (in each mode) to every service a caller can reach."""
    flow = flow or Flow(menu)
    costs = _Costs(menu, flow, durations or WordRateDurations(menu), lang or menu.default_lang)
    best: dict[str, dict[str, Path]] = {}
    for mode in (*MODES, "presses"):
        for sid, path in _dijkstra(menu, flow, costs, mode).items():
            best.setdefault(sid, {})[mode] = path
    out: list[RouteTime] = []
    for sid, paths in best.items():
        service = menu.services[sid]
        presses = paths.pop("presses")
        out.append(
            RouteTime(sid, service.number, service.display, service.name.get(costs.lang),
                      int(presses.seconds), presses.keys, costs.announce(service), paths,
                      presses.steps)
        )  # fmt: skip
    out.sort(key=lambda r: (r.paths["barge"].seconds, r.number))
    return out


def _dijkstra(menu: Menu, flow: Flow, costs: _Costs, mode: str) -> dict[str, Path]:
    """Cheapest path to each service; in "presses" mode the cost is the number of keys."""
    routes: dict[str, Path] = {}
    queue: list[tuple[float, int, str, tuple[str, ...], tuple[str, ...]]] = [
        (0.0, 0, menu.start, (), ())
    ]
    done: set[str] = set()
    tie = 0
    while queue:
        cost, _, node_id, steps, trail = heapq.heappop(queue)
        if node_id in done:
            continue
        done.add(node_id)
        node = menu.nodes[node_id]
        trail = (*trail, node_id)
        wait = 0.0 if mode == "presses" else costs.waiting(node, mode)
        for ex in flow.exits[node_id]:
            automatic = ex.kind == "branch"
            if ex.keys is None and not automatic:
                continue
            pressed = ex.keys or ""
            if mode == "presses":
                step = float(len(pressed) + (1 if ex.action.confirm else 0))
                extra = "1" if ex.action.confirm else ""
            else:
                confirm_s, extra = costs.confirm(node, ex, mode)
                step = wait + (costs.keys(node, pressed) if pressed else 0.0) + confirm_s
            path_steps = (*steps, *(k for k in (pressed, extra) if k))
            path_keys = "".join(path_steps)
            for kind, target in flow.dests(ex):
                total = cost + step
                if kind == "route":
                    if mode != "presses":
                        total += costs.announce(menu.services[target])
                    known = routes.get(target)
                    if known is None or (total, len(path_keys)) < (known.seconds, len(known.keys)):
                        routes[target] = Path(total, path_keys, trail, path_steps)
                elif kind == "node" and target not in done:
                    tie += 1
                    heapq.heappush(queue, (total, tie, target, path_steps, trail))
    return routes


@dataclass(frozen=True)
class Budget:
    target: str  # a service number (digits) or a service id
    seconds: float
    mode: str
    text: str


_BUDGET = re.compile(
    r"^\s*(?P<target>[A-Za-z_][\w-]*|[0-9][0-9 ]*)\s*<=\s*(?P<seconds>\d+(?:\.\d+)?)\s*s?"
    r"\s*(?::\s*(?P<mode>\w+))?\s*$"
)


def parse_budget(text: str) -> Budget:
    match = _BUDGET.match(text)
    if match is None:
        raise IvrError(
            f"--budget {text!r} is not a budget",
            'write NUMBER<=SECONDS, e.g. --budget "113<=10s" or "113<=60s:listen"',
        )
    mode = match["mode"] or "barge"
    if mode not in MODES:
        raise IvrError(f"--budget {text!r}: unknown mode {mode!r}", "use barge, listen or worst")
    target = match["target"].replace(" ", "")
    return Budget(target, float(match["seconds"]), mode, text.strip())


def check_budgets(
    menu: Menu, times: list[RouteTime], budgets: list[Budget]
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Findings for budgets exceeded or naming no reachable route, and a JSON report."""
    by_key: dict[str, RouteTime] = {}
    for known in times:
        by_key[known.number] = known
        by_key[known.service] = known
    findings: list[Finding] = []
    report: list[dict[str, Any]] = []
    for budget in budgets:
        rt = by_key.get(budget.target)
        if rt is None:
            findings.append(
                Finding(
                    Severity.ERROR, "budget-unknown", _top(menu),
                    f"budget {budget.text!r} names {budget.target}, which no route of the "
                    "menu reaches",
                    "give a service number or id the menu routes to (see ivr paths)",
                )
            )  # fmt: skip
            report.append({"budget": budget.text, "ok": False, "seconds": None})
            continue
        path = rt.paths[budget.mode]
        ok = path.seconds <= budget.seconds
        report.append(
            {"budget": budget.text, "ok": ok, "number": rt.number, "mode": budget.mode,
             "seconds": round(path.seconds, 2), "keys": path.keys, "keys_said": path.said}
        )  # fmt: skip
        if not ok:
            service = menu.services[rt.service]
            findings.append(
                Finding(
                    Severity.ERROR, "budget", service.where,
                    f"route {rt.display} ({rt.name}) takes {path.seconds:.1f} s "
                    f"{MODE_NAMES[budget.mode]} (keys {path.said}), over its budget of "
                    f"{budget.seconds:g} s",
                    "shorten the prompts or the announcement on the way, or add the number "
                    "to shortcuts:",
                )
            )  # fmt: skip
    return findings, report


def _top(menu: Menu) -> Any:
    from ivr.errors import Location

    return Location(menu.file, 1, 1)
