"""One WebSocket: the page's messages checked and handed to the call, the call's sent back.

Two tasks per socket. The reader takes each frame, holds it to the protocol
and its limits and puts it in the call's inbox; the first thing wrong closes
this socket (1008, with the reason) and hangs up its call, and nothing else.
The writer drains one queue that the call thread fills through
``loop.call_soon_threadsafe``, so lines, audio frames and the final close
leave in the order the call made them, and a slow page never blocks the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from ivr.live.inputs import Draft, Key, Typed
from ivr.web.protocol import (
    MAX_AUDIO_BYTES_PER_SECOND,
    MAX_BINARY_BYTES,
    MAX_MESSAGES_PER_SECOND,
    START_WITHIN_SECONDS,
    ClientMessage,
    CloseCode,
    DraftWords,
    ErrorLine,
    HangUpCall,
    PressKey,
    ProtocolError,
    SayWords,
    ServerMessage,
    StartCall,
    Window,
    close_reason,
    encode,
    parse_client,
)
from ivr.web.session_bridge import AudioFactory, CallBridge, ServedMenu

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)

#: Seconds the writer waits for the page to answer a close before dropping the socket.
CLOSE_TIMEOUT = 5.0


@dataclass(frozen=True)
class _Close:
    code: CloseCode
    reason: str


class Connection:
    """The socket of one call; it is the call's ``CallLink``."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        call_id: str,
        menus: Sequence[ServedMenu],
        audio: AudioFactory | None,
    ) -> None:
        self.ws = ws
        self.call_id = call_id
        self.menus = menus
        self.audio = audio
        self.bridge: CallBridge | None = None
        self.close_reason: str | None = None  # why the server closed it, for logs and tests
        self._loop = asyncio.get_running_loop()
        self._outbox: asyncio.Queue[str | bytes | _Close] = asyncio.Queue()
        self._closing = False
        self._messages = Window(MAX_MESSAGES_PER_SECOND)
        self._audio = Window(MAX_AUDIO_BYTES_PER_SECOND)

    # -- CallLink: called from the call's thread ----------------------------------------
    def send(self, message: ServerMessage) -> None:
        self._from_thread(encode(message))

    def send_binary(self, data: bytes) -> None:
        self._from_thread(bytes(data))

    def end(self, code: CloseCode, reason: str) -> None:
        self._from_thread(_Close(code, reason))

    def _from_thread(self, item: str | bytes | _Close) -> None:
        with contextlib.suppress(RuntimeError):  # the server's loop is gone: nobody to tell
            self._loop.call_soon_threadsafe(self._queue, item)

    def _queue(self, item: str | bytes | _Close) -> None:
        if self._closing:
            return
        if isinstance(item, _Close):
            self._closing = True
            self.close_reason = item.reason
        self._outbox.put_nowait(item)

    # -- the socket's life ---------------------------------------------------------------
    async def run(self) -> None:
        writer = asyncio.create_task(self._write(), name=f"ivr-web-{self.call_id}-writer")
        try:
            await self._read()
        finally:
            if self.bridge is not None:
                self.bridge.hang_up()
            self._queue(_Close(CloseCode.NORMAL, "call ended"))
            await writer

    def shut(self, code: CloseCode, reason: str) -> None:
        """Close from the event loop (the server is stopping, the call is busy)."""
        if self.bridge is not None:
            self.bridge.hang_up()
        self._queue(_Close(code, reason))

    def fail(self, reason: str) -> None:
        """The page broke the rules: tell it why, close with 1008, hang up the call."""
        log.info("call %s closed: %s", self.call_id, reason)
        self._queue(encode(ErrorLine(reason)))
        self.shut(CloseCode.POLICY, reason)

    async def _write(self) -> None:
        ws = self.ws
        while True:
            item = await self._outbox.get()
            try:
                if isinstance(item, _Close):
                    reason = close_reason(item.reason).encode("utf-8")
                    await asyncio.wait_for(ws.close(code=item.code, message=reason), CLOSE_TIMEOUT)
                    return
                if isinstance(item, str):
                    await ws.send_str(item)
                else:
                    await ws.send_bytes(item)
            except (TimeoutError, ConnectionError, RuntimeError) as exc:
                log.debug("call %s: socket gone (%s)", self.call_id, exc)
                self._closing = True
                return

    async def _read(self) -> None:
        ws = self.ws
        while not self._closing:
            timeout = START_WITHIN_SECONDS if self.bridge is None else None
            try:
                msg = await ws.receive(timeout=timeout)
            except TimeoutError:
                self.fail(f"no start within {START_WITHIN_SECONDS:.0f} s")
                return
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                return
            if msg.type is WSMsgType.ERROR:  # e.g. a frame over aiohttp's own size limit
                log.info("call %s: socket error %s", self.call_id, ws.exception())
                return
            try:
                if msg.type is WSMsgType.TEXT:
                    self._text(str(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    self._binary(bytes(msg.data))
            except ProtocolError as exc:
                self.fail(exc.reason)
                return

    def _text(self, text: str) -> None:
        if not self._messages.add(self._loop.time()):
            raise ProtocolError(f"too many messages: more than {MAX_MESSAGES_PER_SECOND} a second")
        self._dispatch(parse_client(text))

    def _binary(self, data: bytes) -> None:
        if len(data) > MAX_BINARY_BYTES:
            raise ProtocolError(
                f"audio frame too big: {len(data)} bytes, at most {MAX_BINARY_BYTES}"
            )
        bridge = self.bridge
        if bridge is None:
            raise ProtocolError("audio before start: send start first")
        if not bridge.wants_audio:
            raise ProtocolError('audio without "audio": true in start')
        if len(data) % 2:
            raise ProtocolError("audio frame of an odd number of bytes: send PCM16 samples")
        if not self._audio.add(self._loop.time(), len(data)):
            raise ProtocolError("audio faster than real time")
        bridge.push_audio(data)

    def _dispatch(self, message: ClientMessage) -> None:
        if isinstance(message, StartCall):
            self._start(message)
            return
        bridge = self.bridge
        if bridge is None:
            raise ProtocolError("start first: the first message must be start")
        if isinstance(message, PressKey):
            bridge.put(Key(message.key))
        elif isinstance(message, SayWords):
            bridge.put(Typed(message.text))
        elif isinstance(message, DraftWords):
            bridge.put(Draft(message.text))
        elif isinstance(message, HangUpCall):
            bridge.hang_up()

    def _start(self, message: StartCall) -> None:
        if self.bridge is not None:
            raise ProtocolError("already started: one socket is one call")
        count = len(self.menus)
        if message.menu >= count:
            raise ProtocolError(f"start: no menu {message.menu}: this server has {count}")
        bridge = CallBridge(
            self.call_id, message.menu, self.menus[message.menu], message, self, self.audio
        )
        self.bridge = bridge
        bridge.begin()
        log.info("call %s started on menu %d", self.call_id, message.menu)
