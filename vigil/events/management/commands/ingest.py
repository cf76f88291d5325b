"""`vigil ingest mqtt`: run a receiver that feeds the event pipeline until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core import context


class Command(BaseCommand):
    help = "Run an event receiver: mqtt (Frigate and generic JSON topics)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="receiver", required=True)
        sub.add_parser("mqtt", help="Subscribe to the broker in VIGIL_MQTT_URL.")

    def handle(self, *args: Any, **options: Any) -> None:
        from vigil.integrations.mqtt import config, runner

        settings = config.load()
        problems = config.check(settings)
        if problems:
            raise CommandError("; ".join(problems))
        with context.acting(None, via="ingest"):
            runner.run(settings)
