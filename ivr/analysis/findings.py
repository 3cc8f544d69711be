"""What a lint analysis reports: one finding per problem, tied to a place in the file.

Findings carry a severity so that an author can tell "this menu is broken"
(error) from "this will confuse some callers" (warning) and "worth knowing"
(info); only errors fail ``ivr lint`` unless ``--strict`` is given.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ivr.errors import Location, MenuError
from ivr.yamlsrc.syntax import YamlSyntaxError


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # a stable short name, e.g. "unreachable", "phrase-collision"
    where: Location
    message: str
    hint: str

    def line(self) -> str:
        """``FILE:LINE:COL: message (hint)``; non-errors name their severity first.

        Errors keep the exact shape of the loader's schema errors, so tools that
        already read ``ivr lint`` output keep working.
        """
        prefix = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.where}: {prefix}{self.message}{hint}"

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "file": self.where.file,
            "line": self.where.line,
            "col": self.where.col,
            "message": self.message,
            "hint": self.hint,
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (f.where.line, f.where.col, f.severity.rank, f.code, f.message)
    )


def from_menu_error(error: MenuError) -> Finding:
    """A loader error as a finding; duplicate keys get their own code so tools can tell."""
    message = error.message
    code = "schema"
    if "already used by" in message or "also the key of the global command" in message:
        code = "duplicate-key"
    elif "duplicate key" in message:
        code = "duplicate-yaml-key"
    elif isinstance(error, YamlSyntaxError) or ("tag " in message and "not allowed" in message):
        code = "yaml"
    return Finding(Severity.ERROR, code, error.where, message, error.hint or "")
