"""How well the Norway menu understands callers' needs, by text and by voice.

Prints one row per set: how many needs were routed right (directly or after
one question the simulated caller answered honestly), how many ended with a
question that did not get there, how many were acted on wrongly WITHOUT
asking (the figure that must be 0), how many were not understood at all, and
p50/p95 milliseconds from the end of the caller's speech to the menu's
decision.

- text: bench/needs/{en,nb}-{dev,heldout}.yaml typed, each at its own time.
- voice: the English sets as spoken by bench/speak_needs.py (run it first),
  per synthesiser x clean/snr15, and the menu's own words (``en-words``, each
  said at its option's node; right = that option's outcome). The recogniser is
  ``open_recognizer(menu.engine, language="en")`` without espeak-ng
  adaptation, since these voices stand for human callers. The clip is fed in
  100 ms chunks as a live line delivers it while the caller speaks (untimed,
  since that happens during speech); the time runs from the last chunk (the
  end of speech) to the session's decision: the recogniser's ``finish()``
  (grammar result, free transcription, phrase scores) plus the understanding.
  A question's answer is given as text: this measures the need, not the "yes".

Rows marked "held out" are sets or a synthesiser nobody tunes on: read their
figures, never their sentences (``--list`` refuses to print them).

Run: python bench/bench_understanding.py [--sets text|voice|all] [--limit N]
     [--synth NAME] [--list] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.errors import Location  # noqa: E402
from ivr.events import Speech  # noqa: E402
from ivr.loader import load_menu  # noqa: E402
from ivr.menuindex import MenuIndex  # noqa: E402
from ivr.model import Menu  # noqa: E402
from ivr.scripted.needs import (  # noqa: E402
    ASK,
    Evaluation,
    Need,
    NeedCall,
    NeedSet,
    Said,
    Verdict,
    evaluate_need,
    load_needs,
    steps_to,
)

NORWAY = ROOT / "menus" / "norway.yaml"
NEEDS_DIR = ROOT / "bench" / "needs"
AUDIO = ROOT / "bench" / ".cache" / "needs-audio"
TEXT_SETS = (
    "en-dev", "en-dev2", "en-dev3", "en-dev4", "en-dev5", "en-dev6", "en-dev7", "en-heldout",
    "nb-dev", "nb-dev2", "nb-dev3", "nb-dev4", "nb-dev5", "nb-dev6", "nb-dev7", "nb-heldout",
)  # fmt: skip
VOICE_SETS = ("en-dev", "en-heldout", "en-words")
#: Made and measured only when asked for (``--voice-set en-phrases``): every label and
#: phrase of every option at its node (bench/speak_needs.py --set en-phrases), and the
#: later text splits spoken (``--voice-set en-dev2`` and so on).
OPTIONAL_VOICE_SETS = (
    "en-phrases",
    "en-dev2",
    "en-dev3",
    "en-dev4",
    "en-dev5",
    "en-dev6",
    "en-dev7",
)
PHRASE_SETS = ("en-words", "en-phrases")
Steps = tuple[str | Said, ...]  # keys, or a label said, to the node where a need is said
SYNTHS = ("espeak-ng", "flite", "festival")
HELD_OUT_SYNTHS = frozenset({"festival"})
CONDITIONS = ("clean", "snr15")
#: The clips the latency target speaks of ("a 3 s utterance").
THREE_SECONDS = (2.5, 3.5)


@dataclass(frozen=True)
class Row:
    mode: str  # text or voice
    name: str  # e.g. en-dev, or festival/snr15/en-words
    held_out: bool
    evaluations: tuple[Evaluation, ...]
    skipped: int = 0  # audio whose sentence no longer matches its set
    seconds: tuple[float, ...] = ()  # voice: each clip's length, in evaluation order

    def count(self, verdict: Verdict) -> int:
        return sum(1 for e in self.evaluations if e.verdict is verdict)

    @property
    def wrong_without_asking(self) -> int:
        return sum(1 for e in self.evaluations if e.wrong_without_asking)

    @property
    def wrong_into_submenu(self) -> int:
        """Wrong without asking, but only into a submenu: the caller hears a new menu
        rather than being put through (the spec counts it as wrong all the same)."""
        return sum(
            1
            for e in self.evaluations
            if e.wrong_without_asking and (e.outcome or "").startswith("node:")
        )

    @property
    def wrong_after_asking(self) -> int:
        return sum(1 for e in self.evaluations if e.verdict is Verdict.WRONG and e.asked)

    def percentile_ms(self, q: float, clip: tuple[float, float] | None = None) -> float | None:
        """The ``q`` percentile of the decision times; ``clip``: only clips that long."""
        lengths = self.seconds or (0.0,) * len(self.evaluations)
        times = sorted(
            e.decision_seconds
            for e, length in zip(self.evaluations, lengths, strict=True)
            if e.decision_seconds is not None and (clip is None or clip[0] <= length <= clip[1])
        )
        if not times:
            return None
        if len(times) == 1:
            return times[0] * 1000.0
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        return cuts[round(q * 100) - 1] * 1000.0

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "set": self.name,
            "held_out": self.held_out,
            "n": len(self.evaluations),
            "right": self.count(Verdict.RIGHT),
            "asked": self.count(Verdict.ASKED),
            "wrong_without_asking": self.wrong_without_asking,
            "wrong_into_submenu": self.wrong_into_submenu,
            "wrong_after_asking": self.wrong_after_asking,
            "missed": self.count(Verdict.MISSED),
            "p50_ms": self.percentile_ms(0.50),
            "p95_ms": self.percentile_ms(0.95),
            "p95_ms_3s": self.percentile_ms(0.95, THREE_SECONDS) if self.seconds else None,
            "skipped": self.skipped,
        }


# -- text ------------------------------------------------------------------------------------
def load_sets(menu: Menu, names: Iterable[str]) -> dict[str, NeedSet]:
    found: dict[str, NeedSet] = {}
    for name in names:
        path = NEEDS_DIR / f"{name}.yaml"
        if path.is_file():
            found[name] = load_needs(path, menu)
        else:
            print(f"(bench/needs/{name}.yaml is not there yet)")
    return found


def text_rows(
    menu: Menu, index: MenuIndex, sets: dict[str, NeedSet], limit: int | None
) -> list[Row]:
    rows: list[Row] = []
    for name in TEXT_SETS:
        loaded = sets.get(name)
        if loaded is None:
            continue
        needs = loaded.needs[:limit] if limit else loaded.needs
        evaluations = tuple(
            evaluate_need(menu, need, lang=loaded.lang, index=index, clock=time.perf_counter)
            for need in needs
        )
        rows.append(Row("text", name, loaded.held_out, evaluations))
    return rows


# -- voice -----------------------------------------------------------------------------------
def read_index(folder: Path) -> dict[str, dict[str, Any]] | None:
    path = folder / "index.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def voice_needs(
    menu: Menu, set_name: str, entries: dict[str, dict[str, Any]], sets: dict[str, NeedSet]
) -> tuple[list[tuple[Path, Need, Steps]], int]:
    """(audio file, need, keys to press first) for each file whose sentence is still current."""
    out: list[tuple[Path, Need, Steps]] = []
    skipped = 0
    if set_name in PHRASE_SETS:
        for file, entry in sorted(entries.items()):
            at = datetime.strptime(str(entry["at"]), "%Y-%m-%d %H:%M")
            keys = steps_to(menu, str(entry["node"]), at)
            expect = tuple(str(e) for e in entry["expect"])
            if keys is None or not expect:
                skipped += 1
                continue
            need = Need(int(file[:3]), str(entry["text"]), expect, False, at, Location(file, 1, 1))
            out.append((Path(file), need, keys))
        return out, skipped
    loaded = sets.get(set_name)
    if loaded is None:
        return [], len(entries)
    by_number = {n.number: n for n in loaded.needs}
    for file, entry in sorted(entries.items()):
        need = by_number.get(int(file[:3]))
        wanted = ASK if need is not None and need.must_ask else list(need.expect) if need else None
        if need is None or need.text != entry.get("text") or wanted != entry.get("expect"):
            skipped += 1  # the set changed since the audio was made: rerun speak_needs.py
            continue
        out.append((Path(file), need, ()))
    return out, skipped


def voice_rows(
    menu: Menu,
    index: MenuIndex,
    sets: dict[str, NeedSet],
    synths: list[str],
    limit: int | None,
    progress: Callable[[str], None],
    only: Sequence[str] = VOICE_SETS,
    whole: bool = False,
    conditions: Sequence[str] = CONDITIONS,
) -> list[Row]:
    from ivr.asr.recognizer import (
        Grammar,
        open_recognizer,
        recognize,
        recognize_whole,
        usable_grammar,
    )
    from ivr.audio.frontend import prepare_clip
    from ivr.audio.pcm import Audio, read_wav, silence
    from ivr.audio.resample import resample

    started = time.perf_counter()
    recognizer = open_recognizer(menu.engine, language="en")
    grammars: dict[tuple[tuple[str, ...], bool], Grammar | None] = {}
    # Engines load parts of their models on first use: one untimed utterance of silence
    # keeps that out of the first need's decision time (and into the load time).
    warm = NeedCall(
        menu,
        Need(0, "", ("113",), False, datetime(2026, 11, 23, 12, 0), Location("", 1, 1)),
        lang="en",
        index=index,
    ).session
    warm_grammar = usable_grammar(warm.grammar(), recognizer, free=warm.free_speech)
    if warm_grammar is not None:
        recognize(recognizer, silence(0.5, 8000), warm_grammar)
    name = getattr(recognizer, "name", type(recognizer).__name__)
    progress(f"recogniser {name} loaded and warmed up in {time.perf_counter() - started:.2f} s")
    rows: list[Row] = []
    for synth in synths:
        for condition in conditions:
            for set_name in only:
                folder = AUDIO / synth / set_name / condition
                entries = read_index(folder)
                if entries is None:
                    progress(
                        f"({synth}/{condition}/{set_name}: no audio; run bench/speak_needs.py)"
                    )
                    continue
                items, skipped = voice_needs(menu, set_name, entries, sets)
                if limit:
                    items = items[:limit]
                evaluations: list[Evaluation] = []
                lengths: list[float] = []
                t0 = time.perf_counter()
                for file, need, keys in items:
                    audio = read_wav(folder / file)
                    lengths.append(len(audio.samples) / audio.rate)
                    call = NeedCall(menu, need, lang="en", index=index, keys=keys)
                    session = call.session
                    key = (session.grammar(), session.free_speech)
                    if key not in grammars:  # built while the prompt plays, not after speech
                        grammars[key] = usable_grammar(key[0], recognizer, free=key[1])
                    grammar = grammars[key]
                    # as every path hears a recording: the front end's cut and level; a
                    # clip it finds no speech in is heard as nothing, as live
                    prepared = prepare_clip(audio) if grammar is not None else None
                    if grammar is None or prepared is None:
                        end_of_speech = time.perf_counter()
                        speech = Speech("", 0.0)
                    else:
                        pcm = resample(prepared, recognizer.sample_rate)
                        if whole:
                            # as the live listener does: the cut utterance decoded at once
                            # when the VAD ends it
                            end_of_speech = time.perf_counter()
                            result = recognize_whole(recognizer, pcm, grammar)
                        else:
                            step = max(1, pcm.rate // 10)
                            recognizer.start(grammar)
                            for start in range(0, len(pcm.samples), step):
                                recognizer.feed(Audio(pcm.samples[start : start + step], pcm.rate))
                            end_of_speech = time.perf_counter()
                            result = recognizer.finish()
                        speech = Speech(result.text, result.confidence, result.runners_up)
                    call.hear(speech)
                    evaluations.append(call.finish(time.perf_counter() - end_of_speech))
                name = f"{synth}/{condition}/{set_name}"
                held = synth in HELD_OUT_SYNTHS or "heldout" in set_name
                rows.append(Row("voice", name, held, tuple(evaluations), skipped, tuple(lengths)))
                progress(f"  {name}: {len(evaluations)} in {time.perf_counter() - t0:.1f} s")
    return rows


# -- printing ----------------------------------------------------------------------------------
def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'mode':5} {'set':28} {'n':>4} {'right':>11} {'asked':>5} {'wrong w/o ask':>13} "
        f"{'missed':>6} {'p50 ms':>7} {'p95 ms':>7}  note"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        n = len(row.evaluations)
        right = row.count(Verdict.RIGHT)
        share = f"{right} ({100.0 * right / n:.0f}%)" if n else "0"
        notes = []
        if row.held_out:
            notes.append("held out")
        if row.wrong_into_submenu:
            notes.append(f"{row.wrong_into_submenu} of the wrong into a submenu")
        if row.wrong_after_asking:
            notes.append(f"{row.wrong_after_asking} wrong after a yes")
        if row.skipped:
            notes.append(f"{row.skipped} stale audio skipped")
        if row.seconds:
            three = row.percentile_ms(0.95, THREE_SECONDS)
            notes.append(f"p95 of 2.5-3.5 s clips {fmt_ms(three)} ms")
        print(
            f"{row.mode:5} {row.name:28} {n:>4} {share:>11} {row.count(Verdict.ASKED):>5} "
            f"{row.wrong_without_asking:>13} {row.count(Verdict.MISSED):>6} "
            f"{fmt_ms(row.percentile_ms(0.5)):>7} {fmt_ms(row.percentile_ms(0.95)):>7}  "
            + ", ".join(notes)
        )


def print_misses(rows: list[Row]) -> None:
    """Dev sets only: what went wrong, to work on. Held-out sentences stay unread."""
    for row in rows:
        if row.held_out:
            print(f"\n{row.mode} {row.name}: held out, not listed")
            continue
        bad = [e for e in row.evaluations if e.verdict is not Verdict.RIGHT]
        if not bad:
            continue
        print(f"\n{row.mode} {row.name}:")
        for e in bad:
            want = "ask" if e.need.must_ask else " | ".join(e.need.expect)
            heard = f" heard {e.heard!r} ({e.confidence:.2f})" if row.mode == "voice" else ""
            asked = f" asked {e.question.value} {list(e.offered)} -> {e.answer}" if e.asked else ""
            print(
                f"  {e.verdict.value:6} {e.need.text!r}{heard}: got {e.outcome}, want {want}{asked}"
            )


def open_index(menu: Menu, lexical: bool) -> MenuIndex:
    """The menu's index with the richest understanding this tree has.

    The benchmark also runs on trees whose understanding is plain phrase
    matching (no ``ivr.nlu``, or a ``MenuIndex`` without rankers): then it
    measures that.
    """
    try:
        from ivr.nlu.rankers import open_rankers
        from ivr.nlu.spelling import open_known
    except ImportError:
        return MenuIndex(menu)
    try:
        return MenuIndex(menu, rankers=[] if lexical else open_rankers(menu), known=open_known())
    except TypeError:
        return MenuIndex(menu)


def understanding_name(index: MenuIndex) -> str:
    understanding = getattr(index, "understanding", None)
    if understanding is None:
        return "phrase matching"
    judge = understanding.ranker_for("en")
    return str(judge.name) if judge is not None else "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", choices=("text", "voice", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="first N needs of each set")
    parser.add_argument("--synth", choices=SYNTHS, action="append", help="voice: only these")
    parser.add_argument(
        "--voice-set",
        choices=VOICE_SETS + OPTIONAL_VOICE_SETS,
        action="append",
        help="voice: only these sets",
    )
    parser.add_argument(
        "--condition", choices=CONDITIONS, action="append", help="voice: only these lines"
    )
    parser.add_argument("--list", action="store_true", help="list dev needs not right")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument(
        "--lexical", action="store_true", help="stems only (no sentence-embedding model)"
    )
    parser.add_argument(
        "--whole",
        action="store_true",
        help="voice: decode each utterance at once, timed from its hand-over, as the live "
        "listener does (default: fed in 100 ms chunks, timed from the last)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    menu = load_menu(NORWAY)
    loading = time.perf_counter()
    index = open_index(menu, lexical=args.lexical)
    print(
        f"understanding: {understanding_name(index)} "
        f"(loaded in {time.perf_counter() - loading:.2f} s)"
    )
    sets = load_sets(menu, TEXT_SETS)
    rows: list[Row] = []
    if args.sets in ("text", "all"):
        rows += text_rows(menu, index, sets, args.limit)
    if args.sets in ("voice", "all"):
        synths = args.synth or list(SYNTHS)
        rows += voice_rows(
            menu,
            index,
            sets,
            synths,
            args.limit,
            print,
            args.voice_set or VOICE_SETS,
            args.whole,
            tuple(args.condition or CONDITIONS),
        )
    print()
    print_table(rows)
    print(
        "\nright: an expected outcome, directly or after one question answered honestly "
        "(for 'ask' needs: a question first); asked: a question that did not get there; "
        "wrong w/o ask: an unexpected outcome acted on without asking (must be 0); "
        "missed: not understood. Times: end of speech (voice: the last 100 ms chunk fed to "
        "the recogniser) to the menu's decision."
    )
    if args.list:
        print_misses(rows)
    if args.json:
        args.json.write_text(json.dumps([r.as_json() for r in rows], indent=1) + "\n")
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
