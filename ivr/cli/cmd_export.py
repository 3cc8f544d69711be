"""``ivr export MENU --to freeswitch|asterisk|voicexml --out DIR``.

The folder is what a PBX administrator copies onto the system: the
configuration, every prompt as an 8 kHz mono WAV (the format both PBXs play
without transcoding), ``sounds/index.json`` saying what each file says, and a
README of what had to be approximated. It is written beside its final place
and swapped in whole, so a failed export never leaves half a folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from ivr.cli.common import add_menu_argument, open_menu
from ivr.errors import IvrError
from ivr.model import Menu
from ivr.pbx.common import SoundList, sounds_index_text
from ivr.pbx.detect import PBX_FORMATS, MenuFormat, format_module

#: Marks a folder as an ivr export, so ``--out`` never replaces anything else.
MARKER = ".ivr-export"
#: Telephone audio: what FreeSWITCH and Asterisk play without resampling.
SOUND_RATE = 8000


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="write a menu out as FreeSWITCH, Asterisk or VoiceXML, with its prompts",
        description="Write the menu as a FreeSWITCH ivr.conf menu, an Asterisk dialplan or "
        "a VoiceXML document, every prompt rendered to an 8 kHz mono WAV, plus a README of "
        "what the format could not express.",
    )
    add_menu_argument(parser)
    parser.add_argument(
        "--to", required=True, choices=[f.value for f in PBX_FORMATS], help="the PBX format"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    parser.add_argument("--lang", help="the language to export (default: the menu's first)")
    parser.add_argument(
        "--no-sounds",
        action="store_true",
        help="write the configuration and sounds/index.json but render no WAV files",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    menu = open_menu(args.menu, args.start)
    lang = args.lang or menu.default_lang
    if lang not in menu.languages:
        raise IvrError(
            f"--lang {lang!r} is not one of this menu's languages",
            f"use one of {', '.join(menu.languages)}",
        )
    kind = MenuFormat(args.to)
    out = Path(args.out)
    _check_replaceable(out)
    sounds = SoundList()
    exported = format_module(kind).export_menu(menu, sounds, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for name, text in exported.files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        folder = staging / "sounds"
        folder.mkdir(exist_ok=True)
        (folder / "index.json").write_text(sounds_index_text(sounds), encoding="utf-8")
        if not args.no_sounds:
            _render(sounds, folder, menu)
        readme = _readme(args.menu, kind, lang, exported.files, exported.notes, len(sounds.sounds))
        (staging / "README.md").write_text(readme, encoding="utf-8")
        (staging / MARKER).write_text(f"{kind.value}\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except OSError as exc:
        raise IvrError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = ", ".join(sorted(exported.files))
    print(
        f"wrote {out}: {files}, {len(sounds.sounds)} prompts"
        f"{' (not rendered)' if args.no_sounds else ' at 8 kHz'}, "
        f"{len(exported.notes)} approximation{'s' * (len(exported.notes) != 1)} (README.md)"
    )
    return 0


def _check_replaceable(out: Path) -> None:
    if out.exists() and not (out.is_dir() and ((out / MARKER).exists() or not any(out.iterdir()))):
        raise IvrError(
            f"{out} exists and is not an ivr export",
            "give --out a new or empty folder, or one an earlier ivr export wrote",
        )


def _render(sounds: SoundList, folder: Path, menu: Menu) -> None:
    """Each prompt spoken by the menu's voice for its language, at 8 kHz."""
    from ivr.audio.pcm import write_wav
    from ivr.live.voice import menu_voices
    from ivr.tts import make_speaker
    from ivr.tts.cache import PromptCache
    from ivr.tts.render import settings_for_language

    voices = menu_voices(menu)
    cache = PromptCache(make_speaker())
    for (text, lang), name in sounds.sounds.items():
        settings = voices.get(lang) or settings_for_language(lang)
        write_wav(folder / f"{name}.wav", cache.get(text, settings, rate=SOUND_RATE))


def _readme(
    source: str, kind: MenuFormat, lang: str, files: dict[str, str], notes: tuple[str, ...], n: int
) -> str:
    lines = [
        f"# {Path(source).name} as {kind.value}",
        "",
        f"Written by `ivr export --to {kind.value}` from `{source}` (language `{lang}`).",
        "",
        "## Files",
        "",
        *(f"- `{name}`" for name in sorted(files)),
        f"- `sounds/`: {n} prompts as 8 kHz mono 16-bit WAV; `sounds/index.json` says what "
        "each one says",
        "",
        "## What had to be approximated",
        "",
        *([f"- {note}" for note in notes] or ["- nothing: the menu is expressed exactly."]),
        "",
    ]
    return "\n".join(lines)
