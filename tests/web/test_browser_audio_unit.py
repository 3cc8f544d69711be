"""The browser's loudspeaker and microphone as audio ports, with a fake socket.

``PromptPlayer``, ``open_capture`` and ``SpeechListener`` are the terminal's;
these tests check that over ``BrowserOutput`` / ``BrowserInput`` they behave as
over a sound card: a prompt is announced, streamed in order and ended; a
barge-in cuts it with a ``stop`` after which no frame of it is sent; the page's
microphone frames, whatever their size, become the capture's 20 ms blocks and
its utterances. Time is a clock the test moves (no timed assertions).
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.capture import Utterance
from ivr.audio.frontend import open_capture
from ivr.audio.pcm import Audio, concat, read_wav, silence
from ivr.audio.player import PromptPlayer
from ivr.audio.ports import AudioDeviceError
from ivr.audio.resample import resample
from ivr.audio.vad import VadKind
from ivr.web.browser_audio import (
    BLOCK_SAMPLES,
    WIRE_RATE,
    BadAudioFrame,
    BrowserInput,
    BrowserOutput,
    audio_factory,
)
from ivr.web.protocol import CloseCode, PromptEnd, PromptStart, ServerMessage, StopPrompt

Message = tuple[str, object]


class SteppedClock:
    """Time that moves only when the test says; the pacer's waits end when it has
    moved far enough (or the prompt is stopped)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._changed = threading.Condition()

    def __call__(self) -> float:
        with self._changed:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._changed:
            self.now += seconds
            self._changed.notify_all()

    def wait(self, event: threading.Event, seconds: float) -> bool:
        with self._changed:
            until = self.now + seconds
            while self.now < until and not event.is_set():
                self._changed.wait(0.01)
        return event.is_set()


class FakeLink:
    """The call's socket (a ``CallLink``): what the audio ports sent, in order, as
    ("prompt", (id, rate)), ("frame", bytes), ("prompt_end", id), ("stop", id)."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self._changed = threading.Condition()

    def _add(self, kind: str, value: object) -> None:
        with self._changed:
            self.sent.append((kind, value))
            self._changed.notify_all()

    def send(self, message: ServerMessage) -> None:
        if isinstance(message, PromptStart):
            self._add("prompt", (message.id, message.rate))
        elif isinstance(message, PromptEnd):
            self._add("prompt_end", message.id)
        elif isinstance(message, StopPrompt):
            self._add("stop", message.id)
        else:
            self._add("other", message)

    def send_binary(self, data: bytes) -> None:
        self._add("frame", data)

    def end(self, code: CloseCode, reason: str) -> None:
        self._add("end", (code, reason))

    def until(self, check: Callable[[list[Message]], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: check(self.sent), timeout=30), self.sent

    def frames(self) -> list[bytes]:
        return [value for kind, value in self.sent if kind == "frame" and isinstance(value, bytes)]

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.sent]


def tone(seconds: float, rate: int = WIRE_RATE, amplitude: float = 0.3) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    return Audio((amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def link() -> FakeLink:
    return FakeLink()


def output(link: FakeLink, clock: SteppedClock) -> BrowserOutput:
    return BrowserOutput(link, clock=clock, waiter=clock.wait)


def test_the_servers_audio_hook_gives_a_call_the_pages_speaker_and_microphone(
    link: FakeLink,
) -> None:
    speaker, microphone = audio_factory(link)
    assert (speaker.rate, speaker.link) == (WIRE_RATE, link)
    assert (microphone.rate, microphone.block_size) == (16000, 320)


def test_a_prompt_is_announced_streamed_whole_and_ended(
    link: FakeLink, clock: SteppedClock
) -> None:
    audio = tone(1.0)
    running = PromptPlayer(output(link, clock)).start(audio)
    clock.advance(1.0)
    link.until(lambda sent: ("prompt_end", 1) in sent)
    assert link.sent[0] == ("prompt", (1, WIRE_RATE))
    assert link.kinds()[1:] == ["frame"] * 10 + ["prompt_end"]
    assert all(len(frame) == 3200 for frame in link.frames())  # 100 ms of PCM16
    assert b"".join(link.frames()) == audio.to_pcm16()
    clock.advance(0.2)  # the page's own lead: heard a little after it was sent
    result = running.wait()
    assert result.reason == "finished"
    assert result.played_seconds == pytest.approx(1.0)
    assert "stop" not in link.kinds()


def test_frames_are_sent_ahead_of_their_time_not_all_at_once(
    link: FakeLink, clock: SteppedClock
) -> None:
    PromptPlayer(output(link, clock)).start(tone(2.0))
    link.until(lambda sent: len(sent) >= 5)  # 0.3 s ahead: frames 0 to 3 go at once
    assert len(link.frames()) == 4
    clock.advance(0.5)
    link.until(lambda sent: len(sent) >= 10)
    assert len(link.frames()) == 9  # those due by 0.5 s + 0.3 s
    clock.advance(2.0)
    link.until(lambda sent: sent[-1] == ("prompt_end", 1))
    assert len(link.frames()) == 20


def test_a_key_cuts_the_prompt_with_a_stop_after_which_no_frame_of_it_is_sent(
    link: FakeLink, clock: SteppedClock
) -> None:
    running = PromptPlayer(output(link, clock)).start(tone(3.0))
    clock.advance(0.5)
    link.until(lambda sent: len(sent) >= 10)
    assert running.key_pressed("2") is True
    result = running.wait()
    assert (result.reason, result.key) == ("key", "2")
    assert result.played_seconds == pytest.approx(0.4)  # sent at 0, heard from 0.1 s
    clock.advance(5.0)
    after = link.kinds()[link.kinds().index("stop") :]
    assert after == ["stop"]
    assert link.sent[link.kinds().index("stop")] == ("stop", 1)
    assert "prompt_end" not in link.kinds()


def test_speech_cuts_the_prompt_when_barge_in_by_voice_is_on(
    link: FakeLink, clock: SteppedClock
) -> None:
    player = PromptPlayer(output(link, clock), barge_in_on_speech=True)
    running = player.start(tone(2.0))
    clock.advance(1.0)
    assert running.speech_started() is True
    assert running.wait().reason == "speech"
    assert ("stop", 1) in link.sent


def test_a_prompt_played_out_is_not_stopped_on_the_page(
    link: FakeLink, clock: SteppedClock
) -> None:
    running = PromptPlayer(output(link, clock)).start(tone(0.5))
    clock.advance(1.0)
    assert running.key_pressed("1") is False  # over: the key is the next turn's
    link.until(lambda sent: ("prompt_end", 1) in sent)
    assert "stop" not in link.kinds()


def test_each_prompt_has_its_own_id(link: FakeLink, clock: SteppedClock) -> None:
    player = PromptPlayer(output(link, clock))
    first = player.start(tone(1.0))
    clock.advance(0.3)
    first.key_pressed("1")
    player.start(tone(0.2))
    clock.advance(1.0)
    link.until(lambda sent: ("prompt_end", 2) in sent)
    ids = [value for kind, value in link.sent if kind in ("prompt", "stop", "prompt_end")]
    assert ids == [(1, WIRE_RATE), 1, (2, WIRE_RATE), 2]


def test_a_prompt_at_another_rate_goes_out_at_the_wire_rate(
    link: FakeLink, clock: SteppedClock
) -> None:
    prompt = tone(1.0, rate=22050)
    PromptPlayer(output(link, clock)).start(prompt)
    clock.advance(2.0)
    link.until(lambda sent: ("prompt_end", 1) in sent)
    assert link.sent[0] == ("prompt", (1, WIRE_RATE))
    assert b"".join(link.frames()) == resample(prompt, WIRE_RATE).to_pcm16()


def test_an_empty_prompt_is_announced_ended_and_done_at_once(
    link: FakeLink, clock: SteppedClock
) -> None:
    result = PromptPlayer(output(link, clock)).start(silence(0.0, WIRE_RATE)).wait()
    link.until(lambda sent: ("prompt_end", 1) in sent)
    assert result.reason == "finished"
    assert link.kinds() == ["prompt", "prompt_end"]


def test_a_wait_with_a_timeout_that_runs_out_stops_the_prompt(
    link: FakeLink, clock: SteppedClock
) -> None:
    running = PromptPlayer(output(link, clock)).start(tone(3.0))
    waited = threading.Event()

    def tick() -> None:  # time moves on until the wait gives up, however late it began
        while not waited.wait(0.005):
            clock.advance(0.05)

    ticker = threading.Thread(target=tick)
    ticker.start()
    result = running.wait(timeout=0.5)
    waited.set()
    ticker.join()
    assert result.reason == "stopped"
    assert result.played_seconds < 3.0
    assert ("stop", 1) in link.sent


# -- the microphone ---------------------------------------------------------


class Blocks:
    def __init__(self) -> None:
        self.blocks: list[Audio] = []
        self.ends: list[AudioDeviceError | None] = []

    def on_block(self, audio: Audio) -> None:
        self.blocks.append(audio)

    def on_end(self, error: AudioDeviceError | None) -> None:
        self.ends.append(error)


def pcm(samples: np.ndarray) -> bytes:
    return Audio(samples.astype(np.float32), WIRE_RATE).to_pcm16()


def test_frames_of_any_size_reach_the_capture_as_whole_20_ms_blocks_in_order() -> None:
    source, got = BrowserInput(), Blocks()
    source.start(got.on_block, got.on_end)
    ramp = (np.arange(1000) - 500) / 1000.0
    for begin in range(0, 1000, 170):
        source.push(pcm(ramp[begin : begin + 170]))
    assert [len(block.samples) for block in got.blocks] == [BLOCK_SAMPLES] * 3
    joined = np.concatenate([block.samples for block in got.blocks])
    expected = Audio.from_pcm16(pcm(ramp), WIRE_RATE).samples[: 3 * BLOCK_SAMPLES]
    assert np.array_equal(joined, expected)
    assert all(block.rate == WIRE_RATE for block in got.blocks)


def test_a_frame_that_is_not_whole_pcm16_samples_is_refused_with_its_size() -> None:
    source, got = BrowserInput(), Blocks()
    source.start(got.on_block, got.on_end)
    with pytest.raises(BadAudioFrame, match="audio frame of 641 bytes: PCM16 samples are 2 bytes"):
        source.push(b"\0" * 641)
    assert got.blocks == []


def test_frames_nobody_listens_to_are_dropped() -> None:
    source, got = BrowserInput(), Blocks()
    source.push(pcm(np.zeros(640)))
    source.start(got.on_block, got.on_end)
    source.push(pcm(np.zeros(320)))
    source.stop()
    source.push(pcm(np.zeros(640)))
    assert len(got.blocks) == 1
    assert not source.listening


def test_the_page_going_away_ends_the_source_once_but_not_after_stop() -> None:
    source, got = BrowserInput(), Blocks()
    source.start(got.on_block, got.on_end)
    source.end()
    source.end()
    assert got.ends == [None]
    stopped, later = BrowserInput(), Blocks()
    stopped.start(later.on_block, later.on_end)
    stopped.stop()
    stopped.end()
    assert later.ends == []


def test_a_second_reader_is_refused() -> None:
    source = BrowserInput()
    source.start(Blocks().on_block, Blocks().on_end)
    with pytest.raises(AudioDeviceError, match="already being read"):
        source.start(Blocks().on_block, Blocks().on_end)


def spoken(tmp_path: Path, text: str) -> Audio:
    """A WAV of espeak-ng saying ``text`` (skipped without it), at the wire rate."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("needs espeak-ng (apt: espeak-ng)")
    path = tmp_path / "said.wav"
    subprocess.run([espeak, "-v", "en", "-w", str(path), text], check=True, timeout=60)
    return resample(read_wav(path), WIRE_RATE)


def feed(source: BrowserInput, audio: Audio, frame: int = BLOCK_SAMPLES) -> threading.Thread:
    """Push ``audio`` as the page would, in 20 ms frames, once the capture listens; then
    end the source."""

    def run() -> None:
        while not source.listening:
            threading.Event().wait(0.01)
        data = audio.to_pcm16()
        for begin in range(0, len(data), 2 * frame):
            source.push(data[begin : begin + 2 * frame])
        source.end()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def line(speech: Audio) -> Audio:
    return concat([silence(1.0, WIRE_RATE), speech, silence(1.5, WIRE_RATE)])


def utterances(source: BrowserInput, audio: Audio, kind: VadKind) -> Iterator[Utterance]:
    thread = feed(source, audio)
    yield from open_capture(source, kind=kind).utterances()
    thread.join(timeout=30)


def test_a_word_said_twice_on_the_page_is_cut_into_two_utterances() -> None:
    word = concat([tone(0.25), silence(0.1, WIRE_RATE), tone(0.25, amplitude=0.2)])
    said = concat([line(word), line(word)])
    cut = list(utterances(BrowserInput(), said, VadKind.ENERGY))
    assert len(cut) == 2
    assert all(u.audio.rate == WIRE_RATE for u in cut)
    assert cut[0].start == pytest.approx(1.0, abs=0.05)


def test_espeak_saying_ambulance_is_one_utterance_of_about_its_length(tmp_path: Path) -> None:
    speech = spoken(tmp_path, "ambulance")
    (cut,) = utterances(BrowserInput(), line(speech), VadKind.AUTO)
    assert cut.end - cut.start == pytest.approx(speech.seconds, abs=0.35)


def test_the_listener_hears_ambulance_said_on_the_page(tmp_path: Path) -> None:
    pytest.importorskip("pocketsphinx", reason="needs pocketsphinx (pip install 'ivr[asr]')")
    from ivr.asr.recognizer import open_recognizer
    from ivr.events import Listen
    from ivr.live.inputs import Heard, LiveInput
    from ivr.live.listener import SpeechListener

    source = BrowserInput()
    inbox: queue.Queue[LiveInput] = queue.Queue()
    recognizer = open_recognizer("pocketsphinx", free_speech=False)
    listener = SpeechListener(open_capture(source), recognizer, inbox, free_speech=False)
    listener.listen(Listen("main", "menu", 5.0, ("ambulance", "police", "fire service")))
    thread = feed(source, line(spoken(tmp_path, "ambulance")))
    listener.start()
    heard = None
    while heard is None:
        item = inbox.get(timeout=30)
        heard = item if isinstance(item, Heard) else None
    thread.join(timeout=30)
    listener.stop()
    assert heard.text == "ambulance"
    assert heard.confidence >= 0.5
