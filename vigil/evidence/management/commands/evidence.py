"""`vigil evidence ...`: evidence tools.

``verify`` re-hashes every stored evidence file and recomputes every custody chain, exiting
non-zero with the first problem. ``bundle ITEM_ID... --out DIR --reason TEXT [--user NAME]``
writes a ZIP of the original files, manifest.json and a standalone verify.py, recording an
``export`` custody entry for each item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.accounts.models import User
from vigil.core import context
from vigil.evidence import bundle, services
from vigil.evidence.models import EvidenceItem


class Command(BaseCommand):
    help = (
        "Evidence tools. verify: re-hash every file and check every custody chain. "
        "bundle ITEM_ID... --out DIR --reason TEXT: write a verifiable ZIP bundle."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("verify", help="Re-hash every stored file and check every custody chain.")
        make = sub.add_parser("bundle", help="Write a ZIP bundle with a standalone verify.py.")
        make.add_argument("items", nargs="+", type=int, metavar="ITEM_ID")
        make.add_argument("--out", required=True, metavar="DIR")
        make.add_argument("--reason", required=True, help="Why the evidence is exported.")
        make.add_argument("--user", default="", help="Who exports it (default: the system).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "verify":
            self._verify()
        else:
            self._bundle(options)

    def _verify(self) -> None:
        checked, problem = services.verify()
        if problem is not None:
            raise CommandError(
                f"Evidence verification FAILED after {checked} good items: {problem}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Evidence intact: {checked} files and their custody chains verified."
            )
        )

    def _bundle(self, options: dict[str, Any]) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"user: no active user named {options['user']}")
        wanted: list[int] = options["items"]
        found = EvidenceItem.objects.in_bulk(wanted)
        missing = [str(pk) for pk in wanted if pk not in found]
        if missing:
            raise CommandError(f"items: no evidence item {', '.join(missing)}")
        with context.acting(actor, via="cli"):
            try:
                result = bundle.build(
                    actor=actor,
                    items=[found[pk] for pk in dict.fromkeys(wanted)],
                    out_dir=Path(options["out"]),
                    reason=options["reason"],
                )
            except services.EvidenceError as exc:
                raise CommandError(f"{exc.field}: {exc.message}") from exc
        self.stdout.write(f"{result.path}")
        self.stdout.write(
            f"{result.items} items; manifest SHA-256 {result.manifest_sha256} "
            "(check with: python3 verify.py --manifest-sha256 <it>)"
        )
