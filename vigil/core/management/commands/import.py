"""`vigil import FORMAT …`: bring data into Vigil from files, all or nothing.

    vigil import imdf PATH --school SLUG [--dry-run]
    vigil import geojson PATH --school SLUG [--dry-run]
    vigil import csv contacts|assets PATH [--school SLUG] [--dry-run]
    vigil import ical PATH --school SLUG [--source NAME] [--from DATE] [--until DATE] [--dry-run]

Each format is an entry of ``FORMATS``; a feature that brings a new format adds its entry. An
import that finds a problem changes nothing, lists every problem and exits non-zero. Writes are
audited as the command-line system actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core import context
from vigil.core.management.options import school_named
from vigil.patrols import importers as calendar_importers
from vigil.sites import csv_io, geojson_io, imdf, importers
from vigil.sites.importers import ImportReport


@dataclass(frozen=True)
class ImportFormat:
    help: str
    add_arguments: Callable[[CommandParser], None]
    run: Callable[[dict[str, Any]], ImportReport]


def _read_bytes(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"{path}: no such file.")
    return p.read_bytes()


def _path_and_school(parser: CommandParser, *, school_required: bool = True) -> None:
    parser.add_argument("path")
    parser.add_argument("--school", required=school_required, metavar="SLUG")
    parser.add_argument(
        "--dry-run", action="store_true", help="Report what would change; write nothing."
    )


def _imdf(options: dict[str, Any]) -> ImportReport:
    school = school_named(options["school"])
    assert school is not None
    path = Path(options["path"])
    if not path.exists():
        raise CommandError(f"{path}: no such file or directory.")
    read = imdf.read(path)
    if read.archive is None:
        report = ImportReport(f"IMDF import into {school.name}", dry_run=options["dry_run"])
        report.problems = read.problems
    else:
        report = importers.import_imdf(read.archive, school=school, dry_run=options["dry_run"])
    report.notes[:0] = read.notes
    return report


def _geojson(options: dict[str, Any]) -> ImportReport:
    school = school_named(options["school"])
    assert school is not None
    return geojson_io.import_surroundings(
        _read_bytes(options["path"]),
        school=school,
        filename=Path(options["path"]).name,
        dry_run=options["dry_run"],
    )


def _csv_arguments(parser: CommandParser) -> None:
    parser.add_argument("table", choices=("contacts", "assets"))
    _path_and_school(parser, school_required=False)


def _csv(options: dict[str, Any]) -> ImportReport:
    data = _read_bytes(options["path"])
    name = Path(options["path"]).name
    school = school_named(options["school"])
    if options["table"] == "contacts":
        return csv_io.import_contacts(
            data, filename=name, school=school, dry_run=options["dry_run"]
        )
    return csv_io.import_assets(data, filename=name, school=school, dry_run=options["dry_run"])


def _ical_arguments(parser: CommandParser) -> None:
    _path_and_school(parser)
    parser.add_argument(
        "--source", default="", metavar="NAME", help="Calendar name (default: the file's)."
    )
    parser.add_argument("--from", dest="first", metavar="DATE", help="First local date.")
    parser.add_argument("--until", dest="last", metavar="DATE", help="Last local date.")


def _date_option(options: dict[str, Any], key: str, flag: str) -> date | None:
    value = options.get(key)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag}: {value!r} is not a date (YYYY-MM-DD).") from None


def _ical(options: dict[str, Any]) -> ImportReport:
    # Bad events are kept out and reported; everything else is saved (see patrols.importers).
    school = school_named(options["school"])
    assert school is not None
    return calendar_importers.import_calendar(
        _read_bytes(options["path"]),
        school=school,
        filename=Path(options["path"]).name,
        source_name=options["source"],
        first=_date_option(options, "first", "--from"),
        last=_date_option(options, "last", "--until"),
        dry_run=options["dry_run"],
    )


FORMATS: dict[str, ImportFormat] = {
    "imdf": ImportFormat("An IMDF 1.0 archive (ZIP or directory).", _path_and_school, _imdf),
    "geojson": ImportFormat(
        "Surroundings as a GeoJSON FeatureCollection.", _path_and_school, _geojson
    ),
    "csv": ImportFormat("Contacts or assets as CSV.", _csv_arguments, _csv),
    "ical": ImportFormat(
        "A school calendar (bell schedule, events) as iCalendar.", _ical_arguments, _ical
    ),
}


class Command(BaseCommand):
    help = "Import data from a file (all or nothing; --dry-run reports and writes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
        for name, fmt in FORMATS.items():
            fmt.add_arguments(formats.add_parser(name, help=fmt.help))

    def handle(self, *args: Any, **options: Any) -> None:
        with context.acting(None, via="cli"):
            report = FORMATS[options["format"]].run(options)
        if report.refused:
            raise CommandError("\n".join(report.lines()))
        self.stdout.write("\n".join(report.lines()))
