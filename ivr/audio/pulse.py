"""How the PulseAudio (or PipeWire-pulse) server wires sinks and sources, read with ``pactl``.

``ivr.audio.echo_check`` needs it because PortAudio on Linux reaches the server
through ALSA, where every device is just a PCM name ("default", "pulse", or one
an ``.asoundrc`` declares): which sink or source that is, and which source
records which sink, only the server and that file can say. Anything missing
(no ``pactl``, no server, a hung server) is ``None``: the check then goes by
device names alone.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from ivr.audio.echo_check import PulseGraph, PulseSink, PulseSource, pulse_pcms

log = logging.getLogger(__name__)

#: pactl answers in milliseconds; a wedged server would hang it forever.
PACTL_TIMEOUT = 2.0
_ARG = re.compile(r"(\w+)=(\"[^\"]*\"|'[^']*'|\S+)")


def pulse_graph() -> PulseGraph | None:
    """The running server's layout, or None when there is no server to ask."""
    if shutil.which("pactl") is None:
        return None
    try:
        info = _pactl("info")
        sinks = _pactl("list", "sinks")
        sources = _pactl("list", "sources")
        modules = _pactl("list", "short", "modules")
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("no PulseAudio layout: %s", exc)
        return None
    default_sink = _field(info, "Default Sink")
    default_source = _field(info, "Default Source")
    loopbacks, remaps = _modules(modules, default_sink, default_source)
    return PulseGraph(
        default_sink=default_sink,
        default_source=default_source,
        sinks=tuple(PulseSink(b.get("Name", ""), b.get("Description", "")) for b in _blocks(sinks)),
        sources=tuple(
            PulseSource(
                b.get("Name", ""),
                b.get("Description", ""),
                None if b.get("Monitor of Sink", "n/a") == "n/a" else b["Monitor of Sink"],
            )
            for b in _blocks(sources)
        ),
        loopbacks=loopbacks,
        remaps=remaps,
        alsa_pcms=_alsa_pcms(),
    )


def _pactl(*args: str) -> str:
    env = dict(os.environ, LC_ALL="C")  # the field names are translated otherwise
    done = subprocess.run(
        ["pactl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=PACTL_TIMEOUT,
        check=True,
    )
    return done.stdout


def _field(text: str, name: str) -> str | None:
    for line in text.splitlines():
        key, _, value = line.strip().partition(": ")
        if key == name and value.strip():
            return value.strip()
    return None


def _blocks(text: str) -> list[dict[str, str]]:
    """``pactl list sinks|sources``: one dict of the top-level fields per entry."""
    blocks: list[dict[str, str]] = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            blocks.append({})
        elif blocks and line.startswith("\t") and not line.startswith("\t\t"):
            key, sep, value = line.strip().partition(": ")
            if sep:
                blocks[-1][key] = value.strip()
    return blocks


def _modules(
    text: str, default_sink: str | None, default_source: str | None
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    loopbacks: list[tuple[str, str]] = []
    remaps: list[tuple[str, str]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        args = {k: v.strip("\"'") for k, v in _ARG.findall(parts[2])}
        if parts[1] == "module-loopback":
            source, sink = args.get("source", default_source), args.get("sink", default_sink)
            if source and sink:
                loopbacks.append((source, sink))
        elif parts[1] in ("module-remap-source", "module-virtual-source"):
            master = args.get("master", default_source)
            if "source_name" in args and master:
                remaps.append((args["source_name"], master))
    return tuple(loopbacks), tuple(remaps)


def _alsa_pcms() -> dict[str, str | None]:
    """PCMs of type pulse from the files ALSA reads (the user's last, so it wins)."""
    found: dict[str, str | None] = {}
    for path in (Path("/etc/asound.conf"), Path.home() / ".asoundrc"):
        try:
            found.update(pulse_pcms(path.read_text(errors="replace")))
        except OSError:
            continue
    return found
