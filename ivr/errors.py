"""Errors the library raises for bad input.

The CLI turns every ``IvrError`` into one line, ``Error: ...`` plus a hint,
and a non-zero exit; anything else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class IvrError(Exception):
    """Bad input or an unusable environment, explained for a person."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class Location:
    """A place in a source file; line and column count from 1 like editors do."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class MenuError(IvrError):
    """One problem in a menu or call file, tied to where it is."""

    def __init__(self, where: Location, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.where = where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class MenuErrors(IvrError):
    """Every problem found in one file, so an author can fix them all in one go."""

    def __init__(self, errors: list[MenuError]) -> None:
        if not errors:
            raise ValueError("MenuErrors needs at least one error")
        super().__init__(str(errors[0]))
        self.errors = sorted(errors, key=lambda e: (e.where.line, e.where.col))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
