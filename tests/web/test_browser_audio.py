"""Audio both ways in a real browser: Chromium's fake microphone says a menu phrase.

The fake microphone is a WAV made by espeak-ng ("ambulance", with silence
around it; Chromium loops the file). The page asks for the microphone with
echo cancellation on, streams it to the server at 16 kHz, and plays the
prompts the server streams back. The ``window.ivrAudio`` fields are the page's
own record of what it played, stopped and measured; every wait is for a page
condition, with a generous timeout.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ivr.audio.pcm import concat, read_wav, silence, write_wav
from ivr.audio.resample import resample
from ivr.web.browser_audio import audio_factory

from .conftest import ARTIFACTS, PAGE_WAIT_MS

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

#: Chromium's fake devices run at 48 kHz; the page's worklet brings it down to 16.
FAKE_MIC_RATE = 48000
#: Quiet before the word: the main prompt is playing when the caller speaks.
BEFORE = 2.5
#: Quiet after it (then the file loops): long enough for the route to be announced.
AFTER = 12.0


def fake_microphone(folder: Path, text: str) -> Path:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("the fake microphone is made by espeak-ng (apt: espeak-ng)")
    said = folder / "said.wav"
    subprocess.run([espeak, "-v", "en", "-w", str(said), text], check=True, timeout=60)
    speech = resample(read_wav(said), FAKE_MIC_RATE)
    path = folder / f"mic-{text}.wav"
    write_wav(
        path,
        concat([silence(BEFORE, FAKE_MIC_RATE), speech, silence(AFTER, FAKE_MIC_RATE)]),
    )
    return path


@pytest.fixture(scope="module")
def chromium_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    wav = fake_microphone(tmp_path_factory.mktemp("mic"), "ambulance")
    return [
        "--use-fake-ui-for-media-stream",  # the permission prompt says yes
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]


@pytest.fixture(scope="module")
def voice_server() -> Any:
    from ivr.web.server import ServeOptions, ServerThread, make_app

    from .conftest import NORWAY

    settings = ServeOptions(port=0)
    server = ServerThread(make_app([NORWAY], settings, audio=audio_factory), settings).start()
    yield server
    server.stop()


def audio_state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("() => ({...window.ivrAudio})"))


def dial_with_microphone(page: Any, url: str) -> None:
    """Open the phone and press call with the microphone ticked (nothing awaited)."""
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    page.check("#mic")
    page.click("#call")


def call_with_microphone(page: Any, url: str) -> None:
    dial_with_microphone(page, url)
    greeting = page.locator("#transcript li.ivr").first
    expect(greeting).to_contain_text("Emergency and health line", timeout=PAGE_WAIT_MS)


def test_ambulance_said_into_the_microphone_routes_the_call_to_113(
    page: Any, voice_server: Any
) -> None:
    call_with_microphone(page, voice_server.url)
    # the meter follows the microphone while the caller speaks
    page.wait_for_function("() => document.getElementById('level').value > -50")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "voice-call-speaking.png"))
    settings = page.evaluate("() => window.ivrAudio.micSettings")
    assert settings["echoCancellation"] is True  # the browser applied what the page asked
    assert settings["noiseSuppression"] is True and settings["autoGainControl"] is True
    expect(page.locator("#route")).to_have_text("113", timeout=3 * PAGE_WAIT_MS)
    expect(page.locator("#outcome")).to_have_text("routed")
    expect(page.locator("#transcript li.caller.say").first).to_contain_text("ambulance")
    expect(page.locator("#transcript li.ivr").last).to_contain_text("medical emergency line")
    page.screenshot(path=str(ARTIFACTS / "voice-call-routed.png"))
    state = audio_state(page)
    assert state["micOn"] is False  # released when the call ended
    assert state["micError"] is None
    assert state["framesSent"] > 50  # over a second of microphone audio went up
    assert state["levelMax"] > -40


def test_saying_a_word_during_a_prompt_stops_it_on_the_page(page: Any, voice_server: Any) -> None:
    call_with_microphone(page, voice_server.url)
    page.wait_for_function("() => window.ivrAudio.framesReceived > 0")  # the prompt plays
    page.wait_for_function("() => window.ivrAudio.stoppedAt !== null", timeout=3 * PAGE_WAIT_MS)
    state = audio_state(page)
    assert state["stoppedId"] == 1  # the greeting, cut by the caller's voice
    assert state["promptsStopped"] == 1
    assert state["playing"] is False or state["promptsStarted"] > 1
    # the route's announcement comes after, as a new prompt, and is played out
    expect(page.locator("#route")).to_have_text("113", timeout=3 * PAGE_WAIT_MS)
    page.wait_for_function(
        "() => window.ivrAudio.promptsFinished >= 1 && !window.ivrAudio.playing",
        timeout=3 * PAGE_WAIT_MS,
    )
    state = audio_state(page)
    assert state["promptsStarted"] >= 2
    assert state["framesDropped"] == 0  # no frame of a prompt came after its stop


REFUSE_MICROPHONE = """
navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
"""


def test_a_refused_microphone_leaves_keys_and_spoken_prompts(page: Any, voice_server: Any) -> None:
    page.add_init_script(REFUSE_MICROPHONE)
    call_with_microphone(page, voice_server.url)
    page.wait_for_function("() => window.ivrAudio.micError === 'NotAllowedError'")
    page.wait_for_function("() => window.ivrAudio.framesReceived > 0")  # prompts still play
    for key in "112":
        page.click(f'button[data-key="{key}"]')
    expect(page.locator("#route")).to_have_text("112", timeout=PAGE_WAIT_MS)
    state = audio_state(page)
    assert state["framesSent"] == 0
    assert state["stoppedId"] == 1  # the key cut the greeting on the page


SLOW_PERMISSION = """
const askMicrophone = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) =>
  new Promise((resolve) => setTimeout(resolve, 6000)).then(() => askMicrophone(constraints));
"""


def test_a_caller_slow_to_allow_the_microphone_is_still_heard(page: Any, voice_server: Any) -> None:
    """A person takes seconds to answer the browser's permission prompt: the call starts
    once they have, so the server never waits for audio that is not coming yet."""
    page.add_init_script(SLOW_PERMISSION)
    call_with_microphone(page, voice_server.url)
    expect(page.locator("#route")).to_have_text("113", timeout=3 * PAGE_WAIT_MS)
    expect(page.locator("#transcript li.caller.say").first).to_contain_text("ambulance")
    expect(page.locator("#transcript li.notice", has_text="microphone")).to_have_count(0)


def test_keys_while_the_microphone_is_asked_for_do_not_break_the_call(
    page: Any, voice_server: Any
) -> None:
    page.add_init_script(SLOW_PERMISSION)
    dial_with_microphone(page, voice_server.url)
    page.click('button[data-key="2"]')  # before the call started: not sent
    greeting = page.locator("#transcript li.ivr").first
    expect(greeting).to_contain_text("Emergency and health line", timeout=PAGE_WAIT_MS)
    expect(page.locator("#outcome")).to_have_text("waiting")
    expect(page.locator("#transcript li.error")).to_have_count(0)
    expect(page.locator("#transcript li.caller")).to_have_count(0)


def test_hanging_up_while_the_microphone_is_asked_for_releases_it(
    page: Any, voice_server: Any
) -> None:
    page.add_init_script(SLOW_PERMISSION)
    dial_with_microphone(page, voice_server.url)
    page.click("#hangup")
    expect(page.locator("#outcome")).to_have_text("hung up")
    page.wait_for_function(
        "() => window.ivrAudio.micError === 'the call ended while the microphone was asked for'",
        timeout=PAGE_WAIT_MS,
    )
    state = audio_state(page)
    assert state["micOn"] is False and state["framesSent"] == 0
    expect(page.locator("#transcript li")).to_have_count(0)


RENDER_THROUGH_WORKLET = """
async ([frequency, rate]) => {
  const context = new OfflineAudioContext(1, rate, rate);  // one second
  await context.audioWorklet.addModule('/static/capture-worklet.js');
  const node = new AudioWorkletNode(context, 'ivr-capture', {
    numberOfInputs: 1, numberOfOutputs: 1,
    processorOptions: {targetRate: 16000, frameSamples: 320},
  });
  const frames = [];
  node.port.onmessage = (event) => frames.push(Array.from(new Int16Array(event.data.frame)));
  const tone = context.createOscillator();
  tone.frequency.value = frequency;
  const gain = context.createGain();
  gain.gain.value = 0.5;
  tone.connect(gain).connect(node);
  node.connect(context.destination);
  tone.start();
  await context.startRendering();
  while (frames.length < 48) await new Promise((resolve) => setTimeout(resolve, 20));
  return frames;
}
"""


@pytest.mark.parametrize("rate", [48000, 44100])
def test_the_capture_worklet_gives_16_khz_frames_and_filters_what_16_khz_cannot_hold(
    page: Any, voice_server: Any, rate: int
) -> None:
    import numpy as np

    page.goto(voice_server.url)
    heard = {}
    for frequency in (1000, 11000):
        frames = page.evaluate(RENDER_THROUGH_WORKLET, [frequency, rate])
        assert {len(frame) for frame in frames} == {320}  # 20 ms at 16 kHz
        samples = np.concatenate([np.asarray(f, dtype=np.float64) for f in frames]) / 32768
        steady = samples[1600:]  # past the filter's start
        spectrum = np.abs(np.fft.rfft(steady * np.hanning(len(steady))))
        peak = np.argmax(spectrum) * 16000 / len(steady)
        heard[frequency] = (peak, float(np.sqrt(np.mean(steady**2))))
    peak, level = heard[1000]
    assert peak == pytest.approx(1000, abs=5)  # a 1 kHz tone is still 1 kHz at 16 kHz
    assert level == pytest.approx(0.5 / np.sqrt(2), rel=0.05)
    assert heard[11000][1] < level / 100  # above 8 kHz: filtered, not folded to 5 kHz


PROMPTS_BACK_TO_BACK = """
() => {
  const audio = window.ivrAudio;
  const frame = () => new Int16Array(1600).fill(1000).buffer;  // 0.1 s at 16 kHz
  for (const [id, frames] of [[1, 3], [2, 2]]) {
    audio.onServerMessage({type: 'prompt', id, rate: 16000});
    for (let i = 0; i < frames; i++) audio.onBinary(frame());
    audio.onServerMessage({type: 'prompt_end', id});
  }
}
"""

A_LONG_PROMPT_STOPPED = """
() => {
  const audio = window.ivrAudio;
  audio.onServerMessage({type: 'prompt', id: 3, rate: 16000});
  for (let i = 0; i < 30; i++) audio.onBinary(new Int16Array(1600).fill(1000).buffer);
  audio.onServerMessage({type: 'stop', id: 3});
  const playing = audio.playing;
  audio.onBinary(new Int16Array(1600).buffer);  // late: dropped
  return playing;
}
"""


def test_a_prompt_sent_whole_plays_out_before_the_next_and_a_stop_cuts_at_once(
    page: Any, voice_server: Any
) -> None:
    page.goto(voice_server.url)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    page.click("#transcript")  # a person's click: the page may play sound
    page.evaluate(PROMPTS_BACK_TO_BACK)
    page.wait_for_function("() => window.ivrAudio.promptsFinished === 2")
    assert audio_state(page)["playing"] is False
    assert page.evaluate(A_LONG_PROMPT_STOPPED) is False  # silent the moment stop came
    state = audio_state(page)
    assert (state["stoppedId"], state["promptsStopped"], state["framesDropped"]) == (3, 1, 1)
    assert state["promptsFinished"] == 2 and state["framesReceived"] == 35
