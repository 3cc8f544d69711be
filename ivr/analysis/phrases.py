"""Spoken phrases that a caller or a recogniser could mix up.

The matcher never guesses between two outcomes that match equally well: it
asks the caller. So the same phrase on two options is a deliberate question
(reported as info). The danger is phrases that are *almost* the same: a
recogniser that drops a word ("gas" for "gas leak") or mishears a sound
("stroke" for "smoke") then picks the wrong option with full confidence.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ivr.analysis.findings import Finding, Severity
from ivr.analysis.flow import Exit, Flow
from ivr.analysis.phonetic import Pronouncer, near
from ivr.errors import Location
from ivr.model import ActionKind, Menu
from ivr.refs import Ref, RefKind
from ivr.textnorm import tokens

log = logging.getLogger(__name__)

#: Sound sequences one edit apart are "too close" when both have at least this many
#: sounds (shorter words differ by one sound all the time: "gas"/"gap").
MIN_SOUNDS_FOR_NEAR = 4

_RAW_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


@dataclass(frozen=True)
class _Entry:
    ref: Ref
    owner: str  # how to name it in a message: "option 3 (fire service)" or "command 'repeat'"
    text: str
    words: tuple[str, ...]
    sounds: tuple[str, ...]
    outcome: tuple[object, ...]
    where: Location


def _outcome(flow: Flow, ex: Exit) -> tuple[object, ...]:
    dests = frozenset(flow.dests(ex))
    message = ex.action.message if ex.action.kind is ActionKind.INFO else None
    kind = ex.action.kind if dests == {("stay", "")} else None
    return (dests, message, kind)


def _owner(menu: Menu, ex: Exit) -> str:
    if ex.kind == "command":
        return f"command {ex.ref.id!r}"
    node, _, suffix = ex.ref.id.partition(".")
    name = "a words-only option" if suffix.startswith("w") else f"option {suffix}"
    return f"{name} of node {node!r} ({ex.label})"


def _raw_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("-", " ")
    return [w.replace("'", "") for w in _RAW_WORD.findall(folded)]


def check_phrases(menu: Menu, flow: Flow, use_cmudict: bool = True) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[tuple[str, str, str, str]] = set()
    for lang in menu.languages:
        pron = Pronouncer(lang, use_cmudict and menu.engine in ("auto", "pocketsphinx"))
        entries_of: dict[str, list[_Entry]] = {}
        for node_id, exits in flow.exits.items():
            entries_of[node_id] = _entries(menu, flow, exits, lang, pron)
        commands = [e for e in entries_of.get(menu.start, []) if e.ref.kind is RefKind.CMD]
        all_options = [e for es in entries_of.values() for e in es if e.ref.kind is RefKind.OPTION]
        shortcuts = set(menu.shortcuts)
        emergency = [
            e for e in all_options
            if (o := menu.option_by_id(e.ref.id)) is not None
            and o.action.kind is ActionKind.ROUTE and o.action.target in shortcuts
        ]  # fmt: skip
        for node_id, node in menu.nodes.items():
            if node.branch:
                continue
            local = entries_of[node_id]
            if node.collect is not None:
                continue  # only the commands are spoken there; they are checked at menu nodes
            scope = list(local)
            refs = {e.ref for e in local}
            if node.settings.search == "tree":
                scope += [e for e in all_options if e.ref not in refs]
            else:  # emergency phrases are heard at every node, like shortcut numbers
                scope += [e for e in emergency if e.ref not in refs]
            local_refs = {e.ref for e in local} | {e.ref for e in commands}
            for i, a in enumerate(scope):
                for b in scope[i + 1 :]:
                    if a.ref == b.ref or a.outcome == b.outcome:
                        continue
                    if a.ref not in local_refs and b.ref not in local_refs:
                        continue  # two other nodes' options: checked where they live
                    both_local = a.ref in local_refs and b.ref in local_refs
                    finding = _compare(a, b, node_id, lang, pron.source, both_local)
                    if finding is None:
                        continue
                    first, second = sorted((f"{a.ref}|{a.text}", f"{b.ref}|{b.text}"))
                    key = (lang, first, second, finding.code)
                    if key in reported:
                        continue
                    reported.add(key)
                    findings.append(finding)
    return findings


def _entries(
    menu: Menu, flow: Flow, exits: Iterable[Exit], lang: str, pron: Pronouncer
) -> list[_Entry]:
    out: list[_Entry] = []
    for ex in exits:
        for phrase_lang, phrases in ex.phrases:
            if phrase_lang != lang:
                continue
            for text in phrases:
                words = tuple(t.digits or t.text for t in tokens(text, lang))
                if not words:
                    continue
                out.append(
                    _Entry(ex.ref, _owner(menu, ex), text, words, pron.sounds(_raw_words(text)),
                           _outcome(flow, ex), ex.where)
                )  # fmt: skip
    return out


def _routes(outcome: tuple[object, ...]) -> bool:
    dests = outcome[0]
    return isinstance(dests, frozenset) and any(kind == "route" for kind, _ in dests)


def _compare(
    a: _Entry, b: _Entry, node: str, lang: str, source: str, local: bool
) -> Finding | None:
    """Compare two phrases with different outcomes.

    Only phrases competing at the node itself (its options and the global
    commands) are warnings; a tree-searching node also hears every other
    node's options, and every node hears the phrases of options routing to an
    emergency shortcut; those pairs are reported as info, as are prefixes
    where neither outcome routes (the caller hears some information and can
    try again).
    """
    # report at the later of the two, which is usually the one just added
    first, second = sorted((a, b), key=lambda e: (e.where.line, e.where.col))
    pair = f"{second.text!r} ({second.owner}) and {first.text!r} ({first.owner})"
    where = second.where
    if a.words == b.words:
        return Finding(
            Severity.INFO, "phrase-shared", where,
            f"[{lang}] {pair} are the same words at node {node!r}: callers who say it are "
            "asked which one they mean",
            "keep it if the question is intended; otherwise keep the phrase on one option",
        )  # fmt: skip
    scope = "" if local else " (heard there through search: tree or as an emergency phrase)"
    short, long_ = (a, b) if len(a.words) < len(b.words) else (b, a)
    if long_.words[: len(short.words)] == short.words:
        routes = _routes(a.outcome) or _routes(b.outcome)
        return Finding(
            Severity.WARNING if local and routes else Severity.INFO, "phrase-prefix", where,
            f"[{lang}] {short.text!r} ({short.owner}) is the start of {long_.text!r} "
            f"({long_.owner}) at node {node!r}{scope}: a caller cut short gets the other option",
            f"reword one of them, or drop {short.text!r}",
        )  # fmt: skip
    if min(len(a.sounds), len(b.sounds)) >= MIN_SOUNDS_FOR_NEAR:
        gap = near(a.sounds, b.sounds)
        if gap is not None:
            how = "sound the same" if gap == 0 else "sound alike"
            return Finding(
                Severity.WARNING if local else Severity.INFO, "phrase-sounds-alike", where,
                f"[{lang}] {pair} {how} at node {node!r}{scope} ({source} distance {gap}): "
                "a recogniser may mix them up",
                "reword one of them so they differ by more than one sound",
            )  # fmt: skip
    return None
