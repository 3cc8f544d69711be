"""The audio front end (``ivr/audio/frontend.py``) on real human digits.

Every path (``ivr listen``, ``ivr call --play``, live calls) hears a clip as the
front end prepares it: cut by the live end-of-speech detector, its loudest
sample set to ``PEAK``. This measures what each step does to plain
pocketsphinx on the FSDD clips (8 kHz, trimmed tight), as recorded and 20 dB
quieter (a quiet microphone):

- ``whole clip``: the clip as it is, as ``ivr listen`` decoded it before;
- ``cut``: the detector's utterance only;
- ``cut + level``: the front end as shipped (``prepare_clip``);
- the peak level swept, to show where ``PEAK`` sits.

"no speech" counts clips the detector found nothing in (heard as nothing, as
a live call would hear nothing). Plain pocketsphinx, digits grammar zero..nine,
no second opinions, so the figures show the front end alone; bench_asr.py has
the engine's own figures.

Run: python bench/bench_frontend.py [--every 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.asr.recognizer import Recognizer, digits_grammar, recognize  # noqa: E402
from ivr.audio import frontend  # noqa: E402
from ivr.audio.pcm import Audio, read_wav  # noqa: E402

FSDD = ROOT.parent / "shared" / "data" / "fsdd-dev" / "recordings"
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

Prepare = Callable[[Audio], Audio | None]


def quieter(audio: Audio, db: float = 20.0) -> Audio:
    return Audio((audio.samples * 10 ** (-db / 20)).astype(np.float32), audio.rate)


def at_peak(peak: float) -> Prepare:
    def prepare(audio: Audio) -> Audio | None:
        found = frontend.utterance(audio)
        if found is None:
            return None
        top = float(np.max(np.abs(found.samples))) or 1.0
        return Audio((found.samples * (peak / top)).astype(np.float32), found.rate)

    return prepare


def score(rec: Recognizer, clips: list[tuple[Audio, str]], prepare: Prepare) -> str:
    grammar = digits_grammar(False)
    right = nothing = 0
    spent = 0.0
    for audio, said in clips:
        began = time.perf_counter()
        heard = prepare(audio)
        spent += time.perf_counter() - began
        if heard is None:
            nothing += 1
            continue
        right += recognize(rec, heard, grammar).text == said
    share = 100.0 * right / len(clips)
    per_clip = 1000.0 * spent / len(clips)
    return f"{share:5.1f}%  no speech {nothing:3d}  front end {per_clip:4.1f} ms/clip"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="take every Nth clip (default: all)")
    args = parser.parse_args()
    if not FSDD.is_dir():
        sys.exit(f"FSDD recordings not found at {FSDD}")
    from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

    rec = PocketsphinxRecognizer(partials=False)
    files = sorted(FSDD.glob("*.wav"))[:: args.every]
    clips = [(read_wav(p), WORDS[int(p.name.split("_")[0])]) for p in files]
    quiet = [(quieter(a), said) for a, said in clips]
    print(f"{len(clips)} FSDD clips, plain pocketsphinx, digits grammar")
    rows: list[tuple[str, list[tuple[Audio, str]], Prepare]] = [
        ("whole clip", clips, lambda a: a),
        ("whole clip, -20 dB", quiet, lambda a: a),
        ("cut", clips, frontend.utterance),
        ("cut, -20 dB", quiet, frontend.utterance),
        ("cut + level (shipped)", clips, frontend.prepare_clip),
        ("cut + level, -20 dB", quiet, frontend.prepare_clip),
    ]
    rows += [(f"cut + peak {peak:g}", clips, at_peak(peak)) for peak in (0.125, 0.5, 0.7, 0.9)]
    for name, data, prepare in rows:
        print(f"  {name:24s} {score(rec, data, prepare)}", flush=True)


if __name__ == "__main__":
    main()
