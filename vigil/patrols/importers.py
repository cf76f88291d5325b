"""Importing a school's iCalendar feed: one transaction, idempotent upsert, one audit row.

Occurrences are matched by (source, UID, RECURRENCE-ID), so importing the same file twice
changes nothing, a changed event updates its rows, and an occurrence that disappeared from
the feed (within the window imported, or whose event is gone altogether) is removed. Unlike
the knowledge-base imports, a bad event does not refuse the file: it is reported and kept
out (its earlier rows are left as they were), and everything else is saved. Only a file
that is not readable iCalendar is refused as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.text import slugify

from vigil.core import audit
from vigil.patrols import ical
from vigil.patrols.kinds import classify, is_fixed_post
from vigil.patrols.models import CalendarOccurrence, CalendarSource
from vigil.sites.importers import ImportReport, all_or_nothing
from vigil.sites.models import Area, School
from vigil.sites.validation import Problem

# The fields an import sets; the rest (ids, school, source, key) never change on an update.
FIELDS = ("summary", "kind", "start", "end", "all_day", "location", "area", "fixed_post")


@dataclass
class CalendarImportReport(ImportReport):
    """An ``ImportReport`` whose event-level problems keep the event out, not the file."""

    removed: list[str] = field(default_factory=list)
    kept_out: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        if self.refused:
            return super().summary()
        verb = "would remove" if self.dry_run else "removed"
        base = super().summary().rstrip(".")
        tail = f", {verb} {len(self.removed)}"
        if self.kept_out:
            tail += f"; {len(self.kept_out)} event(s) kept out"
        if base.endswith(" (dry run: nothing was written)"):
            base = base.removesuffix(" (dry run: nothing was written)")
            return f"{base}{tail} (dry run: nothing was written)."
        return f"{base}{tail}."

    def lines(self) -> list[str]:
        out = [self.summary()]
        out += [f"  problem: {p}" for p in [*self.problems, *self.kept_out]]
        out += [f"  create: {c}" for c in self.created]
        out += [f"  update: {u}" for u in self.updated]
        out += [f"  remove: {r}" for r in self.removed]
        out += [f"  note: {n}" for n in self.notes]
        return out


def school_zone(school: School) -> ZoneInfo:
    return ZoneInfo(school.district.time_zone)


def describe(occurrence: CalendarOccurrence, zone: ZoneInfo) -> str:
    """One occurrence with its local start and end, as the CLI prints it."""
    start = occurrence.start.astimezone(zone)
    end = occurrence.end.astimezone(zone)
    if occurrence.all_day:
        days = (end.date() - start.date()).days
        when = f"{start:%a %Y-%m-%d}, all day" + (f" ({days} days)" if days > 1 else "")
    elif end.date() == start.date():
        when = f"{start:%a %Y-%m-%d %H:%M}–{end:%H:%M %Z}"
    else:
        when = f"{start:%a %Y-%m-%d %H:%M %Z} – {end:%a %Y-%m-%d %H:%M %Z}"
    extras = [occurrence.kind]
    if occurrence.area is not None:
        extras.append(f"area {occurrence.area}")
    elif occurrence.location:
        extras.append(f"at {occurrence.location}")
    if occurrence.fixed_post:
        extras.append("fixed post")
    return f"{occurrence.summary} — {when} [{', '.join(extras)}] (UID {occurrence.uid})"


class AreaFinder:
    """The school's area a LOCATION names: by code or name, else the longest name it contains."""

    def __init__(self, school: School) -> None:
        self.areas = list(Area.objects.filter(school=school).only("id", "name", "code"))

    def find(self, location: str) -> tuple[Area | None, str]:
        """The area (or None) and a note when the location is ambiguous."""
        text = location.strip().casefold()
        if not text:
            return None, ""
        exact = [a for a in self.areas if text in (a.name.casefold(), a.code.casefold())]
        if not exact:
            contained = [a for a in self.areas if a.name.casefold() in text]
            longest = max((len(a.name) for a in contained), default=0)
            exact = [a for a in contained if len(a.name) == longest]
        if len(exact) == 1:
            return exact[0], ""
        if len(exact) > 1:
            return None, f"location “{location}” names {len(exact)} areas; none was linked"
        return None, ""


def _source_for(school: School, name: str) -> CalendarSource:
    namespace = slugify(name)[:100] or "calendar"
    source = CalendarSource.objects.filter(school=school, uid_namespace=namespace).first()
    if source is None:
        source = CalendarSource.objects.create(school=school, name=name, uid_namespace=namespace)
    return source


def import_calendar(
    data: bytes,
    *,
    school: School,
    filename: str,
    source_name: str = "",
    first: date | None = None,
    last: date | None = None,
    dry_run: bool = False,
) -> CalendarImportReport:
    """Import one .ics file into ``school``'s calendar source ``source_name`` (default: file
    name) over the local dates ``first``..``last`` (default: the school year around today)."""
    report = CalendarImportReport(f"iCalendar import into {school.name}", dry_run=dry_run)
    try:
        zone = school_zone(school)
    except (ZoneInfoNotFoundError, ValueError):
        wrong = school.district.time_zone
        report.problems.append(
            Problem(filename, "", "time_zone", f"unknown district time zone {wrong!r}")
        )
        return report
    default_first, default_last = ical.school_year(timezone.now().astimezone(zone).date())
    first = first or default_first
    last = last or default_last
    if last < first:
        report.problems.append(Problem(filename, "", "until", f"{last} is before {first}"))
        return report
    parsed = ical.parse(data, zone=zone, first=first, last=last)
    if parsed.error is not None:
        report.problems.append(Problem(filename, "", parsed.error.field, parsed.error.message))
        return report
    report.kept_out = [Problem(filename, p.event, p.field, p.message) for p in parsed.problems]
    name = source_name or parsed.name or filename.rsplit(".", 1)[0]
    report.notes.append(
        f"window: {first} to {last} in {zone.key}; {len(parsed.occurrences)} occurrence(s) read"
    )
    with all_or_nothing(report):
        source = _source_for(school, name)
        _apply(report, parsed, source, zone, first, last)
        if not dry_run:
            source.last_imported_at = timezone.now()
            source.save(update_fields=["last_imported_at"])
            audit.record(
                audit.AuditAction.UPDATE,
                obj=source,
                school_id=school.pk,
                changes={
                    "file": filename,
                    "window": [str(first), str(last)],
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "removed": len(report.removed),
                    "unchanged": report.unchanged,
                    "kept_out": [str(p) for p in report.kept_out],
                },
                reason=f"iCalendar import of {filename}",
            )
    return report


def _apply(
    report: CalendarImportReport,
    parsed: ical.ParsedCalendar,
    source: CalendarSource,
    zone: ZoneInfo,
    first: date,
    last: date,
) -> None:
    school = source.school
    existing: dict[tuple[str, datetime], CalendarOccurrence] = {
        (o.uid, o.recurrence_id): o
        for o in CalendarOccurrence.objects.filter(source=source).select_related("area")
    }
    areas = AreaFinder(school)
    seen: set[tuple[str, datetime]] = set()
    to_create: list[CalendarOccurrence] = []
    to_update: list[CalendarOccurrence] = []
    notes: set[str] = set()
    for item in parsed.occurrences:
        key = (item.uid, item.recurrence_id)
        if key in seen:  # the same instance listed twice in the feed: the first one counts
            continue
        seen.add(key)
        area, note = areas.find(item.location)
        if note:
            notes.add(note)
        values = {
            "summary": item.summary[:300],
            "kind": str(classify(item.summary, item.categories)),
            "start": item.start,
            "end": item.end,
            "all_day": item.all_day,
            "location": item.location[:300],
            "area": area,
            "fixed_post": is_fixed_post(item.summary, item.categories),
        }
        row = existing.get(key)
        if row is None:
            row = CalendarOccurrence(
                school=school, source=source, uid=item.uid, recurrence_id=item.recurrence_id
            )
            for name, value in values.items():
                setattr(row, name, value)
            to_create.append(row)
            report.created.append(describe(row, zone))
            continue
        changed = sorted(n for n in FIELDS if getattr(row, n) != values[n])
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            to_update.append(row)
            report.updated.append(f"{describe(row, zone)} ({', '.join(changed)})")
        else:
            report.unchanged += 1
    CalendarOccurrence.objects.bulk_create(to_create, batch_size=500)
    CalendarOccurrence.objects.bulk_update(to_update, FIELDS, batch_size=500)

    # Gone from the feed: rows in the window the feed no longer lists, and every row of an
    # event the feed no longer has at all. Rows of events kept out this time stay as they were.
    window_start = ical.local(first, zone)
    window_end = ical.local(last + timedelta(days=1), zone)
    feed_uids = {uid for uid, _ in seen}
    stale = [
        row
        for key, row in existing.items()
        if key not in seen
        and row.uid not in parsed.rejected_uids
        and (row.uid not in feed_uids or window_start <= row.start < window_end)
    ]
    for row in stale:
        report.removed.append(describe(row, zone))
    CalendarOccurrence.objects.filter(pk__in=[row.pk for row in stale]).delete()
    report.notes.extend(sorted(notes))
