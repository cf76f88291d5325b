"""`vigil visitors parse-id PATH`: print the fields a visit keeps from an ID's AAMVA text."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vigil.visitors import aamva


class Command(BaseCommand):
    help = "Visitor tools. parse-id PATH: parse AAMVA PDF417 text (PATH or - for stdin) to JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        parse_id = sub.add_parser("parse-id", help="Parse the AAMVA text of a licence or ID.")
        parse_id.add_argument("path", help="A file holding the scanned text, or - for stdin.")

    def handle(self, *args: Any, **options: Any) -> None:
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
