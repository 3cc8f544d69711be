"""Needs files: callers' needs in their own words, and where each should lead.

Split from ``ivr.scripted.needs`` (which plays needs through a session and
judges them) so each module holds one responsibility: this one reads files.

A needs file (``bench/needs/*.yaml``) lists sentences a caller might say at the
start of a call and where each should lead: a service number as the menu
displays it, an information option id, ``node:ID``, or ``ask`` when the menu
must ask before acting (the names of ``ivr.scripted.outcomes``). The file is read
as strictly as a menu or a call file (unknown keys refused by name, every
expectation checked against the menu, ``FILE:LINE:COL`` on every error), because
a typo in an expectation would turn into a benchmark figure that silently means
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ivr.errors import Location, MenuError, MenuErrors
from ivr.fields import Problems, Reader, as_written, describe, did_you_mean, where_of
from ivr.model import Action, ActionKind, Menu
from ivr.scripted.outcomes import ASK, NODE_PREFIX, action_outcome, outcome_names
from ivr.yamlsrc import YMap, YSeq, load_yaml, read_text

FILE_KEYS = ("set", "lang", "at", "needs")
NEED_KEYS = ("text", "expect", "trap", "at")


# -- what a needs file says -------------------------------------------------------------
@dataclass(frozen=True)
class Need:
    """One sentence and where it should lead.

    ``expect`` holds outcome names (see ``outcome_names``); it is empty when
    ``must_ask`` is set, because then the right answer is a question, not a
    place.
    """

    number: int  # 1-based position in its set, for reports
    text: str
    expect: tuple[str, ...]
    must_ask: bool
    at: datetime
    where: Location
    trap: str | None = None

    def accepts(self, outcome: str | None) -> bool:
        return outcome is not None and outcome in self.expect


@dataclass(frozen=True)
class NeedSet:
    """A needs file once read and checked against a menu."""

    name: str
    lang: str
    at: datetime
    needs: tuple[Need, ...]
    path: str

    @property
    def held_out(self) -> bool:
        """Held-out sets are never tuned on; reports mark them."""
        return "heldout" in self.name or "held-out" in self.name


# -- reading a needs file ------------------------------------------------------------------
def load_needs(path: str | Path, menu: Menu) -> NeedSet:
    """Read and check one needs file against ``menu``; raises ``MenuErrors`` listing
    every problem, each with its ``FILE:LINE:COL``."""
    name = str(path)
    try:
        text = read_text(path)
        data = load_yaml(name, text=text)
    except MenuError as exc:
        raise MenuErrors([exc]) from None
    problems = Problems(name)
    reader = _NeedsReader(name, text, menu, problems)
    top = Location(name, 1, 1)
    root = reader.read.mapping(data, top, "a needs file")
    if root is None:
        problems.raise_if_any()
        raise MenuErrors([MenuError(top, "not a needs file")])  # pragma: no cover
    reader.read.check_keys(root, FILE_KEYS, "the needs file", required=FILE_KEYS)
    set_name = reader.set_name(root, Path(path))
    lang = reader.lang(root)
    at = reader.read.time(root, "the needs file")
    needs = reader.needs(root, at)
    problems.raise_if_any()
    if set_name is None or lang is None or at is None:  # pragma: no cover - recorded above
        raise MenuErrors([MenuError(top, "not a needs file")])
    return NeedSet(set_name, lang, at, tuple(needs), name)


class _NeedsReader:
    def __init__(self, file: str, text: str, menu: Menu, problems: Problems) -> None:
        self.file = file
        self.lines = text.splitlines()
        self.menu = menu
        self.problems = problems
        self.read = Reader(problems)
        self.displays = {s.number: s.display for s in menu.services.values()}

    def add(self, where: Location, message: str, hint: str | None = None) -> None:
        self.problems.add(where, message, hint)

    # -- the file's own fields ---------------------------------------------------------
    def set_name(self, root: YMap, path: Path) -> str | None:
        name = self.read.string(root, "set", "the needs file")
        if name is not None and name != path.stem:
            self.add(
                where_of(root, "set", root.where),
                f"set {name!r} does not match the file name {path.name!r}",
                f"name the set after its file: set: {path.stem}",
            )
            return None
        return name

    def lang(self, root: YMap) -> str | None:
        lang = self.read.string(root, "lang", "the needs file")
        if lang is not None and lang not in self.menu.languages:
            self.add(
                where_of(root, "lang", root.where),
                f"language {lang!r} is not one of the menu's languages",
                "use one of " + ", ".join(self.menu.languages),
            )
            return None
        return lang

    # -- the needs ---------------------------------------------------------------------
    def needs(self, root: YMap, at: datetime | None) -> list[Need]:
        found = self.read.items(
            root,
            "needs",
            "a list",
            'write each need as a list item: - text: "..."',
            "add at least one need with text and expect",
        )
        if found is None:
            return []
        value, where = found
        out: list[Need] = []
        seen: dict[tuple[str, datetime], Need] = {}
        for index, item in enumerate(value):
            need = self.need(item, where_of(value, index, where), index + 1, at)
            if need is None:
                continue
            key = (" ".join(need.text.casefold().split()), need.at)
            if key in seen:
                first = seen[key]
                self.add(
                    need.where,
                    f"need {need.number}: the same text and time as need {first.number} "
                    f"(line {first.where.line})",
                    "every sentence once: a repeat would count twice in the figures",
                )
                continue
            seen[key] = need
            out.append(need)
        return out

    def need(self, item: Any, where: Location, number: int, at: datetime | None) -> Need | None:
        what = f"need {number}"
        m = self.read.mapping(item, where, what)
        if m is None:
            return None
        self.read.check_keys(m, NEED_KEYS, what, required=("text", "expect"))
        text = self.read.string(m, "text", what)
        trap = self.read.string(m, "trap", what)
        own_at = self.read.time(m, what)
        when = own_at or at
        expect = self.expect(m, what, when) if "expect" in m else None
        if text is None or expect is None or when is None:
            return None
        must_ask = expect == (ASK,)
        return Need(
            number,
            text,
            () if must_ask else expect,
            must_ask,
            when,
            where_of(m, "text", m.where),
            trap,
        )

    def expect(self, m: YMap, what: str, at: datetime | None) -> tuple[str, ...] | None:
        value = m["expect"]
        where = where_of(m, "expect", m.where)
        if isinstance(value, YSeq):
            if not value:
                self.add(where, f"{what}: 'expect' is empty", 'e.g. expect: ["110", "113"]')
                return None
            items = [(item, where_of(value, i, where)) for i, item in enumerate(value)]
        else:
            items = [(value, where)]
        out: list[str] = []
        ok = True
        for item, item_where in items:
            name = self.outcome(item, item_where, what, at, alone=len(items) == 1)
            if name is None:
                ok = False
            elif name in out:
                self.add(item_where, f"{what}: {name!r} is expected twice", "list it once")
                ok = False
            else:
                out.append(name)
        return tuple(out) if ok else None

    def outcome(
        self, value: Any, where: Location, what: str, at: datetime | None, alone: bool
    ) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            raw = as_written(self.lines, where)
            if raw != str(value):
                self.add(
                    where,
                    f"{what}: expect {raw or value} was read by YAML as the number {value}",
                    f'quote the number: expect: "{raw or value}"',
                )
                return None
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.add(
                where,
                f"{what}: expect must be text, not {describe(value)}",
                'e.g. expect: "113", expect: health_info.4, expect: node:gp or expect: ask',
            )
            return None
        text = value.strip()
        if text == ASK:
            if alone:
                return ASK
            self.add(
                where,
                f"{what}: 'ask' cannot be one of several expectations",
                "write expect: ask on its own: the menu must ask, whatever it offers",
            )
            return None
        if text.startswith(NODE_PREFIX):
            return self.node_outcome(text, where, what, at)
        digits = text.replace(" ", "")
        if digits.isdigit() and digits.isascii():
            return self.number_outcome(text, digits, where, what)
        if "." in text:
            return self.option_outcome(text, where, what, at)
        self.add(
            where,
            f"{what}: expect {text!r} is not a service number, an option id or node:ID",
            'e.g. expect: "113", expect: health_info.4, expect: node:gp or expect: ask',
        )
        return None

    def number_outcome(self, text: str, digits: str, where: Location, what: str) -> str | None:
        display = self.displays.get(digits)
        if display is None:
            self.add(
                where,
                f"{what}: no service of the menu has the number {text!r}",
                "the menu's numbers are " + ", ".join(self.displays.values()),
            )
            return None
        if text != display:
            self.add(
                where,
                f"{what}: write the number as the menu displays it: {display!r}, not {text!r}",
                "reports and outcomes use the displayed form",
            )
            return None
        return display

    def node_outcome(
        self, text: str, where: Location, what: str, at: datetime | None
    ) -> str | None:
        node_id = text[len(NODE_PREFIX) :]
        node = self.menu.nodes.get(node_id)
        if node is None:
            self.add(
                where,
                f"{what}: the menu has no node {node_id!r}",
                did_you_mean(node_id, list(self.menu.nodes))
                + "nodes: "
                + ", ".join(self.menu.nodes),
            )
            return None
        if node_id == self.menu.start:
            self.add(
                where,
                f"{what}: {text} is the start node, where every call already is",
                "expect a service number, an option id or another node",
            )
            return None
        if node.branch:
            leads = (
                action_outcome(self.menu, Action(ActionKind.GOTO, node_id), at)
                if at is not None
                else None
            )
            self.add(
                where,
                f"{what}: {text} is a time branch: a call passes straight through it",
                f"expect where it leads at the need's time ({leads})"
                if leads
                else "expect where it leads at the need's time",
            )
            return None
        return text

    def option_outcome(
        self, text: str, where: Location, what: str, at: datetime | None
    ) -> str | None:
        option = self.menu.option_by_id(text)
        infos = sorted(n for n in outcome_names(self.menu) if "." in n and ":" not in n)
        if option is None:
            self.add(
                where,
                f"{what}: the menu has no option {text!r}",
                did_you_mean(text, infos) + "information options: " + ", ".join(infos),
            )
            return None
        if option.action.kind is ActionKind.INFO:
            return option.id
        leads = action_outcome(self.menu, option.action, at) if at is not None else None
        self.add(
            where,
            f"{what}: option {text!r} is not an information option"
            + (f"; it leads to {leads}" if leads else ""),
            f'expect where it leads: expect: "{leads}"'
            if leads
            else "expect a service number, an information option or node:ID",
        )
        return None
