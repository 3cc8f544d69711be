"""Regenerate ``ivr/asr/data/espeak-ng.mllr``: pocketsphinx adapted to espeak-ng's voices.

Why: scripted audio test calls speak with espeak-ng, whose formant voices are
far from the human speech pocketsphinx's bundled en-us PTM model was trained
on. One global MLLR mean transform, fitted on synthetic speech, moves the
model towards that kind of voice and lifts the recognition of synthesized menu
phrases. So that the gain is not bought by training on the test, the fit uses
other voices (the benchmark speaks with ``en-us``, ``en`` and ``en+f3``) and
other text: ``adaptation_sentences.txt`` minus every sentence holding a word
of the Norway menu's English phrases or a digit word.

Recipe: synthesize each sentence with each voice at each rate, resample to
16 kHz and preprocess it the way ``PocketsphinxRecognizer`` feeds its decoder
(0.3 s of silence each side, a -60 dBFS noise floor); compute features with
``sphinx_fe``; collect statistics with sphinxtrain's ``bw`` (forced alignment
to the transcripts, with the model's own pronouncing dictionary); solve one
class of mean transforms with ``mllr_solve``. The model's mixture weights ship
only as the decoder's quantised ``sendump``, so ``bw``'s ``mixture_weights``
file is rebuilt from it first.

Run from anywhere (about 75 seconds on two cores: 20 s of synthesis, 50 s of ``bw``)::

    python scripts/adapt_synthetic.py [--output PATH] [--voices V,V] [--rates R,R]

Needs, besides ivr with its ``asr`` extra (pocketsphinx 5, numpy), the Debian
packages ``espeak-ng``, ``sphinxbase-utils`` (sphinx_fe), ``pocketsphinx``
(pocketsphinx_mdef_convert) and ``sphinxtrain`` (bw, mllr_solve). The result
is deterministic for given tool versions: the noise is seeded.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.asr.espeak_corpus import VOICES as BENCHMARK_VOICES  # noqa: E402
from ivr.asr.espeak_corpus import speak  # noqa: E402
from ivr.asr.mllr import parse as parse_mllr  # noqa: E402
from ivr.asr.pocketsphinx_decoders import (  # noqa: E402
    dictionary_text,
    dictionary_unknown,
    import_pocketsphinx,
)
from ivr.asr.pocketsphinx_engine import padded_pcm  # noqa: E402
from ivr.asr.recognizer import Grammar  # noqa: E402
from ivr.audio.resample import resample  # noqa: E402
from ivr.errors import IvrError  # noqa: E402
from ivr.fsutil import write_text  # noqa: E402
from ivr.loader import load_menu  # noqa: E402
from ivr.textnorm import NUMBER_WORDS  # noqa: E402

log = logging.getLogger("adapt_synthetic")

DEFAULT_OUTPUT = ROOT / "ivr" / "asr" / "data" / "espeak-ng.mllr"
SENTENCES = Path(__file__).with_name("adaptation_sentences.txt")
MENU = ROOT / "menus" / "norway.yaml"

#: Voices disjoint from the benchmark's (``ivr.asr.espeak_corpus.VOICES``).
DEFAULT_VOICES = ("en-us+f3", "en-gb-x-rp+m3", "en-029+f2", "en-gb-scotland")
DEFAULT_RATES = (130, 160, 200)

#: Words of menu phrases that the adaptation text may still contain: too common
#: to avoid, and never the word that tells one option from another.
COMMON_WORDS = frozenset({
    "a", "the", "to", "of", "is", "in", "and", "on", "at", "was", "it", "for", "my", "i", "her",
    "his", "you", "your", "there", "what", "when", "with", "from", "off", "out", "over", "go",
    "get", "no", "yes",
})  # fmt: skip

#: Audio is padded and noised by the decoder's own ``padded_pcm``, so the
#: statistics are gathered on audio like the audio later decoded.
RATE = 16000

SPHINXTRAIN = Path("/usr/lib/sphinxtrain")
_TOOLS_HINT = "apt-get install sphinxtrain sphinxbase-utils pocketsphinx"
_LOG_TAIL_LINES = 25


class AdaptError(Exception):
    """A missing tool, a failed step or unusable input: reported as one line."""


@dataclass(frozen=True)
class Sentence:
    """A sentence as espeak-ng reads it (punctuation shapes its prosody) and its words."""

    text: str
    words: tuple[str, ...]


# --- text ---------------------------------------------------------------------------------


def read_sentences(path: Path) -> list[str]:
    """The sentences of ``path``: one a line, ``#`` comments and blank lines left out."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AdaptError(f"cannot read {path}: {exc.strerror or exc}") from None
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def banned_words(menu_path: Path) -> frozenset[str]:
    """Words the benchmark listens for: the menu's English option and command phrases
    and the digit words, except the common words no sentence can do without."""
    menu = load_menu(menu_path)
    phrases = [p for node in menu.nodes.values() for o in node.options for p in o.phrases.get("en")]
    phrases += [p for command in menu.commands for p in command.phrases.get("en")]
    words = {w for p in phrases for w in p.lower().split()}
    words.update(NUMBER_WORDS["en"])
    return frozenset(words - COMMON_WORDS)


def transcript_words(text: str) -> tuple[str, ...]:
    """Lower-case words with apostrophes kept (``it's`` is a dictionary word)."""
    return tuple(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def select_sentences(lines: Sequence[str], banned: frozenset[str]) -> list[Sentence]:
    """The sentences with no banned word and no word the dictionary lacks."""
    chosen = []
    for line in lines:
        words = transcript_words(line)
        if hits := banned.intersection(words):
            log.debug("skipped (menu words %s): %s", ", ".join(sorted(hits)), line)
        elif unknown := dictionary_unknown(words):
            log.debug("skipped (not in the dictionary: %s): %s", ", ".join(unknown), line)
        else:
            chosen.append(Sentence(line, words))
    return chosen


# --- audio --------------------------------------------------------------------------------


def write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm)


def synthesize(
    sentences: Sequence[Sentence], voices: Sequence[str], rates: Sequence[int], wav_dir: Path
) -> list[tuple[str, Sentence]]:
    """Speak every sentence in every voice at every rate into ``wav_dir``.

    Returns (utterance id, sentence) pairs in order; ``<id>.wav`` holds the audio.
    """
    wav_dir.mkdir()
    utterances: list[tuple[str, Sentence]] = []
    for voice in voices:
        start = time.monotonic()
        for rate in rates:
            for sentence in sentences:
                uid = f"u{len(utterances):05d}"
                audio = resample(speak(sentence.text, voice, rate), RATE)
                write_wav(wav_dir / f"{uid}.wav", padded_pcm(audio.samples.astype(np.float32)))
                utterances.append((uid, sentence))
        log.info("synthesized voice %s at %s wpm (%.0f s)", voice, rates, time.monotonic() - start)
    return utterances


# --- model --------------------------------------------------------------------------------


def _read_string(fh: BinaryIO, order: str) -> str | None:
    """One length-prefixed, NUL-terminated header string; ``None`` ends the header."""
    (length,) = struct.unpack(f"{order}I", fh.read(4))
    return fh.read(length)[:-1].decode("ascii") if length else None


def sendump_mixture_weights(sendump: Path) -> npt.NDArray[np.float64]:
    """Mixture weights (senone, stream, density) from pocketsphinx's quantised ``sendump``.

    Each weight is stored as one byte ``q``, the weight being ``1.0001 ** -(q << shift)``;
    the bytes run stream by stream, density by density, over all senones. Only
    the unclustered layout (``cluster_count 0``) the bundled model uses is read.
    Rows are renormalised, since quantising left them summing only near 1.
    """
    with sendump.open("rb") as fh:
        (first,) = struct.unpack("<I", fh.read(4))
        order = ">" if first > 65536 else "<"  # the title's length is small in the right order
        fh.seek(0)
        _read_string(fh, order)  # title
        header: dict[str, int] = {}
        while (entry := _read_string(fh, order)) is not None:
            parts = entry.split()
            if len(parts) == 2 and parts[1].isdigit():
                header[parts[0]] = int(parts[1])
        if header.get("cluster_count", 0) != 0 or "feature_count" not in header:
            raise AdaptError(f"{sendump}: not an unclustered sendump (header {header})")
        streams = header["feature_count"]
        shift = header.get("mixw_shift", 10)
        densities, senones = struct.unpack(f"{order}II", fh.read(8))
        data = fh.read()
    if len(data) != streams * densities * senones:
        raise AdaptError(
            f"{sendump}: {len(data)} bytes of weights, expected {streams}x{densities}x{senones}"
        )
    quantised = np.frombuffer(data, np.uint8).reshape(streams, densities, senones)
    exponent = quantised.astype(np.int64) << shift
    weights = np.ascontiguousarray(
        np.power(1.0001, -exponent.astype(np.float64)).transpose(2, 0, 1)
    )
    weights /= weights.sum(axis=2, keepdims=True)
    return weights


def write_s3_array(path: Path, array: npt.NDArray[np.float64]) -> None:
    """A 3-D float32 array in sphinxtrain's binary ``s3`` format (little-endian).

    The header is padded so the data starts on a 4-byte boundary, as
    sphinxtrain's own writer does.
    """
    head = b"s3\nversion 1.0\n"
    end = b"endhdr\n"
    pad = (4 - (len(head) + len(end)) % 4) % 4
    d1, d2, d3 = array.shape
    with path.open("wb") as fh:
        fh.write(head + b" " * pad + end)
        fh.write(struct.pack("<i", 0x11223344))  # byte-order mark
        fh.write(struct.pack("<IIII", d1, d2, d3, d1 * d2 * d3))
        fh.write(array.astype("<f4").tobytes())


def prepare_model(dest: Path) -> Path:
    """A copy of the bundled en-us model with what sphinxtrain needs beside it:
    ``mdef.txt`` (bw reads only the text form) and ``mixture_weights``."""
    try:
        source = Path(import_pocketsphinx().get_model_path("en-us/en-us"))
    except IvrError as exc:
        raise AdaptError(str(exc)) from None
    if not (source / "sendump").is_file():
        raise AdaptError(f"{source}: no sendump; is this pocketsphinx 5's bundled model?")
    model = Path(shutil.copytree(source, dest))
    run_tool(
        ["pocketsphinx_mdef_convert", "-text", str(model / "mdef"), str(model / "mdef.txt")],
        model / "mdef_convert.log",
    )
    weights = sendump_mixture_weights(model / "sendump")
    write_s3_array(model / "mixture_weights", weights)
    log.info("model %s: %d senones, %d streams, %d densities", source, *weights.shape)
    return model


# --- sphinxtrain --------------------------------------------------------------------------


def check_tools() -> None:
    """Fail early, before minutes of synthesis, when a tool is missing."""
    if shutil.which("espeak-ng") is None:
        raise AdaptError("espeak-ng is not installed: apt-get install espeak-ng")
    for tool, package in (
        ("sphinx_fe", "sphinxbase-utils"),
        ("pocketsphinx_mdef_convert", "pocketsphinx"),
    ):
        if shutil.which(tool) is None:
            raise AdaptError(f"{tool} ({package}) is not installed: {_TOOLS_HINT}")
    for tool in ("bw", "mllr_solve", "map_adapt", "mk_s2sendump"):
        if not (SPHINXTRAIN / tool).is_file():
            raise AdaptError(f"sphinxtrain is not installed: {_TOOLS_HINT}")


def run_tool(command: Sequence[str], log_path: Path) -> str:
    """Run one tool, keeping its output in ``log_path``; its tail is logged if it fails."""
    name = Path(command[0]).name
    log.info("running %s", name)
    proc = subprocess.run(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        check=False,
    )
    log_path.write_text(proc.stdout, encoding="utf-8")
    if proc.returncode != 0:
        tail = proc.stdout.splitlines()[-_LOG_TAIL_LINES:]
        log.error("%s output ended with:\n%s", name, "\n".join(tail))
        how = f"signal {-proc.returncode}" if proc.returncode < 0 else f"status {proc.returncode}"
        raise AdaptError(f"{name} failed (exit {how}); its output is logged above")
    return proc.stdout


def _flat(options: Mapping[str, object]) -> list[str]:
    """``{"-name": value}`` as the command-line words sphinx tools take."""
    return [str(word) for name, value in options.items() for word in (name, value)]


def fit(model: Path, utterances: Sequence[tuple[str, Sentence]], work: Path) -> str:
    """Features, Baum-Welch statistics and the solved transform (the file's text)."""
    ids = [uid for uid, _ in utterances]
    (work / "ids").write_text("".join(f"{uid}\n" for uid in ids), encoding="ascii")
    (work / "trans").write_text(
        "".join(f"<s> {' '.join(s.words)} </s> ({uid})\n" for uid, s in utterances),
        encoding="utf-8",
    )
    words = sorted({w for _, s in utterances for w in s.words})
    # The decoder's own dictionary for these words, pronunciation variants included.
    (work / "dict").write_text(dictionary_text(Grammar(words)), encoding="utf-8")
    (work / "acc").mkdir()
    fe_options = {
        "-argfile": model / "feat.params",
        "-samprate": RATE,
        "-c": work / "ids",
        "-di": work / "wav",
        "-do": work / "mfc",
        "-ei": "wav",
        "-eo": "mfc",
        "-mswav": "yes",
        "-remove_silence": "no",
        "-dither": "no",
    }
    run_tool(["sphinx_fe", *_flat(fe_options)], work / "sphinx_fe.log")
    # One codebook shared by all senones of a base phone (PTM); the stream split
    # and feature type must be the model's (feat.params).
    bw_options = {
        "-hmmdir": model,
        "-moddeffn": model / "mdef.txt",
        "-ts2cbfn": ".ptm.",
        "-feat": "1s_c_d_dd",
        "-svspec": "0-12/13-25/26-38",
        "-cmn": "current",
        "-agc": "none",
        "-dictfn": work / "dict",
        "-fdictfn": model / "noisedict",
        "-ctlfn": work / "ids",
        "-lsnfn": work / "trans",
        "-cepdir": work / "mfc",
        "-cepext": "mfc",
        "-accumdir": work / "acc",
    }
    run_tool([str(SPHINXTRAIN / "bw"), *_flat(bw_options)], work / "bw.log")
    out = work / "out.mllr"
    # mllr_solve's defaults: one class, means only (offset and full matrix).
    solve_options = {
        "-meanfn": model / "means",
        "-varfn": model / "variances",
        "-outmllrfn": out,
        "-accumdir": work / "acc",
    }
    run_tool([str(SPHINXTRAIN / "mllr_solve"), *_flat(solve_options)], work / "mllr_solve.log")
    text = out.read_text(encoding="ascii")
    parse_mllr(text, "mllr_solve output")  # a malformed result stops here, not at decode time
    return text


#: The files of a MAP-adapted model; the rest (mdef, feat.params, noisedict) is
#: the bundled model's, unchanged.
MAP_FILES = ("means", "variances", "sendump", "transition_matrices")


def map_model(model: Path, work: Path, dest: Path) -> None:
    """MAP-adapt every Gaussian and mixture weight from ``fit``'s statistics into ``dest``.

    Far stronger than the one global MLLR map (each phone's densities move on
    their own), at the cost of 3.7 MB of model files: built by setup, not shipped.
    """
    adapted = work / "map"
    adapted.mkdir()
    map_options = {
        "-moddeffn": model / "mdef.txt",
        "-ts2cbfn": ".ptm.",
        "-meanfn": model / "means",
        "-varfn": model / "variances",
        "-mixwfn": model / "mixture_weights",
        "-tmatfn": model / "transition_matrices",
        "-accumdir": work / "acc",
        "-mapmeanfn": adapted / "means",
        "-mapvarfn": adapted / "variances",
        "-mapmixwfn": adapted / "mixture_weights",
        "-maptmatfn": adapted / "transition_matrices",
    }
    run_tool([str(SPHINXTRAIN / "map_adapt"), *_flat(map_options)], work / "map_adapt.log")
    dump_options = {
        "-pocketsphinx": "yes",
        "-moddeffn": model / "mdef.txt",
        "-mixwfn": adapted / "mixture_weights",
        "-sendumpfn": adapted / "sendump",
    }
    run_tool([str(SPHINXTRAIN / "mk_s2sendump"), *_flat(dump_options)], work / "mk_s2sendump.log")
    staged = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    for name in MAP_FILES:
        shutil.copyfile(adapted / name, staged / name)
    if dest.exists():
        shutil.rmtree(dest)
    staged.rename(dest)  # whole or not at all: the engine looks for all four files


# --- command line -------------------------------------------------------------------------


def _voices(value: str) -> tuple[str, ...]:
    voices = tuple(v.strip() for v in value.split(",") if v.strip())
    if not voices:
        raise argparse.ArgumentTypeError("give at least one voice")
    return voices


def _rates(value: str) -> tuple[int, ...]:
    try:
        rates = tuple(int(r) for r in value.split(",") if r.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {value!r}") from None
    if not rates or any(not 80 <= r <= 450 for r in rates):
        raise argparse.ArgumentTypeError("rates are words per minute, 80-450 (espeak-ng's range)")
    return rates


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fit the espeak-ng MLLR adaptation for pocketsphinx's en-us model."
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the MLLR transform (default: {DEFAULT_OUTPUT.relative_to(ROOT)},"
        " unless --map-model alone is given)",
    )
    parser.add_argument(
        "--map-model",
        type=Path,
        default=None,
        metavar="DIR",
        help="also MAP-adapt the model into DIR (ivr looks in models/pocketsphinx-en-us-espeak-ng)",
    )
    parser.add_argument(
        "--voices",
        type=_voices,
        default=DEFAULT_VOICES,
        help=f"espeak-ng voices, comma-separated (default: {','.join(DEFAULT_VOICES)})",
    )
    parser.add_argument(
        "--rates",
        type=_rates,
        default=DEFAULT_RATES,
        help=f"words per minute, comma-separated (default: {','.join(map(str, DEFAULT_RATES))})",
    )
    parser.add_argument("--verbose", action="store_true", help="also list skipped sentences")
    args = parser.parse_args(argv)
    if args.output is None and args.map_model is None:
        args.output = DEFAULT_OUTPUT
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
    )
    started = time.monotonic()
    try:
        check_tools()
        if overlap := sorted(set(args.voices) & set(BENCHMARK_VOICES)):
            log.warning("voices %s are the benchmark's: its score would be inflated", overlap)
        lines = read_sentences(SENTENCES)
        sentences = select_sentences(lines, banned_words(MENU))
        if not sentences:
            raise AdaptError(f"{SENTENCES}: every sentence holds a menu or unknown word")
        log.info("using %d of %d sentences", len(sentences), len(lines))
        with tempfile.TemporaryDirectory(prefix="ivr-adapt-") as tmp:
            work = Path(tmp)
            model = prepare_model(work / "model")
            utterances = synthesize(sentences, args.voices, args.rates, work / "wav")
            text = fit(model, utterances, work)
            if args.map_model is not None:
                map_model(model, work, args.map_model)
        if args.output is not None:
            write_text(args.output, text, "MLLR transform")
    except (AdaptError, IvrError) as exc:
        print(f"adapt_synthetic: error: {exc}", file=sys.stderr)
        return 1
    wrote = " and ".join(str(p) for p in (args.output, args.map_model) if p is not None)
    print(f"wrote {wrote} ({len(utterances)} utterances, {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
