"""What the page and the server say to each other over the call's WebSocket.

Pure (no aiohttp, no clock): the server and the tests share one reading of
every message, and a hostile or broken client is answered by one
``ProtocolError`` whose reason is the close reason the page shows. Anything
the page may send is checked here field by field (type, value, size), so the
call behind the socket only ever sees a well-formed key, line or hang-up.

Limits are per socket. They are generous for a person (a keypad, a text box,
a microphone at 16 kHz) and small enough that one tab cannot starve the
others on the same server.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import asdict, dataclass, fields
from enum import Enum, IntEnum
from typing import Any, ClassVar

from ivr.events import PHONE_KEYS

#: Largest text (JSON) message from the page, in bytes of UTF-8.
MAX_TEXT_BYTES = 4096
#: Largest binary (microphone audio) message from the page.
MAX_BINARY_BYTES = 8192
#: Longest line of typed words ("say" and "draft").
MAX_SAY_CHARS = 500
#: Text messages a page may send in any one second (a keypad and a text box need few).
MAX_MESSAGES_PER_SECOND = 50
#: The microphone's format: PCM16 little-endian mono at this rate.
AUDIO_RATE = 16000
AUDIO_BYTES_PER_SECOND = AUDIO_RATE * 2
#: Audio may arrive up to twice as fast as real time (bursts after a stall), no faster.
MAX_AUDIO_BYTES_PER_SECOND = 2 * AUDIO_BYTES_PER_SECOND
#: A WebSocket close reason must fit a control frame; this is what we allow ourselves.
MAX_REASON_BYTES = 120
#: Seconds a socket may stay open without sending ``start``.
START_WITHIN_SECONDS = 30.0


class CloseCode(IntEnum):
    """WebSocket close codes the server uses (RFC 6455, 7.4.1)."""

    NORMAL = 1000  # the call ended
    GOING_AWAY = 1001  # the server is shutting down
    POLICY = 1008  # the page broke the protocol: the reason says how
    TRY_LATER = 1013  # the server is at --max-calls


class ClientType(Enum):
    START = "start"
    KEY = "key"
    SAY = "say"
    DRAFT = "draft"
    HANGUP = "hangup"


class ServerType(Enum):
    STARTED = "started"
    IVR = "ivr"
    CALLER = "caller"
    NODE = "node"
    PARTIAL = "partial"
    LEVEL = "level"
    NOTICE = "notice"
    WAITING = "waiting"
    RESULT = "result"
    LOG = "log"
    PROMPT = "prompt"
    PROMPT_END = "prompt_end"
    STOP = "stop"
    ERROR = "error"


class ProtocolError(Exception):
    """The page sent something the protocol does not allow; ``reason`` is one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- client -> server -------------------------------------------------------------


@dataclass(frozen=True)
class StartCall:
    """Dial: which menu (its index in ``/api/menus``), language, time of day, audio."""

    menu: int
    lang: str | None = None
    at: str | None = None  # "2026-11-23 21:00" or "2026-11-23T21:00"; None: now
    audio: bool = False


@dataclass(frozen=True)
class PressKey:
    key: str


@dataclass(frozen=True)
class SayWords:
    text: str


@dataclass(frozen=True)
class DraftWords:
    """The text box changed: typing counts as talking ("" once erased)."""

    text: str


@dataclass(frozen=True)
class HangUpCall:
    pass


ClientMessage = StartCall | PressKey | SayWords | DraftWords | HangUpCall

_FIELDS: dict[ClientType, dict[str, tuple[type, ...]]] = {
    ClientType.START: {"menu": (int,), "lang": (str, type(None)), "at": (str, type(None)),
                       "audio": (bool,)},
    ClientType.KEY: {"key": (str,)},
    ClientType.SAY: {"text": (str,)},
    ClientType.DRAFT: {"text": (str,)},
    ClientType.HANGUP: {},
}  # fmt: skip
_REQUIRED: dict[ClientType, frozenset[str]] = {
    ClientType.START: frozenset({"menu"}),
    ClientType.KEY: frozenset({"key"}),
    ClientType.SAY: frozenset({"text"}),
    ClientType.DRAFT: frozenset({"text"}),
    ClientType.HANGUP: frozenset(),
}
_JSON_NAMES = {int: "a number", str: "a string", bool: "true or false", type(None): "null"}


def parse_client(text: str) -> ClientMessage:
    """One text message from the page, checked; ``ProtocolError`` says what is wrong."""
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise ProtocolError(f"message too big: {size} bytes, at most {MAX_TEXT_BYTES}")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ProtocolError("not JSON: send one JSON object per message") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"not a JSON object: got {_json_kind(data)}")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError('no "type": every message needs "type" (start, key, say, ...)')
    try:
        typed = ClientType(kind)
    except ValueError:
        allowed = ", ".join(t.value for t in ClientType)
        raise ProtocolError(f"unknown message type {_short(kind)}: use {allowed}") from None
    _check_fields(typed, data)
    return _build(typed, data)


def _check_fields(typed: ClientType, data: dict[str, Any]) -> None:
    allowed = _FIELDS[typed]
    for name, value in data.items():
        if name == "type":
            continue
        if name not in allowed:
            raise ProtocolError(f"unexpected field {_short(name)} in {typed.value}")
        wanted = allowed[name]
        if (isinstance(value, bool) and bool not in wanted) or not isinstance(value, wanted):
            names = " or ".join(_JSON_NAMES[t] for t in wanted)
            raise ProtocolError(f'{typed.value}: "{name}" must be {names}')
    missing = sorted(_REQUIRED[typed] - data.keys())
    if missing:
        raise ProtocolError(f'{typed.value}: "{missing[0]}" is missing')


def _build(typed: ClientType, data: dict[str, Any]) -> ClientMessage:
    if typed is ClientType.START:
        menu = data["menu"]
        if menu < 0:
            raise ProtocolError(f'start: "menu" must be 0 or more, got {menu}')
        return StartCall(menu, data.get("lang"), data.get("at"), data.get("audio", False))
    if typed is ClientType.KEY:
        key = data["key"]
        if len(key) != 1 or key not in PHONE_KEYS:
            raise ProtocolError(f"bad key {_short(key)}: use one of 0-9 * #")
        return PressKey(key)
    if typed is ClientType.SAY or typed is ClientType.DRAFT:
        words = data["text"]
        if len(words) > MAX_SAY_CHARS:
            raise ProtocolError(
                f"{typed.value}: text too long ({len(words)} characters, at most {MAX_SAY_CHARS})"
            )
        if typed is ClientType.DRAFT:
            return DraftWords(words)
        if not words.strip():
            raise ProtocolError("say: text is empty")
        return SayWords(words)
    return HangUpCall()


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"


def _short(value: str, limit: int = 20) -> str:
    """A client's string quoted for a reason, cut short: the reason has 120 bytes."""
    shown = value if len(value) <= limit else value[:limit] + "..."
    return json.dumps(shown, ensure_ascii=True)


# -- server -> client -------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    TYPE: ClassVar[ServerType] = ServerType.STARTED
    call: str
    menu: int
    node: str
    lang: str


@dataclass(frozen=True)
class IvrLine:
    """A prompt the menu says (the route announcement too)."""

    TYPE: ClassVar[ServerType] = ServerType.IVR
    text: str


@dataclass(frozen=True)
class CallerLine:
    """What the caller did: keys pressed, or words as heard (with how sure)."""

    TYPE: ClassVar[ServerType] = ServerType.CALLER
    text: str
    kind: str  # "press" or "say"


@dataclass(frozen=True)
class NodeEntered:
    TYPE: ClassVar[ServerType] = ServerType.NODE
    node: str


@dataclass(frozen=True)
class Partial:
    TYPE: ClassVar[ServerType] = ServerType.PARTIAL
    text: str


@dataclass(frozen=True)
class Level:
    TYPE: ClassVar[ServerType] = ServerType.LEVEL
    dbfs: float


@dataclass(frozen=True)
class NoticeLine:
    TYPE: ClassVar[ServerType] = ServerType.NOTICE
    text: str


@dataclass(frozen=True)
class Waiting:
    """Keys held in case more digits follow ("" once the wait is over)."""

    TYPE: ClassVar[ServerType] = ServerType.WAITING
    text: str


@dataclass(frozen=True)
class Result:
    """How the call ended. ``route`` is the number as the menu writes it ("116 117"),
    ``service_id`` the service's id (the page highlights its box in the diagram)."""

    TYPE: ClassVar[ServerType] = ServerType.RESULT
    outcome: str  # "route" or "hangup"
    route: str | None = None
    target: str | None = None
    service: str | None = None
    reason: str | None = None
    service_id: str | None = None


@dataclass(frozen=True)
class Log:
    """The call log: the same object as ``ivr call --json`` prints."""

    TYPE: ClassVar[ServerType] = ServerType.LOG
    log: dict[str, Any]


@dataclass(frozen=True)
class PromptStart:
    """Binary frames of prompt ``id`` follow, PCM16 LE mono at ``rate``."""

    TYPE: ClassVar[ServerType] = ServerType.PROMPT
    id: int
    rate: int


@dataclass(frozen=True)
class PromptEnd:
    TYPE: ClassVar[ServerType] = ServerType.PROMPT_END
    id: int


@dataclass(frozen=True)
class StopPrompt:
    """The caller barged in: stop playing prompt ``id`` at once."""

    TYPE: ClassVar[ServerType] = ServerType.STOP
    id: int


@dataclass(frozen=True)
class ErrorLine:
    """Why the server is closing this call (sent just before the close)."""

    TYPE: ClassVar[ServerType] = ServerType.ERROR
    reason: str


ServerMessage = (
    Started
    | IvrLine
    | CallerLine
    | NodeEntered
    | Partial
    | Level
    | NoticeLine
    | Waiting
    | Result
    | Log
    | PromptStart
    | PromptEnd
    | StopPrompt
    | ErrorLine
)


def encode(message: ServerMessage) -> str:
    """The JSON text of a server message, ``type`` first."""
    body = asdict(message)
    return json.dumps({"type": message.TYPE.value, **body}, ensure_ascii=False)


def server_fields(message_type: type[ServerMessage]) -> list[str]:
    """The JSON keys of a server message type, ``type`` first (for docs and tests)."""
    return ["type", *(f.name for f in fields(message_type))]


def close_reason(reason: str) -> str:
    """``reason`` cut to what a close frame carries (whole characters, at most 120 bytes)."""
    data = reason.encode("utf-8")
    if len(data) <= MAX_REASON_BYTES:
        return reason
    return data[: MAX_REASON_BYTES - 3].decode("utf-8", "ignore") + "..."


# -- rate limits --------------------------------------------------------------------


class Window:
    """How much arrived in the last ``span`` seconds, against a limit.

    The caller passes the time, so the rule is tested without a clock:
    ``add(now, amount)`` is False once the total within the window would pass
    ``limit``.
    """

    def __init__(self, limit: float, span: float = 1.0) -> None:
        self.limit = limit
        self.span = span
        self._items: deque[tuple[float, float]] = deque()
        self._total = 0.0

    def add(self, now: float, amount: float = 1.0) -> bool:
        while self._items and self._items[0][0] <= now - self.span:
            _, old = self._items.popleft()
            self._total -= old
        self._items.append((now, amount))
        self._total += amount
        return self._total <= self.limit
