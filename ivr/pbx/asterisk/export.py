"""placeholder"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.model import Menu
from ivr.pbx.common import PromptSink


@dataclass(frozen=True)
class Exported:
    files: dict[str, str]
    notes: tuple[str, ...]


def export_menu(menu: Menu, sounds: PromptSink, lang: str | None = None) -> Exported:
    raise NotImplementedError
