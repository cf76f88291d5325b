"""`vigil ingest mqtt [--worker N]` / `vigil ingest sia --port N`: run a receiver that feeds the
event pipeline until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core import context


class Command(BaseCommand):
    help = "Run an event receiver: mqtt (Frigate, generic JSON topics) or sia (alarm panels)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="receiver", required=True)
        mqtt = sub.add_parser("mqtt", help="Subscribe to the broker in VIGIL_MQTT_URL.")
        mqtt.add_argument(
            "--worker",
            type=int,
            default=1,
            help="Which of several workers splitting the share group this is (client id suffix).",
        )
        sia = sub.add_parser("sia", help="Receive SIA DC-09 frames from alarm panels.")
        sia.add_argument("--port", type=int, required=True)
        sia.add_argument("--host", default="0.0.0.0")  # noqa: S104 - panels are on the LAN
        sia.add_argument("--udp", action="store_true", help="UDP instead of TCP.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["receiver"] == "sia":
            from vigil.integrations.sia import runner as sia_runner

            with context.acting(None, via="ingest"):
                sia_runner.run(options["host"], options["port"], udp=options["udp"])
            return
        from vigil.integrations.mqtt import config, runner

        if options["worker"] < 1:
            raise CommandError("--worker: must be 1 or more")
        settings = config.load(worker=options["worker"])
        problems = config.check(settings)
        if problems:
            raise CommandError("; ".join(problems))
        with context.acting(None, via="ingest"):
            runner.run(settings)
