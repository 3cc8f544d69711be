"""The two end-of-speech detectors compared on real speech in white noise (offline).

Run through ``python bench/bench_latency.py --vads`` (no audio devices needed).

Each trial is one FSDD recording (a real person saying a digit, 8 kHz,
resampled to the 16 kHz a live call listens at) with ``LEAD`` seconds of line
before it and ``TAIL`` after, white noise under the whole of it at the given
SNR (against the speech's own power; "clean" adds none; "noise steps up" is
10 dB noise that switches on 1 s into the lead, after a quiet line), fed in 20 ms blocks
as a microphone delivers them. The same noise, seed by seed, goes to both
detectors. Where the speech really is comes from the clean recording: its
10 ms frames within 30 dB of the loudest.

- false start: a start of speech declared in the noise-only part (more than
  ``TOLERANCE`` before the speech or after it); it would cut a prompt short.
- missed: no utterance overlaps the speech.
- cut off: the utterance handed to the recogniser (with its post-roll) ends
  before the speech does, or the speech is split in two.
- tail lost: the end is placed more than ``EARLY`` before the speech's (the
  post-roll may still save the recording; the next word would not be).
- end delay: from the true end of speech to the moment the end is declared,
  the trailing silence included (0.8 s by default).
- CPU: process time spent in the detector per second of audio fed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ivr.audio.pcm import Audio, read_wav
from ivr.audio.resample import resample
from ivr.audio.vad import SpeechDetector, SpeechEnd, SpeechStart, VadConfig, VadKind, open_vad

FSDD = Path(__file__).resolve().parents[2] / "shared" / "data" / "fsdd-dev" / "recordings"
RATE = 16000
BLOCK = 320  # 20 ms, as the live microphone delivers
LEAD = 2.0
TAIL = 2.5
TOLERANCE = 0.15  # a start this close to the speech belongs to it
CUT_SLACK = 0.02  # two 10 ms frames of the reference's own granularity
EARLY = 0.1  # an end placed this far before the speech's is a lost tail
SNRS: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0)
#: The "noise steps up" line: this long at -30 dB, then the 10 dB noise switches on.
STEP_AT, STEP_SNR = 1.0, 10.0


def pick_clips(count: int) -> list[tuple[str, Audio]]:
    """``count`` recordings spread evenly over the sorted set (every digit and speaker)."""
    files = sorted(FSDD.glob("*.wav"))
    if not files:
        raise SystemExit(f"no FSDD recordings in {FSDD}")
    step = max(1, len(files) // count)
    return [(f.stem, resample(read_wav(f), RATE)) for f in files[::step][:count]]


def speech_span(audio: Audio) -> tuple[float, float]:
    size = audio.rate // 100
    frames = audio.samples[: len(audio.samples) // size * size].reshape(-1, size)
    rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    loud = np.nonzero(rms > rms.max() / 10 ** (30 / 20))[0]
    return float(loud[0] * size / audio.rate), float((loud[-1] + 1) * size / audio.rate)


@dataclass
class Trial:
    audio: Audio
    start: float  # true speech span in the trial, stream seconds
    end: float


def make_trial(clip: Audio, snr_db: float | None, seed: int, step: bool = False) -> Trial:
    begin, end = speech_span(clip)
    lead, tail = np.zeros(round(LEAD * RATE)), np.zeros(round(TAIL * RATE))
    samples = np.concatenate([lead, clip.samples, tail])
    if snr_db is not None:
        voiced = clip.samples[round(begin * RATE) : round(end * RATE)]
        power = float(np.mean(np.square(voiced, dtype=np.float64)))
        rng = np.random.default_rng(seed)
        noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(samples))
        if step:
            noise[: round(STEP_AT * RATE)] *= 10 ** (-30 / 20)
        samples = samples + noise
    return Trial(Audio(samples.astype(np.float32), RATE), LEAD + begin, LEAD + end)


def pair(first: Audio, second: Audio, pause: float) -> Audio:
    """Two digits said as one answer ("four ... two"), ``pause`` seconds apart."""
    _, end = speech_span(first)
    begin, _ = speech_span(second)
    head = first.samples[: round(end * RATE)]
    gap = np.zeros(round(pause * RATE), dtype=np.float32)
    return Audio(np.concatenate([head, gap, second.samples[round(begin * RATE) :]]), RATE)


@dataclass
class Tally:
    trials: int = 0
    false_start_trials: int = 0
    false_starts: int = 0
    missed: int = 0
    cut_off: int = 0
    tail_lost: int = 0
    delays: list[float] = field(default_factory=list)
    cpu: float = 0.0
    audio_seconds: float = 0.0

    def add(self, trial: Trial, vad: SpeechDetector, post_roll: float) -> None:
        began = time.process_time()
        events = []
        samples = trial.audio.samples
        for at in range(0, len(samples), BLOCK):
            events.extend(vad.feed(samples[at : at + BLOCK]))
        events.extend(vad.flush())
        self.cpu += time.process_time() - began
        self.audio_seconds += trial.audio.seconds
        self.trials += 1
        wrong = [
            e
            for e in events
            if isinstance(e, SpeechStart)
            and (e.at < trial.start - TOLERANCE or e.at > trial.end + TOLERANCE)
        ]
        self.false_starts += len(wrong)
        self.false_start_trials += bool(wrong)
        overlapping = [
            e
            for e in events
            if isinstance(e, SpeechEnd) and e.start < trial.end and e.end > trial.start
        ]
        if not overlapping:
            self.missed += 1
            return
        last = overlapping[-1]
        handed_to = min(last.end + post_roll, last.declared)
        if len(overlapping) > 1 or handed_to < trial.end - CUT_SLACK:
            self.cut_off += 1
        self.tail_lost += overlapping[0].end < trial.end - EARLY
        self.delays.append(last.declared - trial.end)


def compare(
    count: int, trailing: float, kinds: list[VadKind], pause: float = 0.0
) -> dict[tuple[str, str], Tally]:
    config = VadConfig(trailing_silence=trailing)
    clips = [clip for _, clip in pick_clips(count)]
    if pause > 0:
        clips = [pair(c, clips[(i + 7) % len(clips)], pause) for i, c in enumerate(clips)]
    tallies: dict[tuple[str, str], Tally] = {}
    lines = [("clean" if snr is None else f"{snr:g} dB", snr, False) for snr in SNRS]
    for line, snr, step in [*lines, ("noise steps up", STEP_SNR, True)]:
        trials = [make_trial(clip, snr, seed, step) for seed, clip in enumerate(clips)]
        for kind in kinds:
            tally = tallies.setdefault((kind.value, line), Tally())
            for trial in trials:
                tally.add(trial, open_vad(RATE, config, kind), config.post_roll)
    return tallies


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def report(
    tallies: dict[tuple[str, str], Tally], trailing: float, count: int, pause: float
) -> None:
    what = f"pairs of digits {pause:g} s apart" if pause > 0 else "FSDD recordings"
    print(f"end of speech on {count} {what} at 16 kHz, {LEAD:g} s of line before,")
    print(f"{TAIL:g} s after, white noise; trailing silence {trailing:g} s (in the delay)")
    print(
        "| VAD | line | false starts (trials) | missed | cut off | tail lost | "
        "end delay p50 / p95 | CPU per s of audio |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (kind, line), t in tallies.items():
        p50 = 1000 * percentile(t.delays, 50)
        p95 = 1000 * percentile(t.delays, 95)
        cpu_ms = 1000 * t.cpu / t.audio_seconds
        print(
            f"| {kind} | {line} | {t.false_starts} ({t.false_start_trials}/{t.trials}) | "
            f"{t.missed} | {t.cut_off} | {t.tail_lost} | {p50:.0f} / {p95:.0f} ms | "
            f"{cpu_ms:.1f} ms |"
        )


def main(count: int, trailing: float, pause: float = 0.0) -> int:
    from ivr.audio import silero_vad

    kinds = [VadKind.ENERGY]
    reason = silero_vad.unavailable(RATE)
    if reason is None:
        kinds.append(VadKind.SILERO)
    else:
        print(f"Silero VAD not compared: {reason}")
    report(compare(count, trailing, kinds, pause), trailing, count, pause)
    return 0
