"""``ivr prompts``: render every prompt of a menu to telephone-ready WAV files.

The menu loader and the prompt catalogue belong to the core; they are looked
up only when the command runs, so this module loads even before they exist.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivr.errors import IvrError
from ivr.tts import Speaker, VoiceSettings, default_voice, make_speaker
from ivr.tts.speaker import DEFAULT_RATE_WPM

if TYPE_CHECKING:
    from ivr.prompts_catalog import PromptText

#: Builds the speaker; tests replace it with a fake.
speaker_factory: Callable[[], Speaker] = make_speaker

LoadMenu = Callable[[Path], Any]
IterMenuPrompts = Callable[[Any], Iterable["PromptText"]]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "prompts",
        help="render every prompt of a menu to WAV files plus an index.json",
        description="Synthesize each prompt of MENU (every node, reprompt, announcement and "
        "message, in every language) into one mono 16-bit WAV per prompt under --out, "
        "listed in --out/index.json. The folder is replaced as a whole.",
    )
    parser.add_argument("menu", metavar="MENU", help="the menu's YAML file")
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder to write (new, empty, or rendered before)",
    )
    parser.add_argument(
        "--rate",
        type=int,
        default=8000,
        metavar="HZ",
        help="sample rate of the WAV files (default: 8000, telephone)",
    )
    parser.add_argument(
        "--wpm",
        type=int,
        metavar="WPM",
        help="speaking rate in words per minute for every language (default: the menu's "
        f"voices: rate, else {DEFAULT_RATE_WPM})",
    )
    parser.add_argument(
        "--voice",
        action="append",
        default=[],
        metavar="LANG=ID",
        help="voice for one language, e.g. nb=gmq/nb (repeatable; default: the menu's "
        "voices: entry, else the language's default voice; list them with: ivr voices)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where synthesized prompts are kept between runs "
        "(default: $IVR_CACHE_DIR, else $XDG_CACHE_HOME/ivr/prompts or ~/.cache/ivr/prompts)",
    )
    parser.set_defaults(handler=handle)


def handle(
    args: argparse.Namespace,
    *,
    load_menu: LoadMenu | None = None,
    iter_menu_prompts: IterMenuPrompts | None = None,
) -> int:
    """Render MENU; ``load_menu``/``iter_menu_prompts`` default to the core's own."""
    # numpy (via the cache and the renderer) is loaded only when rendering.
    from ivr.tts.cache import PromptCache
    from ivr.tts.render import INDEX_NAME, render_prompts

    if args.rate <= 0:
        raise IvrError(f"--rate must be a positive sample rate, got {args.rate}")
    voices = _parse_voices(args.voice)
    if args.wpm is not None:
        VoiceSettings(rate=args.wpm)  # refuse a bad --wpm before loading anything
    if load_menu is None:
        load_menu = _core_function("ivr.loader", "load_menu")
    if iter_menu_prompts is None:
        iter_menu_prompts = _core_function("ivr.prompts_catalog", "iter_menu_prompts")
    menu = load_menu(Path(args.menu))
    prompts = list(iter_menu_prompts(menu))
    speaker = speaker_factory()
    cache = PromptCache(speaker, args.cache_dir)
    choose = _settings_chooser(voices, args.wpm, _menu_voices(menu), speaker)
    out = render_prompts(prompts, cache, args.out, rate=args.rate, settings_for_lang=choose)
    index = json.loads((out / INDEX_NAME).read_text(encoding="utf-8"))
    entries = index["prompts"]
    per_lang = Counter(str(e["lang"]) for e in entries)
    seconds = sum(float(e["seconds"]) for e in entries)
    langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(per_lang.items())) or "none"
    print(
        f"rendered {len(entries)} prompts ({langs}; {seconds:.1f} s of audio "
        f"at {args.rate} Hz) into {out}"
    )
    return 0


def _parse_voices(pairs: list[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for pair in pairs:
        lang, sep, voice = pair.partition("=")
        if not sep or not lang.strip() or not voice.strip():
            raise IvrError(f"--voice {pair!r} is not LANG=ID", "for example: --voice nb=gmq/nb")
        chosen[lang.strip()] = voice.strip()
    return chosen


def _menu_voices(menu: Any) -> dict[str, VoiceSettings]:
    """The menu's own ``voices:`` section (voice, rate, volume per language), if it has one."""
    found: dict[str, VoiceSettings] = {}
    for lang, voice in (getattr(menu, "voices", None) or {}).items():
        found[str(lang)] = VoiceSettings(
            voice=str(voice.voice), rate=int(voice.rate), volume=float(voice.volume)
        )
    return found


def _settings_chooser(
    voices: dict[str, str], wpm: int | None, menu_voices: dict[str, VoiceSettings], speaker: Speaker
) -> Callable[[str], VoiceSettings]:
    """Per language: --voice beats the menu's voices section, which beats the default voice;
    --wpm beats the menu's rate."""

    def choose(lang: str) -> VoiceSettings:
        base = menu_voices.get(lang) or VoiceSettings(voice=_default_voice(lang, speaker))
        return VoiceSettings(
            voice=voices.get(lang) or base.voice,
            rate=wpm if wpm is not None else base.rate,
            volume=base.volume,
        )

    return choose


def _default_voice(lang: str, speaker: Speaker) -> str:
    try:
        return default_voice(lang)
    except IvrError:
        # The fixed table covers en and nb; other languages need the voice list.
        return default_voice(lang, speaker.voices())


def _core_function(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise IvrError(
            f"rendering prompts needs {module}.{name}, which this build of ivr lacks ({exc})"
        ) from exc
