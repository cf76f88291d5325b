"""What an operator needs when outbound delivery misbehaves: targets with their problems,
redacted settings, outbox counts, error counters and the last deliveries.

No secret is part of it (webhook secrets are never read here; broker credentials are masked).
A fixed number of queries whatever the number of targets and deliveries.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count

from vigil.events.choices import EventType
from vigil.events.models import IntegrationCounter
from vigil.integrations.outbound import config
from vigil.integrations.outbound.models import DeliveryStatus, OutboundTarget

COUNTER_NAMES = ("sent", "retry", "failed")


def snapshot(targets: list[OutboundTarget], deliveries: Any, *, last: int = 30) -> dict[str, Any]:
    """``targets`` and ``deliveries`` come restricted from the view."""
    by_source = {t.counter_source: t for t in targets}
    counters: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for c in IntegrationCounter.objects.filter(source__in=sorted(by_source)):
        counters[by_source[c.source].pk][c.name] = {
            "count": c.count,
            "last_at": c.last_at,
            "last_detail": c.last_detail,
        }
    outbox: dict[int, dict[str, int]] = defaultdict(dict)
    for row in deliveries.values("target_id", "status").annotate(n=Count("pk")).order_by():
        outbox[row["target_id"]][row["status"]] = row["n"]
    rows = []
    for target in targets:
        rows.append(
            {
                "target": target,
                "problems": config.check(target),
                "where": target.topic_prefix + "/<school>/<type>"
                if target.kind == "mqtt"
                else target.url,
                "schools": [s.name for s in target.schools.all()],
                "types": [EventType(t).label for t in target.event_types if t in EventType.values],
                "counters": [
                    (name, counters[target.pk].get(name, {"count": 0})) for name in COUNTER_NAMES
                ],
                "outbox": {s: outbox[target.pk].get(s, 0) for s in DeliveryStatus.values},
            }
        )
    return {
        "settings": config.load().redacted(),
        "targets": rows,
        "deliveries": list(
            deliveries.select_related("target").order_by("-created_at", "-pk")[:last]
        ),
    }
