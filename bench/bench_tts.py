"""How fast prompts become audio: espeak-ng synthesis, a cache miss, a cache hit.

Run from the repository root: ``python bench/bench_tts.py``. Prints measured
numbers only (no thresholds); takes a few seconds. A phone menu cares about
the time from "say this" to the first sample, which a warm cache answers.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivr.audio.pcm import Audio
from ivr.audio.resample import resample
from ivr.tts.cache import PromptCache
from ivr.tts.pyttsx3_speaker import Pyttsx3Speaker
from ivr.tts.speaker import VoiceSettings

EN = VoiceSettings("gmw/en", 160)
NB = VoiceSettings("gmq/nb", 160)

PROMPTS: list[tuple[str, VoiceSettings]] = [
    (text, EN)
    for text in [
        "Welcome to Example Bank.",
        "For account balances, press one or say balance.",
        "For card services, press two or say cards.",
        "To speak to an agent, press zero or say agent.",
        "Sorry, I did not get that.",
        "Please enter your eight digit account number, followed by the hash key.",
        "Your balance is one thousand two hundred and forty kroner.",
        "Connecting you to customer service. Please hold.",
        "Our opening hours are eight to four, Monday to Friday.",
        "To hear these options again, press star.",
        "Goodbye.",
        "Please say yes or no.",
        "Your card has been blocked. A new card will arrive within five working days.",
        "Press one for sales, two for support, three for billing, or stay on the line.",
        "All our agents are busy. You are number three in the queue.",
        "Thank you for calling.",
        "I heard two. Is that right?",
        "For English, press one.",
    ]
] + [
    (text, NB)
    for text in [
        "Velkommen til Eksempelbanken.",
        "For saldo, trykk en eller si saldo.",
        "For korttjenester, trykk to eller si kort.",
        "For å snakke med en rådgiver, trykk null.",
        "Beklager, det forsto jeg ikke.",
        "Tast inn ditt kontonummer, og avslutt med firkant.",
        "Du blir nå satt over til kundeservice. Vennligst vent.",
        "Våre åpningstider er fra åtte til fire, mandag til fredag.",
        "For å høre valgene igjen, trykk stjerne.",
        "Ha det bra.",
        "Vennligst si ja eller nei.",
        "For norsk, trykk to.",
    ]
]


def timed(fn: Callable[[], Audio]) -> tuple[float, Audio]:
    start = time.perf_counter()
    audio = fn()
    return time.perf_counter() - start, audio


def summary(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{label:<40} mean {statistics.mean(seconds) * 1000:8.2f} ms   "
        f"p95 {p95 * 1000:8.2f} ms   max {ordered[-1] * 1000:8.2f} ms   (n={len(seconds)})"
    )


def main() -> int:
    speaker = Pyttsx3Speaker()
    load, _ = timed(lambda: speaker.synthesize("Hello.", EN))
    print(f"pyttsx3 + espeak-ng: {len(PROMPTS)} prompts ({len(PROMPTS) - 12} en, 12 nb), 160 wpm")
    print(f"{'first call (loads the engine)':<40} {load * 1000:8.2f} ms")

    synth_times: list[float] = []
    audio_seconds = 0.0
    spoken: list[Audio] = []
    for text, settings in PROMPTS:
        took, audio = timed(partial(speaker.synthesize, text, settings))
        synth_times.append(took)
        audio_seconds += audio.seconds
        spoken.append(audio)
    print(summary("synthesis per prompt (22.05 kHz)", synth_times))
    print(
        f"{'synthesis speed':<40} {audio_seconds / sum(synth_times):8.1f} audio s per wall s "
        f"({audio_seconds:.1f} s of speech in {sum(synth_times):.2f} s)"
    )

    resample_times = [timed(partial(resample, audio, 8000))[0] for audio in spoken]
    print(summary("resample 22.05 -> 8 kHz (ivr.audio.resample)", resample_times))

    with tempfile.TemporaryDirectory(prefix="ivr-bench-cache-") as tmp:
        cache = PromptCache(speaker, Path(tmp))
        miss_times: list[float] = []
        phone_seconds = 0.0
        for text, settings in PROMPTS:
            took, audio = timed(partial(cache.get, text, settings, rate=8000))
            miss_times.append(took)
            phone_seconds += audio.seconds
        print(summary("cache miss (synth + 8 kHz + write)", miss_times))
        print(f"{'cache-miss speed':<40} {phone_seconds / sum(miss_times):8.1f} audio s per wall s")
        hit_times: list[float] = []
        for _ in range(5):
            for text, settings in PROMPTS:
                took, _audio = timed(partial(cache.get, text, settings, rate=8000))
                hit_times.append(took)
        print(summary("cache hit: prompt start (8 kHz Audio)", hit_times))
        print(
            f"{'cache-hit speed':<40} {5 * phone_seconds / sum(hit_times):8.1f} audio s per wall s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
