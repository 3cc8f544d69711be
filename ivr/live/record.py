"""``--record DIR``: both sides of a live call as WAV, plus a JSON transcript with timings.

The two WAV files share one timeline starting when the call started, so they
line up in any audio editor: what the menu played (cut where the caller barged
in) and what the caller said (the utterances the recogniser heard).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ivr.audio.pcm import Audio, write_wav
from ivr.audio.resample import resample
from ivr.fsutil import write_text

RATE = 16000


@dataclass
class CallRecorder:
    directory: Path
    rate: int = RATE
    t0: float = 0.0
    lines: list[dict[str, object]] = field(default_factory=list)
    _ivr: list[tuple[float, Audio]] = field(default_factory=list)
    _caller: list[tuple[float, Audio]] = field(default_factory=list)

    def start(self, now: float) -> None:
        self.t0 = now

    def line(self, who: str, text: str, kind: str, now: float) -> None:
        self.lines.append({"who": who, "text": text, "kind": kind, "t": round(now - self.t0, 3)})

    def ivr_audio(self, audio: Audio, started: float, played: float) -> None:
        keep = round(max(0.0, min(played, audio.seconds)) * audio.rate)
        self._ivr.append((started - self.t0, Audio(audio.samples[:keep], audio.rate)))

    def caller_audio(self, audio: Audio, started: float) -> None:
        self._caller.append((max(0.0, started - self.t0), audio))

    def _track(self, parts: list[tuple[float, Audio]]) -> Audio:
        clips = [(at, resample(audio, self.rate)) for at, audio in parts]
        end = max((round(at * self.rate) + len(a.samples) for at, a in clips), default=0)
        track = np.zeros(end, dtype=np.float32)
        for at, clip in clips:
            start = round(at * self.rate)
            track[start : start + len(clip.samples)] += clip.samples
        return Audio(np.clip(track, -1.0, 1.0), self.rate)

    def save(self) -> Path:
        """Write ivr.wav, caller.wav and transcript.json; each file appears whole or not at all."""
        self.directory.mkdir(parents=True, exist_ok=True)
        write_wav(self.directory / "ivr.wav", self._track(self._ivr))
        write_wav(self.directory / "caller.wav", self._track(self._caller))
        data = {"rate": self.rate, "transcript": self.lines}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_text(self.directory / "transcript.json", text, "call transcript")
        return self.directory
