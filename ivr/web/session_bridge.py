"""One browser call: the live-call machinery of ``ivr run`` behind a WebSocket.

The call is a ``LiveCall`` (ivr/live/call.py) on its own thread, exactly as in
the terminal: the same session, the same timers on the real clock, the same
barge-in. The page is its ``Display`` (``WebDisplay`` turns each line into a
protocol message) and its keyboard (keys, typed words and drafts are put in
the call's inbox). Nothing here knows aiohttp: the server hands the bridge a
``CallLink`` whose methods may be called from any thread.

Audio is plugged in, not built in: ``audio`` is a factory the server was
given (``ivr.web.browser_audio``), called once per call that asked for audio
with the call's link; it returns the call's output (``play`` streams prompt
frames to the page; it has a ``rate``) and input (microphone blocks; the
bridge hands it each binary frame with ``push``), or None when it cannot.
The bridge then puts them together as ``ivr run --voice`` does
(ivr/live/build.py): prompt voice and player, capture with end of speech,
recogniser and listener. Whatever is missing is said once as a notice and the
call goes on by keys and typed words.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ivr.audio.ports import AudioDeviceError, AudioInput, AudioOutput
from ivr.calllog import CallLog, HeardRow
from ivr.calls import Recognised
from ivr.errors import IvrError
from ivr.events import Route
from ivr.fields import parse_time
from ivr.live.call import LiveCall
from ivr.live.inputs import CallerHungUp, Heard, LiveInput, Notice
from ivr.menuindex import MenuIndex
from ivr.model import Menu
from ivr.session import CALLER_HUNG_UP, Session
from ivr.understand.ranker import Ranker
from ivr.understand.respell import Known
from ivr.web.protocol import (
    CallerLine,
    CloseCode,
    IvrLine,
    Level,
    Log,
    NodeEntered,
    NoticeLine,
    Partial,
    ProtocolError,
    Result,
    ServerMessage,
    StartCall,
    Started,
    Waiting,
)

if TYPE_CHECKING:
    from ivr.audio.player import PromptPlayer
    from ivr.live.listener import SpeechListener
    from ivr.live.voice import PromptVoice

log = logging.getLogger(__name__)

#: What the call log says a heard utterance was (the browser's microphone, not a file).
MICROPHONE = "(microphone)"


class CallLink(Protocol):
    """The call's socket, as the call thread sees it; every method is thread-safe and
    returns at once (messages are sent in the order given)."""

    def send(self, message: ServerMessage) -> None: ...
    def send_binary(self, data: bytes) -> None: ...
    def end(self, code: CloseCode, reason: str) -> None: ...


class RatedOutput(AudioOutput, Protocol):
    """An audio output that plays at a known rate (prompts are synthesised at it)."""

    @property
    def rate(self) -> int: ...


class PushInput(AudioInput, Protocol):
    """An audio input fed from outside: ``push`` one binary frame (PCM16 LE mono at 16
    kHz) as the page sent it."""

    def push(self, data: bytes) -> None: ...


#: Called once per call that asked for audio; None: no audio for this call.
AudioFactory = Callable[[CallLink], "tuple[RatedOutput, PushInput] | None"]


@dataclass(frozen=True)
class ServedMenu:
    """A menu the server offers, loaded once; ``rankers`` (sentence embeddings) are
    shared by every call on it, each call keeping its own ``MenuIndex``."""

    menu: Menu
    path: Path
    rankers: Sequence[Ranker] = ()
    known: Known | None = None  # a dictionary, to mend typing slips (``ivr.nlu.spelling``)

    def info(self, number: int) -> dict[str, Any]:
        menu = self.menu
        return {"id": number, "title": menu.title, "languages": list(menu.languages),
                "start": menu.start}  # fmt: skip


class WebDisplay:
    """The ``Display`` of a live call, as protocol messages on the call's link."""

    def __init__(self, link: CallLink, on_notice: Callable[[str], None]) -> None:
        self.link = link
        self._on_notice = on_notice
        self._node = ""

    def ivr(self, text: str) -> None:
        self.link.send(IvrLine(text))

    def caller(self, text: str, kind: str) -> None:
        self.link.send(CallerLine(text, kind))

    def node(self, node_id: str) -> None:
        if node_id != self._node:
            self._node = node_id
            self.link.send(NodeEntered(node_id))

    def level(self, dbfs: float) -> None:
        self.link.send(Level(round(dbfs, 1)))

    def partial(self, text: str) -> None:
        self.link.send(Partial(text))

    def notice(self, text: str) -> None:
        self._on_notice(text)
        self.link.send(NoticeLine(text))

    def result(self, route: Route | None, reason: str | None) -> None:
        if route is None:
            self.link.send(Result("hangup", reason=reason))
            return
        self.link.send(
            Result("route", route.display, route.target or None, route.name, None, route.service)
        )

    def draft(self, text: str) -> None:
        """The page shows its own text box; nothing to send."""

    def waiting(self, text: str) -> None:
        self.link.send(Waiting(text))

    def hung_up(self) -> None:
        self.link.send(Result("hangup", reason=CALLER_HUNG_UP))


class _Inbox(queue.Queue[LiveInput]):
    """The call's inbox, noting each utterance heard for the call log as it is read."""

    def __init__(self, call_log: CallLog) -> None:
        super().__init__()
        self.call_log = call_log

    def get(self, block: bool = True, timeout: float | None = None) -> LiveInput:
        item = super().get(block, timeout)
        if isinstance(item, Heard):
            got = Recognised(item.text, item.confidence, item.source, item.runners_up)
            self.call_log.hear(HeardRow.of(MICROPHONE, got, played=False))
        return item


def call_time(at: str | None, now: Callable[[], datetime] = datetime.now) -> datetime:
    """The call's clock at its start: ``at`` as the page's picker writes it, else now."""
    if not at:
        return now()
    parsed = parse_time(at)
    if parsed is None:
        raise ProtocolError('start: "at" is not a date and time: write e.g. 2026-11-23 21:00')
    return parsed


class CallBridge:
    """One call from ``start`` to its log; ``begin`` starts its thread."""

    def __init__(
        self,
        call_id: str,
        number: int,
        served: ServedMenu,
        start: StartCall,
        link: CallLink,
        audio: AudioFactory | None = None,
    ) -> None:
        self.call_id = call_id
        self.number = number
        self.link = link
        self.wants_audio = start.audio
        self._audio_factory = audio
        menu = served.menu
        if start.lang is not None and start.lang not in menu.languages:
            raise ProtocolError(
                f"start: language {start.lang!r} is not one of {', '.join(menu.languages)}"
            )
        index = MenuIndex(menu, rankers=served.rankers, known=served.known)
        self.session = Session(menu, lang=start.lang, start_time=call_time(start.at), index=index)
        self.call_log = CallLog(self.session)
        self.inbox = _Inbox(self.call_log)
        self.display = WebDisplay(link, self.call_log.notice)
        self._mic: PushInput | None = None
        self._listener: SpeechListener | None = None
        self._thread = threading.Thread(target=self._run, name=f"ivr-web-{call_id}", daemon=True)
        self._hung_up = False

    @property
    def done(self) -> bool:
        return self._thread.ident is not None and not self._thread.is_alive()

    def begin(self) -> None:
        self._thread.start()

    def put(self, item: LiveInput) -> None:
        """A key, typed words or a draft from the page."""
        self.inbox.put(item)

    def push_audio(self, data: bytes) -> None:
        """One microphone frame; dropped while the call's audio is not (yet) open."""
        mic = self._mic
        if mic is None:
            return
        try:
            mic.push(data)
        except IvrError as exc:  # a frame the input cannot take: the page's fault
            raise ProtocolError(exc.message) from None

    def hang_up(self) -> None:
        """The page hung up or went away: the call ends, once."""
        if not self._hung_up:
            self._hung_up = True
            self.inbox.put(CallerHungUp())

    def join(self, timeout: float | None = None) -> None:
        if self._thread.ident is not None:
            self._thread.join(timeout)

    # -- the call's thread ------------------------------------------------------------
    def _run(self) -> None:
        session = self.session
        self.link.send(Started(self.call_id, self.number, session.state.node, session.lang))
        try:
            call = self._live_call()
            if self._listener is not None:
                self._listener.start()
            call.run(self.inbox)
            if not session.ended:  # the page went away with the call waiting
                call.step(CallerHungUp(), call.clock())
        except Exception as exc:  # a bug must end this call, not the server
            log.exception("call %s failed", self.call_id)
            self.link.end(CloseCode.POLICY, f"internal error: {type(exc).__name__}")
            return
        finally:
            if self._listener is not None:
                self._listener.stop()
        self.link.send(Log(self.log()))
        self.link.end(CloseCode.NORMAL, "call ended")

    def log(self) -> dict[str, Any]:
        """The call log as ``ivr call --json`` prints it (with ``heard`` and ``notices``
        when the call asked for audio, as ``ivr call --audio`` does)."""
        result = self.call_log.to_json(heard=self.wants_audio)
        result["unused_steps"] = []
        return result

    def _live_call(self) -> LiveCall:
        voice = player = None
        if self.wants_audio:
            voice, player = self._open_audio()
        listener = self._listener
        return LiveCall(
            self.session,
            self.display,
            voice=voice,
            player=player,
            on_listen=listener.listen if listener is not None else None,
        )

    def _open_audio(self) -> tuple[PromptVoice | None, PromptPlayer | None]:
        factory = self._audio_factory
        pair = factory(self.link) if factory is not None else None
        if pair is None:
            self.inbox.put(Notice("no audio on this server: keys and typed words only"))
            return None, None
        output, mic = pair
        voice, player = _prompt_voice(self.session, output, self.inbox)
        try:
            self._listener = _listener(self.session, mic, self.inbox)
            self._mic = mic
        except (IvrError, AudioDeviceError) as exc:
            self.inbox.put(Notice(f"no speech recognition ({exc.message}): keys and typed words"))
        return voice, player


def _prompt_voice(
    session: Session, output: RatedOutput, inbox: queue.Queue[LiveInput]
) -> tuple[PromptVoice | None, PromptPlayer | None]:
    """The menu's voice on ``output``, as ``ivr run`` makes it; (None, None) and a notice
    when no synthesiser is installed (prompts are then text)."""
    try:
        from ivr.audio.player import PromptPlayer
        from ivr.live.voice import PromptVoice, menu_voices
        from ivr.tts import make_speaker
        from ivr.tts.cache import PromptCache

        voice = PromptVoice(PromptCache(make_speaker()), menu_voices(session.menu), output.rate)
        return voice, PromptPlayer(output, barge_in_on_speech=True)
    except IvrError as exc:
        inbox.put(Notice(f"no spoken prompts ({exc.message}): prompts are shown as text"))
        return None, None


def _listener(session: Session, mic: PushInput, inbox: queue.Queue[LiveInput]) -> SpeechListener:
    """Capture, end of speech and the menu's recogniser on ``mic``, as ``ivr run --voice``."""
    from ivr.asr.listen import engine_for, free_speech_available
    from ivr.asr.recognizer import open_recognizer
    from ivr.audio.frontend import open_capture
    from ivr.audio.vad import VadConfig, VadKind, open_vad
    from ivr.live.listener import SpeechListener

    vad = VadConfig()
    detector = open_vad(mic.rate, vad, VadKind.AUTO)
    recognizer = open_recognizer(engine_for("auto", session.menu.engine), language=session.lang)
    capture = open_capture(mic, vad, detector=detector)
    takes_needs = any(node.settings.search == "tree" for node in session.menu.nodes.values())
    free = free_speech_available(recognizer, session.lang) if takes_needs else None
    return SpeechListener(capture, recognizer, inbox, free_speech=free, language=session.lang)
