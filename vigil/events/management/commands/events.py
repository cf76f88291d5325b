"""`vigil events list --json [--since ISO] [--source NAME]`: print events as JSON lines."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.events.models import Event


class Command(BaseCommand):
    help = "Event tools. list: print events (newest first) as JSON, one object per line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        listing = sub.add_parser("list", help="Print events as JSON.")
        listing.add_argument("--json", action="store_true", help="JSON lines (the only format).")
        listing.add_argument("--since", help="Only events received at or after this ISO time.")
        listing.add_argument("--source", help="Only events of this source, e.g. webhook:doors.")
        listing.add_argument("--limit", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        events = Event.objects.select_related("school").order_by("-received_at", "-pk")
        if options["since"]:
            try:
                since = datetime.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError("--since: use an ISO 8601 time, e.g. 2026-11-28T08:00Z") from exc
            if since.tzinfo is None:
                raise CommandError("--since: include a time zone, e.g. 2026-11-28T08:00+00:00")
            events = events.filter(received_at__gte=since)
        if options["source"]:
            events = events.filter(source=options["source"])
        for event in events[: options["limit"]]:
            self.stdout.write(json.dumps(_as_json(event), sort_keys=True))


def _as_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "source": event.source,
        "source_event_id": event.source_event_id,
        "type": event.event_type,
        "severity": event.severity,
        "status": event.status,
        "title": event.title,
        "school": event.school.slug if event.school else None,
        "device": event.device,
        "occurred_at": event.occurred_at.isoformat(),
        "received_at": event.received_at.isoformat(),
        "ended_at": event.ended_at.isoformat() if event.ended_at else None,
        "data": event.data,
    }
