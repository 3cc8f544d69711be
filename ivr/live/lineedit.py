"""The terminal's bytes as a caller's actions: phone keys, a line of typed speech,
the hang-up.

Pure (bytes in, inputs out), so every key a terminal can send is tested without
one. A phone key acts at once unless a line is being typed; any other printable
character starts a line, sent by Enter. Keys that print nothing (arrows,
function keys, Tab, Alt-combinations) are ignored whole: their escape sequences
would otherwise arrive as "[A" and be taken for speech. Bytes are decoded as
UTF-8 across reads, so "røyk" typed in a Norwegian call stays "røyk".
"""

from __future__ import annotations

import codecs

from ivr.events import PHONE_KEYS
from ivr.live.inputs import CallerHungUp, Draft, Key, LiveInput, Typed

ESCAPE = "\x1b"
HANG_UP = "\x04"  # Ctrl-D
ENTER = ("\r", "\n")
BACKSPACE = ("\x7f", "\b")
ERASE_LINE = "\x15"  # Ctrl-U
ERASE_WORD = "\x17"  # Ctrl-W


class LineEditor:
    """Turns the bytes a terminal sends (in cbreak mode) into caller inputs."""

    def __init__(self) -> None:
        self.draft = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        self._escape: str | None = None  # the escape sequence read so far

    @property
    def in_escape(self) -> bool:
        """True while an escape sequence is unfinished (a lone Esc looks the same)."""
        return self._escape is not None

    def feed(self, data: bytes) -> list[LiveInput]:
        out: list[LiveInput] = []
        for char in self._decoder.decode(data):
            item = self._char(char)
            if item is not None:
                out.append(item)
        return out

    def escape_timed_out(self) -> None:
        """Nothing followed an Esc: it was the Esc key alone, and is ignored."""
        self._escape = None

    def _char(self, char: str) -> LiveInput | None:
        if self._escape is not None:
            self._in_escape(char)
            return None
        if char == ESCAPE:
            self._escape = ""
            return None
        if char == HANG_UP:
            return CallerHungUp()
        if char in ENTER:
            text, self.draft = self.draft.strip(), ""
            return Typed(text) if text else None
        if char in BACKSPACE:
            return self._set(self.draft[:-1])
        if char == ERASE_LINE:
            return self._set("")
        if char == ERASE_WORD:
            kept = self.draft.rstrip()
            return self._set(kept[: kept.rfind(" ") + 1])
        if not self.draft and char in PHONE_KEYS:
            return Key(char)
        if not char.isprintable() or (not self.draft and char.isspace()):
            return None
        return self._set(self.draft + char)

    def _set(self, text: str) -> Draft | None:
        if text == self.draft:
            return None
        self.draft = text
        return Draft(text)

    def _in_escape(self, char: str) -> None:
        """Swallow one escape sequence: CSI (Esc [ params final), SS3 (Esc O x), or
        Esc plus one character (Alt-x)."""
        sequence = (self._escape or "") + char
        if sequence in ("[", "O"):
            self._escape = sequence
        elif sequence.startswith("[") and "\x20" <= char <= "\x3f":
            self._escape = sequence  # parameter and intermediate bytes
        else:
            self._escape = None  # a final byte, SS3's key, or Alt's character
