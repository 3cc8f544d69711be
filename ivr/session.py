"""The call session: a state machine driven by caller events on a virtual clock.

No audio and no wall clock: a front end feeds ``KeyPress``, ``Speech``,
``Silence``, ``Talking`` and ``HangUp`` events and acts on the ``Say``/``Listen``/``Route``/
``Hangup`` outputs. Timeouts fire when ``Silence`` moves the virtual clock
past them, so a three-times-no-input path runs in microseconds in a test.

The session keeps the clock, enters nodes and sends each event to the
dialogue its mode (``ivr.call.state.Mode``) calls for. The dialogues live in
``ivr.call``, one module each: held keys and the dial plan (``keys``), digit
collection (``digits``), questions (``questions``), speech (``speech``),
actions (``actions``) and failures (``failures``); ``record`` writes the
transcript and the coverage visits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Literal

from ivr.call import actions, digits, failures, keys, questions, speech
from ivr.call.keys import MAX_TYPEAHEAD
from ivr.call.questions import MAX_CHOICES
from ivr.call.record import Line, Recorder, VisitKind
from ivr.call.state import CallState, Mode
from ivr.errors import IvrError
from ivr.events import (
    PHONE_KEYS,
    BargeIn,
    Event,
    HangUp,
    Hangup,
    HangupReason,
    KeyPress,
    Listen,
    Output,
    Route,
    Say,
    SayKind,
    Silence,
    Speech,
    Talking,
)
from ivr.menuindex import MenuIndex
from ivr.model import Action, Menu, Node, Service
from ivr.textnorm import NUMBER_WORDS
from ivr.variables import fill, filled_service, rule_holds

__all__ = ["DEFAULT_START", "MAX_CHOICES", "MAX_TYPEAHEAD", "Line", "Mode", "Session"]

log = logging.getLogger(__name__)

DEFAULT_START = datetime(2026, 11, 23, 12, 0)  # a Monday, mid-day: GP offices are open
CALLER_HUNG_UP = "caller hung up"  # the hangup_reason when the caller put the phone down


class Session:
    """One phone call through a menu."""

    def __init__(
        self,
        menu: Menu,
        *,
        lang: str | None = None,
        start_time: datetime | None = None,
        index: MenuIndex | None = None,
    ) -> None:
        self.menu = menu
        self.lang = lang or menu.default_lang
        if self.lang not in menu.languages:
            raise IvrError(
                f"language {self.lang!r} is not one of this menu's languages",
                f"use one of {', '.join(menu.languages)}",
            )
        self.start_time = start_time or DEFAULT_START
        self.index = index or MenuIndex(menu)
        self.elapsed = 0.0
        self.state = CallState(node=menu.start, variables=dict(menu.variables))
        self.outcome: Literal["route", "hangup"] | None = None
        self.route: Service | None = None
        self.hangup_reason: str | None = None
        self.record = Recorder()
        self.transcript = self.record.transcript
        self.visits = self.record.visits  # (what, where) for coverage
        self.nodes = self.record.nodes
        self.caller_events = 0
        self._seen: set[str] = set()
        self._out: list[Output] = []
        self._started = False

    # -- public API ------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.start_time + timedelta(seconds=self.elapsed)

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    @property
    def node(self) -> Node:
        return self.menu.nodes[self.state.node]

    @property
    def caller_hung_up(self) -> bool:
        """True when the call ended because the caller put the phone down."""
        return self.hangup_reason == CALLER_HUNG_UP

    @property
    def waiting_for_digits(self) -> bool:
        """True while keys are held back in case more digits follow."""
        return self.state.digit_deadline is not None

    def next_deadline(self) -> float | None:
        """Virtual seconds until the next timeout fires (None when nothing is pending)."""
        deadlines = [d for d in (self.state.digit_deadline, self.state.input_deadline) if d]
        return max(0.0, min(deadlines) - self.elapsed) if deadlines else None

    def start(self) -> list[Output]:
        if self._started:
            raise IvrError("this call has already started")
        self._started = True
        self.enter(self.menu.start)
        return self._flush()

    def send(self, event: Event) -> list[Output]:
        """Feed one caller event; returns what the menu does in response."""
        if not self._started:
            self.start()
            self._out.clear()
        if self.ended:
            return []
        if isinstance(event, Silence):
            self._advance(event.seconds)
            return self._flush()
        if isinstance(event, BargeIn):
            log.debug("prompt interrupted by %s after %.2fs", event.by, event.played_seconds)
            self.record.visit(VisitKind.BARGE_IN, self.state.node)
            return self._flush()
        if isinstance(event, Talking):
            self._talking(event.started)
            return self._flush()
        self.state.talking = False
        self.caller_events += 1
        if self.caller_events > self.menu.max_caller_events:
            self.say(self.menu.messages.call_limit.get(self.lang), "system")
            self.hangup("call limit")
            return self._flush()
        if isinstance(event, KeyPress):
            self._key(event.key)
        elif isinstance(event, Speech):
            self.record.caller(event.text, "say", self.elapsed)
            speech.hear(self, event.text, event.confidence, event.runners_up)
        elif isinstance(event, HangUp):
            self.record.caller("(hangs up)", "hangup", self.elapsed)
            self.hangup_reason = CALLER_HUNG_UP
            self.outcome = "hangup"
            self.state.mode = Mode.ENDED
        return self._flush()

    def settle(self) -> list[Output]:
        """Let the inter-digit timeout pass if keys are held back (the caller pauses)."""
        while self.state.digit_deadline is not None and not self.ended:
            self._advance(self.state.digit_deadline - self.elapsed)
        return self._flush()

    @property
    def free_speech(self) -> bool:
        """True while the caller may describe a need in their own words (not just a phrase).

        Only at nodes that search the whole menu, and not while a question or a
        digit entry is pending: there the answers are a closed set.
        """
        return self.node.settings.search == "tree" and self.state.mode is Mode.MENU

    def grammar(self) -> tuple[str, ...]:
        """What a recogniser should listen for right now, in the session's state.

        Every state allows the global commands and the spoken digits; a question
        ("Did you say ...?", "Did you mean A or B?") adds its answers.
        """
        mode = self.state.mode
        lang = self.lang
        numbers = NUMBER_WORDS.get(lang, NUMBER_WORDS["en"])
        commands = [p for c in self.menu.commands for p in c.phrases.get(lang)]
        if mode.asks:
            return tuple(dict.fromkeys([*questions.answers(self), *commands, *numbers]))
        if mode is Mode.COLLECT:
            return tuple(dict.fromkeys([*numbers, *commands]))
        return self.index.grammar(self.state.node, lang, self.node.settings.search == "tree")

    # -- for the dialogues (``ivr.call.context.Call``) -----------------------------
    def say(self, text: str, kind: SayKind) -> None:
        text = fill(text, self.state.variables)
        if not text:
            return
        self._out.append(Say(text, kind, self.state.node, self.node.settings.barge_in))
        self.record.said(text, kind, self.elapsed)

    def enter(self, node_id: str) -> None:
        state = self.state
        state.node = node_id
        state.no_input = state.no_match = 0
        state.entry = ""
        state.choices = []
        self.record.entered(node_id)
        node = self.node
        revisit = node_id in self._seen
        self._seen.add(node_id)
        prompt = node.short_prompt if revisit and node.short_prompt else node.prompt
        if node.branch:
            self.say(prompt.get(self.lang), "prompt")
            for rule in node.branch:
                if rule_holds(rule, self.now, self.state.variables):
                    self.record.visit(VisitKind.BRANCH, f"{node_id}:{rule.where.line}")
                    self.perform(rule.action)
                    return
            raise RuntimeError(f"branch {node_id} has no otherwise rule")  # loader forbids it
        state.mode = Mode.at(node)
        self.say(prompt.get(self.lang), "prompt")
        self.ready()

    def ready(self) -> None:
        """Ready for the caller: use keys typed ahead of the prompt, else listen."""
        state = self.state
        if self.ended:
            return
        if not state.buffer:
            self._listen()
        elif state.mode is Mode.COLLECT:
            pending, state.buffer = state.buffer, ""
            digits.typed_ahead(self, pending)
        else:
            keys.resolve(self, final=False)

    def select_key(self, key: str, confidence: float = 1.0) -> None:
        if self.state.mode.asks:
            questions.by_key(self, key)
        else:
            keys.select(self, key, confidence)

    def perform(self, action: Action) -> None:
        actions.perform(self, action)

    def no_match(self, reason: VisitKind = VisitKind.NO_MATCH) -> None:
        failures.no_match(self, reason)

    def connect(self, service: Service) -> None:
        if service.target or service.templated:
            service = filled_service(service, self.state.variables)
        template = service.announce or self.menu.messages.connecting
        text = template.get(self.lang).format(
            service=service.name.get(self.lang), number=service.display
        )
        self.say(text, "route")
        self._out.append(
            Route(
                service.id,
                service.number,
                service.display,
                service.name.get(self.lang),
                service.target,
            )
        )
        self.route = service
        self.outcome = "route"
        self._stop()

    def hangup(self, reason: HangupReason) -> None:
        self.hangup_reason = reason
        self.outcome = "hangup"
        self._stop()
        self._out.append(Hangup(reason))

    # -- plumbing ----------------------------------------------------------------
    def _flush(self) -> list[Output]:
        out, self._out = self._out, []
        return out

    def _listen(self) -> None:
        node = self.node
        timeout = node.settings.no_input_timeout
        self.state.input_deadline = None if self.state.talking else self.elapsed + timeout
        mode = self.state.mode.listen
        self._out.append(Listen(node.id, mode, timeout, self.grammar(), self.free_speech))

    def _talking(self, started: bool) -> None:
        """Hold the no-input timeout while the caller talks; a stop with nothing said
        gives them the node's whole timeout again, as a fresh silence."""
        state = self.state
        if started:
            state.talking = True
            state.input_deadline = None
        elif state.talking:
            state.talking = False
            state.input_deadline = self.elapsed + self.node.settings.no_input_timeout

    def _stop(self) -> None:
        self.state.mode = Mode.ENDED
        self.state.digit_deadline = self.state.input_deadline = None

    def _key(self, key: str) -> None:
        if len(key) != 1 or key not in PHONE_KEYS:
            raise IvrError(f"{key!r} is not a phone key", "use 0-9, * or #")
        self.record.caller(key, "press", self.elapsed)
        self.state.input_deadline = None
        if self.state.mode is Mode.COLLECT:
            digits.press(self, key)
        else:
            keys.press(self, key)

    # -- time ----------------------------------------------------------------------
    def _advance(self, seconds: float) -> None:
        if seconds < 0:
            raise IvrError(f"silence of {seconds:g} seconds", "time only moves forward")
        state = self.state
        target = self.elapsed + seconds
        while not self.ended:
            pending = [d for d in (state.digit_deadline, state.input_deadline) if d]
            due = min(pending) if pending else None
            if due is None or due > target:
                break
            self.elapsed = max(self.elapsed, due)
            if self.elapsed >= self.menu.max_call_seconds:
                break
            if state.digit_deadline is not None and state.digit_deadline <= due:
                state.digit_deadline = None
                if state.mode is Mode.COLLECT:
                    digits.submit(self)
                else:
                    keys.resolve(self, final=True)
            else:
                state.input_deadline = None
                if state.mode is Mode.COLLECT and state.entry:  # a pause ends an entry
                    digits.submit(self)
                else:
                    failures.no_input(self)
        if not self.ended:
            self.elapsed = max(self.elapsed, target)
            if self.elapsed >= self.menu.max_call_seconds:
                self.say(self.menu.messages.call_limit.get(self.lang), "system")
                self.hangup("call limit")
