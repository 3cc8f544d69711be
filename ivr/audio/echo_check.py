"""Whether a live call's microphone would record the call's own speaker.

A menu that hears its own prompt takes it for the caller: on the virtual
devices, with the speaker's monitor as the default source, ``ivr run --voice``
cut its welcome short after 0.12 s (barge-in by its own voice) and hung up with
"max failures" while the caller said nothing (issue 18). So before a call opens
its devices it asks here, from what the devices are called and how the sound
server wires them, whether the input is the output's own device or carries what
the output plays; a risky pair is refused unless the person asked for echo
cancellation or said the echo is fine (headphones).

Pure: device names and the sound server's layout in (``ivr.audio.pulse`` reads
those), a verdict out. The rules only say "yes" on evidence; devices they
cannot place are let through, since refusing every unknown pair would refuse
most working set-ups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ivr.audio.ports import DeviceInfo
from ivr.errors import IvrError


class EchoMode(StrEnum):
    """What ``ivr run --echo`` asks for when the input may hear the output."""

    CHECK = "check"  # refuse a risky pair (the default)
    CANCEL = "cancel"  # filter the prompt out of the microphone
    ALLOW = "allow"  # the person knows better (headphones on one sound card)


class EchoRisk(StrEnum):
    NONE = "none"
    SAME_DEVICE = "same device"  # one sound card (or one virtual device) both ways
    MONITOR = "monitor"  # the input records exactly what the output plays
    LOOPBACK = "loopback"  # the output is looped into what the input records


@dataclass(frozen=True)
class EchoVerdict:
    risk: EchoRisk
    #: Why, naming the devices, e.g. "the input 'ivrmon' is PulseAudio's
    #: ivrspk.monitor, a recording of the output 'ivrspk'".
    reason: str = ""

    @property
    def safe(self) -> bool:
        return self.risk is EchoRisk.NONE


class EchoError(IvrError):
    """The microphone would hear the call's own speaker."""


#: What to do instead, for a person who just ran ``ivr run --voice``.
ECHO_HINT = (
    "pick a microphone and a speaker with --input-device/--output-device, "
    "listed by `ivr devices`; or pass --echo cancel, or --echo allow "
    "if you listen on headphones"
)


def refusal(verdict: EchoVerdict) -> EchoError:
    return EchoError(
        f"the microphone would hear the menu's own prompts: {verdict.reason}", ECHO_HINT
    )


@dataclass(frozen=True)
class PulseSource:
    name: str
    description: str = ""
    monitor_of: str | None = None  # the sink it records, for a monitor source


@dataclass(frozen=True)
class PulseSink:
    name: str
    description: str = ""


@dataclass(frozen=True)
class PulseGraph:
    """A PulseAudio (or PipeWire's pulse server) layout, as far as echo goes."""

    default_sink: str | None
    default_source: str | None
    sinks: tuple[PulseSink, ...] = ()
    sources: tuple[PulseSource, ...] = ()
    #: ``module-loopback``: (source, sink) — whatever the source records is played into the sink.
    loopbacks: tuple[tuple[str, str], ...] = ()
    #: ``module-remap-source`` / ``module-virtual-source``: (source, master source).
    remaps: tuple[tuple[str, str], ...] = ()
    #: ALSA PCMs of ``type pulse`` (from .asoundrc): name -> the pulse device, or
    #: None for the server's default sink/source.
    alsa_pcms: Mapping[str, str | None] = field(default_factory=dict)


#: ALSA PCMs that reach the sound server's default sink and source when one runs.
SERVER_DEFAULT_PCMS = ("default", "pulse", "pipewire")
#: Input names that record whatever the machine plays (Windows' "Stereo Mix",
#: Creative's "What U Hear", a PulseAudio monitor reached by name).
MONITOR_WORDS = ("monitor of", ".monitor", "stereo mix", "what u hear", "wave out mix")

_ALSA_CARD = re.compile(r"\b(?:hw|plughw):(\d+)|\bCARD=([\w-]+)", re.IGNORECASE)
#: PulseAudio/PipeWire names of hardware endpoints: ``alsa_output.<card>.<profile>``,
#: ``bluez_sink.<address>.<profile>``; the middle part names the physical device.
_PULSE_HARDWARE = re.compile(
    r"^(?:alsa_(?:input|output)|bluez_(?:sink|source|input|output))\.(.+)\.[^.]+$"
)
#: "Speakers (Realtek(R) Audio)" -> "Realtek(R) Audio": the card, on Windows.
_PARENTHESISED = re.compile(r"\s\((.+)\)\s*$")


def check_echo(source: DeviceInfo, speaker: DeviceInfo, pulse: PulseGraph | None) -> EchoVerdict:
    """Whether the input ``source`` would record what the output ``speaker`` plays."""
    if pulse is not None:
        in_name = _pulse_endpoint(source, pulse, is_input=True)
        out_name = _pulse_endpoint(speaker, pulse, is_input=False)
        if in_name is not None and out_name is not None:
            return _pulse_verdict(source, speaker, in_name, out_name, pulse)
    return _name_verdict(source, speaker)


def _pulse_endpoint(device: DeviceInfo, pulse: PulseGraph, *, is_input: bool) -> str | None:
    """The pulse sink or source a PortAudio device reaches, when that can be told."""
    name = device.name
    default = pulse.default_source if is_input else pulse.default_sink
    if device.hostapi == "ALSA" and name in pulse.alsa_pcms:
        return pulse.alsa_pcms[name] or default
    if device.hostapi == "ALSA" and name in SERVER_DEFAULT_PCMS:
        return default
    endpoints: tuple[PulseSource | PulseSink, ...] = pulse.sources if is_input else pulse.sinks
    for endpoint in endpoints:
        if endpoint.name == name:
            return name
    # PortAudio's own PulseAudio host API names devices by description, which
    # need not be unique (every null sink is "Null Output").
    described = [e.name for e in endpoints if e.description == name]
    return described[0] if len(described) == 1 else None


def _label(kind: str, device: DeviceInfo, pulse_name: str) -> str:
    if device.name == pulse_name:
        return f"the {kind} {device.name!r}"
    return f"the {kind} {device.name!r} (PulseAudio {pulse_name})"


def _pulse_verdict(
    source: DeviceInfo, speaker: DeviceInfo, in_name: str, out_name: str, pulse: PulseGraph
) -> EchoVerdict:
    via = _sinks_heard(in_name, pulse)
    where, what = _label("input", source, in_name), _label("output", speaker, out_name)
    if out_name in via:
        if via[out_name] == ():
            return EchoVerdict(EchoRisk.MONITOR, f"{where} records {what}")
        chain = " -> ".join(via[out_name])
        return EchoVerdict(EchoRisk.LOOPBACK, f"{what} is looped into {where} ({chain})")
    in_card, out_card = _pulse_hardware(in_name), _pulse_hardware(out_name)
    if in_card is not None and in_card == out_card:
        return EchoVerdict(
            EchoRisk.SAME_DEVICE, f"{where} and {what} are one sound device ({in_card})"
        )
    return EchoVerdict(EchoRisk.NONE)


def _sinks_heard(source: str, pulse: PulseGraph) -> dict[str, tuple[str, ...]]:
    """Every sink whose sound reaches ``source``, with the loopbacks it goes through."""
    monitors = {s.name: s.monitor_of for s in pulse.sources if s.monitor_of}
    masters = dict(pulse.remaps)
    heard: dict[str, tuple[str, ...]] = {}
    todo: list[tuple[str, tuple[str, ...]]] = [(source, ())]
    seen: set[str] = set()
    while todo:
        name, chain = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in masters:
            todo.append((masters[name], chain))
        sink = monitors.get(name)
        if sink is None and name.endswith(".monitor"):
            sink = name.removesuffix(".monitor")
        if sink is None:
            continue
        heard.setdefault(sink, chain)
        for looped, into in pulse.loopbacks:
            if into == sink:
                todo.append((looped, (f"loopback {looped} -> {into}", *chain)))
    return heard


def _pulse_hardware(name: str) -> str | None:
    match = _PULSE_HARDWARE.match(name)
    return match.group(1) if match else None


def _name_verdict(source: DeviceInfo, speaker: DeviceInfo) -> EchoVerdict:
    """Without a sound server's layout: what the names alone show."""
    where, what = f"the input {source.name!r}", f"the output {speaker.name!r}"
    lowered = source.name.lower()
    if any(word in lowered for word in MONITOR_WORDS):
        return EchoVerdict(EchoRisk.MONITOR, f"{where} records what the machine plays")
    if source.index == speaker.index:
        return EchoVerdict(EchoRisk.SAME_DEVICE, f"{where} is the output device itself")
    in_card, out_card = _alsa_card(source.name), _alsa_card(speaker.name)
    if source.hostapi == "ALSA" and in_card is not None and in_card == out_card:
        return EchoVerdict(
            EchoRisk.SAME_DEVICE, f"{where} and {what} are one sound card (card {in_card})"
        )
    if lowered == speaker.name.lower():
        return EchoVerdict(EchoRisk.SAME_DEVICE, f"{where} and {what} are one device")
    in_part, out_part = _PARENTHESISED.search(source.name), _PARENTHESISED.search(speaker.name)
    if source.hostapi != "ALSA" and in_part and out_part and in_part[1] == out_part[1]:
        return EchoVerdict(
            EchoRisk.SAME_DEVICE, f"{where} and {what} are one sound device ({in_part[1]})"
        )
    return EchoVerdict(EchoRisk.NONE)


def _alsa_card(name: str) -> str | None:
    match = _ALSA_CARD.search(name)
    if match is None:
        return None
    return match.group(1) or match.group(2)


_PCM_BLOCK = re.compile(r"pcm\.!?([\w-]+)\s*\{([^{}]*)\}", re.DOTALL)
_TYPE_PULSE = re.compile(r"\btype\s+\"?pulse\"?")
_DEVICE = re.compile(r"\bdevice\s+\"?([^\s\";}]+)\"?")


def pulse_pcms(asoundrc: str) -> dict[str, str | None]:
    """The ALSA PCMs an ``.asoundrc`` sends to the sound server, e.g.
    ``pcm.ivrmon { type pulse; device "ivrspk.monitor" }`` -> ``{"ivrmon": "ivrspk.monitor"}``.

    Only flat ``type pulse`` blocks, the form PulseAudio's docs and our
    virtual-audio script write; anything nested is left out (and so unplaced).
    """
    text = "\n".join(line.split("#", 1)[0] for line in asoundrc.splitlines())
    found: dict[str, str | None] = {}
    for name, body in _PCM_BLOCK.findall(text):
        if _TYPE_PULSE.search(body):
            device = _DEVICE.search(body)
            found[name] = device.group(1) if device else None
    return found
