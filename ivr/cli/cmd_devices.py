"""``ivr devices``: the sound devices a spoken call could use.

Device names and indexes differ from machine to machine, so the other
commands take ``--input``/``--output`` by name or index; this is where a
person finds them.
"""

from __future__ import annotations

import argparse

from ivr.audio.discovery import list_devices
from ivr.audio.ports import AudioDeviceError, DeviceInfo


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "devices",
        help="list the audio input and output devices",
        description=(
            "List the sound devices PortAudio can use, with their index, channels and "
            "default rate; '*' marks the defaults. Pass a name or index to the "
            "--input/--output options of spoken calls."
        ),
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--inputs", action="store_true", help="list only devices that can record")
    which.add_argument("--outputs", action="store_true", help="list only devices that can play")
    parser.set_defaults(handler=run)


def _table(devices: list[DeviceInfo], kind: str) -> list[str]:
    rows = [("", "index", "name", "channels", "rate", "host API")]
    for d in devices:
        default = d.is_default_input if kind == "input" else d.is_default_output
        channels = d.max_input_channels if kind == "input" else d.max_output_channels
        rows.append(
            (
                "*" if default else "",
                str(d.index),
                d.name,
                str(channels),
                f"{d.default_rate:g}",
                d.hostapi,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def run(args: argparse.Namespace) -> int:
    devices = list_devices()
    inputs = [d for d in devices if d.max_input_channels > 0]
    outputs = [d for d in devices if d.max_output_channels > 0]
    if not inputs and not outputs:
        raise AudioDeviceError(
            "no audio devices found",
            "PortAudio sees no sound card and no audio server (ALSA, PulseAudio)",
        )
    lines: list[str] = []
    if not args.outputs:
        lines.append("Input devices:")
        lines.extend(_table(inputs, "input") if inputs else ["  (none)"])
    if not args.inputs:
        if lines:
            lines.append("")
        lines.append("Output devices:")
        lines.extend(_table(outputs, "output") if outputs else ["  (none)"])
    print("\n".join(lines))
    return 0
