"""``ivr listen``: recognise recordings offline, the model loaded once for all of them.

With a grammar (``--menu``/``--grammar``/``--phrases``) each file is heard as one
of its phrases; ``--free`` prints what was said, word for word, from a
free-speech transcriber (``ivr[neural]``). With ``--menu`` a file is heard as a
call at that node hears it (the menu's engine and language, the node's closed
grammar, free speech where the node takes a described need), and every file
goes through the audio front end a live call uses, so the answer here is the
answer of ``ivr call --play`` and of a live call.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from ivr.asr.listen import (
    ListenResult,
    engine_for,
    listen_files,
    open_free_transcriber,
    transcribe_files,
)
from ivr.asr.mllr import ADAPTATIONS
from ivr.asr.recognizer import (
    ENGINES,
    EngineError,
    Grammar,
    digits_grammar,
    open_recognizer,
    usable_grammar,
)
from ivr.cli.common import maybe
from ivr.errors import IvrError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "listen",
        help="recognise speech in recordings with an offline engine",
        description="Recognise speech in recordings (WAV, FLAC or OGG; any rate and channel "
        "count) offline.",
    )
    parser.add_argument(
        "wavs", nargs="+", metavar="WAV", help="recordings to recognise (WAV, FLAC, OGG)"
    )
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
        "--menu", metavar="MENU", help="listen with the grammar of a menu node (with --node)"
    )
    parser.add_argument(
        "--node", metavar="ID", help="the node whose options to listen for (default: start)"
    )
    parser.add_argument("--lang", help="the menu language to listen in (default: its first)")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="speech engine (default: auto; with --menu, the menu's engine)",
    )
    parser.add_argument(
        "--model", metavar="DIR", default=None, help="vosk model folder (implies --engine vosk)"
    )
    parser.add_argument(
        "--closed",
        action="store_true",
        help="never reject: always answer with the closest phrase (with --menu always so, "
        "as a call listens)",
    )
    parser.add_argument(
        "--adapt",
        choices=sorted(ADAPTATIONS),
        default=None,
        help="the recordings are synthetic speech: listen with that voice adaptation "
        "(pocketsphinx)",
    )
    parser.add_argument(
        "--free",
        action="store_true",
        help="print the free transcript of each file (what was said, no grammar) and its "
        "confidence; needs ivr[neural]",
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


class _NodeListener:
    """The grammar of one menu node, and which option a recognised text picks."""

    def __init__(self, path: str, node_id: str | None, lang: str | None) -> None:
        from ivr.loader import load_menu
        from ivr.menuindex import MenuIndex

        self.menu = load_menu(path)
        self.node_id = node_id or self.menu.start
        if self.node_id not in self.menu.nodes:
            raise IvrError(
                f"{path} has no node {self.node_id!r}",
                "nodes: " + ", ".join(sorted(self.menu.nodes)),
            )
        self.lang = lang or self.menu.default_lang
        if self.lang not in self.menu.languages:
            raise IvrError(
                f"{path} has no language {self.lang!r}",
                "use one of " + ", ".join(self.menu.languages),
            )
        self.index = MenuIndex(self.menu)
        self.tree = self.menu.nodes[self.node_id].settings.search == "tree"

    def phrases(self) -> tuple[str, ...]:
        return self.index.grammar(self.node_id, self.lang, self.tree)

    def option(self, text: str) -> str | None:
        """The option (or ``cmd:NAME``) the words pick, when exactly one best match does."""
        from ivr.matcher import top_ties
        from ivr.textnorm import tokens

        words = tokens(text, self.lang)
        found = self.index.local(self.node_id, self.lang).match(words)
        found += self.index.tree(self.lang).match(words)
        best = {c.ref for c in top_ties(sorted(found, key=lambda c: -c.score))}
        return best.pop() if len(best) == 1 else None


def _transcribe(args: argparse.Namespace) -> int:
    """``--free``: each file's free transcript, from a transcriber loaded once."""
    given = [
        flag
        for flag, value in (
            ("--menu", args.menu),
            ("--node", args.node),
            ("--grammar", args.grammar),
            ("--phrases", args.phrases),
            ("--adapt", args.adapt),
            ("--model", args.model),
            ("--closed", args.closed or None),
        )
        if value is not None
    ]
    if given:
        raise IvrError(
            f"--free transcribes without a grammar; {', '.join(given)} cannot go with it",
            f"drop {' and '.join(given)}, or drop --free to hear the files as menu phrases",
        )
    language = args.lang or "en"
    try:
        transcriber = open_free_transcriber(language=language, engine=args.engine)
    except EngineError as exc:
        raise IvrError(
            f"--free needs a free-speech transcriber for {language!r}: {exc.message}",
            exc.hint or "pip install 'ivr[neural]'",
        ) from None
    return _report(transcribe_files(args.wavs, transcriber), args, None)


def run(args: argparse.Namespace) -> int:
    if args.free:
        return _transcribe(args)
    node: _NodeListener | None = None
    if args.menu is not None:
        if args.grammar or args.phrases:
            raise IvrError("--menu and --grammar/--phrases both give a grammar", "keep one")
        node = _NodeListener(args.menu, args.node, args.lang)
    elif args.node is not None:
        raise IvrError("--node needs --menu", "add --menu MENU")
    engine = "vosk" if args.model and args.engine == "auto" else args.engine
    language = "en"
    if node is not None:
        engine, language = engine_for(engine, node.menu.engine), node.lang
    recognizer = open_recognizer(
        engine, args.model, language=language, partials=False, adaptation=args.adapt
    )
    if node is not None:
        # the grammar a call at the node listens with: closed, free where it takes needs
        grammar = usable_grammar(node.phrases(), recognizer, free=node.tree)
    else:
        grammar = _grammar(args)
    return _report(listen_files(args.wavs, recognizer, grammar), args, node)


def _report(
    items: Iterable[ListenResult], args: argparse.Namespace, node: _NodeListener | None
) -> int:
    failed = False
    for item in items:
        if item.error is not None or item.result is None:
            failed = True
            print(f"Error: {item.error}", file=sys.stderr)
            continue
        if args.json:
            record: dict[str, object] = {
                "file": item.file,
                "text": item.result.text,
                "option": node.option(item.result.text) if node else item.option,
                "confidence": round(item.result.confidence, 3),
                "seconds": round(item.seconds, 3),
                "elapsed": round(item.elapsed, 3),
            }
            if args.free:
                del record["option"]
            if args.free or node is not None:  # a node that takes needs may transcribe
                record["source"] = item.result.source.value
            if item.result.runners_up:  # what a call at the node would ask about
                record["runners_up"] = list(item.result.runners_up)
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            if not item.speech:  # nothing was decoded: no confidence to show
                print(f"{item.file}: (no speech found)", flush=True)
                continue
            shown = item.result.text or "(nothing recognised)"
            picked = node.option(item.result.text) if node and item.result.text else None
            suffix = f" -> {picked}" if picked else ""
            suffix += maybe(item.result.runners_up)
            print(f"{item.file}: {shown} ({item.result.confidence:.2f}){suffix}", flush=True)
    return 1 if failed else 0
