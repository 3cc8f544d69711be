"""``ivr serve MENU...``: call the menus from a browser page.

Every menu is loaded before the port opens, so a bad menu is the usual one-line
error and no half-started server. aiohttp is an optional extra (``ivr[web]``):
without it the command says so in one line.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from ivr.errors import IvrError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "serve",
        help="call the menus from a browser: keypad, typed words, microphone, live tree",
        description="Serve a page where a person calls the menus: a keypad, a text box for "
        "what the caller says, the microphone, spoken prompts, the transcript and the menu's "
        "diagram following the call. Several menus and several callers at once.",
        epilog="Open the printed address in a browser; /?autocall=1 starts a call at once.",
    )
    parser.add_argument("menus", nargs="+", metavar="MENU", help="the menus to serve (YAML)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    parser.add_argument(
        "--max-calls",
        type=int,
        default=50,
        metavar="N",
        help="calls at once; the next caller is told the server is busy (default: 50)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("aiohttp") is None:
        raise IvrError("ivr serve needs aiohttp, which is not installed", "install ivr[web]")
    if not 0 <= args.port <= 65535:
        raise IvrError(f"--port {args.port} is not a port", "use 1-65535, or 0 for a free one")
    if args.max_calls < 1:
        raise IvrError(f"--max-calls {args.max_calls} allows no call", "use 1 or more")
    from ivr.web.server import ServeOptions, browser_audio, make_app, serve

    options = ServeOptions(host=args.host, port=args.port, max_calls=args.max_calls)
    app = make_app(
        [Path(menu) for menu in args.menus],
        options,
        audio=browser_audio(),
        warn=lambda warning: print(warning, file=sys.stderr),
    )
    count = len(args.menus)

    def ready(url: str) -> None:
        print(f"Serving {count} menu(s) at {url} (Ctrl-C stops)", flush=True)

    serve(app, options, ready)
    return 0
