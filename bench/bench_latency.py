"""End-of-speech latency on the virtual audio devices.

How long after a caller stops talking does the menu know they have finished?
The VAD waits ``trailing_silence`` on purpose; this measures everything on
top of that: the VAD's placement of the end of speech, audio buffering in
PortAudio/ALSA/PulseAudio, and the capture thread hand-off.

Method: a private PulseAudio daemon with the ``callerline`` null sink (see
tests/audio/virtual_devices.py). Each espeak-ng utterance is played into
``callerline``; its speech ends ``end_offset`` seconds into the clip (last
sample above -40 dBFS), so it ends on the line at
``started_at + output_latency + end_offset``, where ``started_at`` is when
the first block went to PortAudio and ``output_latency`` is PortAudio's
estimate of the caller-side output buffer. ``Capture`` listens on
``callermic`` (the sink's monitor); latency = declaration time - speech end -
trailing silence. PortAudio's estimate of the caller-side output buffer
(0.12 s here) proved wrong on null sinks (subtracting it gave -100 ms), so it
is not subtracted: ``started_at`` is when PortAudio first asked for audio,
which on these devices is within a few ms of the audio reaching the monitor
(full-duplex round trip measured 0-40 ms). The VAD's own part (frame
granularity, where it places the end of a fading word) is measured offline on
the same clips, in stream time; the rest is buffering and hand-off.

The recogniser's decode time (pocketsphinx, grammar of the played phrases) is
measured per utterance and added, for the end-to-end figure.

Run: python3 bench/bench_latency.py [--count 10] [--trailing 0.8]
Needs pulseaudio, pulseaudio-utils, libasound2-plugins, libportaudio2, espeak-ng.

``--vads [--clips 50] [--pause S]`` instead compares the energy and the Silero VAD offline on
real speech in white noise (false starts, cut-offs, end delay, CPU): see
bench/vad_noise.py. Needs ../shared/data/fsdd-dev; no audio devices.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ivr.audio.capture import Capture, Utterance  # noqa: E402
from ivr.audio.pcm import Audio, read_wav  # noqa: E402
from ivr.audio.resample import resample  # noqa: E402
from ivr.audio.streams import SoundDeviceInput, SoundDeviceOutput  # noqa: E402
from ivr.audio.vad import EnergyVad, SpeechEnd, VadConfig  # noqa: E402

RATE = 16000
PHRASES = [
    "billing",
    "technical support",
    "yes",
    "no thank you",
    "operator",
    "check my balance",
    "two",
    "seven",
    "I want to speak to a person",
    "cancel my order",
    "repeat the menu",
    "nine",
]

DecodeHook = Callable[[Audio], object]


def pocketsphinx_decoder() -> DecodeHook | None:
    """The embedded engine with a grammar of the played phrases (warmed up once)."""
    try:
        from ivr.asr.recognizer import open_recognizer, recognize, usable_grammar
    except ImportError:
        return None
    recognizer = open_recognizer("pocketsphinx", partials=False)
    grammar = usable_grammar(PHRASES, recognizer)

    def decode(audio: Audio) -> object:
        return recognize(recognizer, audio, grammar)

    decode(Audio(np.zeros(8000, dtype=np.float32), 16000))  # build the decoder first
    return decode


def load_virtual_devices() -> ModuleType:
    path = ROOT / "tests" / "audio" / "virtual_devices.py"
    spec = importlib.util.spec_from_file_location("ivr_bench_virtual_devices", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


def speak(text: str, folder: Path, index: int) -> Audio:
    path = folder / f"utt{index}.wav"
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    return resample(read_wav(path), RATE)


def speech_end(audio: Audio, threshold: float = 0.01) -> float:
    loud = np.nonzero(np.abs(audio.samples) > threshold)[0]
    return float((loud[-1] + 1) / audio.rate)


def offline_latency(clip: Audio, trailing: float) -> float:
    """The VAD's own lateness on ``clip`` (stream time), with silence around it."""
    lead = 0.5
    vad = EnergyVad(RATE, VadConfig(trailing_silence=trailing))
    padded = np.concatenate(
        [np.zeros(round(lead * RATE)), clip.samples, np.zeros(round((trailing + 1) * RATE))]
    ).astype(np.float32)
    for event in vad.feed(padded):
        if isinstance(event, SpeechEnd):
            return event.declared - (lead + speech_end(clip)) - trailing
    raise RuntimeError("the VAD found no end of speech in a clean clip")


@dataclass
class Sample:
    phrase: str
    latency: float  # declared - speech end on the line - trailing silence
    offline: float  # the same, from the VAD alone on the clip, in stream time
    decode: float | None


def measure(
    count: int, trailing: float, gap: float, decode: DecodeHook | None
) -> tuple[list[Sample], int]:
    clips: list[tuple[str, Audio]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            phrase = PHRASES[i % len(PHRASES)]
            clips.append((phrase, speak(phrase, Path(tmp), i)))
    caller = SoundDeviceOutput("callerline", device_rate=RATE)
    capture = Capture(
        SoundDeviceInput("callermic", rate=RATE, device_rate=RATE),
        VadConfig(trailing_silence=trailing),
    )
    ends: list[float] = []  # wall time the speech ended on the line

    def caller_speaks() -> None:
        try:
            time.sleep(0.5)
            for _, clip in clips:
                playing = caller.play(clip)
                playing.wait()
                started = playing.started_at if playing.started_at is not None else 0.0
                ends.append(started + speech_end(clip))
                time.sleep(gap)
        finally:
            time.sleep(trailing + 1.0)
            capture.stop()

    speaker = threading.Thread(target=caller_speaks, daemon=True)
    speaker.start()
    heard: list[Utterance] = [u for u in capture.utterances()]
    speaker.join(timeout=10)
    samples: list[Sample] = []
    for (phrase, clip), end, utterance in zip(clips, ends, heard, strict=False):
        decode_time: float | None = None
        if decode is not None:
            began = time.perf_counter()
            decode(utterance.audio)
            decode_time = time.perf_counter() - began
        latency = utterance.declared_wall - end - trailing
        samples.append(Sample(phrase, latency, offline_latency(clip, trailing), decode_time))
    return samples, len(heard)


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def report(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(
        f"{name:<44} mean {statistics.fmean(ms):7.1f} ms   p95 {p95(ms):7.1f} ms   "
        f"min {min(ms):7.1f}   max {max(ms):7.1f}   n={len(ms)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10, help="utterances to play")
    parser.add_argument("--trailing", type=float, default=0.8, help="VAD trailing silence (s)")
    parser.add_argument("--gap", type=float, default=1.5, help="silence between utterances (s)")
    parser.add_argument(
        "--vads", action="store_true", help="compare the VADs on speech in noise (offline)"
    )
    parser.add_argument("--clips", type=int, default=50, help="FSDD recordings for --vads")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="--vads: two digits per trial, this far apart"
    )
    args = parser.parse_args()
    if args.vads:
        import vad_noise

        return vad_noise.main(args.clips, args.trailing, args.pause)
    vd = load_virtual_devices()
    missing = vd.missing_programs()
    if missing:
        print(f"skipped: needs {', '.join(missing)}")
        return 0
    audio = vd.start_virtual_audio()
    try:
        with vd.using_virtual_audio(audio):
            vd.warm_up(audio)
            samples, heard = measure(args.count, args.trailing, args.gap, pocketsphinx_decoder())
    finally:
        vd.stop_virtual_audio(audio)
    print(f"end-of-speech latency beyond the {args.trailing:g} s trailing silence")
    print(f"(virtual PulseAudio devices, 16 kHz, 20 ms blocks; {args.count} utterances played,")
    print(f" {heard} utterances detected)")
    if heard != args.count:
        print("WARNING: detected count differs from played count; pairs may be misaligned")
    if not samples:
        return 1
    print(
        "(reference good to ~one 20 ms block; a null sink drops the first ~12-17 ms of a new\n"
        " stream, so clips land that much early and the devices part reads negative)"
    )
    report("end of speech -> VAD declares it", [s.latency for s in samples])
    report("  of which the VAD itself (offline)", [s.offline for s in samples])
    report("  of which devices + hand-off", [s.latency - s.offline for s in samples])
    decodes = [s.decode for s in samples if s.decode is not None]
    if decodes:
        report("recogniser decode", decodes)
        report("end of speech -> recognised", [s.latency + (s.decode or 0.0) for s in samples])
    else:
        print("recogniser decode: not measured (pocketsphinx is not installed)")
    for s in samples:
        print(
            f"  {s.phrase!r:<32} {1000 * s.latency:7.1f} ms  (VAD alone {1000 * s.offline:6.1f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
