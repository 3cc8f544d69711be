"""``ivr serve`` without a browser: HTTP, WebSocket calls, hostile clients and limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from ivr.cli import main as cli_main
from ivr.web import connection
from ivr.web import server as server_module
from ivr.web.protocol import MAX_AUDIO_BYTES_PER_SECOND, MAX_BINARY_BYTES, MAX_TEXT_BYTES

from .webclient import RawCall, run

NIGHT = "2026-11-23 21:00"  # a Monday evening: GP offices are closed
NOON = "2026-11-23 12:00"


async def routed_call(url: str, keys: str, **start: Any) -> RawCall:
    async with RawCall(url) as call:
        await call.start(**start)
        await call.until("ivr")
        await call.press(keys)
        await call.finish()
    return call


def test_a_keypad_call_to_113_is_routed_then_logged_then_closed(norway_server: Any) -> None:
    call = run(routed_call(norway_server.url, "113"))
    kinds = [m["type"] for m in call.messages]
    assert kinds[:3] == ["started", "ivr", "node"] and kinds[-2:] == ["result", "log"]
    assert call.messages[0] == {"type": "started", "call": call.messages[0]["call"], "menu": 0,
                                "node": "main", "lang": "en"}  # fmt: skip
    result = call.of_type("result")[0]
    assert (result["outcome"], result["route"], result["service_id"]) == (
        "route", "113", "ambulance")  # fmt: skip
    assert call.of_type("ivr")[-1]["text"].startswith("Connecting you to the medical emergency")
    assert [m["text"] for m in call.of_type("caller")] == ["1", "1", "3"]
    assert call.of_type("waiting")[0]["text"] == "1 ... waiting in case you dial 110, 112 or 113"
    assert (call.close_code, call.close_reason) == (1000, "call ended")


def test_typed_words_route_a_call_to_110(norway_server: Any) -> None:
    async def talk() -> RawCall:
        async with RawCall(norway_server.url) as call:
            await call.start()
            await call.send({"type": "draft", "text": "my hou"})
            await call.send({"type": "say", "text": "my house is on fire"})
            await call.finish()
        return call

    call = run(talk())
    assert call.of_type("caller") == [{"type": "caller", "text": "my house is on fire",
                                       "kind": "say"}]  # fmt: skip
    assert call.of_type("result")[0]["route"] == "110"


def test_the_time_of_the_call_decides_where_2_goes(norway_server: Any) -> None:
    night = run(routed_call(norway_server.url, "2", at=NIGHT))
    assert night.of_type("result")[0]["route"] == "116 117"  # as the menu writes it
    assert night.of_type("log")[0]["log"]["route"] == "116117"  # as ivr call --json has it

    async def by_day() -> RawCall:
        async with RawCall(norway_server.url) as call:
            await call.start(at="2026-11-23T12:00")  # the page's datetime-local form
            await call.press("2")
            await call.until("node")
            await call.until("node")  # main, then gp_open: the offices are open
            await call.send({"type": "hangup"})
            await call.finish()
        return call

    day = run(by_day())
    assert [m["node"] for m in day.of_type("node")] == ["main", "gp_open"]


def test_the_log_is_the_object_ivr_call_json_prints(
    norway_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    logged = run(routed_call(norway_server.url, "2", at=NIGHT)).of_type("log")[0]["log"]
    code = cli_main.main(["call", str(norway_server_menu()), "--press", "2", "--at", NIGHT,
                          "--json"])  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert code == 0

    def timeless(log: dict[str, Any]) -> dict[str, Any]:
        lines = [{k: v for k, v in line.items() if k != "at"} for line in log["transcript"]]
        return {**log, "transcript": lines}

    assert list(logged) == list(printed)
    assert timeless(logged) == timeless(printed)


def norway_server_menu() -> Any:
    from .conftest import NORWAY

    return NORWAY


def test_hanging_up_ends_the_call_as_the_caller_hung_up(norway_server: Any) -> None:
    async def hang_up() -> RawCall:
        async with RawCall(norway_server.url) as call:
            await call.start(lang="nb")
            await call.until("ivr")
            await call.send({"type": "hangup"})
            await call.finish()
        return call

    call = run(hang_up())
    assert call.of_type("ivr")[0]["text"].startswith("Nød- og helsetelefonen")
    result = call.of_type("result")[0]
    assert (result["outcome"], result["route"], result["reason"]) == (
        "hangup",
        None,
        "caller hung up",
    )
    assert call.of_type("log")[0]["log"]["outcome"] == "hangup"


# -- hostile and broken clients ---------------------------------------------------------

Hostile = Callable[[RawCall], Awaitable[None]]


async def _garbage(call: RawCall) -> None:
    await call.send_text("\x00\xff garbage {{{")


async def _not_an_object(call: RawCall) -> None:
    await call.send_text("[1, 2, 3]")


async def _oversized(call: RawCall) -> None:
    await call.send({"type": "say", "text": "x" * (MAX_TEXT_BYTES + 10)})


async def _key_before_start(call: RawCall) -> None:
    await call.send({"type": "key", "key": "1"})


async def _started_twice(call: RawCall) -> None:
    await call.start()
    await call.send({"type": "start", "menu": 0})


async def _unknown_type(call: RawCall) -> None:
    await call.start()
    await call.send({"type": "dial", "number": "113"})


async def _bad_key(call: RawCall) -> None:
    await call.start()
    await call.send({"type": "key", "key": "A"})


async def _flood(call: RawCall) -> None:
    await call.start()
    for _ in range(80):
        await call.send({"type": "draft", "text": "a"})


async def _audio_before_start(call: RawCall) -> None:
    await call.send_bytes(b"\x00\x00" * 320)


async def _audio_without_asking(call: RawCall) -> None:
    await call.start()
    await call.send_bytes(b"\x00\x00" * 320)


async def _audio_frame_too_big(call: RawCall) -> None:
    await call.start(audio=True)
    await call.send_bytes(b"\x00" * (MAX_BINARY_BYTES + 2))


async def _audio_too_fast(call: RawCall) -> None:
    await call.start(audio=True)
    for _ in range(MAX_AUDIO_BYTES_PER_SECOND // MAX_BINARY_BYTES + 2):
        await call.send_bytes(b"\x00" * MAX_BINARY_BYTES)


async def _no_such_menu(call: RawCall) -> None:
    await call.send({"type": "start", "menu": 7})


async def _no_such_language(call: RawCall) -> None:
    await call.send({"type": "start", "menu": 0, "lang": "de"})


async def _no_such_time(call: RawCall) -> None:
    await call.send({"type": "start", "menu": 0, "at": "tomorrow"})


HOSTILE: dict[str, tuple[Hostile, str]] = {
    "garbage": (_garbage, "not JSON: send one JSON object per message"),
    "not an object": (_not_an_object, "not a JSON object: got an array"),
    "oversized": (_oversized, "message too big: 4133 bytes, at most 4096"),
    "key before start": (_key_before_start, "start first: the first message must be start"),
    "started twice": (_started_twice, "already started: one socket is one call"),
    "unknown type": (_unknown_type,
                     'unknown message type "dial": use start, key, say, draft, hangup'),
    "bad key": (_bad_key, 'bad key "A": use one of 0-9 * #'),
    "flood": (_flood, "too many messages: more than 50 a second"),
    "audio before start": (_audio_before_start, "audio before start: send start first"),
    "audio not asked for": (_audio_without_asking, 'audio without "audio": true in start'),
    "audio frame too big": (_audio_frame_too_big, "audio frame too big: 8194 bytes, at most 8192"),
    "audio too fast": (_audio_too_fast, "audio faster than real time"),
    "no such menu": (_no_such_menu, "start: no menu 7: this server has 1"),
    "no such language": (_no_such_language, "start: language 'de' is not one of en, nb"),
    "no such time": (_no_such_time,
                     'start: "at" is not a date and time: write e.g. 2026-11-23 21:00'),
}  # fmt: skip


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_message_closes_only_its_own_call_with_the_reason(
    norway_server: Any, case: str
) -> None:
    attack, reason = HOSTILE[case]

    async def both() -> tuple[RawCall, RawCall]:
        async with RawCall(norway_server.url) as bystander, RawCall(norway_server.url) as bad:
            await bystander.start()
            await bystander.until("ivr")
            await attack(bad)
            await bad.finish()
            await bystander.press("113")  # the other call goes on and routes
            await bystander.finish()
        return bad, bystander

    bad, bystander = run(both())
    assert (bad.close_code, bad.close_reason) == (1008, reason)
    assert bad.of_type("error") == [{"type": "error", "reason": reason}]
    assert bystander.of_type("result")[0]["route"] == "113"
    assert bystander.of_type("error") == [] and bystander.close_code == 1000


def test_a_frame_over_the_socket_cap_closes_that_socket_only(norway_server: Any) -> None:
    async def huge() -> tuple[RawCall, RawCall]:
        async with RawCall(norway_server.url) as bystander, RawCall(norway_server.url) as bad:
            await bystander.start()
            await bad.start()
            await bad.send_text(" " * (server_module.FRAME_CAP + 1))
            await bad.finish()
            await bystander.press("112")
            await bystander.finish()
        return bad, bystander

    bad, bystander = run(huge())
    assert bad.close_code == 1009  # aiohttp's "message too big", before our own checks
    assert bystander.of_type("result")[0]["route"] == "112"


def test_a_socket_that_never_starts_is_closed(
    norway_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "START_WITHIN_SECONDS", 0.2)

    async def idle() -> RawCall:
        async with RawCall(norway_server.url) as call:
            await call.finish()
        return call

    call = run(idle())
    assert (call.close_code, call.close_reason) == (1008, "no start within 0 s")


# -- origins, hosts and limits ------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", ""])
def test_a_socket_from_another_origin_is_refused_before_the_upgrade(
    norway_server: Any, origin: str
) -> None:
    async def connect() -> int:
        try:
            async with RawCall(norway_server.url, origin=origin):
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status

    assert run(connect()) == 403


def test_a_loopback_server_answers_only_to_loopback_names(norway_server: Any) -> None:
    async def get(host: str) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.get(norway_server.url, headers={"Host": host}) as response,
        ):
            return response.status

    assert run(get("evil.example:80")) == 403  # a name rebound to 127.0.0.1
    assert run(get(norway_server.url.split("/")[2].replace("127.0.0.1", "localhost"))) == 200


def test_past_max_calls_the_next_caller_is_told_the_server_is_busy(serve: Any) -> None:
    server = serve(max_calls=2)

    async def three() -> RawCall:
        async with RawCall(server.url) as one, RawCall(server.url) as two:
            await one.start()
            await two.start()
            async with RawCall(server.url) as third:
                await third.finish()
            await one.press("113")
            await one.finish()
        return third

    third = run(three())
    assert (third.close_code, third.close_reason) == (1013, "server busy: 2 calls already")


def test_twenty_simultaneous_keypad_calls_all_route(norway_server: Any) -> None:
    async def twenty() -> list[RawCall]:
        return await asyncio.gather(*(routed_call(norway_server.url, "113") for _ in range(20)))

    calls = run(twenty())
    assert [c.of_type("result")[0]["route"] for c in calls] == ["113"] * 20
    assert [c.of_type("error") for c in calls] == [[]] * 20
    assert {c.close_code for c in calls} == {1000}
    assert len({c.messages[0]["call"] for c in calls}) == 20


def test_stopping_the_server_closes_its_calls(serve: Any) -> None:
    server = serve()

    async def cut() -> RawCall:
        async with RawCall(server.url) as call:
            await call.start()
            await asyncio.get_running_loop().run_in_executor(None, server.stop)
            await call.finish()
        return call

    call = run(cut())
    assert (call.close_code, call.close_reason) == (1001, "server shutting down")


# -- HTTP -----------------------------------------------------------------------------------


async def fetch(url: str) -> tuple[int, dict[str, str], str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, dict(response.headers), await response.text()


@pytest.mark.parametrize(
    "path", ["", "static/app.js", "static/app.css", "api/menus", "api/menus/0/diagram.svg",
             "static/nothing.js", "api/menus/9/diagram.svg", "ws-nope"],
)  # fmt: skip
def test_every_response_carries_the_security_headers(norway_server: Any, path: str) -> None:
    _, headers, _ = run(fetch(norway_server.url + path))
    assert headers["Content-Security-Policy"] == server_module.CSP
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_page_and_its_assets_are_served_from_a_fixed_list(norway_server: Any) -> None:
    status, headers, page = run(fetch(norway_server.url))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<script src="/static/audio.js"></script>' in page
    assert page.index("/static/audio.js") < page.index("/static/app.js")
    assert run(fetch(norway_server.url + "static/app.js"))[0] == 200
    for path in ["static/server.py", "static/..%2fserver.py", "static/../server.py", "menus"]:
        assert run(fetch(norway_server.url + path))[0] == 404, path


def test_a_listed_asset_that_is_not_installed_is_a_404(
    serve: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    monkeypatch.setattr(server_module, "STATIC", tmp_path)
    server = serve()
    assert run(fetch(server.url))[0] == 200
    status, _, text = run(fetch(server.url + "static/audio.js"))
    assert (status, text) == (404, "/* audio.js is not installed */\n")


def test_menus_are_listed_by_number_never_by_file(norway_server: Any) -> None:
    status, _, text = run(fetch(norway_server.url + "api/menus"))
    assert status == 200
    assert json.loads(text) == [{"id": 0, "title": "Norway emergency and health numbers",
                                 "languages": ["en", "nb"], "start": "main"}]  # fmt: skip
    assert "norway.yaml" not in text


def test_the_diagram_names_each_node_box_for_the_page(norway_server: Any) -> None:
    status, headers, svg = run(fetch(norway_server.url + "api/menus/0/diagram.svg"))
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    for box in ("node-main", "node-gp_open", "service-ambulance"):
        assert f'id="{box}"' in svg.replace("&#45;", "-")
    norwegian = run(fetch(norway_server.url + "api/menus/0/diagram.svg?lang=nb"))[2]
    assert "medisinsk nødtelefon" in norwegian
    assert run(fetch(norway_server.url + "api/menus/0/diagram.svg?lang=de"))[0] == 404
    assert run(fetch(norway_server.url + "api/menus/1/diagram.svg"))[0] == 404


def test_the_audio_factory_is_asked_once_per_call_that_wants_audio(serve: Any) -> None:
    asked: list[Any] = []

    def factory(link: Any) -> None:
        asked.append(link)
        return None  # no audio after all: the call goes on by keys

    server = serve(audio=factory)

    async def two() -> tuple[RawCall, RawCall]:
        async with RawCall(server.url) as plain, RawCall(server.url) as voiced:
            await plain.start()
            await voiced.start(audio=True)
            await voiced.until("notice")
            await voiced.press("113")
            await plain.press("110")
            await voiced.finish()
            await plain.finish()
        return plain, voiced

    plain, voiced = run(two())
    assert len(asked) == 1 and callable(asked[0].send) and callable(asked[0].send_binary)
    assert voiced.of_type("notice") == [
        {"type": "notice", "text": "no audio on this server: keys and typed words only"}
    ]
    assert voiced.of_type("result")[0]["route"] == "113"
    assert plain.of_type("notice") == [] and plain.of_type("result")[0]["route"] == "110"
    assert voiced.of_type("log")[0]["log"]["notices"] == [
        "no audio on this server: keys and typed words only"
    ]
