"""``ivr voices``: the voice ids a menu may name, since a wrong one is refused."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ivr.errors import IvrError
from ivr.tts import Speaker, make_speaker
from ivr.tts.speaker import speaks_language

#: Builds the speaker; tests replace it with a fake.
speaker_factory: Callable[[], Speaker] = make_speaker


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "voices",
        help="list the text-to-speech voices (ids to use in menus and 'ivr say --voice')",
        description="List the installed espeak-ng voices: id, languages and name.",
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="only voices speaking this language, e.g. en (matches en-gb, en-us) or nb",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="list the voice variants instead, usable as ID+VARIANT (e.g. gmw/en-us+f3)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    speaker = speaker_factory()
    if args.variants:
        lister = getattr(speaker, "variants", None)
        names: list[str] = list(lister()) if callable(lister) else []
        if not names:
            raise IvrError("this speech engine has no voice variants")
        for name in names:
            print(name)
        return 0
    voices = sorted(speaker.voices(), key=lambda v: v.id)
    if args.lang:
        voices = [v for v in voices if speaks_language(v, args.lang)]
        if not voices:
            raise IvrError(
                f"no voice speaks {args.lang!r}", "run 'ivr voices' to see every language"
            )
    width = max([2, *(len(v.id) for v in voices)])
    lang_width = max([9, *(len(", ".join(v.languages)) for v in voices)])
    print(f"{'ID':<{width}}  {'LANGUAGES':<{lang_width}}  NAME")
    for voice in voices:
        print(f"{voice.id:<{width}}  {', '.join(voice.languages):<{lang_width}}  {voice.name}")
    return 0
