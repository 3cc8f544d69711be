"""The dialplan extensions an IVR entry transfers to, read for their time-of-day routing.

FreeSWITCH menus have no clock; a menu that depends on the time transfers to
a dialplan extension (``menu-exec-app transfer NAME XML CONTEXT``) whose
``<condition wday hour time-of-day>`` picks where the call goes. The
importer reads such extensions from the imported file itself and from the
``dialplan/`` folder beside it or beside its parent (``conf/dialplan``, where
an ivr export writes them) and compiles them to a branch node.

Only what runs the same here is taken (``mod_dialplan_xml.c``: extensions in
order, every condition must pass; a failed condition's ``anti-action``s run):
``destination_number`` conditions, and ``wday``, ``hour`` and
``time-of-day`` (``switch_xml_std_datetime_check``; day 1 is Sunday, hour and
time ranges include their end). An extension using anything else is not
followed and the transfer stays a route, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ivr.errors import IvrError
from ivr.pbx.freeswitch.xmltree import XNode, parse_xml

#: Dialplan files read beside an imported file: a real conf/dialplan holds a few dozen.
MAX_FILES = 64
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # FreeSWITCH's wday 1..7
_TIME_ATTRS = frozenset({"wday", "hour", "time-of-day"})
_OTHER_TIME = frozenset(
    {"date-time", "year", "yday", "mon", "mday", "week", "mweek", "minute", "minute-of-day"}
)
_TOD = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?-(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class DpAction:
    app: str
    data: str
    line: int


@dataclass(frozen=True)
class DpRule:
    """Where the call goes when ``days`` and ``time`` hold (None: always)."""

    days: tuple[str, ...] | None
    time: str | None
    actions: tuple[DpAction, ...]
    line: int


@dataclass(frozen=True)
class Extension:
    name: str
    file: str
    node: XNode


@dataclass
class Dialplan:
    """Extensions by context, from the imported file and the dialplan beside it."""

    contexts: dict[str, list[Extension]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    def add_tree(self, root: XNode, file: str, default_context: str | None = None) -> None:
        for ctx in root.find_all("context"):
            name = ctx.attrs.get("name", "")
            for ext in ctx.children:
                if ext.tag == "extension":
                    self._add(name, Extension(ext.attrs.get("name", ""), file, ext))
        if default_context and root.tag == "include":
            for ext in root.children:
                if ext.tag == "extension":
                    self._add(default_context, Extension(ext.attrs.get("name", ""), file, ext))

    def merge(self, other: Dialplan) -> None:
        """``other``'s extensions after this one's, context by context."""
        for context, extensions in other.contexts.items():
            self.contexts.setdefault(context, []).extend(extensions)
        self.unreadable.extend(other.unreadable)

    def _add(self, context: str, extension: Extension) -> None:
        self.contexts.setdefault(context, []).append(extension)

    def rules(self, destination: str, context: str) -> tuple[list[DpRule], Extension] | str:
        """The rules routing ``destination`` in ``context``, in order, with the first
        extension; or why they cannot be followed ("" when nothing matches)."""
        rules: list[DpRule] = []
        first: Extension | None = None
        for ext in self.contexts.get(context, []):
            read = _extension_rules(ext.node, destination)
            if isinstance(read, str):
                if read:
                    return f"extension {ext.name!r} ({ext.file}:{ext.node.line}): {read}"
                continue
            first = first or ext
            rules.extend(read)
            if rules and rules[-1].days is None and rules[-1].time is None:
                break
        return (rules, first) if first is not None else ""


def near(file: Path) -> Dialplan:
    """The dialplan files beside ``file``: ``dialplan/*.xml`` and ``dialplan/CONTEXT/*.xml``
    in its folder or its parent's (unreadable ones are listed, not fatal)."""
    plan = Dialplan()
    seen: set[Path] = set()
    count = 0
    for base in (file.parent / "dialplan", file.parent.parent / "dialplan"):
        paths = sorted(base.glob("*.xml")) + sorted(base.glob("*/*.xml")) if base.is_dir() else []
        for path in paths:
            resolved = path.resolve()
            if resolved in seen or resolved == file.resolve() or count >= MAX_FILES:
                continue
            seen.add(resolved)
            count += 1
            context = path.parent.name if path.parent != base else None
            try:
                root = parse_xml(path.read_text(encoding="utf-8"), str(path))
            except (OSError, UnicodeDecodeError, IvrError) as exc:
                plan.unreadable.append(f"{path}: {exc}")
                continue
            plan.add_tree(root, str(path), context)
    return plan


def _extension_rules(ext: XNode, destination: str) -> list[DpRule] | str:
    """The rules of one extension for ``destination``; "" when it does not match it,
    a reason when it uses what the simulator cannot follow."""
    conds = [c for c in ext.children if c.tag == "condition"]
    for cond in conds:
        if _destination(cond) and not _matches(cond.attrs.get("expression", ""), destination):
            return ""  # another number's extension, whatever else it uses
    if ext.attrs.get("continue", "false").lower() in ("true", "yes", "on"):
        return 'continue="true"'
    days: tuple[str, ...] | None = None
    time: str | None = None
    actions: list[DpAction] = []
    anti: list[DpAction] = []
    for cond in conds:
        if any(c.tag == "condition" for c in cond.children) or "regex" in cond.attrs:
            return "nested or regex conditions"
        if cond.attrs.get("break", "on-false") != "on-false":
            return f'break="{cond.attrs["break"]}"'
        other = _OTHER_TIME & set(cond.attrs)
        if other:
            return f"a {sorted(other)[0]} condition"
        if "field" in cond.attrs and not _destination(cond):
            return f"a condition on {cond.attrs['field']}"
        if _TIME_ATTRS & set(cond.attrs):
            if days is not None or time is not None:
                return "two time conditions"
            read = _when(cond.attrs)
            if isinstance(read, str):
                return read
            days, time = read
            anti = _actions(cond, "anti-action")
        actions.extend(_actions(cond, "action"))
    if time is None and days is None:
        return [DpRule(None, None, tuple(actions), ext.line)]
    rules = [DpRule(days, t, tuple(actions), ext.line) for t in _split_midnight(time)]
    if anti:
        rules.append(DpRule(None, None, tuple(anti), ext.line))
    return rules


def _destination(cond: XNode) -> bool:
    return cond.attrs.get("field", "").strip("${}") == "destination_number"


def _actions(cond: XNode, tag: str) -> list[DpAction]:
    return [
        DpAction(a.attrs.get("application", ""), a.attrs.get("data", a.text.strip()), a.line)
        for a in cond.children
        if a.tag == tag
    ]


def _matches(expression: str, destination: str) -> bool:
    try:
        return re.search(expression, destination) is not None
    except re.error:
        return False


def _when(attrs: dict[str, str]) -> tuple[tuple[str, ...] | None, str | None] | str:
    days = _wday(attrs["wday"]) if "wday" in attrs else None
    if isinstance(days, str):
        return days
    if "hour" in attrs and "time-of-day" in attrs:
        return "both hour and time-of-day"
    time: str | None = None
    if "hour" in attrs:
        found = re.fullmatch(r"(\d{1,2})(?:-(\d{1,2}))?", attrs["hour"].strip())
        if found is None:
            return f'hour="{attrs["hour"]}"'
        start, end = int(found.group(1)), int(found.group(2) or found.group(1))
        time = f"{start:02d}:00-{(end + 1) % 24 if end < 23 else 24:02d}:00"
    elif "time-of-day" in attrs:
        tod = _TOD.fullmatch(attrs["time-of-day"].strip())
        if tod is None:
            return f'time-of-day="{attrs["time-of-day"]}"'
        h1, m1, _, h2, m2, s2 = tod.groups()
        # FreeSWITCH includes the end second; the menu's window ends just after it
        end = int(h2) * 3600 + int(m2) * 60 + int(s2 or 0) + 1
        end_text = "24:00" if end >= 86400 else f"{end // 3600:02d}:{end % 3600 // 60:02d}"
        time = f"{int(h1):02d}:{m1}-{end_text}"
    return (days, time if time is not None else "00:00-24:00")


def _wday(text: str) -> tuple[str, ...] | str:
    """``2-6``, ``mon-fri``, ``1,7``: FreeSWITCH's days (1 = Sunday) as ivr day names."""
    chosen: list[int] = []
    for part in text.lower().replace(" ", "").split(","):
        ends = [_day(x) for x in part.split("-", 1)]
        first, last = ends[0], ends[-1]
        if first is None or last is None:
            return f'wday="{text}"'
        day = first
        chosen.append(day)
        while day != last:
            day = day % 7 + 1
            chosen.append(day)
    names = {_DAYS[d - 1] for d in chosen}
    order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return tuple(d for d in order if d in names)


def _day(text: str) -> int | None:
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text)
    return _DAYS.index(text[:3]) + 1 if text[:3] in _DAYS else None


def _split_midnight(time: str | None) -> list[str | None]:
    """FreeSWITCH tests the weekday of the moment itself, so a window across midnight
    is two windows on the same days (the menu's window would give the early hours
    to the day before)."""
    if time is None:
        return [None]
    start, end = time.split("-")
    if end == "24:00" or start < end:
        return [time]
    return [f"{start}-24:00", f"00:00-{end}"]
