"""The daily log: reports as a CSV in the style of a campus crime log (the Clery daily log).

One row per report, oldest first (a log reads in the order things were reported), with only
what a public log carries: case number, when reported, when it occurred (from–to), the general
location, the nature (every classification's label) and the disposition (the report's state).
No names, no narrative: people involved never leave through this file.

Times are in the district's time zone, written ``YYYY-MM-DD HH:MM``. "Reported" is when it was
reported to security; when the writer left that blank, when the report was started (the moment
security knew of it at the latest).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from vigil.incidents.codes import label
from vigil.incidents.models import Report

COLUMNS = (
    "Case number",
    "Date/time reported",
    "Occurred from",
    "Occurred to",
    "General location",
    "Nature",
    "Disposition",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A value a spreadsheet will show as text, never run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def location(report: Report) -> str:
    """School, then the area or point of the knowledge base, then the writer's free text."""
    parts = [report.school.name]
    if report.area_id is not None and report.area is not None:
        parts.append(report.area.name)
    elif report.asset_id is not None and report.asset is not None:
        parts.append(str(report.asset.name))
    if report.location_text:
        parts.append(report.location_text)
    return " — ".join(parts)


def nature(report: Report) -> str:
    """Every classification's label, NIBRS offences first, in code order."""
    found = sorted(report.classifications.all(), key=lambda c: (c.scheme != "nibrs", c.code))
    return "; ".join(label(c.scheme, c.code) for c in found)


def row(report: Report, zone: ZoneInfo) -> list[str]:
    return [
        _cell(value)
        for value in (
            report.number,
            _when(report.reported_at or report.written_at, zone),
            _when(report.occurred_start, zone),
            _when(report.occurred_end, zone),
            location(report),
            nature(report),
            str(report.get_status_display()),
        )
    ]


def log_reports(reports: QuerySet[Report]) -> QuerySet[Report]:
    """``reports`` in log order with what a row needs, in three queries whatever the count."""
    return (
        reports.select_related("school__district", "area", "asset")
        .prefetch_related("classifications")
        .order_by("written_at", "pk")
    )


def daily_log_rows(reports: Iterable[Report]) -> Iterator[list[str]]:
    """The header, then one row per report."""
    yield list(COLUMNS)
    for report in reports:
        yield row(report, ZoneInfo(report.school.district.time_zone))


def daily_log_csv(reports: Iterable[Report]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(daily_log_rows(reports))
    return buffer.getvalue()
