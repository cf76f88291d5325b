"""Reading an iCalendar file (RFC 5545) into dated occurrences in a school's time zone.

Pure: no database. ``parse`` checks every event on its own (grouped by UID, so a recurring
event and its moved instances stand or fall together), keeps the bad ones out with a problem
naming the event and the property, and expands the good ones over a window of local dates
with ``recurring-ical-events`` (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides). Floating
times and all-day dates are the school's local time; a TZID must name a VTIMEZONE of the
file or a known IANA/Windows zone — an unknown one is refused rather than guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
import recurring_ical_events

# Properties whose values are dates or date-times (and may carry a TZID parameter).
DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


@dataclass(frozen=True)
class Occurrence:
    uid: str
    recurrence_id: datetime  # the original start: the same for a moved instance
    summary: str
    categories: tuple[str, ...]
    start: datetime
    end: datetime
    all_day: bool
    location: str


@dataclass(frozen=True)
class CalendarProblem:
    """Why one event (or, with ``event`` empty, the whole file) was kept out."""

    event: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.event, self.field) if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ParsedCalendar:
    name: str = ""
    occurrences: list[Occurrence] = field(default_factory=list)
    problems: list[CalendarProblem] = field(default_factory=list)  # events kept out
    rejected_uids: set[str] = field(default_factory=set)
    error: CalendarProblem | None = None  # the file itself is unreadable


def school_year(today: date) -> tuple[date, date]:
    """The school year around ``today``: 1 August to 31 July."""
    first = today.year if today.month >= 8 else today.year - 1
    return date(first, 8, 1), date(first + 1, 7, 31)


def local(value: date | datetime, zone: tzinfo) -> datetime:
    """An aware datetime: dates are local midnight, floating times are local time."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


def _describe(component: Any) -> str:
    uid = str(component.get("UID", "")).strip() or "(no UID)"
    summary = str(component.get("SUMMARY", "")).strip()
    return f"event {uid} “{summary}”" if summary else f"event {uid}"


def _values(prop: Any) -> list[Any]:
    """The vDDD values of a date property, which may be repeated and may hold lists."""
    out: list[Any] = []
    for item in prop if isinstance(prop, list) else [prop]:
        out.extend(getattr(item, "dts", [item]))
    return out


def _check(component: Any, zone: tzinfo) -> CalendarProblem | None:
    """The first thing wrong with one VEVENT, or None."""
    event = _describe(component)
    if not str(component.get("UID", "")).strip():
        return CalendarProblem(event, "UID", "missing; every event needs a UID")
    for name, message in getattr(component, "errors", []):
        prop = str(name).upper()
        what = "broken recurrence rule" if prop in ("RRULE", "EXRULE") else "unreadable value"
        return CalendarProblem(event, prop, f"{what}: {message}")
    if "DTSTART" not in component:
        return CalendarProblem(event, "DTSTART", "missing; the event has no start")
    for name in DATE_PROPERTIES:
        if name not in component:
            continue
        props = component[name] if isinstance(component[name], list) else [component[name]]
        for prop in props:
            tzid = prop.params.get("TZID")
            if tzid is None:
                continue
            for value in _values(prop):
                dt = getattr(value, "dt", value)
                # icalendar leaves a time naive when it cannot resolve its TZID.
                if isinstance(dt, datetime) and dt.tzinfo is None:
                    return CalendarProblem(
                        event, name, f"unknown time zone {str(tzid)!r} (no VTIMEZONE defines it)"
                    )
    start = component.decoded("DTSTART")
    if "DTEND" in component:
        end = component.decoded("DTEND")
        if isinstance(start, datetime) != isinstance(end, datetime):
            return CalendarProblem(
                event, "DTEND", "a date and a date-time cannot be mixed with DTSTART"
            )
        if local(end, zone) < local(start, zone):
            return CalendarProblem(
                event, "DTEND", f"ends ({end}) before it starts ({start}); DTEND precedes DTSTART"
            )
    if "DURATION" in component:
        duration = component.decoded("DURATION")
        if isinstance(duration, timedelta) and duration < timedelta(0):
            return CalendarProblem(event, "DURATION", f"negative duration ({duration})")
    return None


def _occurrence(component: Any, zone: tzinfo) -> Occurrence:
    raw_start = component.decoded("DTSTART")
    all_day = not isinstance(raw_start, datetime)
    start = local(raw_start, zone)
    raw_end = component.decoded("DTEND", None)
    if raw_end is not None:
        end = local(raw_end, zone)
    elif "DURATION" in component:
        end = start + component.decoded("DURATION")
    else:  # RFC 5545 3.6.1: an all-day event lasts the day; a timed one is an instant.
        end = local(raw_start + timedelta(days=1), zone) if all_day else start
    raw_recurrence = component.decoded("RECURRENCE-ID", None)
    recurrence_id = local(raw_recurrence, zone) if raw_recurrence is not None else start
    props = component.get("CATEGORIES")
    props = props if isinstance(props, list) else [] if props is None else [props]
    categories = [str(c) for prop in props for c in getattr(prop, "cats", [prop])]
    return Occurrence(
        uid=str(component["UID"]).strip(),
        recurrence_id=recurrence_id,
        summary=str(component.get("SUMMARY", "")).strip(),
        categories=tuple(categories),
        start=start,
        end=end,
        all_day=all_day,
        location=str(component.get("LOCATION", "")).strip(),
    )


def read_calendar(data: bytes) -> tuple[Any, CalendarProblem | None]:
    """The parsed VCALENDAR, or why the file is not one (judged by content, not by name)."""
    if b"\x00" in data[:4096]:
        return None, CalendarProblem("", "", "not an iCalendar file: it is binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, CalendarProblem("", "", f"not an iCalendar file: not UTF-8 text ({exc})")
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return None, CalendarProblem(
            "", "", "not an iCalendar file: it does not begin with BEGIN:VCALENDAR"
        )
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        return None, CalendarProblem("", "", f"unreadable iCalendar: {exc}")
    return calendar, None


def parse(data: bytes, *, zone: tzinfo, first: date, last: date) -> ParsedCalendar:
    """The occurrences starting on local dates ``first`` to ``last`` (inclusive) in ``zone``."""
    result = ParsedCalendar()
    calendar, error = read_calendar(data)
    if error is not None:
        result.error = error
        return result
    result.name = str(calendar.get("X-WR-CALNAME", "")).strip()
    window_start = local(first, zone)
    window_end = local(last + timedelta(days=1), zone)

    # A recurring event and its moved instances share a UID; they are kept or refused together.
    groups: dict[str, list[Any]] = defaultdict(list)
    rejected = result.rejected_uids
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", "")).strip()
        problem = _check(component, zone)
        if problem is not None:
            result.problems.append(problem)
            rejected.add(uid)
        else:
            groups[uid].append(component)
    timezones = calendar.walk("VTIMEZONE")

    for uid, components in groups.items():
        if uid in rejected:
            continue
        single = icalendar.Calendar()
        for tz in timezones:
            single.add_component(tz)
        for component in components:
            single.add_component(component)
        try:
            # A day either side: floating and all-day events are compared in the library's
            # own way; the exact local window is applied below.
            expanded = recurring_ical_events.of(single).between(
                window_start - timedelta(days=1), window_end + timedelta(days=1)
            )
            occurrences = [_occurrence(c, zone) for c in expanded]
        except Exception as exc:  # any failure here is this one event's, reported by name
            field_name = "RRULE" if any("RRULE" in c for c in components) else "DTSTART"
            result.problems.append(
                CalendarProblem(
                    _describe(components[0]),
                    field_name,
                    f"broken recurrence: {exc}" if field_name == "RRULE" else str(exc),
                )
            )
            rejected.add(uid)
            continue
        result.occurrences.extend(o for o in occurrences if window_start <= o.start < window_end)
    result.occurrences.sort(key=lambda o: (o.start, o.summary, o.uid))
    return result
