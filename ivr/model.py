"""The menu model: frozen dataclasses the loader builds and the session reads.

Everything here is already validated and resolved (ids point at things that
exist, settings are inherited), so the session never has to check a menu.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from ivr.errors import Location

NOWHERE = Location("<builtin>", 1, 1)


@dataclass(frozen=True)
class LangText:
    """Text in one or more languages; falls back to the menu's default language."""

    texts: tuple[tuple[str, str], ...]
    default: str = "en"

    def get(self, lang: str) -> str:
        found = dict(self.texts)
        if lang in found:
            return found[lang]
        if self.default in found:
            return found[self.default]
        return self.texts[0][1] if self.texts else ""

    def langs(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.texts)

    def __bool__(self) -> bool:
        return bool(self.texts)


EMPTY_TEXT = LangText(())


@dataclass(frozen=True)
class Phrases:
    """What a caller may say to pick an option, per language."""

    by_lang: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def get(self, lang: str) -> tuple[str, ...]:
        return dict(self.by_lang).get(lang, ())

    def all(self) -> tuple[str, ...]:
        return tuple(p for _, phrases in self.by_lang for p in phrases)


class ActionKind(enum.Enum):
    GOTO = "goto"
    ROUTE = "route"
    INFO = "info"
    BACK = "back"
    MAIN_MENU = "main_menu"
    REPEAT = "repeat"
    HELP = "help"
    HANGUP = "hangup"
    OPERATOR = "operator"
    #: Leave this node for the one that entered it (a PBX submenu returning to its
    #: parent); at the top it hangs up.
    EXIT = "exit"


@dataclass(frozen=True)
class Action:
    """What choosing something does. ``target`` is a node id (goto) or service id (route)."""

    kind: ActionKind
    target: str | None = None
    message: LangText = EMPTY_TEXT
    confirm: bool = False
    #: Spoken before the action is taken ("Please hold"); ``${var}``s filled in.
    say: LangText = EMPTY_TEXT
    #: Call variables set before the action: (name, value template) in order.
    sets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Service:
    """A number the menu can put the caller through to."""

    id: str
    number: str  # digits only, e.g. "116117"
    display: str  # as the author wrote it, e.g. "116 117"
    name: LangText
    announce: LangText  # what the caller is told when routed
    purpose: LangText  # what it is for
    where: Location = NOWHERE
    #: Needs in callers' own words that this service is for (the understanding's examples).
    examples: Phrases = Phrases()
    #: For needs that cannot wait (an out-of-hours doctor): a caller who says the need
    #: can wait is asked before being sent here, as before an emergency line.
    urgent: bool = False
    #: The destination as a PBX wrote it ("transfer ${1} XML features", "Dial(SIP/100)"),
    #: ``${var}``s filled in from the call's variables when the call is routed; empty
    #: for a plain service number.
    target: str = ""

    @property
    def templated(self) -> bool:
        """Its number or target is only known once the call fills in its variables."""
        return "${" in self.number or "${" in self.target


@dataclass(frozen=True)
class Option:
    """One choice at a node: a key and/or spoken phrases, and an action."""

    id: str
    node: str
    key: str | None
    phrases: Phrases
    label: LangText
    action: Action
    where: Location = NOWHERE
    #: Needs in callers' own words that lead here (the understanding's examples).
    examples: Phrases = Phrases()

    def heard(self, lang: str) -> tuple[str, ...]:
        """What a caller may say for this option: its words, and its label as the prompt
        reads it ("interpreters", "what a GP does"), as a VoiceXML ``<choice>``'s text
        is its grammar. A label that names a node or a key ("gp_open"), or is one of
        the words already, adds nothing."""
        words = self.phrases.get(lang)
        label = self.label.get(lang).strip()
        spoken = any(c.isalpha() for c in label) and not any(c.isdigit() or c == "_" for c in label)
        if not spoken or " ".join(label.lower().split()) in (w.lower() for w in words):
            return words
        return (*words, label)

    def heard_by_lang(self, langs: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((lang, self.heard(lang)) for lang in langs)


@dataclass(frozen=True)
class TimeWindow:
    """Days of the week (0 = Monday) and a time range; a range may cross midnight."""

    days: frozenset[int]
    start: time
    end: time

    def contains(self, moment: datetime) -> bool:
        clock = moment.time()
        if self.start == self.end:  # 00:00-24:00, the whole day (the loader allows no other)
            return moment.weekday() in self.days
        if self.start <= self.end:
            return moment.weekday() in self.days and self.start <= clock < self.end
        if clock >= self.start:
            return moment.weekday() in self.days
        yesterday = (moment.weekday() - 1) % 7
        return yesterday in self.days and clock < self.end

    def describe(self) -> str:
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        days = ",".join(names[d] for d in sorted(self.days))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


class Compare(enum.Enum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


@dataclass(frozen=True)
class VarTest:
    """A test of a call variable (an Asterisk ``GotoIf``, a VoiceXML ``<if>``): numbers
    compare as numbers, anything else as text; an unset variable is ""."""

    var: str
    op: Compare
    value: str

    def holds(self, variables: dict[str, str]) -> bool:
        left, right = variables.get(self.var, ""), self.value
        a: float | str
        b: float | str
        try:
            a, b = float(left), float(right)
        except ValueError:
            a, b = left, right
        if self.op is Compare.EQ:
            return a == b
        if self.op is Compare.NE:
            return a != b
        if isinstance(a, float) != isinstance(b, float):  # pragma: no cover - both or neither
            return False
        return {
            Compare.LT: a < b,  # type: ignore[operator]
            Compare.LE: a <= b,  # type: ignore[operator]
            Compare.GT: a > b,  # type: ignore[operator]
            Compare.GE: a >= b,  # type: ignore[operator]
        }[self.op]

    def describe(self) -> str:
        return f"${{{self.var}}} {self.op.value} {self.value!r}"


@dataclass(frozen=True)
class BranchRule:
    """``when`` is None for the ``otherwise`` rule, which must come last."""

    when: TimeWindow | VarTest | None
    action: Action
    where: Location = NOWHERE


class PatternKind(enum.Enum):
    REGEX = "regex"  # a regular expression between slashes (FreeSWITCH)
    ASTERISK = "asterisk"  # _7XXX, _X., N, Z, [1-5], ! (Asterisk)


@dataclass(frozen=True)
class Pattern:
    """A collect entry matching many digit strings; its captures become variables."""

    text: str  # as written: "/^(10[01][0-9])$/" or "_7XXX"
    kind: PatternKind
    regex: str  # the Python regular expression it is matched with (fullmatch)
    action: Action
    where: Location = NOWHERE


@dataclass(frozen=True)
class Collect:
    """Multi-digit entry: digits end with the terminator, at max_digits, or after a pause."""

    min_digits: int
    max_digits: int
    terminator: str  # "" when there is none
    entries: tuple[tuple[str, Action], ...]
    match_services: bool
    patterns: tuple[Pattern, ...] = ()
    #: The call variable the entry is kept in (it is always in ``EXTEN`` too).
    into: str | None = None
    #: Submit as soon as the digits match something no longer entry could extend
    #: (Asterisk); otherwise at max_digits, the terminator or a pause (FreeSWITCH).
    early: bool = False
    #: Whether the key that is neither a digit nor the terminator goes back (ivr's and
    #: FreeSWITCH's habit); in an Asterisk context ``*`` and ``#`` are dialled like digits.
    back: bool = True

    @property
    def symbols(self) -> frozenset[str]:
        """``*`` and ``#`` keys that are part of an entry here rather than "back"."""
        if not self.back:  # an Asterisk context has no back key: * and # are extensions
            return frozenset("*#") - {self.terminator}
        used = {c for digits, _ in self.entries for c in digits if c in "*#"}
        used |= {c for p in self.patterns for c in "*#" if c in p.text}
        return frozenset(used - {self.terminator})


@dataclass(frozen=True)
class Handler:
    """What the n-th no input or no match at a node does (VoiceXML ``<catch count>``,
    Asterisk's ``t`` and ``i``): the handler with the highest count not above the
    node's counter runs."""

    count: int
    say: LangText
    action: Action | None
    reprompt: bool
    where: Location = NOWHERE


@dataclass(frozen=True)
class Settings:
    """Per-menu settings, overridable per node and inherited down the tree."""

    no_input_timeout: float = 5.0
    inter_digit_timeout: float = 2.0
    max_no_input: int = 3
    max_no_match: int = 3
    on_max_failures: Action = field(default_factory=lambda: Action(ActionKind.HANGUP))
    confirm_below: float = 0.6
    reject_below: float = 0.3
    barge_in: bool = True
    search: str = "node"  # "node": this node's options; "tree": the whole menu


@dataclass(frozen=True)
class Node:
    id: str
    prompt: LangText
    short_prompt: LangText
    help: LangText
    options: tuple[Option, ...]
    settings: Settings
    branch: tuple[BranchRule, ...] = ()
    collect: Collect | None = None
    parent: str | None = None
    where: Location = NOWHERE
    #: When given, these replace the built-in escalation for no input / no match.
    on_no_input: tuple[Handler, ...] = ()
    on_no_match: tuple[Handler, ...] = ()

    @property
    def kind(self) -> str:
        if self.branch:
            return "branch"
        if self.collect is not None:
            return "collect"
        return "menu"


#: Global commands, active at every node.
COMMAND_NAMES = ("repeat", "back", "main_menu", "help", "operator")


@dataclass(frozen=True)
class Command:
    name: str
    key: str | None
    phrases: Phrases
    action: Action
    where: Location = NOWHERE


@dataclass(frozen=True)
class Messages:
    """System prompts. ``{label}``, ``{options}``, ``{service}``, ``{number}`` are filled in."""

    no_input: LangText
    no_match: LangText
    invalid_key: LangText
    goodbye: LangText
    connecting: LangText
    confirm: LangText
    choose: LangText
    help: LangText
    at_top: LangText
    call_limit: LangText


@dataclass(frozen=True)
class Voice:
    """How prompts in one language are spoken (used by the speech front ends)."""

    voice: str
    rate: int = 160
    volume: float = 1.0


#: The speech engines a menu may name (``engine:``), "auto" first; the recogniser
#: registry builds these same names, so a menu never names one it cannot open.
ENGINES = ("auto", "vosk", "pocketsphinx", "moonshine")


@dataclass(frozen=True)
class Menu:
    id: str
    title: str
    file: str
    start: str
    languages: tuple[str, ...]
    nodes: dict[str, Node]
    services: dict[str, Service]
    commands: tuple[Command, ...]
    shortcuts: tuple[str, ...]  # service ids routed at once from anywhere
    messages: Messages
    voices: dict[str, Voice]
    max_call_seconds: float = 900.0
    max_caller_events: int = 200
    engine: str = "auto"
    #: Call variables and their values when a call starts (PBX menus).
    variables: tuple[tuple[str, str], ...] = ()

    @property
    def default_lang(self) -> str:
        return self.languages[0]

    def option_by_id(self, option_id: str) -> Option | None:
        node_id, _, _ = option_id.partition(".")
        node = self.nodes.get(node_id)
        if node is None:
            return None
        return next((o for o in node.options if o.id == option_id), None)
