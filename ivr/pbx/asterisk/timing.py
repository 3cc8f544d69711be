"""GotoIfTime's time spec as the simulator's time windows, and back.

Asterisk reads ``times,weekdays,mdays,months[,timezone]`` (``ast_build_timing``
and ``get_timerange`` in asterisk/asterisk ``main/pbx_timing.c``): times are
``HH:MM-HH:MM`` ranges joined by ``&``, each *including* its last minute and
wrapping past midnight on the same weekday; weekdays are ``sun``..``sat``
names, ranges (which wrap: ``fri-mon``) and ``&`` lists; ``*`` is any.

An ivr window (``when: {days, time}``) ends before its end time and a range
that crosses midnight belongs to the day it starts on, so a wrapping Asterisk
range becomes two windows on the same days, and minute ends move by one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Asterisk's weekday names (Sunday first, as ``struct tm``); ivr counts Monday 0.
AST_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
IVR_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Window:
    days: tuple[int, ...]  # ivr weekday numbers, Monday 0
    start: int  # minutes after midnight
    end: int  # minutes after midnight, exclusive, at most 24:00

    def doc(self) -> dict[str, str]:
        return {"days": days_text(self.days), "time": f"{_hhmm(self.start)}-{_hhmm(self.end)}"}


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def days_text(days: tuple[int, ...]) -> str:
    """``mon-fri``, ``sat,sun``, ``mon,wed-fri``: runs of days written as ranges."""
    parts: list[str] = []
    ordered = sorted(set(days))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        first, last = IVR_DAYS[ordered[i]], IVR_DAYS[ordered[j]]
        parts.append(first if i == j else f"{first}-{last}" if j > i + 1 else f"{first},{last}")
        i = j + 1
    return ",".join(parts)


class BadTiming(ValueError):
    """A time spec Asterisk would not read."""


def _minute(text: str) -> int:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        raise BadTiming(f"{text!r} is not a time (HH:MM)")
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise BadTiming(f"{text!r} is not a time of day")
    return h * 60 + m


def _weekdays(text: str) -> tuple[int, ...]:
    text = text.strip().lower()
    if text in ("", "*"):
        return tuple(range(7))
    found: set[int] = set()
    for part in text.split("&"):
        first, _, last = part.partition("-")
        names = [first.strip()[:3], (last or first).strip()[:3]]
        if any(n not in AST_DAYS for n in names):
            raise BadTiming(f"{part!r} is not a weekday or a range of them")
        a, b = (AST_DAYS.index(n) for n in names)
        day = a
        while True:
            found.add((day - 1) % 7)  # Sunday 0 -> ivr 6
            if day == b:
                break
            day = (day + 1) % 7
    return tuple(sorted(found))


def windows(spec: str) -> tuple[list[Window], list[str]]:
    """The windows of ``times,weekdays,mdays,months[,tz]`` and what is not simulated."""
    fields = [f.strip() for f in spec.replace("|", ",").split(",")]
    fields += [""] * (4 - len(fields))
    times, weekdays, mdays, months = fields[:4]
    ignored = [
        f"{name} {value!r}"
        for name, value in (("days of the month", mdays), ("months", months))
        if value not in ("", "*")
    ]
    if len(fields) > 4 and fields[4]:
        ignored.append(f"time zone {fields[4]!r}")
    days = _weekdays(weekdays)
    out: list[Window] = []
    for part in (times or "*").split("&"):
        part = part.strip()
        if part in ("", "*"):
            out.append(Window(days, 0, DAY_MINUTES))
            continue
        first, dash, last = part.partition("-")
        start = _minute(first)
        end = _minute(last) if dash else start
        if end >= start:  # the last minute counts
            out.append(Window(days, start, end + 1))
        else:  # wraps past midnight on the same weekday
            out.append(Window(days, start, DAY_MINUTES))
            out.append(Window(days, 0, end + 1))
    return out, ignored


def asterisk_spec(days: frozenset[int], start: int, end: int) -> list[str]:
    """GotoIfTime specs (``times,weekdays,*,*``) for an ivr window: one, or two when it
    crosses midnight (the part after midnight falls on the next days)."""
    if end == 0:
        end = DAY_MINUTES
    if start < end:
        return [f"{_hhmm(start)}-{_hhmm(end - 1)},{_ast_days(days)},*,*"]
    after = frozenset((d + 1) % 7 for d in days)
    specs = [f"{_hhmm(start)}-23:59,{_ast_days(days)},*,*"]
    if end > 0:
        specs.append(f"00:00-{_hhmm(end - 1)},{_ast_days(after)},*,*")
    return specs


def _ast_days(days: frozenset[int]) -> str:
    if len(days) == 7:
        return "*"
    return "&".join(IVR_DAYS[d] for d in sorted(days))
