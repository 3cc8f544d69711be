"""The one audio front end: a clip is heard the same way by ``ivr listen``,
``ivr call --play`` and a live call fed by the fake devices.

The first tests need no engine: the utterance a clip gives offline is, sample
for sample, the one the live capture cuts from the same clip on a fake line.
The ``engine`` tests then put one synthesised "ambulance" through the three
real paths and compare the heard text and confidence.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ivr.audio import frontend
from ivr.audio.capture import Utterance
from ivr.audio.fakes import FakeInput
from ivr.audio.files import read_audio
from ivr.audio.pcm import Audio, concat, silence, write_wav
from ivr.audio.resample import resample
from ivr.audio.vad import VadKind

sf = pytest.importorskip("soundfile")

ENERGY = (
    VadKind.ENERGY
)  # the tests below speak in tones, which only the energy VAD takes for speech
NORWAY = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
MakeFile = Callable[[Path, Audio], Path]


def tone(seconds: float, rate: int, amplitude: float = 0.3) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    return Audio((amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)


def word(rate: int) -> Audio:
    """A 0.6 s "word": two tones with a short gap, as speech has."""
    return concat([tone(0.25, rate), silence(0.1, rate), tone(0.25, rate, 0.2)])


def eight_khz_wav(path: Path, speech: Audio) -> Path:
    """Narrowband mono 16-bit, with a second of line before and 1.5 s after."""
    clip = concat([silence(1.0, 8000), resample(speech, 8000), silence(1.5, 8000)])
    write_wav(path, clip)
    return path


def stereo_float_wav(path: Path, speech: Audio) -> Path:
    """44.1 kHz, two channels of different level, 32-bit float."""
    clip = concat([silence(0.7, 44100), resample(speech, 44100), silence(1.0, 44100)])
    sf.write(path, np.stack([clip.samples * 0.5, clip.samples * 0.4], axis=1), 44100, "FLOAT")
    return path


def live_utterances(audio: Audio) -> list[Audio]:
    """What the live call's capture cuts from ``audio`` on a fake line at its own rate."""
    capture = frontend.open_capture(FakeInput(audio, tail=1.5), kind=ENERGY)
    return [event.audio for event in capture.events() if isinstance(event, Utterance)]


@pytest.mark.parametrize("make", [eight_khz_wav, stereo_float_wav])
def test_a_file_gives_offline_the_utterance_the_live_capture_cuts_from_it(
    tmp_path: Path, make: MakeFile
) -> None:
    path = make(tmp_path / "word.wav", word(16000))
    clip = read_audio(path)
    offline = frontend.utterance(clip, kind=ENERGY)
    (live,) = live_utterances(clip)
    assert offline is not None and offline.rate == live.rate == frontend.LINE_RATE
    assert np.array_equal(offline.samples, live.samples)
    assert offline.seconds == pytest.approx(0.3 + 0.6 + 0.2, abs=0.03)  # pre- and post-roll


def test_a_source_off_the_line_rate_streams_the_samples_the_whole_clip_resamples_to() -> None:
    clip = concat([silence(0.2, 44100), word(44100), silence(0.2, 44100)])
    line = frontend.line_input(FakeInput(clip, block_size=441))
    assert line.rate == frontend.LINE_RATE and line.block_size == 160
    blocks: list[Audio] = []
    ended: list[object] = []
    line.start(blocks.append, ended.append)
    deadline = time.monotonic() + 10
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)
    line.stop()
    streamed = np.concatenate([b.samples for b in blocks])
    whole = resample(clip, frontend.LINE_RATE).samples
    assert ended == [None]
    assert np.array_equal(streamed[: len(whole)], whole)


def test_a_source_at_the_line_rate_is_not_wrapped() -> None:
    source = FakeInput(silence(0.1, frontend.LINE_RATE))
    assert frontend.line_input(source) is source


def test_a_clip_that_starts_and_ends_on_speech_is_heard_whole() -> None:
    """As tight as the FSDD digits: the quiet line before and after is the front end's."""
    offline = frontend.utterance(word(8000), kind=ENERGY)
    assert offline is not None
    assert offline.seconds == pytest.approx(0.3 + 0.6 + 0.2, abs=0.03)


def test_a_clip_with_no_speech_is_heard_as_nothing() -> None:
    line_hiss = Audio(np.random.default_rng(1).normal(0, 0.001, 16000).astype(np.float32), 16000)
    assert frontend.utterance(silence(2.0, 8000), kind=ENERGY) is None
    assert frontend.prepare_clip(line_hiss, kind=ENERGY) is None  # -60 dBFS: below any speech


def test_utterances_split_by_a_long_pause_are_heard_as_one_in_order() -> None:
    clip = concat([word(16000), silence(1.5, 16000), tone(0.4, 16000, 0.1)])
    (first, second) = live_utterances(concat([silence(0.5, 16000), clip]))
    joined = frontend.utterance(clip, kind=ENERGY)
    assert joined is not None
    assert np.array_equal(joined.samples, np.concatenate([first.samples, second.samples]))


def test_the_recogniser_gets_the_utterance_at_the_line_rate_with_its_peak_at_minus_6_dbfs() -> None:
    quiet = concat([silence(0.5, 8000), word(8000), silence(0.5, 8000)])
    quiet = Audio(quiet.samples * 0.1, 8000)
    prepared = frontend.prepare_clip(quiet, kind=ENERGY)
    assert prepared is not None and prepared.rate == frontend.LINE_RATE
    assert float(np.max(np.abs(prepared.samples))) == pytest.approx(frontend.PEAK, rel=1e-6)
    silent = Audio(np.zeros(100, np.float32), 16000)
    assert frontend.level(silent) is silent


# -- the three paths, with the real engine ------------------------------------------------


def espeak(path: Path, text: str, voice: str = "en-us+m3") -> Audio:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, timeout=30)
    return read_audio(path)


def heard_by_listen(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[str, float]:
    from ivr.cli.main import main

    assert main(["listen", str(path), "--menu", str(NORWAY), "--node", "main", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    return row["text"], row["confidence"]


def heard_by_play(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[str, float]:
    from ivr.cli.main import main

    main(["call", str(NORWAY), "--play", str(path), "--json"])
    (row,) = json.loads(capsys.readouterr().out)["heard"]
    return row["heard"], row["confidence"]


def heard_live(path: Path) -> tuple[str, float]:
    """A live Norway call (text prompts) whose microphone is a fake line playing the
    file, wired as ``ivr.live.build`` wires a real one."""
    from ivr.asr.listen import engine_for
    from ivr.asr.recognizer import open_recognizer
    from ivr.audio.vad import VadConfig
    from ivr.live.call import LiveCall
    from ivr.live.inputs import Heard, LiveInput
    from ivr.live.listener import SpeechListener
    from ivr.loader import load_menu
    from ivr.session import Session
    from tests.live.displays import ListDisplay

    session = Session(load_menu(NORWAY))
    recognizer = open_recognizer(engine_for("auto", session.menu.engine), language=session.lang)
    capture = frontend.open_capture(FakeInput(read_audio(path), tail=1.5), VadConfig())
    inbox: queue.Queue[LiveInput] = queue.Queue()
    listener = SpeechListener(capture, recognizer, inbox, language=session.lang)
    call = LiveCall(session, ListDisplay(), on_listen=listener.listen)
    call.begin(0.0)
    listener.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                item = inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(item, Heard):
                call.step(item, 1.0)
                return item.text, round(item.confidence, 3)
    finally:
        listener.stop()
    raise AssertionError("the live call heard nothing")


@pytest.mark.engine
@pytest.mark.parametrize("make", [eight_khz_wav, stereo_float_wav])
def test_one_recording_is_heard_alike_by_listen_call_play_and_a_live_call(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: MakeFile
) -> None:
    pytest.importorskip("pocketsphinx")
    spoken = espeak(tmp_path / "spoken.wav", "ambulance")
    path = make(tmp_path / "ambulance.wav", spoken)
    listened = heard_by_listen(capsys, path)
    played = heard_by_play(capsys, path)
    live = heard_live(path)
    assert listened[0] == "ambulance"
    assert listened == played == live, (listened, played, live)
