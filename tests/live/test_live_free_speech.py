"""Live calls at a node that takes a described need: the listener asks for free speech,
and without a transcriber the caller is told once, in a system line, what still works."""

from __future__ import annotations

import queue
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from ivr.asr.recognizer import Grammar, Partial, Result, Source
from ivr.audio.capture import Capture
from ivr.audio.fakes import FakeClock, FakeInput
from ivr.audio.pcm import Audio, concat, silence
from ivr.events import Listen
from ivr.live.call import LiveCall
from ivr.live.inputs import Heard, LiveInput, Notice
from ivr.live.listener import SpeechListener
from ivr.live.record import CallRecorder
from ivr.loader import load_menu_text
from ivr.session import Session
from tests.core.menus import TINY
from tests.live.displays import ListDisplay

RATE = 16000
NO_FREE = (
    "Spoken descriptions need a free-speech recogniser (pip install 'ivr[neural]'); "
    "keys and the menu's own words still work."
)


@dataclass
class FakeRecognizer:
    """A streaming recogniser: a transcript when the grammar takes free speech."""

    transcript: str = "I smell gas"
    grammars: list[Grammar | None] = field(default_factory=list)
    fed: int = 0

    @property
    def name(self) -> str:
        return "fake"

    @property
    def sample_rate(self) -> int:
        return RATE

    def start(self, grammar: Grammar | None) -> None:
        self.grammars.append(grammar)

    def feed(self, chunk: Audio) -> Partial | None:
        self.fed += len(chunk.samples)
        return None

    def finish(self) -> Result:
        grammar = self.grammars[-1]
        if grammar is not None and grammar.free:
            return Result(self.transcript, 0.9, source=Source.TRANSCRIPT)
        return Result("fire", 0.8)

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        return []


@dataclass
class Transcribing(FakeRecognizer):
    transcribes: bool = True


def utterance() -> Audio:
    t = np.arange(RATE // 2) / RATE
    voice = Audio((0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32), RATE)
    return concat([silence(0.5, RATE), voice, silence(0.2, RATE)])


def listener_for(
    recognizer: FakeRecognizer, clip: Audio | None = None, free_speech: bool | None = None
) -> tuple[SpeechListener, queue.Queue[LiveInput]]:
    inbox: queue.Queue[LiveInput] = queue.Queue()
    capture = Capture(FakeInput(clip or silence(0.1, RATE), tail=1.5))
    return SpeechListener(capture, recognizer, inbox, free_speech=free_speech), inbox


def drain(inbox: queue.Queue[LiveInput]) -> list[LiveInput]:
    items: list[LiveInput] = []
    while True:
        try:
            items.append(inbox.get_nowait())
        except queue.Empty:
            return items


def wait_heard(inbox: queue.Queue[LiveInput], timeout: float = 10.0) -> Heard:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            item = inbox.get(timeout=0.1)
        except queue.Empty:
            continue
        if isinstance(item, Heard):
            return item
    raise AssertionError("nothing was heard")


FREE = Listen("main", "menu", 5.0, ("fire", "police", "smell gas"), free=True)
CLOSED = Listen("emergency", "menu", 5.0, ("fire", "police"), free=False)


def test_the_grammar_of_a_description_node_asks_for_free_speech_and_a_transcript_comes_back() -> (
    None
):
    recognizer = Transcribing()
    listener, inbox = listener_for(recognizer, utterance())
    listener.listen(FREE)
    listener.start()
    heard = wait_heard(inbox)
    listener.stop()
    assert recognizer.grammars[-1] is not None and recognizer.grammars[-1].free
    assert set(recognizer.grammars[-1].phrases) == {"fire", "police", "smell gas"}
    assert (heard.text, heard.source) == ("I smell gas", "transcript")
    assert heard.audio is not None and heard.audio.seconds > 0.4
    assert not any(isinstance(item, Notice) for item in drain(inbox))


def test_a_closed_node_listens_for_its_phrases_only() -> None:
    recognizer = Transcribing()
    listener, inbox = listener_for(recognizer, utterance())
    listener.listen(CLOSED)
    listener.start()
    heard = wait_heard(inbox)
    listener.stop()
    grammar = recognizer.grammars[-1]
    assert grammar is not None and not grammar.free
    assert (heard.text, heard.source) == ("fire", "grammar")


def test_without_a_transcriber_the_first_description_node_says_so_once() -> None:
    listener, inbox = listener_for(FakeRecognizer(), free_speech=False)
    listener.listen(CLOSED)
    assert drain(inbox) == []  # not at a closed node
    listener.listen(FREE)
    listener.listen(FREE)
    listener.listen(CLOSED)
    listener.listen(FREE)
    assert drain(inbox) == [Notice(NO_FREE)]


@pytest.mark.parametrize(("says", "noticed"), [(True, False), (False, True)])
def test_the_recogniser_says_whether_it_transcribes(says: bool, noticed: bool) -> None:
    listener, inbox = listener_for(Transcribing(transcribes=says))
    listener.listen(FREE)
    assert drain(inbox) == ([Notice(NO_FREE)] if noticed else [])


def test_without_a_say_from_the_recogniser_the_registry_is_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ivr.asr import listen
    from ivr.asr.recognizer import EngineError

    asked: list[str] = []

    def none_installed(language: str = "en", engine: str = "auto") -> object:
        asked.append(language)
        raise EngineError("spoken descriptions need Moonshine", "pip install 'ivr[neural]'")

    monkeypatch.setattr(listen, "open_free_transcriber", none_installed)
    monkeypatch.setattr(listen, "_AVAILABLE", {})
    listener, inbox = listener_for(FakeRecognizer())
    listener.listen(FREE)
    listener.listen(FREE)
    assert drain(inbox) == [Notice(NO_FREE)]
    assert asked == ["en"]


def test_the_live_call_shows_the_notice_once_and_records_it(tmp_path: Path) -> None:
    menu = load_menu_text(TINY)  # main searches the whole tree: it takes described needs
    listener, inbox = listener_for(FakeRecognizer(), free_speech=False)
    clock = FakeClock()
    display = ListDisplay()
    session = Session(menu)
    recorder = CallRecorder(tmp_path / "rec", session)
    call = LiveCall(session, display, clock=clock, on_listen=listener.listen, recorder=recorder)
    call.begin(clock())
    for item in drain(inbox):
        call.step(item, clock())
    call.step(Heard("I smell gas", 0.9, source="transcript"), clock())
    assert display.lines.count(f"NOTICE {NO_FREE}") == 1
    notice_at = display.lines.index(f"NOTICE {NO_FREE}")
    assert display.lines[notice_at - 1] == "NODE main"
    assert call.session.route is not None and call.session.route.id == "fire"
    assert recorder.to_json()["notices"] == [NO_FREE]
