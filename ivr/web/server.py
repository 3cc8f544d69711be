"""``ivr serve``: the page, its assets, the menus' diagrams and one WebSocket per call.

The client never names a file: menus are numbers into the list the server
was started with, assets come from a fixed list, and a diagram is drawn from
a loaded menu. Every response carries a Content-Security-Policy that lets the
page load nothing but the server's own files. A server bound to a loopback
address also answers only to loopback host names, so a web page elsewhere
cannot reach it by pointing its own name at 127.0.0.1 (DNS rebinding), and a
WebSocket is accepted only from the page's own origin.
"""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
import itertools
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from aiohttp import web

from ivr.errors import IvrError
from ivr.graph.build import build_diagram
from ivr.graph.svg import dot_available, render_builtin, render_with_dot
from ivr.loader import load_menu_warned
from ivr.model import Menu
from ivr.understand.ranker import Ranker
from ivr.understand.respell import Known
from ivr.web.connection import Connection
from ivr.web.protocol import CloseCode
from ivr.web.session_bridge import AudioFactory, ServedMenu

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
#: The only files ``/static/NAME`` serves, and their types (a missing one is a 404).
ASSETS = {
    "app.js": "text/javascript",
    "app.css": "text/css",
    "audio.js": "text/javascript",
    "capture-worklet.js": "text/javascript",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: aiohttp's own cap on a frame; the protocol's smaller limits are checked on top.
FRAME_CAP = 64 * 1024


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    max_calls: int = 50


@dataclass
class ServerState:
    menus: list[ServedMenu]
    options: ServeOptions
    audio: AudioFactory | None = None
    calls: set[Connection] = field(default_factory=set)
    diagrams: dict[tuple[int, str], str] = field(default_factory=dict)
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


STATE = web.AppKey("ivr_state", ServerState)


def load_menus(
    paths: Sequence[Path], warn: Callable[[str], None] = log.warning
) -> list[ServedMenu]:
    """Every menu loaded before the server listens (a bad one is an error, not a 500)."""
    served = []
    for path in paths:
        menu, warnings = load_menu_warned(str(path))
        for warning in warnings:
            warn(str(warning))
        served.append(ServedMenu(menu, Path(path), _rankers(menu), _known()))
    return served


def _known() -> Known | None:
    from ivr.nlu.spelling import open_known

    return open_known()


def _rankers(menu: Menu) -> list[Ranker]:
    from ivr.nlu.rankers import open_rankers

    try:
        return open_rankers(menu)
    except IvrError as exc:
        log.warning("sentence embeddings unavailable (%s): described needs judged by stems", exc)
        return []


def make_app(
    menus: Sequence[Path] | Sequence[ServedMenu],
    options: ServeOptions | None = None,
    *,
    audio: AudioFactory | None = None,
    warn: Callable[[str], None] = log.warning,
) -> web.Application:
    """The server for ``menus`` (paths are loaded here; a bad menu raises ``IvrError``)."""
    loaded = [m for m in menus if isinstance(m, ServedMenu)]
    if len(loaded) != len(menus):
        loaded = load_menus([Path(str(m)) for m in menus], warn)
    state = ServerState(loaded, options or ServeOptions(), audio)
    app = web.Application(middlewares=[_host_check])
    app[STATE] = state
    app.on_response_prepare.append(_security_headers)
    app.on_shutdown.append(_close_calls)
    app.router.add_get("/", _page)
    app.router.add_get("/static/{name}", _asset)
    app.router.add_get("/api/menus", _menus)
    app.router.add_get(r"/api/menus/{number:\d+}/diagram.svg", _diagram)
    app.router.add_get("/ws", _socket)
    return app


# -- headers and hosts ----------------------------------------------------------------


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@web.middleware
async def _host_check(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if _is_loopback(request.app[STATE].options.host):
        name = (request.url.host or "").strip("[]").lower()
        if not _is_loopback(name):
            raise web.HTTPForbidden(text=f"unknown host {name!r}: use 127.0.0.1 or localhost\n")
    return await handler(request)


# -- HTTP -----------------------------------------------------------------------------


async def _page(request: web.Request) -> web.Response:
    return _file("index.html", "text/html")


async def _asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound(text="no such file\n")
    return _file(name, ASSETS[name])


def _file(name: str, content_type: str) -> web.Response:
    try:
        body = (STATIC / name).read_bytes()
    except FileNotFoundError:  # typed as asked, so the browser reports a 404, not a MIME error
        comment = f"/* {name} is not installed */\n"
        raise web.HTTPNotFound(text=comment, content_type=content_type) from None
    return web.Response(body=body, content_type=content_type, charset="utf-8")


async def _menus(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response([m.info(number) for number, m in enumerate(state.menus)])


async def _diagram(request: web.Request) -> web.Response:
    state = request.app[STATE]
    number = int(request.match_info["number"])
    if number >= len(state.menus):
        raise web.HTTPNotFound(text=f"no menu {number}\n")
    menu = state.menus[number].menu
    lang = request.query.get("lang", menu.default_lang)
    if lang not in menu.languages:
        raise web.HTTPNotFound(text=f"menu {number} has no language {lang!r}\n")
    key = (number, lang)
    if key not in state.diagrams:
        loop = asyncio.get_running_loop()
        state.diagrams[key] = await loop.run_in_executor(None, diagram_svg, menu, lang)
    return web.Response(text=state.diagrams[key], content_type="image/svg+xml", charset="utf-8")


def diagram_svg(menu: Menu, lang: str) -> str:
    """The menu's diagram (Graphviz when installed); node boxes carry ``id="node-ID"``."""
    diagram = build_diagram(menu, lang)
    if dot_available():
        try:
            return render_with_dot(diagram)
        except IvrError as exc:
            log.warning("Graphviz failed (%s): drawing the built-in layout", exc)
    return render_builtin(diagram)


# -- the call's socket ----------------------------------------------------------------


async def _socket(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    origin = request.headers.get("Origin", "")
    expected = f"{request.scheme}://{request.host}".lower()
    if origin.lower() != expected:
        shown = origin or "none"
        raise web.HTTPForbidden(text=f"origin {shown!r} is not {expected!r}\n")
    ws = web.WebSocketResponse(max_msg_size=FRAME_CAP, heartbeat=30.0, compress=False)
    await ws.prepare(request)
    if len(state.calls) >= state.options.max_calls:
        busy = f"server busy: {len(state.calls)} calls already"
        await ws.close(code=CloseCode.TRY_LATER, message=busy.encode("utf-8"))
        return ws
    connection = Connection(ws, f"c{next(state.numbers)}", state.menus, state.audio)
    state.calls.add(connection)
    try:
        await connection.run()
    finally:
        state.calls.discard(connection)
    return ws


async def _close_calls(app: web.Application) -> None:
    for connection in list(app[STATE].calls):
        connection.shut(CloseCode.GOING_AWAY, "server shutting down")


def browser_audio() -> AudioFactory | None:
    """Prompts and microphone through the page: ``ivr.web.browser_audio.audio_factory``
    when that module is installed and can load, else None (keys and typed words)."""
    try:
        module = importlib.import_module("ivr.web.browser_audio")
    except ImportError as exc:
        if getattr(exc, "name", None) != "ivr.web.browser_audio":
            log.warning("browser audio unavailable: %s", exc)
        return None
    return cast(AudioFactory, module.audio_factory)


# -- running --------------------------------------------------------------------------


def page_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


async def start_site(app: web.Application, options: ServeOptions) -> tuple[web.AppRunner, str]:
    """Listen; the runner (to clean up) and the page's address (with the real port)."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise IvrError(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}",
            "pick another --port, or --port 0 for a free one",
        ) from None
    port = options.port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            port = int(address[1])
            break
    return runner, page_url(options.host, port)


def serve(app: web.Application, options: ServeOptions, ready: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C raises KeyboardInterrupt after a clean shutdown);
    ``ready`` gets the page's address once the port is open."""

    async def main() -> None:
        runner, url = await start_site(app, options)
        ready(url)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())


class ServerThread:
    """A server on its own thread and event loop (tests, benchmarks): ``url`` once started."""

    def __init__(self, app: web.Application, options: ServeOptions) -> None:
        self.app = app
        self.options = options
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="ivr-web-server",
                                        daemon=True)  # fmt: skip

    def start(self) -> ServerThread:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start_site(self.app, self.options), self._loop)
        self._runner, self.url = future.result(timeout=60)
        return self

    @property
    def calls(self) -> int:
        """Sockets open now."""
        return len(self.app[STATE].calls)

    def stop(self) -> None:
        """Close every call (1001) and the port; a second stop does nothing."""
        if self._loop.is_closed():
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
