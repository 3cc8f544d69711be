"""What every PBX importer shares: its result, its warnings, and names for things.

A construct the simulator cannot run is never dropped silently: the importer
says what it does instead as ``FILE:LINE: warning: ...``, the form compilers
use, so editors jump to it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ivr.errors import Location, MenuError
from ivr.variables import route_digits as route_digits  # where importers expect it


@dataclass(frozen=True)
class PbxWarning:
    """Something in a PBX file the simulator runs differently, and how."""

    where: Location
    text: str

    def __str__(self) -> str:
        return f"{self.where.file}:{self.where.line}: warning: {self.text}"


@dataclass(frozen=True)
class Imported:
    """A PBX file compiled to an ivr menu: the YAML, what it could not run exactly,
    and the names a caller could start at (``--menu NAME``)."""

    yaml_text: str
    warnings: tuple[PbxWarning, ...]
    starts: tuple[str, ...]


def pbx_error(where: Location, message: str, hint: str | None = None) -> MenuError:
    """Bad input in a PBX file, reported like a bad menu: ``FILE:LINE:COL: ...``."""
    return MenuError(where, message, hint)


_SOUND_DIRS = re.compile(r"^(?:.*[/\\])?")
_SOUND_EXT = re.compile(r"\.(?:wav|gsm|ulaw|alaw|sln\d*|g722|g729|mp3|ogg|raw)$", re.I)
_SEPARATORS = re.compile(r"[-_+]+")


def sound_text(name: str) -> str:
    """A sound or phrase name made speakable, so an imported call can be heard:
    ``ivr/ivr-welcome_to_freeswitch.wav`` -> ``ivr welcome to freeswitch``,
    ``say:Press one for sales`` -> ``Press one for sales``."""
    text = name.strip()
    if text.lower().startswith("say:"):
        return text[4:].strip()
    if text.startswith(("silence_stream://", "tone_stream://")):
        return ""
    base = _SOUND_EXT.sub("", _SOUND_DIRS.sub("", text.split("$${", 1)[-1].rstrip("}")))
    return " ".join(_SEPARATORS.sub(" ", base).split())


_ID_CHARS = re.compile(r"[^A-Za-z0-9]+")


def node_id(name: str) -> str:
    """An ivr node or service id for a PBX name (letters, digits, ``_``; starts with a
    letter); names that differ only in punctuation get a short hash to stay apart."""
    clean = _ID_CHARS.sub("_", name).strip("_") or "x"
    if not clean[0].isalpha():
        clean = f"n_{clean}"
    if clean != name:
        clean = f"{clean}_{hashlib.sha1(name.encode()).hexdigest()[:4]}"
    return clean


def service_id(target: str) -> str:
    """A stable service id for a destination as the PBX wrote it."""
    return node_id(f"to_{target}")


class PromptSink(Protocol):
    """Where an exporter sends the prompts it needs as sound files; the caller
    renders them (8 kHz mono WAV) after the configuration is written."""

    def sound(self, text: str, lang: str) -> str:
        """The name (no folder, no extension) of the file that will hold ``text``."""
        ...


@dataclass
class SoundList:
    """A ``PromptSink`` that names each distinct (text, language) once and keeps the
    list; names are readable and stable across exports of the same menu."""

    sounds: dict[tuple[str, str], str] = field(default_factory=dict)

    def sound(self, text: str, lang: str) -> str:
        key = (text, lang)
        if key not in self.sounds:
            words = "_".join(_ID_CHARS.sub(" ", text.lower()).split()[:5]) or "sound"
            digest = hashlib.sha1(f"{lang}\0{text}".encode()).hexdigest()[:6]
            self.sounds[key] = f"{lang}_{words}_{digest}"
        return self.sounds[key]


#: ``format`` of the sounds index an export writes beside its sound files.
SOUNDS_INDEX_FORMAT = "ivr-sounds/1"


def sounds_index_text(sounds: SoundList) -> str:
    """The ``sounds/index.json`` of an export: each sound's name, text and language,
    so a person (and ``ivr import``) can tell what a file says without playing it."""
    entries = {
        name: {"text": text, "lang": lang} for (text, lang), name in sorted(sounds.sounds.items())
    }
    return json.dumps({"format": SOUNDS_INDEX_FORMAT, "sounds": entries}, indent=2) + "\n"


def sound_texts_near(file: Path) -> dict[str, str]:
    """Texts of the sounds an ivr export left beside ``file`` (``sounds/index.json``
    in its folder or the folder itself), by sound name; empty when there is none or it
    is not one of ours. Lets a re-imported export speak its prompts' words rather than
    file names."""
    for candidate in (file.parent / "sounds" / "index.json", file.parent / "index.json"):
        try:
            if candidate.stat().st_size > 20_000_000:
                continue
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("format") != SOUNDS_INDEX_FORMAT:
            continue
        sounds = data.get("sounds")
        if isinstance(sounds, dict):
            return {
                str(name): str(body["text"])
                for name, body in sounds.items()
                if isinstance(body, dict) and isinstance(body.get("text"), str)
            }
    return {}


_SOURCE_COMMENT = re.compile(r"^\s*#\s*(?P<file>.+):(?P<line>\d+)\s*$")


def source_lines(yaml_text: str) -> list[int]:
    """For each line of an imported menu's YAML, the PBX file's line it came from: the
    ``# FILE:LINE`` comment above it (1 before the first), so a problem the loader or
    ``ivr lint`` finds is reported where the author can fix it."""
    out: list[int] = []
    current = 1
    for line in yaml_text.splitlines():
        match = _SOURCE_COMMENT.match(line)
        if match is not None:
            current = int(match.group("line"))
        out.append(current)
    return out
