"""The call session: a state machine driven by caller events on a virtual clock.

No audio and no wall clock: a front end feeds ``KeyPress``, ``Speech``,
``Silence`` and ``HangUp`` events and acts on the ``Say``/``Listen``/``Route``/
``Hangup`` outputs. Timeouts fire when ``Silence`` moves the virtual clock
past them, so a three-times-no-input path runs in microseconds in a test.

Keys are buffered the way a dial plan matches extensions: while the digits
so far could still become an emergency shortcut ("1" of "112"), the session
waits the inter-digit timeout before treating them as a menu choice. Digits
pressed ahead of a prompt are kept for the next node (type-ahead).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ivr.defaults import KEY_HINT, NO_WORDS, OR_WORD, YES_WORDS
from ivr.errors import IvrError
from ivr.events import (
    PHONE_KEYS,
    BargeIn,
    Event,
    HangUp,
    Hangup,
    KeyPress,
    Listen,
    Output,
    Route,
    Say,
    Silence,
    Speech,
)
from ivr.matcher import Candidate, PhraseIndex, top_ties
from ivr.menuindex import MenuIndex
from ivr.model import Action, ActionKind, Menu, Node, Service
from ivr.textnorm import NUMBER_WORDS, Token, digit_runs, only_digits, tokens
from ivr.understand.policy import Verdict

log = logging.getLogger(__name__)

DEFAULT_START = datetime(2026, 11, 23, 12, 0)  # a Monday, mid-day: GP offices are open
MAX_CHOICES = 3
MAX_TYPEAHEAD = 32  # keys held for the next node, as a phone line's digit buffer would


@dataclass(frozen=True)
class Line:
    """One line of the call transcript."""

    who: str  # "ivr" or "caller"
    text: str
    kind: str  # ivr: prompt/reprompt/info/route/system; caller: press/say/silence/hangup
    at: float  # virtual seconds since the call started


@dataclass(frozen=True)
class _Choice:
    label: str
    action: Action
    ref: str  # option id, "cmd:NAME", "shortcut:SERVICE" or "number:SERVICE"


@dataclass
class _State:
    node: str
    mode: str = "menu"  # menu, collect, confirm, choose, ended
    history: list[str] = field(default_factory=list)
    buffer: str = ""
    entry: str = ""
    digit_deadline: float | None = None
    input_deadline: float | None = None
    no_input: int = 0
    no_match: int = 0
    choices: list[_Choice] = field(default_factory=list)


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
        self.state = _State(node=menu.start)
        self.outcome: str | None = None  # "route" or "hangup"
        self.route: Service | None = None
        self.hangup_reason: str | None = None
        self.nodes: list[str] = []
        self.transcript: list[Line] = []
        self.visits: list[tuple[str, str]] = []  # (what, ref) for coverage
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
        self._enter(self.menu.start)
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
            self.visits.append(("barge_in", self.state.node))
            return self._flush()
        self.caller_events += 1
        if self.caller_events > self.menu.max_caller_events:
            self._say(self.menu.messages.call_limit.get(self.lang), "system")
            self._hangup("call limit")
            return self._flush()
        if isinstance(event, KeyPress):
            self._key(event.key)
        elif isinstance(event, Speech):
            self._caller(event.text, "say")
            self._speech(event.text, event.confidence)
        elif isinstance(event, HangUp):
            self._caller("(hangs up)", "hangup")
            self.hangup_reason = "caller hung up"
            self.outcome = "hangup"
            self.state.mode = "ended"
        return self._flush()

    def settle(self) -> list[Output]:
        """Let the inter-digit timeout pass if keys are held back (the caller pauses)."""
        while self.state.digit_deadline is not None and not self.ended:
            self._advance(self.state.digit_deadline - self.elapsed)
        return self._flush()

    # -- plumbing ----------------------------------------------------------------
    def _flush(self) -> list[Output]:
        out, self._out = self._out, []
        return out

    def _say(self, text: str, kind: str) -> None:
        if not text:
            return
        self._out.append(Say(text, kind, self.state.node, self.node.settings.barge_in))
        self.transcript.append(Line("ivr", text, kind, self.elapsed))

    def _caller(self, text: str, kind: str) -> None:
        last = self.transcript[-1] if self.transcript else None
        if kind == "press" and last is not None and last.who == "caller" and last.kind == "press":
            self.transcript[-1] = Line("caller", last.text + text, "press", last.at)
        else:
            self.transcript.append(Line("caller", text, kind, self.elapsed))

    def _listen(self) -> None:
        node = self.node
        mode = {"collect": "digits"}.get(self.state.mode, self.state.mode)
        self.state.input_deadline = self.elapsed + node.settings.no_input_timeout
        self._out.append(
            Listen(node.id, mode, node.settings.no_input_timeout, self.grammar(), self.free_speech)
        )

    @property
    def free_speech(self) -> bool:
        """True while the caller may describe a need in their own words (not just a phrase).

        Only at nodes that search the whole menu, and not while a question or a
        digit entry is pending: there the answers are a closed set.
        """
        return self.node.settings.search == "tree" and self.state.mode == "menu"

    def grammar(self) -> tuple[str, ...]:
        """What a recogniser should listen for right now, in the session's state.

        Every state allows the global commands and the spoken digits; a question
        ("Did you say ...?", "Did you mean A or B?") adds its answers.
        """
        state = self.state
        lang = self.lang
        numbers = NUMBER_WORDS.get(lang, NUMBER_WORDS["en"])
        commands = [p for c in self.menu.commands for p in c.phrases.get(lang)]
        if state.mode in ("confirm", "choose"):
            phrases = [*YES_WORDS.get(lang, ()), *NO_WORDS.get(lang, ())]
            phrases += [c.label for c in state.choices]
            for choice in state.choices:
                option = self.index.options.get(choice.ref)
                if option is not None:
                    phrases += option.phrases.get(lang)
            return tuple(dict.fromkeys([*phrases, *commands, *numbers]))
        if state.mode == "collect":
            return tuple(dict.fromkeys([*numbers, *commands]))
        tree = self.node.settings.search == "tree"
        return self.index.grammar(self.state.node, lang, tree)

    def _hangup(self, reason: str) -> None:
        self.hangup_reason = reason
        self.outcome = "hangup"
        self.state.mode = "ended"
        self.state.digit_deadline = self.state.input_deadline = None
        self._out.append(Hangup(reason))

    # -- time ----------------------------------------------------------------------
    def _advance(self, seconds: float) -> None:
        if seconds < 0:
            raise IvrError(f"silence of {seconds:g} seconds", "time only moves forward")
        target = self.elapsed + seconds
        while not self.ended:
            pending = [d for d in (self.state.digit_deadline, self.state.input_deadline) if d]
            due = min(pending) if pending else None
            if due is None or due > target:
                break
            self.elapsed = max(self.elapsed, due)
            if self.elapsed >= self.menu.max_call_seconds:
                break
            if self.state.digit_deadline is not None and self.state.digit_deadline <= due:
                self.state.digit_deadline = None
                self._digits_timeout()
            else:
                self.state.input_deadline = None
                self._no_input()
        if not self.ended:
            self.elapsed = max(self.elapsed, target)
            if self.elapsed >= self.menu.max_call_seconds:
                self._say(self.menu.messages.call_limit.get(self.lang), "system")
                self._hangup("call limit")

    # -- entering nodes ----------------------------------------------------------
    def _enter(self, node_id: str) -> None:
        state = self.state
        state.node = node_id
        state.no_input = state.no_match = 0
        state.entry = ""
        state.choices = []
        self.nodes.append(node_id)
        self.visits.append(("node", node_id))
        node = self.node
        revisit = node_id in self._seen
        self._seen.add(node_id)
        prompt = node.short_prompt if revisit and node.short_prompt else node.prompt
        if node.branch:
            self._say(prompt.get(self.lang), "prompt")
            for rule in node.branch:
                if rule.when is None or rule.when.contains(self.now):
                    self.visits.append(("branch", f"{node_id}:{rule.where.line}"))
                    self._perform(rule.action, f"branch:{node_id}")
                    return
            raise RuntimeError(f"branch {node_id} has no otherwise rule")  # loader forbids it
        state.mode = "collect" if node.collect is not None else "menu"
        self._say(prompt.get(self.lang), "prompt")
        self._ready()

    def _ready(self) -> None:
        """Ready for the caller: use keys typed ahead of the prompt, else listen."""
        state = self.state
        if self.ended:
            return
        if not state.buffer:
            self._listen()
            return
        if state.mode == "collect":
            pending, state.buffer = state.buffer, ""
            for key in pending:
                if self.ended or state.mode != "collect":
                    break
                self._collect_key(key)
            return
        self._resolve_buffer(final=False)

    def _reprompt(self, reason: str, level: int) -> None:
        """Escalate: first the apology and the short prompt, then the full options and help."""
        node = self.node
        messages = self.menu.messages
        apology = {"no_input": messages.no_input, "invalid_key": messages.invalid_key}.get(
            reason, messages.no_match
        )
        self._say(apology.get(self.lang), "reprompt")
        if self.state.mode in ("confirm", "choose"):
            self._ask_choices()
            return
        if level <= 1 and node.short_prompt:
            self._say(node.short_prompt.get(self.lang), "reprompt")
        else:
            self._say(node.prompt.get(self.lang), "reprompt")
            if level >= 2 and node.help:
                self._say(node.help.get(self.lang), "reprompt")
        self._ready()

    # -- failures ------------------------------------------------------------------
    def _no_input(self) -> None:
        state = self.state
        if state.mode == "collect" and state.entry:
            self._submit_entry()
            return
        state.no_input += 1
        self.visits.append(("no_input", state.node))
        if state.no_input >= self.node.settings.max_no_input:
            self._max_failures()
        else:
            self._reprompt("no_input", state.no_input)

    def _no_match(self, reason: str = "no_match") -> None:
        state = self.state
        state.buffer = ""
        state.entry = ""
        state.digit_deadline = None
        state.no_match += 1
        self.visits.append(("no_match", state.node))
        if reason != "no_match":
            self.visits.append((reason, state.node))
        if state.no_match >= self.node.settings.max_no_match:
            self._max_failures()
        else:
            self._reprompt(reason, state.no_match)

    def _max_failures(self) -> None:
        self.visits.append(("max_failures", self.state.node))
        action = self.node.settings.on_max_failures
        if action.kind is ActionKind.ROUTE and action.target:
            self._route(self.menu.services[action.target])
        else:
            text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
            self._say(text, "system")
            self._hangup("max failures")

    # -- keys ------------------------------------------------------------------
    def _key(self, key: str) -> None:
        if len(key) != 1 or key not in PHONE_KEYS:
            raise IvrError(f"{key!r} is not a phone key", "use 0-9, * or #")
        self._caller(key, "press")
        state = self.state
        state.input_deadline = None
        if state.mode == "collect":
            self._collect_key(key)
            return
        if len(state.buffer) >= MAX_TYPEAHEAD:
            log.info("type-ahead buffer full; dropping key %s", key)
            return
        state.buffer += key
        self._resolve_buffer(final=False)

    def _resolve_buffer(self, final: bool) -> None:
        state = self.state
        shortcuts = self.index.shortcut_numbers
        buffer = state.buffer
        if not buffer or self.ended:
            return
        if buffer in shortcuts:
            state.buffer = ""
            state.digit_deadline = None
            self._offer(self._shortcut_choice(shortcuts[buffer]), confirm=False)
            return
        if not final and any(n.startswith(buffer) for n in shortcuts):
            state.digit_deadline = self.elapsed + self.node.settings.inter_digit_timeout
            return
        state.digit_deadline = None
        # the first key is a choice here; the rest were typed ahead for wherever it leads
        state.buffer = buffer[1:]
        self._select_key(buffer[0])

    def _digits_timeout(self) -> None:
        if self.state.mode == "collect":
            self._submit_entry()
        else:
            self._resolve_buffer(final=True)

    def _select_key(self, key: str, confidence: float = 1.0) -> None:
        state = self.state
        low = confidence < self.node.settings.confirm_below
        if state.mode == "confirm":
            if key == "1":
                self._accept(state.choices[0])
            elif key == "2":
                self._decline()
            else:
                self._no_match("invalid_key")
            return
        if state.mode == "choose":
            if key.isdigit() and 1 <= int(key) <= len(state.choices):
                self._accept(state.choices[int(key) - 1])
            else:
                self._no_match("invalid_key")
            return
        for option in self.node.options:
            if option.key == key:
                self._offer(self._option_choice(option.id), low or option.action.confirm)
                return
        for command in self.menu.commands:
            if command.key == key:
                self._offer(self._command_choice(command.name), low or command.action.confirm)
                return
        self._no_match("invalid_key")

    def _collect_key(self, key: str) -> None:
        state = self.state
        collect = self.node.collect
        if collect is None:  # pragma: no cover - mode and node always agree
            raise RuntimeError("collect key outside a collect node")
        if key == collect.terminator:
            self._submit_entry()
        elif key in "*#":
            state.entry = ""
            state.digit_deadline = None
            self._perform(Action(ActionKind.BACK), "key:back")
        else:
            state.entry += key
            if len(state.entry) >= collect.max_digits:
                self._submit_entry()
            else:
                state.digit_deadline = self.elapsed + self.node.settings.inter_digit_timeout

    def _submit_entry(self) -> None:
        state = self.state
        collect = self.node.collect
        entry, state.entry = state.entry, ""
        state.digit_deadline = None
        if collect is None:  # pragma: no cover
            raise RuntimeError("entry outside a collect node")
        if len(entry) < collect.min_digits:
            self._no_match("invalid_key" if entry else "no_match")
            return
        for digits, action in collect.entries:
            if digits == entry:
                self._offer(_Choice(entry, action, f"entry:{self.node.id}:{entry}"), False)
                return
        if collect.match_services and entry in self.index.service_numbers:
            sid = self.index.service_numbers[entry]
            self._offer(self._service_choice(sid, f"number:{sid}"), confirm=False)
            return
        self._no_match()

    # -- speech ------------------------------------------------------------------
    def _speech(self, text: str, confidence: float) -> None:
        state = self.state
        if state.buffer:
            self._resolve_buffer(final=True)
            if self.ended:
                return
        state.input_deadline = None
        settings = self.node.settings
        toks = tokens(text, self.lang)
        if not toks or confidence < settings.reject_below:
            self._no_match()
            return
        low = confidence < settings.confirm_below
        for run in digit_runs(toks):
            if run in self.index.shortcut_numbers:
                sid = self.index.shortcut_numbers[run]
                self._offer(self._shortcut_choice(sid), low)
                return
        digits = only_digits(toks, self.lang)
        if state.mode == "confirm":
            self._confirm_speech(toks, digits, text, confidence)
            return
        if state.mode == "choose":
            self._choose_speech(toks, digits)
            return
        if state.mode == "collect":
            if digits is not None:
                state.entry = ""
                for key in digits:
                    self._collect_key(key)
                    if self.ended or state.mode != "collect" or not state.entry:
                        return
                self._submit_entry()
                return
        elif digits is not None:
            if len(digits) == 1:
                self._select_key(digits, confidence)
            elif digits in self.index.service_numbers:
                sid = self.index.service_numbers[digits]
                self._offer(self._service_choice(sid, f"number:{sid}"), low)
            else:
                self._no_match()
            return
        self._match_phrases(text, toks, low)

    def _match_phrases(self, text: str, toks: list[Token], low: bool) -> None:
        node = self.node
        found = self.index.local(node.id, self.lang).match(toks)
        if self.state.mode == "collect":
            found = [c for c in found if c.ref.startswith("cmd:")]
        local = {c.ref for c in found}
        tree = node.settings.search == "tree" and self.state.mode != "collect"
        found += [
            c
            for c in self.index.tree(self.lang).match(toks)
            if c.ref not in local and (tree or self.index.is_emergency(c.ref))
        ]
        found.sort(key=lambda c: -c.score)
        best = top_ties(found)
        if tree:
            self._understand(text, best, [c for c in found if c not in best], low)
            return
        choices = self._distinct_choices([c.ref for c in best])
        if not choices:
            self._no_match()
        elif len(choices) == 1:
            self._offer(choices[0], low or choices[0].action.confirm)
        else:
            self._choose_among(choices)

    def _understand(
        self, text: str, phrases: list[Candidate], also: list[Candidate], low: bool
    ) -> None:
        """A need described at a node that searches the whole menu: the policy decides
        (``ivr.understand.policy``) whether to act, confirm, offer choices or reprompt."""
        decision = self.index.understanding.decide(text, phrases, self.lang, also)
        log.info(
            "understood %r: %s %s (%s)",
            text,
            decision.verdict.value,
            list(decision.refs),
            decision.reason.name,
        )
        choices = self._distinct_choices(decision.refs)
        if decision.verdict is Verdict.NONE or not choices:
            self._no_match()
        elif decision.verdict is Verdict.ACT and len(choices) == 1:
            self._offer(choices[0], low or choices[0].action.confirm)
        elif len(choices) == 1:
            self._offer(choices[0], confirm=True)
        else:
            self._choose_among(choices)

    def _distinct_choices(self, refs: Sequence[str]) -> list[_Choice]:
        """The choices the refs name, in order, one per outcome: two names for one
        service are never offered as two choices."""
        choices: list[_Choice] = []
        outcomes: set[tuple[object, ...]] = set()
        for ref in refs:
            choice = self._ref_choice(ref)
            outcome = (choice.action.kind, choice.action.target, choice.action.message)
            if outcome not in outcomes:
                outcomes.add(outcome)
                choices.append(choice)
        return choices

    def _choose_among(self, choices: list[_Choice]) -> None:
        self.visits.append(("ambiguous", self.node.id))
        self.state.mode = "choose"
        self.state.choices = choices[:MAX_CHOICES]
        self._ask_choices()

    def _confirm_speech(
        self, toks: list[Token], digits: str | None, text: str, confidence: float
    ) -> None:
        answer = self.index.yes_no(self.lang).match(toks)
        top = top_ties(answer)
        if digits in ("1", "2"):
            self._select_key(digits)
        elif len(top) == 1 and top[0].ref == "yes":
            self._accept(self.state.choices[0])
        elif len(top) == 1 and top[0].ref == "no":
            self._decline()
        else:
            # not an answer: take it as a fresh request at this node
            self.state.mode = self._input_mode()
            self.state.choices = []
            self._speech(text, confidence)

    def _choose_speech(self, toks: list[Token], digits: str | None) -> None:
        choices = self.state.choices
        if digits is not None and len(digits) == 1:
            self._select_key(digits)
            return
        entries = [(str(i), c.label) for i, c in enumerate(choices)]
        for i, choice in enumerate(choices):
            option = self.index.options.get(choice.ref)
            if option is not None:
                entries += [(str(i), p) for p in option.phrases.get(self.lang)]
        entries += [("no", w) for w in NO_WORDS.get(self.lang, ())]
        top = top_ties(PhraseIndex(entries, self.lang).match(toks))
        refs = {c.ref for c in top}
        if refs == {"no"}:
            self._decline()
        elif len(refs) == 1 and "no" not in refs:
            self._accept(choices[int(top[0].ref)])
        else:
            self._no_match()

    # -- choices -----------------------------------------------------------------
    def _option_choice(self, option_id: str) -> _Choice:
        option = self.index.options[option_id]
        return _Choice(option.label.get(self.lang), option.action, option.id)

    def _command_choice(self, name: str) -> _Choice:
        command = next(c for c in self.menu.commands if c.name == name)
        words = command.phrases.get(self.lang)
        return _Choice(words[0] if words else name.replace("_", " "), command.action, f"cmd:{name}")

    def _shortcut_choice(self, sid: str) -> _Choice:
        return self._service_choice(sid, f"shortcut:{sid}")

    def _service_choice(self, sid: str, ref: str) -> _Choice:
        service = self.menu.services[sid]
        label = f"{service.name.get(self.lang)}, {service.display}"
        return _Choice(label, Action(ActionKind.ROUTE, sid), ref)

    def _ref_choice(self, ref: str) -> _Choice:
        if ref.startswith("cmd:"):
            return self._command_choice(ref[4:])
        return self._option_choice(ref)

    def _offer(self, choice: _Choice, confirm: bool) -> None:
        """Act on a choice, or ask first when the caller may not have meant it."""
        if confirm:
            self.visits.append(("confirm", self.state.node))
            self.state.mode = "confirm"
            self.state.choices = [choice]
            self._ask_choices()
        else:
            self._accept(choice)

    def _ask_choices(self) -> None:
        state = self.state
        messages = self.menu.messages
        if state.mode == "confirm":
            self._say(
                messages.confirm.get(self.lang).format(label=state.choices[0].label), "system"
            )
        else:
            labels = [c.label for c in state.choices]
            joined = ", ".join(labels[:-1]) + f" {OR_WORD.get(self.lang, 'or')} {labels[-1]}"
            hint = KEY_HINT.get(self.lang, KEY_HINT["en"])
            keys = " ".join(
                hint.format(label=c.label, key=i + 1) for i, c in enumerate(state.choices)
            )
            self._say(messages.choose.get(self.lang).format(choices=joined, keys=keys), "system")
        self._ready()

    def _input_mode(self) -> str:
        """The mode this node listens in when no question is pending."""
        return "collect" if self.node.collect is not None else "menu"

    def _accept(self, choice: _Choice) -> None:
        state = self.state
        state.mode = self._input_mode()
        state.choices = []
        kind = choice.ref.split(":", 1)[0] if ":" in choice.ref else "option"
        self.visits.append((kind, choice.ref))
        self._perform(choice.action, choice.ref)

    def _decline(self) -> None:
        state = self.state
        self.visits.append(("declined", state.node))
        state.mode = self._input_mode()
        state.choices = []
        node = self.node
        self._say((node.short_prompt or node.prompt).get(self.lang), "prompt")
        self._ready()

    # -- actions -------------------------------------------------------------------
    def _perform(self, action: Action, ref: str) -> None:
        state = self.state
        node = self.node
        kind = action.kind
        if kind is ActionKind.GOTO and action.target:
            if not node.branch:
                state.history.append(state.node)
            self._enter(action.target)
        elif kind is ActionKind.ROUTE and action.target:
            self._route(self.menu.services[action.target])
        elif kind is ActionKind.INFO:
            self._say(action.message.get(self.lang), "info")
            self._say((node.short_prompt or node.prompt).get(self.lang), "prompt")
            self._ready()
        elif kind is ActionKind.BACK:
            if state.history:
                self._enter(state.history.pop())
            else:
                self._say(self.menu.messages.at_top.get(self.lang), "system")
                self._say(node.prompt.get(self.lang), "prompt")
                self._ready()
        elif kind is ActionKind.MAIN_MENU:
            state.history.clear()
            self._enter(self.menu.start)
        elif kind is ActionKind.REPEAT:
            self._say(node.prompt.get(self.lang), "prompt")
            self._ready()
        elif kind is ActionKind.HELP:
            self._say((node.help or self.menu.messages.help).get(self.lang), "info")
            self._say((node.short_prompt or node.prompt).get(self.lang), "prompt")
            self._ready()
        elif kind is ActionKind.HANGUP:
            text = action.message.get(self.lang) or self.menu.messages.goodbye.get(self.lang)
            self._say(text, "system")
            self._hangup("caller chose to end")
        elif kind is ActionKind.OPERATOR:
            operator = next((c for c in self.menu.commands if c.name == "operator"), None)
            if operator is None:  # the loader refuses do: operator without one
                raise RuntimeError("no operator command")
            self._perform(operator.action, "cmd:operator")
        else:  # pragma: no cover - every ActionKind is handled above
            raise RuntimeError(f"unhandled action {action}")

    def _route(self, service: Service) -> None:
        template = service.announce or self.menu.messages.connecting
        text = template.get(self.lang).format(
            service=service.name.get(self.lang), number=service.display
        )
        self._say(text, "route")
        self._out.append(
            Route(service.id, service.number, service.display, service.name.get(self.lang))
        )
        self.route = service
        self.outcome = "route"
        self.state.mode = "ended"
        self.state.digit_deadline = self.state.input_deadline = None
