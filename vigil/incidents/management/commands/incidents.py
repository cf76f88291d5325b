"""`vigil incidents ...`: incident report tools.

``packet REPORT_ID OUT_DIR [--reason TEXT] [--user NAME]`` writes the report's court packet:
``<number>-court-packet.pdf`` and ``<number>-court-packet.zip`` (the PDF again, the original
evidence files, every report version as canonical JSON, manifest.json, a CASE/UCO provenance
record and a standalone verify.py), appending an ``export`` custody entry with the reason to
every attached item. REPORT_ID is the report's id or its number (e.g. CHHS-2026-0042).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.accounts.models import User
from vigil.core import context
from vigil.evidence.services import EvidenceError
from vigil.incidents.models import Report
from vigil.incidents.packet import PacketError, build_packet


class Command(BaseCommand):
    help = (
        "Incident report tools. packet REPORT_ID OUT_DIR [--reason TEXT]: write the report's "
        "court packet (PDF + verifiable ZIP bundle)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        packet = sub.add_parser("packet", help="Write a report's court packet (PDF + ZIP).")
        packet.add_argument("report", metavar="REPORT_ID", help="The report's id or number.")
        packet.add_argument("out", metavar="OUT_DIR")
        packet.add_argument(
            "--reason",
            default="Court packet exported from the command line",
            help="Why the packet is made; recorded in every item's custody chain.",
        )
        packet.add_argument("--user", default="", help="Who exports it (default: the system).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "packet":
            self._packet(options)

    def _packet(self, options: dict[str, Any]) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"user: no active user named {options['user']}")
        wanted = str(options["report"]).strip()
        lookup = {"pk": int(wanted)} if wanted.isdigit() else {"number": wanted}
        report = Report.objects.filter(**lookup).first()
        if report is None:
            raise CommandError(f"report: no incident report {wanted}")
        with context.acting(actor, via="cli"):
            try:
                result = build_packet(
                    actor=actor,
                    report=report,
                    out_dir=Path(options["out"]),
                    reason=options["reason"],
                )
            except (PacketError, EvidenceError) as exc:
                raise CommandError(f"{exc.field or 'packet'}: {exc.message}") from exc
        self.stdout.write(str(result.pdf_path))
        self.stdout.write(str(result.zip_path))
        self.stdout.write(
            f"{result.items} evidence items, {result.versions} report versions; "
            f"manifest SHA-256 {result.manifest_sha256} "
            "(check with: python3 verify.py --manifest-sha256 <it>)"
        )
