"""What an operator needs to see when a webhook source misbehaves: counters and last messages.

The secret is never part of it; payloads are shortened.
"""

from __future__ import annotations

from typing import Any

from vigil.events.models import IntegrationCounter, RawMessage
from vigil.integrations.webhooks.models import WebhookSource
from vigil.integrations.webhooks.runner import source_name


def snapshot(source: WebhookSource, *, last: int = 20) -> dict[str, Any]:
    name = source_name(source.slug)
    counters = {
        c.name: {"count": c.count, "last_at": c.last_at, "last_detail": c.last_detail}
        for c in IntegrationCounter.objects.filter(source=name)
    }
    messages = [
        {
            "received_at": m.received_at,
            "bytes": len(m.payload),
            "preview": bytes(m.payload[:200]).decode("utf-8", "replace"),
            "error": m.error,
            "event_id": m.event_id,
        }
        for m in RawMessage.objects.filter(source=name).order_by("-received_at")[:last]
    ]
    return {
        "source": source.slug,
        "active": source.active,
        "tolerance_seconds": source.tolerance_seconds,
        "counters": counters,
        "last_messages": messages,
    }
