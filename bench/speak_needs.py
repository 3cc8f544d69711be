"""Speak the English needs and the Norway menu's words with three synthesisers, at 8 kHz.

Debian packages (apt-get install): espeak-ng flite festival festvox-kallpc16k
festvox-kdlpc16k festvox-us-slt-hts; sox is not needed (resampling is
ivr.audio.resample's band-limited resampler).

Synthesisers and voices:
- ``espeak-ng`` (dev): the project's own synthesiser (its synthetic callers
  speak through it), voices varied per sentence: en-us, en-gb, en-gb-scotland,
  en-029, en-gb-x-rp, en-gb-x-gbclan, en-gb-x-gbcwmd with +m/+f variants, at
  150/165/180 words a minute.
- ``flite`` (dev): CMU Flite's built-in awb (Scottish English, male) and rms
  (US English, male). Its kal and slt voices are left out on purpose: they are
  the same speakers as the held-out festival voices.
- ``festival`` (HELD OUT: never listen to it while tuning): Festival with
  kal_diphone, ked_diphone (US English, male, diphone) and
  cmu_us_slt_arctic_hts (US English, female, HTS). None of its speakers is
  heard in the dev synthesisers.

Sets: ``en-dev`` and ``en-heldout`` (bench/needs/*.yaml); ``en-dev2`` to ``en-dev7``
only when named with ``--set``; ``en-phrases`` (only
with ``--set en-phrases``: every label and phrase of every option at its node, 270)
and ``en-words``:
for every option of menus/norway.yaml its English label and its first listed
word, deduplicated; each is said at its option's node (reached by keys at
Monday 10:00, when every node can be reached) and is right when the option's
outcome is reached.

Output: bench/.cache/needs-audio/<synth>/<set>/<clean|snr15>/NNN.wav (8 kHz
mono 16-bit) and an index.json per folder mapping file -> text, expect, voice
(and node, options for menu words). White noise is mixed at 15 dB SNR over the
whole clip (``ivr.audio.pcm.mix_noise``, as ``ivr call --noise-db`` does),
seeded per file, so a rerun writes the same samples. Idempotent: a file whose
index entry already says the same text and voice is kept; a changed sentence
is spoken again.

Run: python bench/speak_needs.py [--synth NAME]... [--set NAME]... [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from ivr.audio.pcm import Audio, mix_noise, read_wav, write_wav  # noqa: E402
from ivr.audio.resample import resample  # noqa: E402
from ivr.loader import load_menu  # noqa: E402
from ivr.model import Menu  # noqa: E402
from ivr.scripted.needs import ASK, load_needs, option_outcome  # noqa: E402

NORWAY = ROOT / "menus" / "norway.yaml"
NEEDS_DIR = ROOT / "bench" / "needs"
CACHE = ROOT / "bench" / ".cache" / "needs-audio"
RATE = 8000
SNR_DB = 15.0
CONDITIONS = ("clean", "snr15")
NEED_SETS = ("en-dev", "en-heldout")
WORDS_SET = "en-words"
#: Every English label and phrase of every option (270), each at its node: the set the
#: sound rules of ivr.asr.phrase_choice were tuned on (dev synthesisers). Not made
#: unless asked for (``--set en-phrases``): it is seven times the menu words.
PHRASES_SET = "en-phrases"
#: The later text splits (written from the seeds alone, then tuned on as text), spoken only
#: when asked for: 340 more needs to find by voice what the 140 of en-dev do not show.
MORE_NEED_SETS = ("en-dev2", "en-dev3", "en-dev4", "en-dev5", "en-dev6", "en-dev7")
SETS = (*NEED_SETS, WORDS_SET)
OPTIONAL_SETS = (PHRASES_SET, *MORE_NEED_SETS)
#: When the menu words are said: a weekday morning, when every node can be reached.
WORDS_AT = datetime(2026, 11, 23, 10, 0)
TIMEOUT = 60.0
#: Resampling can overshoot a synthesiser's full-scale peaks; louder clips are scaled
#: down to this peak rather than clipped.
PEAK = 0.95
#: Changes whenever the same sentence and voice would give different samples, so
#: files made the old way are made again.
RENDER = "8k-peak0.95-v1"

ESPEAK_VOICES = (
    "en-us",
    "en-gb+f3",
    "en-gb-scotland",
    "en-029+f2",
    "en-us+m3",
    "en-gb-x-rp+f4",
    "en-gb-x-gbclan",
    "en-gb-x-gbcwmd+m5",
)
ESPEAK_RATES = (150, 165, 180)
FLITE_VOICES = ("awb", "rms")
FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")


@dataclass(frozen=True)
class Synth:
    name: str
    program: str
    voices: tuple[str, ...]
    held_out: bool
    apt: str

    def voice(self, number: int) -> str:
        """The voice for sentence ``number`` (1-based): varied, and the same on every run."""
        if self.name == "espeak-ng":
            voice = ESPEAK_VOICES[(number - 1) % len(ESPEAK_VOICES)]
            rate = ESPEAK_RATES[(number - 1) % len(ESPEAK_RATES)]
            return f"{voice}@{rate}"
        return self.voices[(number - 1) % len(self.voices)]


SYNTHS = (
    Synth("espeak-ng", "espeak-ng", ESPEAK_VOICES, False, "espeak-ng"),
    Synth("flite", "flite", FLITE_VOICES, False, "flite"),
    Synth(
        "festival",
        "text2wave",
        FESTIVAL_VOICES,
        True,
        "festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts",
    ),
)


@dataclass(frozen=True)
class Item:
    """One sentence to speak, with what the benchmark needs to judge it."""

    number: int
    text: str
    expect: list[str] | str
    extra: dict[str, Any]


class SynthError(Exception):
    pass


# -- the synthesisers -----------------------------------------------------------------------
def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SynthError(f"{what} took over {TIMEOUT:g} s") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise SynthError(f"{what} failed: {lines[-1] if lines else done.returncode}")


def synthesize(synth: Synth, text: str, voice: str) -> Audio:
    """Speak ``text`` with one voice; returns the synthesiser's own rate."""
    with tempfile.TemporaryDirectory(prefix="ivr-needs-") as tmp:
        out = Path(tmp) / "out.wav"
        if synth.name == "espeak-ng":
            name, _, rate = voice.partition("@")
            command = ["espeak-ng", "-v", name, "-s", rate or "160", "-w", str(out), "--", text]
        elif synth.name == "flite":
            command = ["flite", "-voice", voice, "-t", text, "-o", str(out)]
        elif synth.name == "festival":
            source = Path(tmp) / "text.txt"
            source.write_text(text + "\n", encoding="utf-8")
            command = ["text2wave", "-eval", f"(voice_{voice})", str(source), "-o", str(out)]
        else:  # pragma: no cover - SYNTHS lists every name
            raise SynthError(f"unknown synthesiser {synth.name}")
        _run(command, f"{synth.name} ({voice})")
        audio = read_wav(out)
    if len(audio.samples) == 0:
        raise SynthError(f"{synth.name} ({voice}) wrote no audio for {text!r}")
    return audio


def limit_peak(audio: Audio) -> Audio:
    peak = float(np.max(np.abs(audio.samples))) if len(audio.samples) else 0.0
    if peak <= PEAK:
        return audio
    return Audio((audio.samples * np.float32(PEAK / peak)).astype(np.float32), audio.rate)


# -- what to speak ------------------------------------------------------------------------------
def need_items(menu: Menu, name: str) -> list[Item] | None:
    path = NEEDS_DIR / f"{name}.yaml"
    if not path.is_file():
        return None
    loaded = load_needs(path, menu)
    return [
        Item(
            n.number,
            n.text,
            ASK if n.must_ask else list(n.expect),
            {"at": f"{n.at:%Y-%m-%d %H:%M}"},
        )
        for n in loaded.needs
    ]


def word_items(menu: Menu, every_phrase: bool = False) -> list[Item]:
    """Each option's English label and first word, once per distinct text.

    A text shared by several options (a label repeated in two submenus) is said
    once, at the first option's node, and any of their outcomes is right. With
    ``every_phrase``: the label and every listed phrase, once per text and node.
    """
    found: dict[tuple[str, str], tuple[str, str, list[str], list[str]]] = {}
    for node in menu.nodes.values():
        for option in node.options:
            outcome = option_outcome(menu, option, WORDS_AT)
            if outcome is None:
                continue
            words = list(option.phrases.get("en"))
            texts = [option.label.get("en"), *(words if every_phrase else words[:1])]
            for text in texts:
                key = " ".join(text.casefold().split())
                if not key:
                    continue
                slot = (key, node.id if every_phrase else "")
                if slot not in found:
                    found[slot] = (text, node.id, [], [])
                _, _, outcomes, options = found[slot]
                if outcome not in outcomes:
                    outcomes.append(outcome)
                if option.id not in options:
                    options.append(option.id)
    return [
        Item(
            number,
            text,
            outcomes,
            {"node": node, "options": options, "at": f"{WORDS_AT:%Y-%m-%d %H:%M}"},
        )
        for number, (text, node, outcomes, options) in enumerate(found.values(), start=1)
    ]


# -- writing ------------------------------------------------------------------------------------
def seed_of(synth: str, set_name: str, number: int) -> int:
    return zlib.crc32(f"{synth}/{set_name}/{number}".encode())


def read_index(folder: Path) -> dict[str, Any]:
    path = folder / "index.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_index(folder: Path, index: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "index.json.tmp"
    tmp.write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(folder / "index.json")


def speak_set(
    synth: Synth, set_name: str, items: list[Item], jobs: int, log: Callable[[str], None]
) -> tuple[int, int]:
    """Make the clean and noisy files of one set; returns (made, kept)."""
    clean_dir = CACHE / synth.name / set_name / "clean"
    noisy_dir = CACHE / synth.name / set_name / "snr15"
    old = {cond: read_index(CACHE / synth.name / set_name / cond) for cond in CONDITIONS}
    entries: dict[str, dict[str, Any]] = {}
    todo: list[tuple[str, Item, str]] = []
    for item in items:
        file = f"{item.number:03d}.wav"
        voice = synth.voice(item.number)
        entry = {
            "text": item.text,
            "expect": item.expect,
            "voice": voice,
            **item.extra,
            "render": RENDER,
        }
        entries[file] = entry
        fresh = all(
            old[cond].get(file, {}).get("text") == item.text
            and old[cond].get(file, {}).get("voice") == voice
            and old[cond].get(file, {}).get("render") == RENDER
            and (CACHE / synth.name / set_name / cond / file).is_file()
            for cond in CONDITIONS
        )
        if not fresh:
            todo.append((file, item, voice))
    clean_dir.mkdir(parents=True, exist_ok=True)
    noisy_dir.mkdir(parents=True, exist_ok=True)

    def make(job: tuple[str, Item, str]) -> None:
        file, item, voice = job
        audio = limit_peak(resample(synthesize(synth, item.text, voice), RATE))
        write_wav(clean_dir / file, audio)
        noisy = mix_noise(
            read_wav(clean_dir / file), SNR_DB, seed_of(synth.name, set_name, item.number)
        )
        write_wav(noisy_dir / file, noisy)

    failed: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for job, error in zip(todo, pool.map(_guard(make), todo), strict=True):
            if error:
                failed.append(f"{job[0]}: {error}")
    for line in failed:
        log(f"  ! {synth.name}/{set_name}/{line}")
    bad = {line.split(":", 1)[0] for line in failed}
    kept_entries = {f: e for f, e in entries.items() if f not in bad}
    for cond in CONDITIONS:
        folder = CACHE / synth.name / set_name / cond
        index = {f: dict(e, condition=cond) for f, e in kept_entries.items()}
        write_index(folder, index)
        for stale in folder.glob("*.wav"):
            if stale.name not in entries:
                stale.unlink()  # a need removed from its set
    return len(todo) - len(failed), len(items) - len(todo)


def _guard(make: Callable[[tuple[str, Item, str]], None]) -> Callable[[tuple[str, Item, str]], str]:
    def run(job: tuple[str, Item, str]) -> str:
        try:
            make(job)
        except Exception as exc:  # reported per file; the other files still get made
            return f"{type(exc).__name__}: {exc}"
        return ""

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synth", action="append", choices=[s.name for s in SYNTHS])
    parser.add_argument("--set", action="append", choices=SETS + OPTIONAL_SETS, dest="sets")
    parser.add_argument("--jobs", type=int, default=2, help="synthesiser processes at once")
    args = parser.parse_args(argv)
    menu = load_menu(NORWAY)
    synths = [s for s in SYNTHS if not args.synth or s.name in args.synth]
    sets = args.sets or list(SETS)
    started = time.perf_counter()
    status = 0
    for synth in synths:
        if shutil.which(synth.program) is None:
            print(f"{synth.name}: {synth.program} is not installed (apt-get install {synth.apt})")
            status = 1
            continue
        for set_name in sets:
            if set_name in (WORDS_SET, PHRASES_SET):
                items: list[Item] | None = word_items(menu, set_name == PHRASES_SET)
            else:
                items = need_items(menu, set_name)
            if items is None:
                print(f"{synth.name}/{set_name}: bench/needs/{set_name}.yaml is not there yet")
                continue
            t0 = time.perf_counter()
            made, kept = speak_set(synth, set_name, items, args.jobs, print)
            tag = " (held out)" if synth.held_out or "heldout" in set_name else ""
            print(
                f"{synth.name}/{set_name}{tag}: {made} made, {kept} kept, "
                f"{len(items)} sentences x {len(CONDITIONS)} conditions "
                f"in {time.perf_counter() - t0:.1f} s"
            )
            if made + kept < len(items):
                status = 1
    print(f"done in {time.perf_counter() - started:.1f} s; audio in {CACHE.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
