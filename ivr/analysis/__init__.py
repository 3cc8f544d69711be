"""``ivr lint``'s analyses of a menu, beyond the loader's schema checks.

``lint_file`` is the one entry point: it loads the menu (turning loader
errors into findings), runs every analysis, and checks time budgets and what
a caller has to sit through (``listening``: long prompts, long option lists,
slow emergency numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr.analysis.findings import Finding, Severity, from_menu_error, sort_findings
from ivr.analysis.flow import Flow
from ivr.analysis.listening import Limits, check_listening
from ivr.analysis.phrases import check_phrases
from ivr.analysis.prompts import check_prompts
from ivr.analysis.reach import check_structure
from ivr.analysis.timing import (
    Budget,
    Durations,
    RouteTime,
    check_budgets,
    time_to_service,
)
from ivr.analysis.vocabulary import check_vocabulary
from ivr.errors import MenuError, MenuErrors
from ivr.loader import load_menu
from ivr.model import Menu

__all__ = ["Finding", "Limits", "LintReport", "Severity", "analyse", "lint_file"]


@dataclass
class LintReport:
    file: str
    menu: Menu | None
    findings: list[Finding]
    routes: list[RouteTime] = field(default_factory=list)
    budgets: list[dict[str, Any]] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def ok(self, strict: bool = False) -> bool:
        if self.count(Severity.ERROR):
            return False
        return not (strict and self.count(Severity.WARNING))

    def to_json(self, strict: bool = False) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": self.ok(strict),
            "findings": [f.to_json() for f in self.findings],
            "routes": [r.to_json() for r in self.routes],
            "budgets": self.budgets,
        }


def analyse(menu: Menu, *, use_cmudict: bool = True, vocabulary: bool = True) -> list[Finding]:
    """Every analysis of a loaded menu (no budgets)."""
    flow = Flow(menu)
    findings = check_structure(menu, flow)
    findings += check_phrases(menu, flow, use_cmudict)
    findings += check_prompts(menu)
    if vocabulary:
        findings += check_vocabulary(menu, flow)
    return sort_findings(findings)


def lint_file(
    path: str | Path,
    budgets: list[Budget] | None = None,
    *,
    durations: Durations | None = None,
    use_cmudict: bool = True,
    vocabulary: bool = True,
    limits: Limits | None = None,
) -> LintReport:
    name = str(path)
    try:
        menu = load_menu(path)
    except MenuErrors as exc:
        return LintReport(name, None, [from_menu_error(e) for e in exc.errors])
    except MenuError as exc:
        return LintReport(name, None, [from_menu_error(exc)])
    findings = analyse(menu, use_cmudict=use_cmudict, vocabulary=vocabulary)
    findings += check_listening(menu, durations=durations, limits=limits)
    routes = time_to_service(menu, durations=durations)
    budget_findings, report = check_budgets(menu, routes, budgets or [])
    return LintReport(name, menu, sort_findings(findings + budget_findings), routes, report)
