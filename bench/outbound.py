"""Outbound delivery: what the fan-out adds after an ingest commit, and how fast the outbox
empties to the real Mosquitto (QoS 1) and to a signed webhook receiver on loopback.

A fresh SQLite database (or PostgreSQL with --database-url, which must be an empty database of
its own) gets N events and two targets (one MQTT, one webhook). The fan-out consumer is timed
per batch of 200 changed events (the ingest worker's batch size); then `deliver_due()` rounds
are timed until every delivery is sent.

    .venv/bin/python bench/outbound.py [--events 2000] [--database-url ...] [--out FILE]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BATCH = 200


def _receiver() -> tuple[str, list[int], http.server.ThreadingHTTPServer]:
    received: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append(1)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook", received, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-outbound-")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from vigil.events.models import Event
    from vigil.integrations.outbound import config, runner
    from vigil.integrations.outbound.models import Delivery, OutboundTarget, TargetKind

    call_command("migrate", verbosity=0)
    url, received, server = _receiver()
    OutboundTarget.objects.create(
        name="bench mqtt", kind=TargetKind.MQTT, topic_prefix=f"bench-{uuid.uuid4().hex[:8]}"
    )
    OutboundTarget.objects.create(
        name="bench hook", kind=TargetKind.WEBHOOK, url=url, secret="b" * 40
    )
    now = timezone.now()
    Event.objects.bulk_create(
        Event(
            source="bench",
            source_event_id=f"b-{n}",
            event_type="door_forced",
            severity=4,
            title=f"Door {n} forced",
            occurred_at=now,
            received_at=now,
            updated_at=now,
            data={"n": n},
        )
        for n in range(args.events)
    )
    ids = sorted(Event.objects.values_list("pk", flat=True))
    fanout_ms = []
    for start in range(0, len(ids), BATCH):
        began = time.perf_counter()
        runner.on_events_changed(ids[start : start + BATCH])
        fanout_ms.append((time.perf_counter() - began) * 1000)
    settings = config.load()
    began = time.perf_counter()
    rounds = 0
    while Delivery.objects.filter(status="pending").exists():
        runner.deliver_due(settings=settings)
        rounds += 1
    elapsed = time.perf_counter() - began
    server.shutdown()
    sent = Delivery.objects.filter(status="sent").count()
    result = {
        "database": connection.vendor,
        "events": args.events,
        "targets": 2,
        "fanout_ms_per_200_events_median": round(statistics.median(fanout_ms), 2),
        "fanout_ms_per_200_events_max": round(max(fanout_ms), 2),
        "deliveries_sent": sent,
        "webhook_requests_received": len(received),
        "delivery_seconds": round(elapsed, 2),
        "deliveries_per_second": round(sent / elapsed, 1),
        "rounds": rounds,
    }
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
