"""Putting a live call together from what this machine has.

No output device, no microphone, no speech engine: each is said once, in one
line, and the call falls back (text prompts; keys and typed words) instead of
failing. A microphone that would hear the call's own speaker (``ivr.audio.
echo_check``) is not listened to either, unless echo is cancelled or allowed;
when listening is required (``ivr run --voice``) that is an error instead.
"""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ivr.audio.discovery import find_device
from ivr.audio.echo_check import EchoMode, EchoVerdict, check_echo, refusal
from ivr.audio.frontend import open_capture
from ivr.audio.player import PromptPlayer
from ivr.audio.ports import AudioDeviceError, AudioInput, AudioOutput
from ivr.audio.streams import SoundDeviceInput, SoundDeviceOutput
from ivr.audio.vad import VadConfig, VadKind, open_vad
from ivr.errors import IvrError
from ivr.live.call import Display, LiveCall
from ivr.live.inputs import LiveInput
from ivr.live.listener import SpeechListener
from ivr.live.record import CallRecorder
from ivr.live.voice import PromptVoice, menu_voices
from ivr.session import Session

if TYPE_CHECKING:
    from ivr.asr.recognizer import Recognizer

log = logging.getLogger(__name__)

#: The microphone is read at 16 kHz, a rate every recogniser and VAD here takes.
LISTEN_RATE = 16000


@dataclass(frozen=True)
class LiveOptions:
    speak: bool = True  # False: --text
    listen: bool = True  # False: --no-listen
    output_device: str | None = None
    input_device: str | None = None
    device_rate: int | None = None
    block_size: int | None = None
    engine: str = "auto"
    trailing_silence: float = 0.8
    vad: VadKind = VadKind.AUTO  # what decides end of speech (--vad)
    barge_in_on_speech: bool = True
    record: Path | None = None
    echo: EchoMode = EchoMode.CHECK  # --echo
    require_listen: bool = False  # --voice: a microphone that would echo is an error


@dataclass
class LiveParts:
    call: LiveCall
    inbox: queue.Queue[LiveInput]
    listener: SpeechListener | None = None
    notes: list[str] = field(default_factory=list)
    echo: EchoVerdict | None = None  # set when the devices were checked


def _device(spec: str | None) -> str | int | None:
    return int(spec) if spec is not None and spec.isdigit() else spec


def _free_speech(session: Session, recognizer: Recognizer) -> bool | None:
    """Whether described needs can be transcribed, found out before the call starts (it
    may load a model) when the menu has a node that takes them; else never asked."""
    if not any(node.settings.search == "tree" for node in session.menu.nodes.values()):
        return None
    from ivr.asr.listen import free_speech_available

    return free_speech_available(recognizer, session.lang)


def echo_verdict(options: LiveOptions) -> EchoVerdict | None:
    """Whether the named devices would hear each other; None when not asked (no
    speaking or no listening, or echo cancelled or allowed) or a device is missing
    (the call says so, and falls back, when it opens them)."""
    if not (options.speak and options.listen) or options.echo is not EchoMode.CHECK:
        return None
    try:
        source = find_device(_device(options.input_device), "input")
        speaker = find_device(_device(options.output_device), "output")
    except AudioDeviceError:
        return None
    from ivr.audio.pulse import pulse_graph

    return check_echo(source, speaker, pulse_graph())


def build_live_call(session: Session, display: Display, options: LiveOptions) -> LiveParts:
    inbox: queue.Queue[LiveInput] = queue.Queue()
    notes: list[str] = []
    player: PromptPlayer | None = None
    voice: PromptVoice | None = None
    verdict = echo_verdict(options)
    listen = options.listen
    if verdict is not None and not verdict.safe:
        if options.require_listen:
            raise refusal(verdict)
        notes.append(f"not listening: {refusal(verdict)}")
        listen = False
    canceller = None
    if options.echo is EchoMode.CANCEL and options.speak and options.listen:
        from ivr.audio.echo_cancel import EchoCanceller

        canceller = EchoCanceller(LISTEN_RATE)
    if options.speak:
        try:
            from ivr.tts import make_speaker
            from ivr.tts.cache import PromptCache

            device = SoundDeviceOutput(
                _device(options.output_device),
                device_rate=options.device_rate,
                block_size=options.block_size,
            )
            output: AudioOutput = device
            if canceller is not None:
                from ivr.audio.echo_cancel import CancellingOutput

                output = CancellingOutput(device, canceller)
            voice = PromptVoice(PromptCache(make_speaker()), menu_voices(session.menu), device.rate)
            player = PromptPlayer(output, barge_in_on_speech=options.barge_in_on_speech)
        except IvrError as exc:
            notes.append(f"no audio output ({exc.message}): prompts are shown as text")
    listener: SpeechListener | None = None
    if listen:
        # Before the microphone: a forced VAD that cannot run is the caller's
        # mistake (an Error), not a missing microphone.
        vad = VadConfig(trailing_silence=options.trailing_silence)
        detector = open_vad(LISTEN_RATE, vad, options.vad)
        try:
            from ivr.asr.listen import engine_for
            from ivr.asr.recognizer import open_recognizer

            microphone = SoundDeviceInput(
                _device(options.input_device),
                rate=LISTEN_RATE,
                block_size=options.block_size,
                device_rate=options.device_rate,
            )
            source: AudioInput = microphone
            if canceller is not None:
                from ivr.audio.echo_cancel import CancellingInput

                source = CancellingInput(microphone, canceller)
            engine = engine_for(options.engine, session.menu.engine)
            recognizer = open_recognizer(engine, language=session.lang)
            capture = open_capture(source, vad, detector=detector)
            listener = SpeechListener(
                capture,
                recognizer,
                inbox,
                free_speech=_free_speech(session, recognizer),
                language=session.lang,
            )
        except (IvrError, AudioDeviceError) as exc:
            notes.append(f"no microphone input ({exc.message}): keys and typed words only")
    recorder = CallRecorder(options.record, session) if options.record is not None else None
    call = LiveCall(
        session,
        display,
        voice=voice,
        player=player,
        on_listen=listener.listen if listener is not None else None,
        recorder=recorder,
    )
    return LiveParts(call, inbox, listener, notes, verdict)
