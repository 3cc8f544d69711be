"""``--record DIR``: a live call's log, in the shape ``ivr call --json`` prints, and
its audio as WAV files.

``transcript.json`` is the call log (``ivr.calllog``): the session's outcome,
route, nodes and transcript, each utterance the recogniser heard (``heard``:
``said`` is the WAV file the utterance was saved to, ``caller-N.wav``, so
``ivr listen`` or ``ivr call --play`` can hear it again) and the system's
notices; plus ``recording``, the tracks. ``ivr.wav`` (what the menu played,
cut where the caller barged in) and ``caller.wav`` (the utterances the
recogniser heard) share one timeline starting when the call started, so they
line up in any audio editor; ``recording.utterances`` says where each
utterance sits on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ivr.audio.pcm import Audio, write_wav
from ivr.audio.resample import resample
from ivr.calllog import CallLog, HeardRow
from ivr.fsutil import write_text
from ivr.live.inputs import Heard
from ivr.session import Session

RATE = 16000
IVR_TRACK, CALLER_TRACK, LOG = "ivr.wav", "caller.wav", "transcript.json"


@dataclass(frozen=True)
class _Clip:
    file: str
    at: float  # seconds into the tracks
    audio: Audio


@dataclass
class CallRecorder:
    directory: Path
    session: Session
    rate: int = RATE
    t0: float = 0.0
    log: CallLog = field(init=False)
    _ivr: list[tuple[float, Audio]] = field(default_factory=list)
    _clips: list[_Clip] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.log = CallLog(self.session)

    def start(self, now: float) -> None:
        self.t0 = now

    def line(self, who: str, text: str, kind: str, now: float) -> None:
        """A line the live call showed. The transcript is the session's own (as in
        ``ivr call --json``), so only the system's notices, which the session does
        not know of, are kept from here."""
        if who == "system":
            self.log.notice(text)

    def heard(self, item: Heard, started: float) -> None:
        """An utterance the recogniser heard, whose audio began at ``started``."""
        if item.audio is None:
            return
        clip = _Clip(f"caller-{len(self._clips) + 1}.wav", max(0.0, started - self.t0), item.audio)
        self._clips.append(clip)
        row = HeardRow(clip.file, item.text, item.confidence, item.source, True, item.runners_up)
        self.log.hear(row)

    def ivr_audio(self, audio: Audio, started: float, played: float) -> None:
        keep = round(max(0.0, min(played, audio.seconds)) * audio.rate)
        self._ivr.append((started - self.t0, Audio(audio.samples[:keep], audio.rate)))

    def _track(self, parts: list[tuple[float, Audio]]) -> Audio:
        clips = [(at, resample(audio, self.rate)) for at, audio in parts]
        end = max((round(at * self.rate) + len(a.samples) for at, a in clips), default=0)
        track = np.zeros(end, dtype=np.float32)
        for at, clip in clips:
            start = round(at * self.rate)
            track[start : start + len(clip.samples)] += clip.samples
        return Audio(np.clip(track, -1.0, 1.0), self.rate)

    def to_json(self) -> dict[str, Any]:
        """The call log, with the recording's files."""
        data = self.log.to_json()
        data["recording"] = {
            "rate": self.rate,
            "ivr": IVR_TRACK,
            "caller": CALLER_TRACK,
            "utterances": [
                {"file": c.file, "at": round(c.at, 3), "seconds": round(c.audio.seconds, 3)}
                for c in self._clips
            ],
        }
        return data

    def save(self) -> Path:
        """Write the tracks, each utterance and transcript.json; each file appears whole
        or not at all."""
        self.directory.mkdir(parents=True, exist_ok=True)
        write_wav(self.directory / IVR_TRACK, self._track(self._ivr))
        caller = self._track([(clip.at, clip.audio) for clip in self._clips])
        write_wav(self.directory / CALLER_TRACK, caller)
        for clip in self._clips:
            write_wav(self.directory / clip.file, clip.audio)
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"
        write_text(self.directory / LOG, text, "call transcript")
        return self.directory
