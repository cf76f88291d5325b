"""`vigil visitors ...`: visitor tools.

``parse-id PATH`` prints the fields a visit keeps from an ID's AAMVA text as JSON (or the error
naming the field). ``purge [--dry-run] [--days N]`` deletes visits older than the retention
period, except those on legal hold, and records the purge in the audit log.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vigil.core import context
from vigil.visitors import aamva, services


class Command(BaseCommand):
    help = (
        "Visitor tools. parse-id PATH: parse AAMVA PDF417 text (PATH or - for stdin) to JSON. "
        "purge [--dry-run]: delete visits older than the retention period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        parse_id = sub.add_parser("parse-id", help="Parse the AAMVA text of a licence or ID.")
        parse_id.add_argument("path", help="A file holding the scanned text, or - for stdin.")
        purge = sub.add_parser(
            "purge", help="Delete visit records and their ID fields past the retention period."
        )
        purge.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
        purge.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: settings.VIGIL_VISITOR_RETENTION_DAYS, 365).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "purge":
            self._purge(options)
            return
        path = options["path"]
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"path: cannot read {path}: {exc.strerror}") from exc
        text = raw.decode("latin-1")  # the standard's character set is ASCII/ISO 8859-1
        try:
            parsed = aamva.parse(text, today=timezone.localdate())
        except aamva.AamvaError as exc:
            self.stdout.write(json.dumps({"error": {"field": exc.field, "message": exc.message}}))
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        self.stdout.write(json.dumps(parsed.to_json(), indent=2))

    def _purge(self, options: dict[str, Any]) -> None:
        days = options["days"] if options["days"] is not None else services.retention_days()
        if days < 1:
            raise CommandError("--days: must be at least 1")
        with context.acting(None, via="cli"):
            report = services.visits_purge(
                actor=None, now=timezone.now(), days=days, dry_run=options["dry_run"]
            )
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} {report.visits} visit(s) checked in before {report.cutoff:%Y-%m-%d %H:%M} UTC "
            f"({report.photos} photo(s)); kept {report.kept_on_hold} on legal hold"
        )
