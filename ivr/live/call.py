"""Driving a session in real time: prompts played with barge-in, timers that wait
for the prompt to finish, keys and speech from any source.

``step(item, now)`` does all the work and takes the time as an argument, so the
logic is tested with fake devices and a fake clock; ``run`` is the thin loop
that reads the input queue with the real clock.
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
    Hangup,
    KeyPress,
    Listen,
    Output,
    Route,
    Say,
    Silence,
    Speech,
)
from ivr.live.inputs import (
    EndOfInput,
    Heard,
    InputLost,
    Key,
    LevelReading,
    LiveInput,
    Notice,
    PartialText,
    SpeechBegan,
    Typed,
)
from ivr.live.record import CallRecorder
from ivr.live.voice import PromptVoice
from ivr.session import Session

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
DRAIN_LIMIT = 120.0  # longest the last announcement may play after the call ended


class Display(Protocol):
    """Where a live call shows what happens (the terminal, or a test's list)."""

    def ivr(self, text: str) -> None: ...
    def caller(self, text: str, kind: str) -> None: ...
    def node(self, node_id: str) -> None: ...
    def level(self, dbfs: float) -> None: ...
    def partial(self, text: str) -> None: ...
    def notice(self, text: str) -> None: ...
    def result(self, route: Route | None, reason: str | None) -> None: ...


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
        self.pending: deque[Say] = deque()
        self.playing: _Playing | None = None
        self.last_tick = 0.0
        self.input_ended = False
        self.barge_ins: list[BargeIn] = []

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
        elif isinstance(item, Typed):
            self._barge_in(now, "key", None)
            self._tick(now)
            self._caller(item.text, "say", now)
            self._handle(self.session.send(Speech(item.text)), now)
        elif isinstance(item, SpeechBegan):
            self._barge_in(now, "speech", None)
        elif isinstance(item, Heard):
            self._tick(now)
            self._caller(f"{item.text}  ({item.confidence:.2f})", "say", now)
            if self.recorder is not None and item.audio is not None:
                said_at = now - item.decode_seconds - item.audio.seconds
                self.recorder.heard(item, said_at)
            self._handle(self.session.send(Speech(item.text, item.confidence)), now)
        elif isinstance(item, PartialText):
            self.display.partial(item.text)
        elif isinstance(item, LevelReading):
            self.display.level(item.dbfs)
        elif isinstance(item, InputLost):
            self.display.notice(f"{item.source}: {item.message}")
        elif isinstance(item, Notice):
            self.display.notice(item.text)
            if self.recorder is not None:
                self.recorder.line("system", item.text, "notice", now)
        elif isinstance(item, EndOfInput):
            self.input_ended = True
        self._tick(now)

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

    # -- internals -----------------------------------------------------------
    def _caller(self, text: str, kind: str, now: float) -> None:
        self.display.caller(text, kind)
        if self.recorder is not None:
            self.recorder.line("caller", text, kind, now)

    def _handle(self, outputs: list[Output], now: float) -> None:
        for item in outputs:
            if isinstance(item, Say):
                if self.player is None:
                    self._show(item, now)
                else:
                    self.pending.append(item)
            elif isinstance(item, Listen):
                self.display.node(item.node)
                if self.on_listen is not None:
                    self.on_listen(item)
            elif isinstance(item, Route | Hangup):
                route = item if isinstance(item, Route) else None
                self.display.result(route, self.session.hangup_reason)
                if self.recorder is not None:
                    self.recorder.line("ivr", f"[{type(item).__name__.lower()}]", "end", now)
        self._start_next(now)

    def _show(self, say: Say, now: float) -> None:
        self.display.ivr(say.text)
        if self.recorder is not None:
            self.recorder.line("ivr", say.text, say.kind, now)

    def _start_next(self, now: float) -> None:
        while self.playing is None and self.pending:
            say = self.pending.popleft()
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
        skipped = len(self.pending)
        self.pending.clear()
        self.playing = None
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
