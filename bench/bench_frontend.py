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

Then the one-word phrases of the Norway menu's emergency node, spoken by two
espeak-ng voices at 8 kHz with 0.4 s of line each side, through the engine a
call uses (``open_recognizer("auto")``) and that node's grammar: the whole
clip against the front end, as recorded and 20 dB quieter.

Run: python bench/bench_frontend.py [--every 1] [--no-words]
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


def menu_words() -> None:
    from ivr.asr.espeak_corpus import espeak_available, speak
    from ivr.asr.recognizer import open_recognizer, usable_grammar
    from ivr.audio.pcm import concat, silence
    from ivr.audio.resample import resample
    from ivr.loader import load_menu
    from ivr.menuindex import MenuIndex

    if not espeak_available():
        print("menu words: espeak-ng is not installed")
        return
    menu = load_menu(ROOT / "menus" / "norway.yaml")
    rec = open_recognizer("auto", partials=False)
    grammar = usable_grammar(MenuIndex(menu).grammar("emergency", "en", False), rec)
    assert grammar is not None
    words = [p for p in grammar.phrases if " " not in p][:20]
    clips = []
    for voice in ("en-us+m3", "en-gb-x-rp+f3"):
        for phrase in words:
            spoken = resample(speak(phrase, voice, 150), 8000)
            clips.append((concat([silence(0.4, 8000), spoken, silence(0.4, 8000)]), phrase))
    print(f"{len(clips)} menu words (2 espeak-ng voices, 8 kHz), {rec.name}, node 'emergency'")
    for name, prepare, db in (
        ("whole clip", lambda a: a, 0.0),
        ("whole clip, -20 dB", lambda a: a, 20.0),
        ("front end", frontend.prepare_clip, 0.0),
        ("front end, -20 dB", frontend.prepare_clip, 20.0),
    ):
        right = 0
        for audio, said in clips:
            heard = prepare(quieter(audio, db))
            right += heard is not None and recognize(rec, heard, grammar).text == said
        print(f"  {name:24s} {right}/{len(clips)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="take every Nth clip (default: all)")
    parser.add_argument("--no-words", action="store_true", help="skip the menu words")
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
    if not args.no_words:
        menu_words()


if __name__ == "__main__":
    main()
