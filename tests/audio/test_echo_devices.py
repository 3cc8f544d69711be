"""Echo on the virtual devices of ``scripts/virtual-audio.sh``: the layout read from
the running server, issue 18's default devices refused by ``ivr run --voice``, a
call on the right devices, and the prompt's energy in the microphone with and
without ``--echo cancel``.

Issue 18: with the default devices of the virtual-audio script as it was (the
default source was ``ivrspk.monitor``), the menu heard its own welcome, cut it
after 0.12 s and hung up with "max failures" while the caller said nothing.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ivr.audio.discovery import find_device
from ivr.audio.echo_check import EchoRisk, check_echo
from ivr.audio.pcm import Audio, FloatArray
from ivr.audio.pulse import pulse_graph
from ivr.audio.streams import SoundDeviceInput, SoundDeviceOutput

from .test_live_call_devices import wait_for
from .virtual_devices import VirtualAudio

pytestmark = pytest.mark.audio_device

ROOT = Path(__file__).resolve().parents[2]
NORWAY = ROOT / "menus" / "norway.yaml"
RATE = 16000


def test_the_running_servers_layout_places_every_virtual_device(
    virtual_audio: VirtualAudio,
) -> None:
    graph = pulse_graph()
    assert graph is not None
    assert (graph.default_sink, graph.default_source) == ("ivrspk", "callerline.monitor")
    assert graph.alsa_pcms["ivrmon"] == "ivrspk.monitor"

    def verdict(source: str | None, speaker: str | None) -> EchoRisk:
        return check_echo(find_device(source, "input"), find_device(speaker, "output"), graph).risk

    assert verdict(None, None) is EchoRisk.NONE
    assert verdict("callermic", "ivrspk") is EchoRisk.NONE
    assert verdict("ivrmon", "ivrspk") is EchoRisk.MONITOR
    assert verdict("ivrmon", None) is EchoRisk.MONITOR


def test_a_loopback_from_the_speaker_into_the_callers_line_is_found(
    virtual_audio: VirtualAudio,
) -> None:
    module = virtual_audio.pactl(
        "load-module", "module-loopback", "source=ivrspk.monitor", "sink=callerline"
    ).strip()
    try:
        graph = pulse_graph()
        source, speaker = find_device("callermic", "input"), find_device("ivrspk", "output")
        verdict = check_echo(source, speaker, graph)
    finally:
        virtual_audio.pactl("unload-module", module)
    assert verdict.risk is EchoRisk.LOOPBACK, verdict
    assert "loopback ivrspk.monitor -> callerline" in verdict.reason


def ivr_run(audio: VirtualAudio, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ivr", "run", str(NORWAY), *args],
        input=stdin,
        env={**audio.env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_issue_18s_speaker_monitor_as_microphone_is_refused_with_one_clear_line(
    virtual_audio: VirtualAudio,
) -> None:
    """Issue 18's pair (the default source was the speaker's monitor), named explicitly:
    changing the server's default source mid-run moves other tests' streams with it."""
    done = ivr_run(
        virtual_audio, "--voice", "--input-device", "ivrmon", "--output-device", "ivrspk"
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(
        "Error: the microphone would hear the menu's own prompts: the input 'ivrmon' "
    ), done.stderr
    assert "ivrspk.monitor" in done.stderr and "--input-device/--output-device" in done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""


@pytest.mark.engine
def test_on_the_callers_line_and_the_speaker_a_voice_call_runs_to_its_route(
    virtual_audio: VirtualAudio,
) -> None:
    """The same command on the right devices is not refused: the welcome plays on
    the speaker, the microphone listens, and the caller's keys route the call."""
    pytest.importorskip("pyttsx3")
    pytest.importorskip("pocketsphinx")
    done = ivr_run(
        virtual_audio,
        "--voice",
        "--engine",
        "pocketsphinx",
        "--input-device",
        "callermic",
        "--output-device",
        "ivrspk",
        stdin="112\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    assert "112" in done.stdout.splitlines()[-1], done.stdout


def energy_db(blocks: list[FloatArray]) -> float:
    samples = np.concatenate(blocks).astype(np.float64)
    return float(10 * np.log10(np.mean(samples**2) + 1e-20))


@pytest.mark.engine
def test_echo_cancel_takes_a_real_prompt_out_of_the_speakers_monitor_by_10_db(
    virtual_audio: VirtualAudio, say: Callable[..., Audio]
) -> None:
    """The worst case: the microphone *is* the speaker's monitor (a bit-exact echo).

    The same monitor is recorded twice at once, as it is and through the
    canceller; the prompt's energy in each, while it plays, is compared.
    """
    pytest.importorskip("webrtc_audio_processing", reason="needs ivr[echo]")
    from ivr.audio.echo_cancel import CancellingInput, CancellingOutput, EchoCanceller

    prompt = say(
        "Welcome to the emergency line. For police, press 1 or say police. "
        "For the fire brigade, press 2 or say fire."
    )
    canceller = EchoCanceller(RATE)
    speaker = CancellingOutput(SoundDeviceOutput("ivrspk"), canceller)
    raw = SoundDeviceInput("ivrmon", rate=RATE)
    cancelled = CancellingInput(SoundDeviceInput("ivrmon", rate=RATE), canceller)
    raw_blocks: list[FloatArray] = []
    clean_blocks: list[FloatArray] = []
    failed = threading.Event()
    raw.start(lambda audio: raw_blocks.append(audio.samples.copy()), lambda _e: failed.set())
    cancelled.start(
        lambda audio: clean_blocks.append(audio.samples.copy()), lambda _e: failed.set()
    )
    try:
        # A capture stream on a monitor settles for about a second (a prompt in
        # that second came back up to 1.1 s late): let both run 2.5 s first.
        assert wait_for(lambda: min(len(raw_blocks), len(clean_blocks)) >= 125, 15)
        raw_from, clean_from = len(raw_blocks), len(clean_blocks)
        speaker.play(prompt).wait()
        # and 0.3 s more, for the echo still on its way
        raw_to, clean_to = len(raw_blocks) + 15, len(clean_blocks) + 15
        assert wait_for(lambda: len(raw_blocks) >= raw_to and len(clean_blocks) >= clean_to, 10)
    finally:
        cancelled.stop()
        raw.stop()
    assert not failed.is_set()
    before = energy_db(raw_blocks[raw_from:raw_to])
    after = energy_db(clean_blocks[clean_from:clean_to])
    print(f"prompt in the microphone: {before:.1f} dBFS as captured, {after:.1f} dBFS cancelled")
    assert before > -40.0, "the prompt did not reach the monitor"
    assert before - after >= 10.0, f"only {before - after:.1f} dB"
