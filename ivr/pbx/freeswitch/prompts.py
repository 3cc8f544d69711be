"""What a FreeSWITCH prompt says, so an imported call can be heard.

A menu names sounds, not words: ``ivr/ivr-welcome.wav``, ``phrase:demo_main``,
``say:Press one``, ``file_string://a.wav!b.wav``. The words are found the way
FreeSWITCH plays them (``switch_ivr_play_file`` and ``switch_ivr_phrase_macro``
in ``src/switch_ivr_play_say.c``): ``say:`` is spoken text; ``phrase:NAME[:DATA]``
runs the macro's ``<input>``s against DATA (``<match>`` or ``<nomatch>``, each
``play-file``, ``speak-text``, ``say`` and nested ``phrase`` in order, stopping
at ``break`` or a matched ``break_on_match``); a sound file's words come from
the ``sounds/index.json`` an ivr export leaves beside it, else from its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ivr.pbx.common import sound_text
from ivr.pbx.freeswitch.config import FsConfig, Macro
from ivr.pbx.freeswitch.regex import python_regex

#: Phrases that play phrases: deeper than this is a loop in the file.
MAX_NESTING = 8
_CAPTURE = re.compile(r"\$\{?(\d+)\}?")


class Prompts:
    """Turns the sound strings of one file into speakable text."""

    def __init__(self, config: FsConfig, index: dict[str, str]) -> None:
        self.config = config
        self.index = index

    def text(self, sound: str | None, depth: int = 0) -> str:
        """The words of a prompt, "" for silence, tones or nothing."""
        if not sound or not sound.strip():
            return ""
        sound = sound.strip()
        if sound.startswith("file_string://"):
            parts = sound[len("file_string://") :].split("!")
            return _join(self.text(part, depth) for part in parts)
        lower = sound.lower()
        if lower.startswith("say:"):
            return sound[4:].strip()
        if lower.startswith("phrase:"):
            name, _, data = sound[7:].partition(":")
            return self.phrase(name.strip(), data, depth)
        if lower.startswith(("silence_stream://", "tone_stream://")):
            return ""
        return self._file(sound)

    def _file(self, path: str) -> str:
        base = re.sub(r"\.[A-Za-z0-9]+$", "", re.split(r"[/\\]", path)[-1])
        if base in self.index:
            return self.index[base]
        return sound_text(path)

    def phrase(self, name: str, data: str, depth: int = 0) -> str:
        """A phrase macro's words; its name made speakable when the file has no such macro."""
        macro = self.config.macros.get(name.split("@")[0])
        if macro is None or depth >= MAX_NESTING:
            return sound_text(name.split("@")[0])
        return self._macro(macro, data, depth + 1)

    def _macro(self, macro: Macro, data: str, depth: int) -> str:
        said: list[str] = []
        for inp in macro.inputs:
            subject = data if inp.field is None else inp.field
            found = _search(inp.pattern, subject)
            actions = inp.match if found is not None else inp.nomatch
            stop = False
            for action in actions:
                value = _substitute(action.data, found) if found is not None else action.data
                function = action.function.lower()
                if function == "play-file":
                    said.append(self.text(value, depth))
                elif function in ("speak-text", "say"):
                    said.append(value)
                elif function == "phrase":
                    said.append(self.phrase(action.phrase or value, value, depth))
                elif function == "break":
                    stop = True
                    break
            if stop or (found is not None and inp.break_on_match and actions):
                break
        return _join(said)


def _join(parts: Iterable[str]) -> str:
    return " ".join(p for p in (x.strip() for x in parts) if p)


def _search(pattern: str, subject: str) -> re.Match[str] | None:
    """PCRE's search of a macro ``<input pattern>``; a pattern Python cannot read
    matches nothing (FreeSWITCH logs it and takes ``<nomatch>`` too)."""
    try:
        return re.search(python_regex(pattern), subject)
    except re.error:
        return None


def _substitute(template: str, found: re.Match[str]) -> str:
    """``$1`` / ``${1}`` replaced by the capture, as ``switch_perform_substitution`` does."""

    def group(m: re.Match[str]) -> str:
        index = int(m.group(1))
        if index > (found.re.groups or 0):
            return ""
        return found.group(index) or ""

    return _CAPTURE.sub(group, template)
