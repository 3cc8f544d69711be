"""Render every prompt of a menu to WAV files plus an ``index.json``.

The output folder is what a telephony platform (or a person reviewing the
voice) takes away, so it is either the complete new set or untouched: files
are written into a temporary folder beside it, which then replaces it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ivr.audio.pcm import write_wav
from ivr.errors import IvrError
from ivr.prompts_catalog import PromptText
from ivr.tts.cache import PromptCache
from ivr.tts.speaker import VoiceSettings, default_voice

logger = logging.getLogger(__name__)

#: ``format`` field of index.json; a folder holding it may be replaced wholesale.
INDEX_FORMAT = "ivr-prompts/1"
INDEX_NAME = "index.json"


def settings_for_language(lang: str) -> VoiceSettings:
    """The default voice for ``lang`` at the default speaking rate."""
    return VoiceSettings(voice=default_voice(lang))


def render_prompts(
    prompts: Iterable[PromptText],
    cache: PromptCache,
    out_dir: str | Path,
    rate: int = 8000,
    settings_for_lang: Callable[[str], VoiceSettings] = settings_for_language,
) -> Path:
    """Write one mono 16-bit WAV at ``rate`` Hz per prompt and an index; return the folder.

    The same (id, lang) twice with the same text is written once; with
    different texts it is an error, since one file cannot hold both. Prompts
    with empty text are left out.
    """
    if rate <= 0:
        raise IvrError(f"sample rate must be positive, got {rate}")
    target = Path(out_dir)
    _check_replaceable(target)
    unique = _unique_prompts(prompts)
    settings_cache: dict[str, VoiceSettings] = {}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise IvrError(f"cannot write prompts beside {target}: {exc.strerror or exc}") from exc
    try:
        entries: list[dict[str, Any]] = []
        used_names: set[str] = set()
        for prompt in unique:
            if prompt.lang not in settings_cache:
                settings_cache[prompt.lang] = settings_for_lang(prompt.lang)
            settings = settings_cache[prompt.lang]
            audio = cache.get(prompt.text, settings, rate=rate)
            relative = _file_name(prompt, used_names)
            write_wav(staging / relative, audio)
            entries.append(
                {
                    "id": prompt.id,
                    "lang": prompt.lang,
                    "text": prompt.text,
                    "file": relative,
                    "seconds": round(audio.seconds, 3),
                    "voice": settings.voice,
                    "wpm": settings.rate,
                }
            )
        index = {"format": INDEX_FORMAT, "rate": rate, "prompts": entries}
        (staging / INDEX_NAME).write_text(
            json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output is not
        _swap_in(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise IvrError(f"cannot write prompts to {target}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("rendered %d prompts into %s", len(entries), target)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unique_prompts(prompts: Iterable[PromptText]) -> list[PromptText]:
    seen: dict[tuple[str, str], PromptText] = {}
    for prompt in prompts:
        if not prompt.id.strip():
            raise IvrError(f"a prompt has an empty id (text {prompt.text!r})")
        if not prompt.text.strip():
            # A node that only routes says nothing: there is no audio to make.
            logger.info("skipping prompt %r (%s): no text", prompt.id, prompt.lang)
            continue
        key = (prompt.id, prompt.lang)
        earlier = seen.get(key)
        if earlier is not None and earlier.text != prompt.text:
            raise IvrError(
                f"prompt {prompt.id!r} ({prompt.lang}) has two different texts: "
                f"{earlier.text!r} and {prompt.text!r}",
                "give each prompt its own id",
            )
        seen.setdefault(key, prompt)
    return list(seen.values())


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file_name(prompt: PromptText, used: set[str]) -> str:
    """A portable, unique ``<lang>/<id>.wav``; ids may hold characters paths cannot."""
    lang = _UNSAFE.sub("_", prompt.lang).strip("._") or "und"
    stem = _UNSAFE.sub("_", prompt.id).strip("._") or "prompt"
    name = f"{lang}/{stem}.wav"
    counter = 2
    while name.lower() in used:  # case-insensitive file systems would merge these
        name = f"{lang}/{stem}-{counter}.wav"
        counter += 1
    used.add(name.lower())
    return name


def _check_replaceable(target: Path) -> None:
    """Only an empty folder or one we rendered before may be replaced: never a user's files."""
    if not target.exists():
        return
    if not target.is_dir():
        raise IvrError(f"{target} exists and is not a folder", "choose another --out folder")
    if not any(target.iterdir()):
        return
    index = target / INDEX_NAME
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not (isinstance(data, dict) and data.get("format") == INDEX_FORMAT):
        raise IvrError(
            f"{target} is not empty and was not written by 'ivr prompts'",
            "choose a new or empty --out folder; it will be replaced as a whole",
        )


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging``: readers see the old set or the new one,
    never a mix (for an instant between the two renames, no folder at all)."""
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the result is an ordinary folder
    if not target.exists():
        os.replace(staging, target)
        return
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
