"""``ivr listen``: recognise WAV files offline, the model loaded once for all of them."""

from __future__ import annotations

import argparse
import json
import sys

from ivr.asr.listen import listen_files
from ivr.asr.recognizer import ENGINES, EngineError, Grammar, digits_grammar, open_recognizer


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "listen",
        help="recognise speech in WAV files with an offline engine",
        description="Recognise speech in WAV files (any rate, mono or stereo) offline.",
    )
    parser.add_argument("wavs", nargs="+", metavar="WAV", help="WAV files to recognise")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--grammar",
        choices=["digits"],
        help="a built-in grammar: 'digits' accepts zero..nine and oh",
    )
    group.add_argument(
        "--phrases", metavar="A,B,C", help="comma-separated phrases the caller may say"
    )
    parser.add_argument(
        "--engine", choices=ENGINES, default="auto", help="speech engine (default: auto)"
    )
    parser.add_argument(
        "--model", metavar="DIR", default=None, help="vosk model folder (implies --engine vosk)"
    )
    parser.add_argument(
        "--closed",
        action="store_true",
        help="never reject: always answer with the closest phrase",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per file")
    parser.set_defaults(handler=run)


def _grammar(args: argparse.Namespace) -> Grammar | None:
    allow_unknown = not args.closed
    if args.grammar == "digits":
        return digits_grammar(allow_unknown)
    if args.phrases is not None:
        phrases = [p.strip() for p in args.phrases.split(",") if p.strip()]
        if not phrases:
            raise EngineError("--phrases has no phrases", "e.g. --phrases 'yes,no,operator'")
        return Grammar(phrases, allow_unknown)
    return None


def run(args: argparse.Namespace) -> int:
    grammar = _grammar(args)
    engine = "vosk" if args.model and args.engine == "auto" else args.engine
    recognizer = open_recognizer(engine, args.model, partials=False)
    failed = False
    for item in listen_files(args.wavs, recognizer, grammar):
        if item.error is not None or item.result is None:
            failed = True
            print(f"Error: {item.error}", file=sys.stderr)
            continue
        if args.json:
            record = {
                "file": item.file,
                "text": item.result.text,
                "option": item.option,
                "confidence": round(item.result.confidence, 3),
                "seconds": round(item.seconds, 3),
                "elapsed": round(item.elapsed, 3),
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            shown = item.result.text or "(nothing recognised)"
            print(f"{item.file}: {shown} ({item.result.confidence:.2f})", flush=True)
    return 1 if failed else 0
