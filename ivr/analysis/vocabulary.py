"""Phrases with words the speech engine cannot recognise (optional ``ivr.asr`` hook).

A word missing from a recogniser's dictionary can never be heard, so the
phrase holding it is dead for spoken callers. ``ivr.asr`` is optional: when
it is absent (or has no ``unknown_words``) this check is skipped.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any

from ivr.analysis.findings import Finding, Severity
from ivr.analysis.flow import Flow
from ivr.errors import IvrError, Location
from ivr.model import Menu

log = logging.getLogger(__name__)


def _hook() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("ivr.asr")
    except ImportError:
        log.debug("ivr.asr is not available; vocabulary check skipped")
        return None
    hook = getattr(module, "unknown_words", None)
    return hook if callable(hook) else None


def check_vocabulary(
    menu: Menu, flow: Flow, hook: Callable[..., Any] | None = None
) -> list[Finding]:
    """Report each phrase holding words ``hook(engine, phrases)`` says are unknown.

    The hook gets ``lang=`` too when its signature takes it; otherwise only
    English phrases are checked, since the engine cannot be told the language
    (pocketsphinx here only has English). A menu pinned to an engine gets
    warnings; with ``engine: auto`` the engine used at run time is not known
    (vosk when a model is installed, else pocketsphinx), so the findings from
    pocketsphinx's dictionary, the cheap one to consult, are info.
    """
    hook = hook or _hook()
    if hook is None:
        return []
    try:
        takes_lang = "lang" in inspect.signature(hook).parameters
    except (TypeError, ValueError):
        takes_lang = False
    langs = menu.languages if takes_lang else tuple(lang for lang in menu.languages if lang == "en")
    engine = "pocketsphinx" if menu.engine == "auto" else menu.engine
    severity = Severity.INFO if menu.engine == "auto" else Severity.WARNING
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for lang in langs:
        owners: dict[str, Location] = {}
        for exits in flow.exits.values():
            for ex in exits:
                for phrase_lang, phrases in ex.phrases:
                    if phrase_lang == lang:
                        for phrase in phrases:
                            owners.setdefault(phrase, ex.where)
        if not owners:
            continue
        try:
            kwargs = {"lang": lang} if takes_lang else {}
            unknown = {str(w).lower() for w in hook(engine, list(owners), **kwargs)}
        except IvrError as exc:
            findings.append(
                Finding(Severity.INFO, "asr-vocabulary-skipped", Location(menu.file, 1, 1),
                        f"[{lang}] vocabulary not checked: {exc.message}", exc.hint or "")
            )  # fmt: skip
            continue
        except Exception as exc:  # a broken optional hook must not break lint
            log.warning("ivr.asr.unknown_words failed", exc_info=True)
            findings.append(
                Finding(Severity.INFO, "asr-vocabulary-skipped", Location(menu.file, 1, 1),
                        f"[{lang}] vocabulary not checked: {type(exc).__name__}: {exc}",
                        "run with -v for details")
            )  # fmt: skip
            continue
        for phrase, where in owners.items():
            missing = [w for w in phrase.lower().split() if w in unknown]
            if missing and (lang, phrase) not in seen:
                seen.add((lang, phrase))
                findings.append(
                    Finding(
                        severity, "asr-unknown-word", where,
                        f"[{lang}] phrase {phrase!r} has words the {engine} recogniser "
                        f"does not know: {', '.join(missing)}",
                        "use another word, or spell it the way the recogniser's dictionary does",
                    )
                )  # fmt: skip
    return findings
