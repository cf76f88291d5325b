"""`vigil run [--host H] [--port P]`: everything the embedded installation needs, in one command.

Migrates the database, builds the demo district when the database is empty, starts the
background-task worker and the event receivers that are enabled (VIGIL_INGEST_MQTT=1, or a
number of MQTT workers to split the stream; VIGIL_INGEST_SIA_PORT=N), then serves the web app
and API with uvicorn until interrupted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core.management.commands.demo import logins_text
from vigil.demo import builder
from vigil.sites.models import District


class Command(BaseCommand):
    help = "Migrate, load the demo when empty, start the worker and serve Vigil."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("VIGIL_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("VIGIL_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="Never load the demo district.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        demo_loaded = False
        if not options["no_demo"] and not District.objects.exists():
            self.stdout.write("Empty database: building the fictional demo district…")
            builder.build()
            demo_loaded = True
        # Each is a separate process, so a long job or a burst of alarms never blocks a web
        # request, and one crashing does not take the others down.
        commands = [] if options["no_worker"] else [["db_worker"], ["rules", "tick", "--loop"]]
        commands += receiver_commands(os.environ)
        children = [
            subprocess.Popen(  # noqa: S603 - our own interpreter running our own commands
                [sys.executable, "-m", "vigil", *command], env=os.environ.copy()
            )
            for command in commands
        ]
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nVigil is running at {url}"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        district = District.objects.first()
        if district is not None and district.fictional:
            self.stdout.write(logins_text())
        elif demo_loaded is False and district is None:
            self.stdout.write("No district yet: create a first user with `vigil createuser`.")
        self.stdout.write("Press Ctrl+C to stop.\n")
        sys.stdout.flush()
        try:
            uvicorn.run(
                "config.asgi:application",
                host=options["host"],
                port=options["port"],
                log_level="warning",
                lifespan="off",
            )
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)


def receiver_commands(env: Mapping[str, str]) -> list[list[str]]:
    """The `vigil ingest …` receivers the environment enables."""
    commands = []
    mqtt = env.get("VIGIL_INGEST_MQTT", "").lower()
    if mqtt in {"true", "yes", "on"}:
        mqtt = "1"
    if mqtt and mqtt not in {"0", "false", "no", "off"}:
        if not mqtt.isdigit() or not 0 < int(mqtt) <= 16:
            raise CommandError(f"VIGIL_INGEST_MQTT: {mqtt!r} is not on/off or 1 to 16 workers")
        commands += [
            ["ingest", "mqtt"] if n == 1 else ["ingest", "mqtt", "--worker", str(n)]
            for n in range(1, int(mqtt) + 1)
        ]
    sia_port = env.get("VIGIL_INGEST_SIA_PORT", "")
    if sia_port:
        if not sia_port.isdigit() or not 0 < int(sia_port) < 65536:
            raise CommandError(f"VIGIL_INGEST_SIA_PORT: {sia_port!r} is not a port number")
        commands.append(["ingest", "sia", "--port", sia_port])
    return commands
