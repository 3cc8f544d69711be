"""Device selection and error reporting, without any sound hardware."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from ivr.audio import discovery, portaudio, streams
from ivr.audio.discovery import find_device
from ivr.audio.ports import AudioDeviceError, DeviceInfo
from ivr.cli import cmd_devices
from ivr.errors import IvrError


def dev(
    index: int, name: str, ins: int, outs: int, *, di: bool = False, do: bool = False
) -> DeviceInfo:
    return DeviceInfo(index, name, "ALSA", ins, outs, 44100.0, di, do)


FAKE = [
    dev(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 2, 2),
    dev(1, "USB Headset: Audio (hw:1,0)", 1, 2),
    dev(2, "USB Speaker (hw:2,0)", 0, 2),
    dev(3, "default", 32, 32, di=True, do=True),
]


@pytest.fixture
def fake_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discovery, "list_devices", lambda: list(FAKE))


@pytest.mark.usefixtures("fake_devices")
def test_devices_are_found_by_index_exact_name_or_unique_part() -> None:
    assert find_device(1, "input").index == 1
    assert find_device("2", "output").index == 2
    assert find_device("DEFAULT", "input").index == 3
    assert find_device("headset", "input").index == 1
    assert find_device(None, "output").index == 3


@pytest.mark.usefixtures("fake_devices")
@pytest.mark.parametrize(
    ("spec", "kind", "message"),
    [
        ("usb", "output", "ambiguous"),
        ("speaker", "input", "no input device named 'speaker'"),
        (7, "output", "no output device with index 7"),
        ("2", "input", "no input device with index 2"),
    ],
)
def test_bad_device_choices_give_one_line_errors(spec: Any, kind: Any, message: str) -> None:
    with pytest.raises(AudioDeviceError, match=message) as caught:
        find_device(spec, kind)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, IvrError)


@pytest.mark.usefixtures("fake_devices")
def test_asking_for_more_channels_than_a_device_has_fails_before_opening_it() -> None:
    with pytest.raises(AudioDeviceError, match="cannot play 3 channels") as played:
        streams.SoundDeviceOutput("USB Speaker", channels=3)
    assert played.value.hint == "it has 2"
    with pytest.raises(AudioDeviceError, match="cannot record 2 channels") as recorded:
        streams.SoundDeviceInput("headset", channels=2)
    assert recorded.value.hint == "it has 1"
    assert streams.SoundDeviceInput("headset").channels == 1


def test_no_default_device_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discovery, "list_devices", lambda: [dev(0, "mic", 1, 0)])
    with pytest.raises(AudioDeviceError, match="no audio output devices"):
        find_device(None, "output")
    with pytest.raises(AudioDeviceError, match="no default input device"):
        find_device(None, "input")


def test_missing_portaudio_library_is_a_device_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise OSError("PortAudio library not found")

    monkeypatch.setattr(portaudio, "_import_sounddevice", broken)
    with pytest.raises(AudioDeviceError, match="PortAudio library cannot be loaded") as caught:
        discovery.list_devices()
    assert caught.value.hint is not None and "libportaudio2" in caught.value.hint


def test_missing_sounddevice_package_is_a_device_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent() -> Any:
        raise ImportError("No module named 'sounddevice'")

    monkeypatch.setattr(portaudio, "_import_sounddevice", absent)
    with pytest.raises(AudioDeviceError, match="sounddevice is not installed"):
        streams.SoundDeviceOutput("anything")


def imported_after(*modules: str) -> set[str]:
    """The modules a fresh interpreter holds after importing ``modules``."""
    import subprocess
    import sys

    code = f"import sys, {', '.join(modules)}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_audio_modules_does_not_load_sounddevice() -> None:
    loaded = imported_after(
        "ivr.audio.streams",
        "ivr.audio.discovery",
        "ivr.audio.player",
        "ivr.audio.capture",
        "ivr.cli.cmd_devices",
    )
    assert "numpy" in loaded  # the check itself works: streams do need numpy
    assert "sounddevice" not in loaded


def test_the_ports_and_fakes_need_neither_sounddevice_nor_the_portaudio_code() -> None:
    loaded = imported_after("ivr.audio.ports", "ivr.audio.fakes")
    assert "ivr.audio.fakes" in loaded  # the check itself works
    assert "sounddevice" not in loaded
    assert not loaded & {"ivr.audio.portaudio", "ivr.audio.discovery", "ivr.audio.streams"}


def test_the_ports_alone_need_no_numpy() -> None:
    assert "numpy" not in imported_after("ivr.audio.ports")


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    cmd_devices.register(parser.add_subparsers())
    args = parser.parse_args(["devices", *argv])
    code: int = args.handler(args)
    return code


@pytest.mark.usefixtures("fake_devices")
def test_cli_lists_inputs_and_outputs_with_defaults_marked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cmd_devices, "list_devices", lambda: list(FAKE))
    assert run_cli() == 0
    out = capsys.readouterr().out
    inputs, outputs = out.split("Output devices:")
    assert "USB Speaker" not in inputs and "USB Speaker" in outputs
    default_row = next(line for line in outputs.splitlines() if "default" in line)
    assert default_row.lstrip().startswith("*")
    assert "32" in default_row and "44100" in default_row


def test_cli_with_no_devices_raises_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cmd_devices, "list_devices", lambda: [])
    with pytest.raises(AudioDeviceError, match="no audio devices found"):
        run_cli()


def test_cli_without_portaudio_raises_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise OSError("PortAudio library not found")

    monkeypatch.setattr(portaudio, "_import_sounddevice", broken)
    with pytest.raises(AudioDeviceError, match="PortAudio"):
        run_cli("--inputs")


def test_ivr_devices_without_portaudio_prints_one_error_line_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ivr.cli import main as cli_main

    def broken() -> Any:
        raise OSError("PortAudio library not found")

    monkeypatch.setattr(cli_main, "COMMAND_MODULES", ("ivr.cli.cmd_devices",))
    monkeypatch.setattr(portaudio, "_import_sounddevice", broken)
    assert cli_main.main(["devices"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: the PortAudio library cannot be loaded")
    assert err.count("\n") == 1
