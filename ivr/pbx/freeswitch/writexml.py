"""The XML an export writes: ``ivr_menus.xml`` and the dialplan of its time-of-day branches.

FreeSWITCH menus have no clock; its dialplan has one. So a menu entry transfers to
``MENU_NODE XML MENU`` and one extension per rule, in order, routes the call
(``<condition wday time-of-day>``; FreeSWITCH's day 1 is Sunday and a
time range includes its end second, so ``08:00-16:00`` here is
``08:00-15:59:59`` there). A window across midnight is two extensions, since
FreeSWITCH tests the weekday of the moment itself. The file goes to
``conf/dialplan/``, which FreeSWITCH loads as its own context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from xml.sax.saxutils import quoteattr

from ivr.model import Menu, TimeWindow

#: FreeSWITCH's wday number for ivr's weekday (Monday 0).
_WDAY = {0: 2, 1: 3, 2: 4, 3: 5, 4: 6, 5: 7, 6: 1}


@dataclass(frozen=True)
class MenuEntry:
    """One ``<entry>``, with a comment naming the choice it comes from."""

    action: str
    digits: str
    param: str = ""
    comment: str = ""


@dataclass
class FsMenuOut:
    """One ``<menu>``: its attributes in the order they are written, and its entries."""

    name: str
    attrs: dict[str, str]
    entries: list[MenuEntry]
    comment: str


@dataclass(frozen=True)
class DialplanRule:
    """One rule of a branch: when (None: otherwise) and its actions (application, data)."""

    when: TimeWindow | None
    actions: tuple[tuple[str, str], ...]


def conditions(window: TimeWindow) -> list[dict[str, str]]:
    """The time condition attributes matching ``window`` (two across midnight)."""
    end = _inclusive(window.end)
    if window.start < window.end or window.end == time(0, 0):
        return [{"wday": _wdays(window.days), "time-of-day": f"{window.start:%H:%M}-{end}"}]
    after = frozenset((d + 1) % 7 for d in window.days)
    return [
        {"wday": _wdays(window.days), "time-of-day": f"{window.start:%H:%M}-23:59:59"},
        {"wday": _wdays(after), "time-of-day": f"00:00-{end}"},
    ]


def _inclusive(end: time) -> str:
    seconds = (end.hour * 3600 + end.minute * 60 - 1) % 86400
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _wdays(days: frozenset[int]) -> str:
    return ",".join(str(n) for n in sorted(_WDAY[d] for d in days))


def dialplan_xml(context: str, branches: dict[str, list[DialplanRule]]) -> str:
    """``<include><context name=CONTEXT>`` with the extensions of every branch."""
    lines = [
        comment(
            f"Time-of-day routing of the {context} menus: put this file in conf/dialplan/. "
            "The menus transfer here by the name of a branch."
        ),
        "<include>",
        f"  <context name={quoteattr(context)}>",
    ]
    for name, rules in branches.items():
        number = 0
        for rule in rules:
            for attrs in conditions(rule.when) if rule.when is not None else [{}]:
                number += 1
                lines.append(f"    <extension name={quoteattr(f'{name}_{number}')}>")
                dest = f'<condition field="destination_number" expression="^{name}$"'
                if attrs:
                    lines.append(f"      {dest}/>")
                    time_attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
                    lines.append(f"      <condition {time_attrs}>")
                else:
                    lines.append(f"      {dest}>")
                for app, data in rule.actions:
                    lines.append(
                        f"        <action application={quoteattr(app)} data={quoteattr(data)}/>"
                    )
                lines += ["      </condition>", "    </extension>"]
    lines += ["  </context>", "</include>"]
    return "\n".join(lines) + "\n"


def comment(text: str) -> str:
    return "<!-- " + text.replace("--", "- -") + " -->"


def menus_xml(menu: Menu, menus: list[FsMenuOut], start: str, lang: str) -> str:
    """``<include>`` of the menus, with a header saying where the files go."""
    lines = [
        comment(
            f"{menu.title}: exported by ivr from {menu.file} ({lang}). Put this file in "
            f"conf/ivr_menus/, the sounds in $${{sounds_dir}}/{menu.id}/, and start it "
            f'from the dialplan with <action application="ivr" data="{start}"/> then hangup.'
        ),
        "<include>",
    ]
    for m in menus:
        lines.append(f"  {comment(m.comment)}")
        attrs = "\n".join(f"      {k}={quoteattr(v)}" for k, v in m.attrs.items())
        lines.append(f"  <menu\n{attrs}>")
        for e in m.entries:
            param = f" param={quoteattr(e.param)}" if e.param else ""
            note = f"  {comment(e.comment)}" if e.comment else ""
            lines.append(
                f"    <entry action={quoteattr(e.action)} digits={quoteattr(e.digits)}{param}/>"
                + note
            )
        lines.append("  </menu>")
    lines.append("</include>")
    return "\n".join(lines) + "\n"
