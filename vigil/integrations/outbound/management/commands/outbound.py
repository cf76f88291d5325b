"""`vigil outbound deliver [--loop]`: send what the outbox holds (after a restart, or without
the background-task worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.core import context
from vigil.integrations.outbound import config, runner


class Command(BaseCommand):
    help = "Send pending outbound deliveries (MQTT and webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        deliver = sub.add_parser("deliver", help="Send every due delivery.")
        deliver.add_argument("--loop", action="store_true", help="Keep sending until stopped.")
        deliver.add_argument("--interval", type=float, default=1.0, help="Seconds between rounds.")

    def handle(self, *args: Any, **options: Any) -> None:
        settings = config.load()
        with context.acting(None, via="outbound"):
            if options["loop"]:
                runner.run(settings, interval=options["interval"])
                return
            result = runner.deliver_due(settings=settings)
        self.stdout.write(f"{result.sent} sent, {result.retrying} to retry, {result.failed} failed")
