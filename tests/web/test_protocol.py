"""The WebSocket protocol on its own: what the page may send, what the server says."""

from __future__ import annotations

import json

import pytest

from ivr.web.protocol import (
    MAX_MESSAGES_PER_SECOND,
    MAX_REASON_BYTES,
    MAX_SAY_CHARS,
    MAX_TEXT_BYTES,
    CallerLine,
    DraftWords,
    HangUpCall,
    Log,
    PressKey,
    ProtocolError,
    Result,
    SayWords,
    ServerType,
    StartCall,
    Started,
    Window,
    close_reason,
    encode,
    parse_client,
    server_fields,
)


def reason_for(text: str) -> str:
    with pytest.raises(ProtocolError) as caught:
        parse_client(text)
    return caught.value.reason


def test_each_message_the_page_sends_is_read_into_its_dataclass() -> None:
    start = '{"type": "start", "menu": 0, "lang": "nb", "at": "2026-11-23 21:00", "audio": true}'
    assert parse_client(start) == StartCall(0, "nb", "2026-11-23 21:00", True)
    assert parse_client('{"type": "start", "menu": 1}') == StartCall(1)
    assert parse_client('{"type": "start", "menu": 0, "at": null, "lang": null}') == StartCall(0)
    assert parse_client('{"type": "key", "key": "#"}') == PressKey("#")
    assert parse_client('{"type": "say", "text": "my house is on fire"}') == SayWords(
        "my house is on fire"
    )
    assert parse_client('{"type": "draft", "text": ""}') == DraftWords("")
    assert parse_client('{"type": "hangup"}') == HangUpCall()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("garbage", "not JSON: send one JSON object per message"),
        ("", "not JSON: send one JSON object per message"),
        ("[1, 2]", "not a JSON object: got an array"),
        ('"start"', "not a JSON object: got a string"),
        ("null", "not a JSON object: got null"),
        ('{"menu": 0}', 'no "type": every message needs "type" (start, key, say, ...)'),
        ('{"type": 5}', 'no "type": every message needs "type" (start, key, say, ...)'),
        ('{"type": "dial"}', 'unknown message type "dial": use start, key, say, draft, hangup'),
        ('{"type": "key"}', 'key: "key" is missing'),
        ('{"type": "key", "key": "12"}', 'bad key "12": use one of 0-9 * #'),
        ('{"type": "key", "key": "a"}', 'bad key "a": use one of 0-9 * #'),
        ('{"type": "key", "key": 1}', 'key: "key" must be a string'),
        ('{"type": "start", "menu": "0"}', 'start: "menu" must be a number'),
        ('{"type": "start", "menu": true}', 'start: "menu" must be a number'),
        ('{"type": "start", "menu": 1.5}', 'start: "menu" must be a number'),
        ('{"type": "start", "menu": -1}', 'start: "menu" must be 0 or more, got -1'),
        ('{"type": "start", "menu": 0, "audio": 1}', 'start: "audio" must be true or false'),
        ('{"type": "start", "menu": 0, "file": "/etc/passwd"}', 'unexpected field "file" in start'),
        ('{"type": "say", "text": "  "}', "say: text is empty"),
        ('{"type": "hangup", "now": true}', 'unexpected field "now" in hangup'),
    ],
)
def test_a_bad_message_is_one_clear_reason(text: str, reason: str) -> None:
    assert reason_for(text) == reason


def test_a_message_over_4_kb_is_refused_before_it_is_parsed() -> None:
    text = json.dumps({"type": "say", "text": "x" * MAX_TEXT_BYTES})
    assert reason_for(text) == f"message too big: {len(text)} bytes, at most {MAX_TEXT_BYTES}"


def test_typed_words_are_at_most_500_characters() -> None:
    assert parse_client(json.dumps({"type": "say", "text": "a" * MAX_SAY_CHARS})).text
    long = json.dumps({"type": "draft", "text": "a" * (MAX_SAY_CHARS + 1)})
    assert reason_for(long) == "draft: text too long (501 characters, at most 500)"


def test_a_long_unknown_type_is_cut_short_in_the_reason() -> None:
    reason = reason_for(json.dumps({"type": "x" * 300}))
    assert reason.startswith('unknown message type "xxxxxxxxxxxxxxxxxxxx..."')
    assert len(close_reason(reason).encode()) <= MAX_REASON_BYTES


def test_deeply_nested_json_is_not_json_to_us_rather_than_a_crash() -> None:
    too_big = f"message too big: 100000 bytes, at most {MAX_TEXT_BYTES}"
    assert reason_for("[" * 100_000) == too_big
    assert reason_for("[" * 4000) == "not JSON: send one JSON object per message"


def test_server_messages_are_json_with_the_type_first() -> None:
    text = encode(Started("c1", 0, "main", "en"))
    assert text == '{"type": "started", "call": "c1", "menu": 0, "node": "main", "lang": "en"}'
    assert json.loads(encode(CallerLine("113", "press"))) == {
        "type": "caller", "text": "113", "kind": "press"}  # fmt: skip
    result = json.loads(encode(Result("route", "116 117", None, "the doctor", None, "legevakt")))
    assert list(result) == server_fields(Result)
    assert list(result)[:6] == ["type", "outcome", "route", "target", "service", "reason"]
    assert json.loads(encode(Log({"outcome": "route"}))) == {
        "type": "log", "log": {"outcome": "route"}}  # fmt: skip


def test_every_server_message_type_has_its_dataclass() -> None:
    from ivr.web import protocol

    classes = [getattr(protocol, name) for name in dir(protocol)]
    named = {c.TYPE for c in classes if isinstance(c, type) and hasattr(c, "TYPE")}
    assert named == set(ServerType)


def test_a_close_reason_is_cut_to_120_bytes_on_a_character_boundary() -> None:
    assert close_reason("short") == "short"
    cut = close_reason("å" * 100)  # two bytes each
    assert len(cut.encode("utf-8")) <= MAX_REASON_BYTES and cut.endswith("...")
    assert set(cut[:-3]) == {"å"}


def test_the_message_window_allows_50_a_second_and_no_more() -> None:
    window = Window(MAX_MESSAGES_PER_SECOND)
    assert all(window.add(0.001 * n) for n in range(MAX_MESSAGES_PER_SECOND))
    assert not window.add(0.5)


def test_the_window_forgets_what_is_older_than_a_second() -> None:
    window = Window(3)
    assert window.add(0.0) and window.add(0.1) and window.add(0.2)
    assert not window.add(0.3)
    assert window.add(1.15)  # 0.0 and 0.1 have left the window


def test_the_audio_window_counts_bytes() -> None:
    window = Window(64_000)
    assert all(window.add(n * 0.02, 640) for n in range(100))  # 2 s of real-time audio
    assert window.add(2.0, 30_000)  # a burst after a stall, still under twice real time
    assert not window.add(2.01, 30_000)
