"""`vigil rules tick [--loop] [--every SECONDS]`: escalate unacknowledged events, end floods.

`vigil run` starts `vigil rules tick --loop` next to the task worker. Each tick is idempotent
(an event is escalated at most once per rule), so two loops running at once, or a tick repeated
after a crash, change nothing twice.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from vigil.core import context
from vigil.rules import services


class Command(BaseCommand):
    help = "Console rules. tick: escalate events nobody acknowledged in time; end quiet floods."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        tick = sub.add_parser("tick", help="Run the periodic rules once (or forever with --loop).")
        tick.add_argument("--loop", action="store_true", help="Keep ticking until stopped.")
        tick.add_argument("--every", type=float, default=5.0, help="Seconds between ticks.")

    def handle(self, *args: Any, **options: Any) -> None:
        with context.acting(None, via="cli"):
            while True:
                close_old_connections()
                result = services.tick(now=timezone.now())
                if result.escalated or result.floods_ended or not options["loop"]:
                    self.stdout.write(
                        f"rules tick: {result.escalated} escalated, "
                        f"{result.floods_ended} floods ended"
                    )
                if not options["loop"]:
                    return
                time.sleep(max(options["every"], 0.5))
