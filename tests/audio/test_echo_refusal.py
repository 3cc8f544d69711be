"""``ivr run --voice`` refuses a microphone that would hear the menu's own speaker.

Fake devices (PortAudio's list and the sound server's layout are replaced), so
no sound server, engine or device is needed: the refusal comes before any of
them is opened or loaded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from ivr.audio import discovery, pulse
from ivr.audio.echo_check import EchoMode, EchoRisk, PulseGraph, PulseSink, PulseSource
from ivr.audio.ports import AudioDeviceError, DeviceInfo
from ivr.cli.main import main
from ivr.live import build, display  # noqa: F401 (before capsys: its default stream)
from ivr.live.build import LiveOptions, build_live_call, echo_verdict
from ivr.loader import load_menu
from ivr.session import Session
from tests.live.displays import ListDisplay

NORWAY = Path(__file__).resolve().parents[2] / "menus" / "norway.yaml"
HINT = (
    "(pick a microphone and a speaker with --input-device/--output-device, listed by "
    "`ivr devices`; or pass --echo cancel, or --echo allow if you listen on headphones)"
)


def alsa(index: int, name: str, *, default: bool = False) -> DeviceInfo:
    return DeviceInfo(index, name, "ALSA", 32, 32, 44100.0, default, default)


VIRTUAL = [
    alsa(i, name, default=name == "default")
    for i, name in enumerate(["pulse", "ivrspk", "ivrmon", "callerline", "callermic", "default"])
]
ASOUNDRC = {
    "ivrspk": "ivrspk",
    "ivrmon": "ivrspk.monitor",
    "callerline": "callerline",
    "callermic": "callerline.monitor",
}


def server(default_source: str) -> PulseGraph:
    return PulseGraph(
        default_sink="ivrspk",
        default_source=default_source,
        sinks=(PulseSink("ivrspk"), PulseSink("callerline")),
        sources=(
            PulseSource("ivrspk.monitor", monitor_of="ivrspk"),
            PulseSource("callerline.monitor", monitor_of="callerline"),
        ),
        alsa_pcms=ASOUNDRC,
    )


@pytest.fixture
def devices(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Install a fake device list and sound-server layout: ``devices(list, graph)``."""

    def install(listed: list[DeviceInfo], graph: PulseGraph | None) -> None:
        monkeypatch.setattr(discovery, "list_devices", lambda: list(listed))
        monkeypatch.setattr(pulse, "pulse_graph", lambda: graph)

    return install


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", str(NORWAY), *args])
    return code, capsys.readouterr().err


def test_the_issue_18_defaults_are_refused_in_one_line_before_anything_loads(
    devices: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # The virtual devices as they were: the default source was the speaker's monitor.
    devices(VIRTUAL, server("ivrspk.monitor"))
    loaded = set(sys.modules)
    code, err = run(capsys, "--voice")
    assert code == 1
    assert err == (
        "Error: the microphone would hear the menu's own prompts: the input 'default' "
        "(PulseAudio ivrspk.monitor) records the output 'default' (PulseAudio ivrspk) "
        f"{HINT}\n"
    )
    # refused before a speech engine was started
    assert not {m for m in set(sys.modules) - loaded if m.startswith(("pyttsx3", "pocketsphinx"))}


def test_a_monitor_named_as_the_microphone_is_refused(
    devices: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    devices(VIRTUAL, server("callerline.monitor"))
    code, err = run(capsys, "--voice", "--input-device", "ivrmon", "--output-device", "ivrspk")
    assert code == 1
    assert err == (
        "Error: the microphone would hear the menu's own prompts: the input 'ivrmon' "
        f"(PulseAudio ivrspk.monitor) records the output 'ivrspk' {HINT}\n"
    )


def test_one_sound_card_both_ways_is_refused_without_a_sound_server(
    devices: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    card = DeviceInfo(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", "ALSA", 2, 2, 48000, True, True)
    devices([card], None)
    code, err = run(capsys, "--voice")
    assert code == 1
    assert err.startswith(
        "Error: the microphone would hear the menu's own prompts: the input "
        "'HDA Intel PCH: ALC3246 Analog (hw:0,0)' is the output device itself ("
    )
    assert err.count("\n") == 1


def test_the_callers_line_and_the_speaker_pass_the_check(devices: Any) -> None:
    devices(VIRTUAL, server("callerline.monitor"))
    verdict = echo_verdict(LiveOptions())
    assert verdict is not None and verdict.risk is EchoRisk.NONE
    named = echo_verdict(LiveOptions(input_device="callermic", output_device="ivrspk"))
    assert named is not None and named.safe


@pytest.mark.parametrize("mode", [EchoMode.ALLOW, EchoMode.CANCEL])
def test_echo_allow_or_cancel_skips_the_check(devices: Any, mode: EchoMode) -> None:
    devices(VIRTUAL, server("ivrspk.monitor"))
    assert echo_verdict(LiveOptions(echo=mode)) is None
    assert echo_verdict(LiveOptions(echo=EchoMode.CHECK)) is not None


def test_a_call_that_may_fall_back_stops_listening_instead_of_failing(
    devices: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ivr run` without --voice: prompts and keys go on, the microphone is left alone."""
    devices(VIRTUAL, server("ivrspk.monitor"))

    def no_speaker(*_args: Any, **_kwargs: Any) -> Any:
        raise AudioDeviceError("no speaker in this test")

    monkeypatch.setattr(build, "SoundDeviceOutput", no_speaker)
    parts = build_live_call(Session(load_menu(NORWAY)), ListDisplay(), LiveOptions())
    assert parts.listener is None
    assert parts.echo is not None and parts.echo.risk is EchoRisk.MONITOR
    assert parts.notes[0].startswith(
        "not listening: the microphone would hear the menu's own prompts: the input 'default'"
    )


def test_echo_cancel_without_its_package_is_one_line_saying_what_to_install(
    devices: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    devices(VIRTUAL, server("ivrspk.monitor"))
    monkeypatch.setitem(sys.modules, "webrtc_audio_processing", None)  # import fails
    code, err = run(capsys, "--voice", "--echo", "cancel")
    assert code == 1
    assert err == (
        "Error: --echo cancel needs the Python package webrtc-audio-processing "
        "(pip install 'ivr[echo]' (it builds from source: apt-get install swig g++ first))\n"
    )
