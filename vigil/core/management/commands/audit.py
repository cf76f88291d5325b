"""`vigil audit verify`: recompute the audit chain and name the first broken row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core import audit


class Command(BaseCommand):
    help = "Audit log tools. `verify` recomputes the hash chain and names the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = audit.verify()
        if problem is not None:
            raise CommandError(f"Audit chain BROKEN after {checked} good rows: {problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} rows verified."))
