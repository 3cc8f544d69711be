"""Which sound devices exist, and which one a person meant.

People name devices the way ``ivr devices`` shows them: by index, by name,
or by a piece of the name ("usb" for "USB Audio Device: - (hw:1,0)"); an
unknown or ambiguous name is one line saying what to try instead.
"""

from __future__ import annotations

from typing import Any

from ivr.audio import portaudio
from ivr.audio.ports import AudioDeviceError, DeviceInfo, DeviceSpec, Kind

_LIST_HINT = "run `ivr devices` to see the devices PortAudio can use"


def rescan() -> None:
    """Re-initialise PortAudio so it sees devices (or an ALSA config) that appeared since.

    PortAudio enumerates devices once, at initialisation, and ALSA reads
    ``~/.asoundrc`` at that moment too; sounddevice offers no public way to
    redo that, so this uses its private ``_terminate``/``_initialize``. Only
    call it with no stream open.
    """
    sd = portaudio.load()
    terminate = getattr(sd, "_terminate", None)
    initialize = getattr(sd, "_initialize", None)
    if terminate is None or initialize is None:
        raise AudioDeviceError(
            "this sounddevice version cannot re-scan devices", "restart the program"
        )
    try:
        # Pa_Terminate closes leftover streams, and hangs on one left
        # spinning by a dead audio server: hence the watchdog.
        portaudio.with_timeout("re-initialising PortAudio", terminate)
        portaudio.with_timeout("re-initialising PortAudio", initialize)
    except sd.PortAudioError as exc:
        raise AudioDeviceError(
            f"PortAudio failed to re-initialise: {portaudio.message(exc)}"
        ) from None


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio knows, with the default input and output marked."""
    sd = portaudio.load()
    try:
        raw = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in, default_out = _defaults(sd)
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot list audio devices: {portaudio.message(exc)}") from None
    devices = []
    for entry in raw:
        index = int(entry["index"])
        api = int(entry["hostapi"])
        devices.append(
            DeviceInfo(
                index=index,
                name=str(entry["name"]),
                hostapi=str(hostapis[api]["name"]) if 0 <= api < len(hostapis) else "?",
                max_input_channels=int(entry["max_input_channels"]),
                max_output_channels=int(entry["max_output_channels"]),
                default_rate=float(entry["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return devices


def _defaults(sd: Any) -> tuple[int, int]:
    pair = sd.default.device
    try:
        return int(pair[0]), int(pair[1])
    except (TypeError, ValueError, IndexError):
        return -1, -1


def find_device(spec: DeviceSpec, kind: Kind) -> DeviceInfo:
    """Resolve ``spec`` (None for the default, an index, or a name) to one device.

    A name matches exactly (ignoring case) first, then as a unique substring,
    the way a person types "usb" for "USB Audio Device: - (hw:1,0)".
    """
    devices = [d for d in list_devices() if d.channels(kind) > 0]
    if not devices:
        raise AudioDeviceError(
            f"no audio {kind} devices found",
            "no sound card, or no audio server running (PortAudio sees none)",
        )
    if spec is None:
        for device in devices:
            if device.is_default_input if kind == "input" else device.is_default_output:
                return device
        raise AudioDeviceError(f"there is no default {kind} device", f"pick one; {_LIST_HINT}")
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for device in devices:
            if device.index == index:
                return device
        raise AudioDeviceError(f"no {kind} device with index {index}", _LIST_HINT)
    wanted = spec.strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [d for d in devices if wanted in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise AudioDeviceError(f"no {kind} device named {spec!r}", _LIST_HINT)
    names = ", ".join(repr(d.name) for d in partial[:5])
    raise AudioDeviceError(f"{kind} device name {spec!r} is ambiguous: {names}", _LIST_HINT)
