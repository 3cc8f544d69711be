"""Driving a session in real time: prompts played with barge-in, timers that wait
for the prompt to finish, keys and speech from any source.

``step(item, now)`` does all the work and takes the time as an argument, so the
logic is tested with fake devices and a fake clock; ``run`` is the thin loop
that reads the input queue with the real clock. The same driver runs a call in
text (no player): the lines then come in the same order as with a voice, the
route after its announcement.

A caller who is talking or typing is talking: the session holds its no-input
timeout (``Talking``) until the utterance or the typed line arrives, so a
reprompt never cuts into a sentence.
"""

from __future__ import annotations

import logging
import queue
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ivr.audio.pcm import Audio
from ivr.audio.player import Prompt, PromptPlayer
from ivr.audio.ports import AudioDeviceError
from ivr.events import (
    BargeBy,
    BargeIn,
    HangUp,
    Hangup,
    KeyPress,
    Listen,
    Output,
    Route,
    Say,
    Silence,
    Speech,
    Talking,
)
from ivr.live.inputs import (
    CallerHungUp,
    Draft,
    EndOfInput,
    Heard,
    InputLost,
    Key,
    LevelReading,
    LiveInput,
    Notice,
    PartialText,
    SpeechBegan,
    SpeechDropped,
    Typed,
)
from ivr.live.record import CallRecorder
from ivr.live.voice import PromptVoice
from ivr.live.wording import heard_line, waiting_line
from ivr.session import Session

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
DRAIN_LIMIT = 120.0  # longest the last announcement may play after the call ended
#: Longest the no-input timeout is held for speech that never became an utterance (the
#: detector cuts utterances at 10 s; this covers a start whose end was never reported).
TALK_HOLD_LIMIT = 20.0


class Display(Protocol):
    """Where a live call shows what happens (the terminal, or a test's list)."""

    def ivr(self, text: str) -> None: ...
    def caller(self, text: str, kind: str) -> None: ...
    def node(self, node_id: str) -> None: ...
    def level(self, dbfs: float) -> None: ...
    def partial(self, text: str) -> None: ...
    def notice(self, text: str) -> None: ...
    def result(self, route: Route | None, reason: str | None) -> None: ...
    def draft(self, text: str) -> None: ...
    def waiting(self, text: str) -> None: ...
    def hung_up(self) -> None: ...


@dataclass
class _Playing:
    prompt: Prompt
    say: Say
    audio: Audio
    started: float


class LiveCall:
    def __init__(
        self,
        session: Session,
        display: Display,
        *,
        voice: PromptVoice | None = None,
        player: PromptPlayer | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_listen: Callable[[Listen], None] | None = None,
        recorder: CallRecorder | None = None,
    ) -> None:
        self.session = session
        self.display = display
        self.voice = voice if player is not None else None
        self.player = player
        self.clock = clock
        self.on_listen = on_listen
        self.recorder = recorder
        # what the menu says, and the route or hang-up after it, in the order said
        self.pending: deque[Say | Route | Hangup] = deque()
        self.playing: _Playing | None = None
        self.last_tick = 0.0
        self.input_ended = False
        self.barge_ins: list[BargeIn] = []
        self.typing = False
        self.speaking_since: float | None = None  # the detector heard speech start
        self._held = ""  # keys shown as held for more digits

    # -- state -------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while the menu is speaking (timers wait for the prompt to end)."""
        return self.playing is not None or bool(self.pending)

    def begin(self, now: float) -> None:
        self.last_tick = now
        if self.recorder is not None:
            self.recorder.start(now)
        self._handle(self.session.start(), now)

    # -- one step ------------------------------------------------------------
    def step(self, item: LiveInput | None, now: float) -> None:
        self._check_playing(now)
        if isinstance(item, Key):
            self._barge_in(now, "key", item.key)
            self._tick(now)
            self._caller(item.key, "press", now)
            self._handle(self.session.send(KeyPress(item.key)), now)
        elif isinstance(item, Draft):
            self._typing(item.text, now)
        elif isinstance(item, Typed):
            self._barge_in(now, "key", None)
            self._tick(now)
            self.typing = False
            self.display.draft("")
            self._caller(item.text, "say", now)
            self._handle(self.session.send(Speech(item.text)), now)
        elif isinstance(item, CallerHungUp):
            self._hang_up(now)
        elif isinstance(item, SpeechBegan):
            self._barge_in(now, "speech", None)
            self._tick(now)
            self.speaking_since = now
            self.session.send(Talking())
        elif isinstance(item, SpeechDropped):
            self._stopped_talking(now)
        elif isinstance(item, Heard):
            self._heard(item, now)
        elif isinstance(item, PartialText):
            self.display.partial(item.text)
        elif isinstance(item, LevelReading):
            self.display.level(item.dbfs)
        elif isinstance(item, InputLost):
            self.display.notice(f"{item.source}: {item.message}")
            self._stopped_talking(now)
        elif isinstance(item, Notice):
            self.display.notice(item.text)
            if self.recorder is not None:
                self.recorder.line("system", item.text, "notice", now)
        elif isinstance(item, EndOfInput):
            self.input_ended = True
        if self.speaking_since is not None and now - self.speaking_since > TALK_HOLD_LIMIT:
            log.info("speech started %.0f s ago and never ended: timers run again", TALK_HOLD_LIMIT)
            self._stopped_talking(now)
        self._tick(now)
        self._show_held_keys()

    # -- the loop ------------------------------------------------------------
    def run(self, inbox: queue.Queue[LiveInput]) -> None:
        """Run until the call ends (or the keyboard input ends with nothing pending)."""
        self.begin(self.clock())
        while not self.session.ended:
            try:
                item: LiveInput | None = inbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                item = None
            self.step(item, self.clock())
            if self.input_ended and not self.busy and self.session.next_deadline() is None:
                break
        self.drain()

    def drain(self) -> None:
        """Let the last announcement (the route, the goodbye) play to its end."""
        deadline = self.clock() + DRAIN_LIMIT
        while self.busy and self.clock() < deadline:
            if self.playing is not None:
                self.playing.prompt.wait(timeout=max(0.0, deadline - self.clock()))
            self._check_playing(self.clock())

    # -- the caller's side ------------------------------------------------------
    def _typing(self, text: str, now: float) -> None:
        """The line being typed changed: typing is talking (it cuts the prompt as speech
        would and holds the no-input timeout); an erased line is talking stopped."""
        self.display.draft(text)
        if text and not self.typing:
            self._barge_in(now, "speech", None)
            self._tick(now)
            self.typing = True
            self.session.send(Talking())
        elif not text and self.typing:
            self.typing = False
            self._stopped_talking(now)

    def _stopped_talking(self, now: float) -> None:
        """Speech or typing ended with nothing to hear: the timeout starts afresh, unless
        the caller is still talking the other way."""
        self.speaking_since = None
        if self.typing:
            return
        self._tick(now)
        self._handle(self.session.send(Talking(started=False)), now)

    def _heard(self, item: Heard, now: float) -> None:
        self._tick(now)
        self.speaking_since = None
        settings = self.session.node.settings
        log.info("heard %r at confidence %.2f (%s)", item.text, item.confidence, item.source)
        outputs = self.session.send(Speech(item.text, item.confidence, item.runners_up))
        asked = self.session.state.mode.asks
        self.display.caller(heard_line(item.text, item.confidence, settings, asked), "say")
        if self.recorder is not None and item.audio is not None:
            said_at = now - item.decode_seconds - item.audio.seconds
            self.recorder.heard(item, said_at)
        if self.typing:  # still typing: the utterance does not end that
            self.session.send(Talking())
        self._handle(outputs, now)

    def _hang_up(self, now: float) -> None:
        """The caller put the phone down: the prompt stops mid-word, the call ends."""
        if self.session.ended:
            return
        playing, self.playing = self.playing, None
        if playing is not None:
            try:
                self._recorded(playing, playing.prompt.stop().played_seconds)
            except AudioDeviceError as exc:  # the call ends anyway
                log.warning("stopping the prompt at hang-up: %s", exc)
        self.pending.clear()
        self.typing = False
        self.display.draft("")
        self.session.send(HangUp())
        if self.recorder is not None:
            self.recorder.line("caller", "(hangs up)", "hangup", now)
        self.display.hung_up()

    def _show_held_keys(self) -> None:
        session = self.session
        held = session.state.buffer if session.waiting_for_digits else ""
        if held != self._held:
            self._held = held
            numbers = session.index.shortcut_numbers
            self.display.waiting(waiting_line(held, numbers) if held else "")

    # -- internals -----------------------------------------------------------
    def _caller(self, text: str, kind: str, now: float) -> None:
        self.display.caller(text, kind)
        if self.recorder is not None:
            self.recorder.line("caller", text, kind, now)

    def _handle(self, outputs: list[Output], now: float) -> None:
        self._show_held_keys()  # the wait, if it ended, goes before what follows it
        for item in outputs:
            if isinstance(item, Listen):
                self.display.node(item.node)
                if self.on_listen is not None:
                    self.on_listen(item)
            else:
                self.pending.append(item)
                self._start_next(now)  # shown now in text; queued behind a playing prompt
        self._start_next(now)

    def _result(self, item: Route | Hangup, now: float) -> None:
        self.display.result(item if isinstance(item, Route) else None, self.session.hangup_reason)
        if self.recorder is not None:
            self.recorder.line("ivr", f"[{type(item).__name__.lower()}]", "end", now)

    def _show(self, say: Say, now: float) -> None:
        self.display.ivr(say.text)
        if self.recorder is not None:
            self.recorder.line("ivr", say.text, say.kind, now)

    def _start_next(self, now: float) -> None:
        while self.playing is None and self.pending:
            say = self.pending.popleft()
            if not isinstance(say, Say):
                self._result(say, now)
                continue
            self._show(say, now)
            if self.player is None or self.voice is None:
                continue
            audio = self.voice.render(say.text, self.session.lang)
            if audio is None:
                if self.voice.failed:
                    self.display.notice("speech synthesis failed; prompts continue as text")
                    self.player = None
                continue
            try:
                prompt = self.player.start(audio, interruptible=say.barge_in)
            except AudioDeviceError as exc:
                log.error("audio output failed, going on in text: %s", exc)
                self.display.notice(f"audio output failed ({exc.message}); going on in text")
                self.player = None
                continue
            self.playing = _Playing(prompt, say, audio, now)
        if not self.busy:
            self.last_tick = max(self.last_tick, now)

    def _check_playing(self, now: float) -> None:
        playing = self.playing
        if playing is None or not playing.prompt.done:
            return
        try:
            result = playing.prompt.wait(timeout=0)
        except AudioDeviceError as exc:
            self.display.notice(f"audio output failed ({exc.message}); prompts continue as text")
            self.player = None
            self.playing = None
            self._start_next(now)
            return
        self._recorded(playing, result.played_seconds)
        self.playing = None
        self._start_next(now)
        if not self.busy:
            self.last_tick = now  # the caller's time starts when the menu stops talking

    def _barge_in(self, now: float, by: BargeBy, key: str | None) -> None:
        playing = self.playing
        if playing is None:
            return
        prompt = playing.prompt
        cut = prompt.key_pressed(key or "") if by == "key" else prompt.speech_started()
        if not cut:
            return
        result = prompt.wait(timeout=0)
        self._recorded(playing, result.played_seconds)
        skipped = sum(isinstance(item, Say) for item in self.pending)
        results = [item for item in self.pending if not isinstance(item, Say)]
        self.pending.clear()
        self.playing = None
        for end in results:  # the route still happened, announced or not
            self._result(end, now)
        event = BargeIn(result.played_seconds, by)
        self.barge_ins.append(event)
        self.session.send(event)
        log.info(
            "barge-in by %s after %.2f s (%d queued prompts skipped)",
            by,
            result.played_seconds,
            skipped,
        )
        self.last_tick = now

    def _recorded(self, playing: _Playing, played: float) -> None:
        if self.recorder is not None:
            self.recorder.ivr_audio(playing.audio, playing.started, played)

    def _tick(self, now: float) -> None:
        """Move the session's clock on while the caller is the one expected to act."""
        if self.busy or self.session.ended:
            self.last_tick = max(self.last_tick, now) if self.busy else self.last_tick
            return
        elapsed = now - self.last_tick
        if elapsed <= 0:
            return
        self.last_tick = now
        self._handle(self.session.send(Silence(elapsed)), now)
