"""Whether a microphone would hear the call's own speaker, over real-looking device lists.

The lists are as PortAudio and ``pactl`` showed them on the virtual devices of
``scripts/virtual-audio.sh`` and as they look on common machines (PipeWire
laptops, USB and Bluetooth headsets, plain ALSA, Windows, macOS).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ivr.audio.echo_check import (
    EchoError,
    EchoRisk,
    PulseGraph,
    PulseSink,
    PulseSource,
    check_echo,
    pulse_pcms,
    refusal,
)
from ivr.audio.ports import DeviceInfo
from ivr.errors import IvrError

VIRTUAL_ASOUNDRC = """\
pcm.ivrspk { type pulse; device "ivrspk" }
pcm.ivrmon { type pulse; device "ivrspk.monitor" }
pcm.callerline { type pulse; device "callerline" }
pcm.callermic { type pulse; device "callerline.monitor" }
"""


def alsa(index: int, name: str) -> DeviceInfo:
    return DeviceInfo(index, name, "ALSA", 32, 32, 44100.0, False, False)


def api(index: int, name: str, hostapi: str, ins: int = 2, outs: int = 2) -> DeviceInfo:
    return DeviceInfo(index, name, hostapi, ins, outs, 48000.0, False, False)


# `ivr devices` on the virtual devices: every one is an ALSA PCM.
PULSE, IVRSPK, IVRMON, CALLERLINE, CALLERMIC, DEFAULT = (
    alsa(i, n)
    for i, n in enumerate(["pulse", "ivrspk", "ivrmon", "callerline", "callermic", "default"])
)


def virtual(default_source: str = "callerline.monitor", **changes: Any) -> PulseGraph:
    """The layout the virtual-audio script makes (``pactl`` as read by ivr.audio.pulse)."""
    graph = PulseGraph(
        default_sink="ivrspk",
        default_source=default_source,
        sinks=(PulseSink("ivrspk", "Null Output"), PulseSink("callerline", "Null Output")),
        sources=(
            PulseSource("ivrspk.monitor", "Monitor of Null Output", "ivrspk"),
            PulseSource("callerline.monitor", "Monitor of Null Output", "callerline"),
        ),
        alsa_pcms=pulse_pcms(VIRTUAL_ASOUNDRC),
    )
    return replace(graph, **changes)


LAPTOP = PulseGraph(  # PipeWire on a laptop: built-in card, a USB headset, a Bluetooth one
    default_sink="alsa_output.pci-0000_00_1f.3.analog-stereo",
    default_source="alsa_input.pci-0000_00_1f.3.analog-stereo",
    sinks=(
        PulseSink("alsa_output.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
        PulseSink("alsa_output.usb-Logitech_USB_Headset-00.analog-stereo", "USB Headset"),
        PulseSink("bluez_output.00_1B_66_AA_BB_CC.1", "WH-1000XM4"),
    ),
    sources=(
        PulseSource(
            "alsa_output.pci-0000_00_1f.3.analog-stereo.monitor",
            "Monitor of Built-in Audio Analog Stereo",
            "alsa_output.pci-0000_00_1f.3.analog-stereo",
        ),
        PulseSource("alsa_input.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
        PulseSource("alsa_input.usb-Logitech_USB_Headset-00.mono-fallback", "USB Headset Mono"),
        PulseSource("bluez_input.00_1B_66_AA_BB_CC.0", "WH-1000XM4"),
    ),
)
LAPTOP_DEFAULT = alsa(3, "default")


@pytest.mark.parametrize(
    ("source", "speaker", "graph", "risk"),
    [
        # the virtual devices: the caller's line is the microphone, the speaker the output
        (DEFAULT, DEFAULT, virtual(), EchoRisk.NONE),
        (CALLERMIC, IVRSPK, virtual(), EchoRisk.NONE),
        (PULSE, IVRSPK, virtual(), EchoRisk.NONE),
        # issue 18: the default source was the speaker's own monitor
        (DEFAULT, DEFAULT, virtual("ivrspk.monitor"), EchoRisk.MONITOR),
        (IVRMON, IVRSPK, virtual(), EchoRisk.MONITOR),
        (IVRMON, DEFAULT, virtual(), EchoRisk.MONITOR),
        (CALLERMIC, CALLERLINE, virtual(), EchoRisk.MONITOR),
        # a loopback plays the speaker's monitor into the caller's line
        (
            CALLERMIC,
            IVRSPK,
            virtual(loopbacks=(("ivrspk.monitor", "callerline"),)),
            EchoRisk.LOOPBACK,
        ),
        # a loopback the other way round does not bring the speaker to the microphone
        (
            CALLERMIC,
            IVRSPK,
            virtual(loopbacks=(("callerline.monitor", "ivrspk"),)),
            EchoRisk.NONE,
        ),
        # a remapped (virtual) source over the speaker's monitor
        (
            alsa(6, "remapped"),
            IVRSPK,
            virtual(remaps=(("remapped", "ivrspk.monitor"),), alsa_pcms={"remapped": "remapped"}),
            EchoRisk.MONITOR,
        ),
        # PipeWire laptop: built-in speaker and built-in microphone are one card
        (LAPTOP_DEFAULT, LAPTOP_DEFAULT, LAPTOP, EchoRisk.SAME_DEVICE),
        # ... a Bluetooth headset both ways is one device too (headphones: --echo allow)
        (
            api(0, "WH-1000XM4", "PulseAudio"),
            api(0, "WH-1000XM4", "PulseAudio"),
            LAPTOP,
            EchoRisk.SAME_DEVICE,
        ),
        # ... the USB headset's microphone with the laptop's speaker: two devices
        (
            api(1, "USB Headset Mono", "PulseAudio"),
            api(2, "Built-in Audio Analog Stereo", "PulseAudio"),
            LAPTOP,
            EchoRisk.NONE,
        ),
    ],
)
def test_a_microphone_that_records_the_speaker_is_found_from_the_sound_servers_layout(
    source: DeviceInfo, speaker: DeviceInfo, graph: PulseGraph, risk: EchoRisk
) -> None:
    verdict = check_echo(source, speaker, graph)
    assert verdict.risk is risk, verdict.reason
    assert verdict.safe is (risk is EchoRisk.NONE)
    if risk is not EchoRisk.NONE:
        assert repr(source.name) in verdict.reason and repr(speaker.name) in verdict.reason


@pytest.mark.parametrize(
    ("source", "speaker", "risk"),
    [
        # plain ALSA, no sound server
        (alsa(3, "default"), alsa(3, "default"), EchoRisk.SAME_DEVICE),
        (
            alsa(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)"),
            alsa(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)"),
            EchoRisk.SAME_DEVICE,
        ),
        (
            alsa(4, "sysdefault:CARD=PCH"),
            alsa(0, "HDA Intel PCH: HDMI 0 (hw:0,3)"),
            EchoRisk.NONE,  # a CARD= name and a hw: number cannot be compared
        ),
        (
            alsa(5, "front:CARD=PCH,DEV=0"),
            alsa(6, "surround40:CARD=PCH,DEV=0"),
            EchoRisk.SAME_DEVICE,
        ),
        (
            alsa(1, "USB Headset: Audio (hw:1,0)"),
            alsa(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)"),
            EchoRisk.NONE,
        ),
        # Windows
        (
            api(2, "Stereo Mix (Realtek(R) Audio)", "Windows WASAPI", outs=0),
            api(5, "Speakers (Realtek(R) Audio)", "Windows WASAPI", ins=0),
            EchoRisk.MONITOR,
        ),
        (
            api(1, "Microphone (Realtek(R) Audio)", "Windows WASAPI", outs=0),
            api(5, "Speakers (Realtek(R) Audio)", "Windows WASAPI", ins=0),
            EchoRisk.SAME_DEVICE,
        ),
        (
            api(3, "Headset Microphone (USB Headset)", "Windows WASAPI", outs=0),
            api(5, "Speakers (Realtek(R) Audio)", "Windows WASAPI", ins=0),
            EchoRisk.NONE,
        ),
        # macOS: a virtual loopback device both ways
        (
            api(4, "BlackHole 2ch", "Core Audio"),
            api(4, "BlackHole 2ch", "Core Audio"),
            EchoRisk.SAME_DEVICE,
        ),
        (
            api(0, "MacBook Pro Microphone", "Core Audio", outs=0),
            api(1, "External Headphones", "Core Audio", ins=0),
            EchoRisk.NONE,
        ),
        # a PulseAudio monitor reached by name, with no server to ask
        (alsa(7, "Monitor of Null Output"), alsa(1, "ivrspk"), EchoRisk.MONITOR),
    ],
)
def test_without_a_sound_server_the_device_names_decide(
    source: DeviceInfo, speaker: DeviceInfo, risk: EchoRisk
) -> None:
    verdict = check_echo(source, speaker, None)
    assert verdict.risk is risk, verdict.reason


def test_devices_the_sound_server_does_not_know_fall_back_to_their_names() -> None:
    usb_mic, hw_speaker = alsa(1, "USB Headset: Audio (hw:1,0)"), alsa(0, "HDA Intel (hw:1,3)")
    assert check_echo(usb_mic, hw_speaker, virtual()).risk is EchoRisk.SAME_DEVICE


def test_a_description_shared_by_several_sinks_places_no_device() -> None:
    # every null sink is "Null Output": by description alone it could be any of them
    null_in = api(0, "Monitor of Null Output", "PulseAudio")
    null_out = api(1, "Null Output", "PulseAudio")
    verdict = check_echo(null_in, null_out, virtual())
    assert verdict.risk is EchoRisk.MONITOR  # the name says monitor, even so
    assert "records what the machine plays" in verdict.reason


def test_asoundrc_pulse_pcms_are_read_with_their_devices() -> None:
    text = (
        VIRTUAL_ASOUNDRC
        + '# pcm.commented { type pulse; device "nowhere" }\n'
        + 'pcm.!default {\n  type pulse\n  hint.description "Default"\n}\n'
        + "pcm.card0 { type hw; card 0 }\n"
    )
    assert pulse_pcms(text) == {
        "ivrspk": "ivrspk",
        "ivrmon": "ivrspk.monitor",
        "callerline": "callerline",
        "callermic": "callerline.monitor",
        "default": None,
    }


def test_the_refusal_is_one_line_naming_the_devices_and_what_to_do() -> None:
    verdict = check_echo(DEFAULT, DEFAULT, virtual("ivrspk.monitor"))
    error = refusal(verdict)
    assert isinstance(error, EchoError) and isinstance(error, IvrError)
    assert str(error) == (
        "the microphone would hear the menu's own prompts: the input 'default' "
        "(PulseAudio ivrspk.monitor) records the output 'default' (PulseAudio ivrspk) "
        "(pick a microphone and a speaker with --input-device/--output-device, listed by "
        "`ivr devices`; or pass --echo cancel, or --echo allow if you listen on headphones)"
    )
