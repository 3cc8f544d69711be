"""A WebSocket caller without a browser, for protocol, hostile-client and load tests.

``RawCall`` speaks the protocol of ``ivr.web.protocol`` over aiohttp's client:
send messages, wait for a message of a given type, read until the server closes.
Waits are bounded by a generous ``WAIT`` so a broken server fails a test instead
of hanging it; no test asserts on how long anything took.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

import aiohttp

WAIT = 60.0
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one test's client coroutine to its end."""
    return asyncio.run(coro)


def origin_of(url: str) -> str:
    """The page's origin for a server address (``http://127.0.0.1:PORT``)."""
    return url.rstrip("/")


class RawCall:
    """One socket to ``url``'s ``/ws``: ``async with RawCall(url) as call: ...``."""

    def __init__(self, url: str, origin: str | None = None, headers: dict[str, str] | None = None):
        self.url = url
        self.headers = {"Origin": origin if origin is not None else origin_of(url)}
        self.headers.update(headers or {})
        self.messages: list[dict[str, Any]] = []
        self.binary: list[bytes] = []
        self.close_code: int | None = None
        self.close_reason = ""
        self._session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def __aenter__(self) -> RawCall:
        self._session = aiohttp.ClientSession()
        try:
            self.ws = await self._session.ws_connect(
                self.url.rstrip("/") + "/ws", headers=self.headers, autoclose=False
            )
        except BaseException:
            await self._session.close()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self._session is not None:
            await self._session.close()

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_text(json.dumps(message))

    async def send_text(self, text: str) -> None:
        assert self.ws is not None
        await self.ws.send_str(text)

    async def send_bytes(self, data: bytes) -> None:
        assert self.ws is not None
        await self.ws.send_bytes(data)

    async def start(self, menu: int = 0, **fields: Any) -> dict[str, Any]:
        """Send start and wait for ``started``."""
        await self.send({"type": "start", "menu": menu, **fields})
        return await self.until("started")

    async def press(self, keys: str) -> None:
        for key in keys:
            await self.send({"type": "key", "key": key})

    async def until(self, kind: str) -> dict[str, Any]:
        """The next message of type ``kind`` (every message read is kept in ``messages``);
        AssertionError if the socket closes first."""
        while True:
            message = await self._next()
            assert message is not None, (
                f"closed ({self.close_code} {self.close_reason!r}) before {kind!r}; "
                f"got {[m['type'] for m in self.messages]}"
            )
            if message.get("type") == kind:
                return message

    async def finish(self) -> tuple[int | None, str]:
        """Read until the server closes; its close code and reason."""
        while await self._next() is not None:
            pass
        return self.close_code, self.close_reason

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    async def _next(self) -> dict[str, Any] | None:
        ws = self.ws
        assert ws is not None
        while True:
            if self.close_code is not None:
                return None
            msg = await ws.receive(timeout=WAIT)
            if msg.type is aiohttp.WSMsgType.TEXT:
                message: dict[str, Any] = json.loads(msg.data)
                self.messages.append(message)
                return message
            if msg.type is aiohttp.WSMsgType.BINARY:
                self.binary.append(bytes(msg.data))
                continue
            if msg.type is aiohttp.WSMsgType.CLOSE:
                self.close_code = int(msg.data)
                self.close_reason = str(msg.extra or "")
                await ws.close()
                return None
            self.close_code = ws.close_code if ws.close_code is not None else -1
            return None
