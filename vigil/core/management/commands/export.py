"""`vigil export FORMAT … OUT`: write a school's data to a file.

    vigil export imdf --school SLUG OUT.zip
    vigil export geojson --school SLUG OUT.geojson
    vigil export csv contacts|assets --school SLUG OUT.csv

Each format is an entry of ``FORMATS``; a feature that brings a new format adds its entry.
Every export is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vigil.core import audit, context
from vigil.core.management.options import school_named
from vigil.sites import csv_io, exporters, geojson_io, imdf
from vigil.sites.models import School


@dataclass(frozen=True)
class ExportFormat:
    help: str
    add_arguments: Callable[[CommandParser], None]
    run: Callable[[School, dict[str, Any]], tuple[bytes, list[str]]]  # content, notes


def _school_and_out(parser: CommandParser) -> None:
    parser.add_argument("--school", required=True, metavar="SLUG")
    parser.add_argument("out", metavar="OUT")


def _csv_arguments(parser: CommandParser) -> None:
    parser.add_argument("table", choices=("contacts", "assets"))
    _school_and_out(parser)


def _imdf(school: School, options: dict[str, Any]) -> tuple[bytes, list[str]]:
    try:
        result = exporters.export_imdf(school, created=timezone.now().isoformat(timespec="seconds"))
    except exporters.ExportError as exc:
        raise CommandError(str(exc)) from exc
    return imdf.write(result.archive), result.notes


def _geojson(school: School, options: dict[str, Any]) -> tuple[bytes, list[str]]:
    return geojson_io.export_surroundings(school).encode(), []


def _csv(school: School, options: dict[str, Any]) -> tuple[bytes, list[str]]:
    if options["table"] == "contacts":
        return csv_io.export_contacts(school).encode(), []
    return csv_io.export_assets(school).encode(), []


FORMATS: dict[str, ExportFormat] = {
    "imdf": ExportFormat("An IMDF 1.0 archive (ZIP).", _school_and_out, _imdf),
    "geojson": ExportFormat("Surroundings as GeoJSON.", _school_and_out, _geojson),
    "csv": ExportFormat("Contacts or assets as CSV.", _csv_arguments, _csv),
}


class Command(BaseCommand):
    help = "Export a school's data to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
        for name, fmt in FORMATS.items():
            fmt.add_arguments(formats.add_parser(name, help=fmt.help))

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_named(options["school"])
        assert school is not None  # --school is required
        name = options["format"] + (f" {options['table']}" if options.get("table") else "")
        with context.acting(None, via="cli"):
            content, notes = FORMATS[options["format"]].run(school, options)
            Path(options["out"]).write_bytes(content)
            audit.record(
                audit.AuditAction.EXPORT,
                obj=school,
                reason=f"{name} export to {options['out']}",
            )
        for note in notes:
            self.stdout.write(f"note: {note}")
        self.stdout.write(
            f"Wrote {name} of {school.name} to {options['out']} ({len(content)} bytes)."
        )
