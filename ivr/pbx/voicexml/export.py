"""placeholder"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exported:
    files: dict[str, str]
    notes: tuple[str, ...]


def export_menu(menu: object, sounds: object, lang: str | None = None) -> Exported:
    raise NotImplementedError
