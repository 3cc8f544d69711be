"""Fixtures for the ``ivr serve`` tests, shared with the browser-audio tests.

Servers run in this process, each on its own thread and event loop, on a free
port (``ServerThread``); browsers are Debian's chromium driven by Playwright,
started here (no browser download is possible), with ``--no-sandbox`` when
running as root. Either missing skips the test with the reason.

- ``serve(*menus, audio=None, **ServeOptions fields)``: start a server (Norway when no
  menu is given); it is stopped after the test. ``.url`` is its page.
- ``norway_server``: one server on menus/norway.yaml shared by a test module.
- ``chromium_args``: extra Chromium flags; override it in a test module (module
  scope) to add e.g. ``--use-fake-device-for-media-stream`` and a fake microphone file.
- ``browser``: chromium for a test module; ``page``: a fresh 1280x800 page that fails
  the test on a script error or a Content-Security-Policy violation.
- ``ARTIFACTS``: where tests save screenshots (tests/web/artifacts, not committed).

Raw WebSocket callers (no browser) are in ``tests.web.webclient``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NORWAY = ROOT / "menus" / "norway.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Generous waits for page conditions (a loaded machine is slow, never a failure).
PAGE_WAIT_MS = 30_000

if importlib.util.find_spec("aiohttp") is None:  # the web extra is not installed
    collect_ignore_glob = ["test_server.py", "test_browser_*.py", "test_cli_serve.py"]


def chromium_path() -> str | None:
    """Debian's chromium, where the tests find it."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


@pytest.fixture
def serve() -> Iterator[Callable[..., Any]]:
    from ivr.web.server import ServeOptions, ServerThread, make_app

    started: list[ServerThread] = []

    def start(*menus: Path, audio: Any = None, **options: Any) -> ServerThread:
        settings = ServeOptions(port=0, **options)
        app = make_app(list(menus) or [NORWAY], settings, audio=audio)
        server = ServerThread(app, settings).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def norway_server() -> Iterator[Any]:
    from ivr.web.server import ServeOptions, ServerThread, make_app

    settings = ServeOptions(port=0)
    server = ServerThread(make_app([NORWAY], settings), settings).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium_args() -> list[str]:
    return []


@pytest.fixture(scope="module")
def browser(chromium_args: list[str]) -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    args = list(chromium_args)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    playwright = sync_api.sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, args=args)
    except Exception as exc:  # a chromium that cannot start here is an environment problem
        playwright.stop()
        pytest.skip(f"chromium does not start here: {str(exc).splitlines()[0]}")
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(PAGE_WAIT_MS)
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    opened.on("console", console)
    yield opened
    context.close()
    assert problems == []
