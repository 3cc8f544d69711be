"""``ivr say``: speak one sentence with a menu's voice, to check how a prompt sounds.

Playing needs an audio device, which another part of ivr provides: it
installs a player with ``set_player``. Until one is installed, ``--out`` is
required.
"""

from __future__ import annotations

import argparse
import io
import sys
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ivr.errors import IvrError
from ivr.tts import Speaker, VoiceSettings, default_voice, make_speaker
from ivr.tts.speaker import DEFAULT_RATE_WPM

if TYPE_CHECKING:
    from ivr.audio.pcm import Audio

#: Plays audio on the default output; ``None`` while no audio output is wired in.
Player = Callable[["Audio"], None]
_player: Player | None = None

#: Builds the speaker; tests replace it with a fake.
speaker_factory: Callable[[], Speaker] = make_speaker


def set_player(player: Player | None) -> None:
    """Install (or remove, with ``None``) what ``ivr say`` without ``--out`` plays through."""
    global _player
    _player = player


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "say",
        help="speak a sentence with a menu voice (to a WAV file, or out loud)",
        description="Synthesize TEXT with espeak-ng and write it to --out, or play it.",
    )
    parser.add_argument("text", metavar="TEXT", help="what to say (quote it)")
    parser.add_argument(
        "--voice",
        metavar="ID",
        help="voice id such as gmw/en or gmq/nb (list them with: ivr voices); "
        "default: the default voice of --lang",
    )
    parser.add_argument(
        "--lang",
        default="en",
        metavar="LANG",
        help="language whose default voice to use when --voice is not given (default: en)",
    )
    parser.add_argument(
        "--rate",
        type=int,
        default=DEFAULT_RATE_WPM,
        metavar="WPM",
        help=f"speaking rate in words per minute (default: {DEFAULT_RATE_WPM})",
    )
    parser.add_argument(
        "--volume",
        type=float,
        default=1.0,
        metavar="0..1",
        help="loudness from 0.0 (silent) to 1.0 (default)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write a mono 16-bit WAV here ('-' for stdout) instead of playing it",
    )
    parser.add_argument(
        "--sample-rate",
        type=int,
        metavar="HZ",
        help="sample rate of the written WAV, e.g. 8000 for telephone (default: the engine's)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from ivr.audio.pcm import write_wav  # numpy: only when speaking
    from ivr.audio.resample import resample

    player = _player
    if args.out is None and player is None:
        player = _default_output_player()
    if args.sample_rate is not None and args.sample_rate <= 0:
        raise IvrError(f"--sample-rate must be positive, got {args.sample_rate}")
    voice = args.voice or default_voice(args.lang)
    settings = VoiceSettings(voice=voice, rate=args.rate, volume=args.volume)
    audio = speaker_factory().synthesize(args.text, settings)
    if args.sample_rate is not None:
        audio = resample(audio, args.sample_rate)
    if args.out is None and player is not None:
        player(audio)
        return 0
    if args.out == "-":
        sys.stdout.buffer.write(_wav_bytes(audio))
        sys.stdout.buffer.flush()
        return 0
    try:
        write_wav(args.out, audio)
    except OSError as exc:
        raise IvrError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    print(f"wrote {Path(args.out)}: {audio.seconds:.2f} s at {audio.rate} Hz, voice {voice}")
    return 0


def _default_output_player() -> Player:
    """Play on the default output device; opened before synthesis, so a machine without
    one gets the error at once."""
    from ivr.audio.player import PromptPlayer
    from ivr.audio.ports import AudioDeviceError
    from ivr.audio.streams import SoundDeviceOutput

    try:
        output = SoundDeviceOutput()
    except AudioDeviceError as exc:
        raise IvrError(
            f"no audio output to play on ({exc.message})",
            "pass --out FILE to write the speech to a WAV file",
        ) from None

    def play(audio: Audio) -> None:
        PromptPlayer(output).play(audio, timeout=audio.seconds + 5.0)

    return play


def _wav_bytes(audio: Audio) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(audio.rate)
        wav.writeframes(audio.to_pcm16())
    return buffer.getvalue()
