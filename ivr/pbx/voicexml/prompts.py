"""What a VoiceXML prompt says, as text ivr speaks with TTS.

Followed: VoiceXML 2.0 section 4.1 (``<prompt>``, bare text in executable
content, ``<audio>`` whose content is spoken when the file cannot be played,
``<value expr>``, SSML elements read for their text), 4.1.6 (prompt selection:
the prompts whose ``count`` is the highest not above the prompt counter) and
2.2.4 (``<enumerate>``: its template once per choice with ``_prompt`` and
``_dtmf``; the default template is platform-specific, here "For X, press N.").
An ``<audio>`` without fallback text speaks its file's words: from the sounds
index an ivr export leaves beside the file, else the file name made readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ivr.pbx.common import sound_text
from ivr.pbx.voicexml import script
from ivr.pbx.voicexml.xmltree import XNode

Warn = Callable[[int, str], None]

#: SSML and VoiceXML elements inside a prompt that are read only for their text.
_TEXT_ELEMENTS = frozenset(
    {"p", "s", "paragraph", "sentence", "emphasis", "prosody", "voice", "say-as", "phoneme",
     "lang", "speak", "prompt"}
)  # fmt: skip
_PUNCT_SPACE = re.compile(r"\s+([.,;:?!])")
_SILENT = frozenset({"break", "mark", "desc", "metadata", "meta", "lexicon"})


@dataclass(frozen=True)
class Choice:
    """What ``<enumerate>`` reads for one choice or option."""

    prompt: str
    dtmf: str


@dataclass(frozen=True)
class Piece:
    """One ``<prompt>`` of a menu or field, with its ``count`` and line."""

    count: int
    text: str
    line: int


class Speech:
    """Turns prompt content into text, reporting what it cannot read."""

    def __init__(self, sounds: dict[str, str], warn: Warn) -> None:
        self.sounds = sounds
        self.warn = warn

    def text(
        self,
        content: Sequence[XNode | str],
        choices: Sequence[Choice] = (),
        env: script.Env | None = None,
    ) -> str:
        """The words of mixed prompt content, ``${var}`` for each ``<value>``."""
        parts: list[str] = []
        for child in content:
            if isinstance(child, str):
                parts.append(child)
            else:
                parts.append(f" {self._element(child, choices, env or {})} ")
        return _PUNCT_SPACE.sub(r"\1", " ".join("".join(parts).split()))

    def _element(self, el: XNode, choices: Sequence[Choice], env: script.Env) -> str:
        if el.tag == "audio":
            fallback = self.text(el.children, choices, env)
            if fallback:
                return fallback
            src = el.get("src")
            if src is None:
                self.warn(el.line, "audio expr: the file is chosen by script; nothing is spoken")
                return ""
            name = PurePosixPath(src.split("?")[0]).stem
            return self.sounds.get(name) or sound_text(src)
        if el.tag == "value":
            return self.value(el, env)
        if el.tag == "enumerate":
            return self.enumerate(el, choices)
        if el.tag == "sub":
            return el.get("alias") or self.text(el.children, choices, env)
        if el.tag in _SILENT:
            return ""
        if el.tag not in _TEXT_ELEMENTS:
            self.warn(el.line, f"<{el.tag}> in a prompt: read for its text only")
        return self.text(el.children, choices, env)

    def value(self, el: XNode, env: script.Env) -> str:
        expr = el.get("expr", "")
        try:
            parsed = script.parse(expr)
            if env and not (script.variables(parsed) - set(env)):
                return script.as_text(script.evaluate(parsed, env))
            return script.template(parsed)
        except (script.Unsupported, LookupError) as e:
            self.warn(el.line, f"value expr={expr!r}: {e} is not simulated; nothing is spoken")
            return ""

    def enumerate(self, el: XNode, choices: Sequence[Choice]) -> str:
        if not choices:
            self.warn(el.line, "enumerate outside a menu or a field with options: nothing to read")
            return ""
        said = []
        for choice in choices:
            if el.children:
                env: script.Env = {"_prompt": choice.prompt, "_dtmf": choice.dtmf}
                said.append(self.text(el.children, (), env))
            elif choice.dtmf:
                said.append(f"For {choice.prompt}, press {choice.dtmf}.")
            else:
                said.append(f"{choice.prompt}.")
        return " ".join(s for s in said if s)

    def pieces(self, owner: XNode, choices: Sequence[Choice] = ()) -> list[Piece]:
        """The ``<prompt>`` (and bare ``<audio>``) children of a menu or field."""
        out: list[Piece] = []
        for child in owner.elements("prompt", "audio", "enumerate", "value"):
            count = _count(child.get("count"))
            if child.get("cond") and child.get("cond") != "true":
                self.warn(child.line, f"prompt cond={child.get('cond')!r}: spoken as if true")
            text = self.text([child], choices)
            if text:
                out.append(Piece(count, text, child.line))
        return out


def _count(raw: str | None) -> int:
    try:
        return max(1, int(raw)) if raw else 1
    except ValueError:
        return 1


def select(pieces: Sequence[Piece], counter: int) -> str:
    """The prompts played at ``counter``: those with the highest count not above it."""
    counts = [p.count for p in pieces if p.count <= counter]
    if not counts:
        return ""
    best = max(counts)
    return " ".join(p.text for p in pieces if p.count == best)
