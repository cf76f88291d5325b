"""What every integration's diagnostics page shows, in one shape.

An integration's own ``diagnostics.snapshot(...)`` returns a `Snapshot`: its settings with
secrets redacted (only whether a secret is set, never any part of it), its connection state,
the counters the pipeline and the receiver keep (`IntegrationCounter`) and the last messages
that could not be made into events (`RawMessage.error`), payload shortened. Templates escape
the payload like any other text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.timesince import timesince

from vigil.events.models import IntegrationCounter, RawMessage

LAST_REJECTED = 20
PREVIEW_CHARS = 300

# Counter names and what they mean, in the order the page lists them; others follow by name.
COUNTER_LABELS: dict[str, str] = {
    "accepted": "Accepted (event created or updated)",
    "ignored": "Ignored (valid, nothing to show: heartbeat, false positive)",
    "duplicate": "Duplicate (redelivery of a stored message)",
    "rejected": "Rejected (stored, not an event: see below)",
    "bad_signature": "Bad or missing signature (401)",
    "too_large": "Body too large (413)",
    "unknown_source": "Unknown webhook address (404)",
    "crc": "Bad CRC or length (NAK)",
    "unknown_account": "Unknown panel account (NAK)",
    "bad_key": "Encrypted with a different AES key (NAK)",
    "unencrypted": "Clear text from an account that has a key (NAK)",
    "timestamp": "Panel clock outside the accepted band (NAK)",
    "bad_format": "Not a DC-09 frame (NAK)",
    "duh": "Unknown event code (DUH)",
}


@dataclass(frozen=True)
class Setting:
    label: str
    value: str
    secret: bool = False  # the value says only whether a secret is set


@dataclass(frozen=True)
class CounterRow:
    source: str
    name: str
    label: str
    count: int
    last_at: datetime | None
    last_detail: str


@dataclass(frozen=True)
class Rejected:
    source: str
    received_at: datetime
    topic: str
    size: int
    preview: str  # decoded text, at most PREVIEW_CHARS characters (…when cut)
    error: str


@dataclass(frozen=True)
class Snapshot:
    title: str
    settings: list[Setting]
    state: list[Setting]
    problems: list[str]
    counters: list[CounterRow]
    rejected: list[Rejected]
    last_message_at: datetime | None
    extra: dict[str, object] = field(default_factory=dict)


def when(at: datetime | None, now: datetime | None = None) -> str:
    """A time as the page shows it: local, to the second, with how long ago."""
    if at is None:
        return "never"
    ago = timesince(at, now or timezone.now()).split(",")[0]
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M:%S} ({ago} ago)"


def secret_state(value: str) -> str:
    """How a secret is shown: set or not, never its characters or its length."""
    return "set (hidden)" if value else "not set"


def _sources_query(sources: Iterable[str], prefix: str = "") -> Q:
    query = Q(source__in=sorted(set(sources)))
    if prefix:
        query |= Q(source__startswith=prefix)
    return query


def counters(sources: Iterable[str], *, prefix: str = "") -> list[CounterRow]:
    order = list(COUNTER_LABELS)
    rows = [
        CounterRow(
            source=c.source,
            name=c.name,
            label=COUNTER_LABELS.get(c.name, c.name.replace("_", " ").capitalize()),
            count=c.count,
            last_at=c.last_at,
            last_detail=c.last_detail,
        )
        for c in IntegrationCounter.objects.filter(_sources_query(sources, prefix))
    ]
    return sorted(
        rows,
        key=lambda r: (r.source, order.index(r.name) if r.name in order else len(order), r.name),
    )


def preview(payload: bytes, limit: int = PREVIEW_CHARS) -> str:
    text = bytes(payload[: limit * 4]).decode("utf-8", "replace")
    return text if len(text) <= limit and len(payload) <= limit * 4 else text[:limit] + "…"


def rejected(
    sources: Iterable[str], *, prefix: str = "", last: int = LAST_REJECTED
) -> list[Rejected]:
    messages = (
        RawMessage.objects.filter(_sources_query(sources, prefix))
        .exclude(error="")
        .order_by("-received_at", "-pk")
        .only("source", "received_at", "topic", "payload", "error")[:last]
    )
    return [
        Rejected(
            source=m.source,
            received_at=m.received_at,
            topic=m.topic,
            size=len(m.payload),
            preview=preview(bytes(m.payload)),
            error=m.error,
        )
        for m in messages
    ]


def last_message_at(sources: Iterable[str], *, prefix: str = "") -> datetime | None:
    found: datetime | None = RawMessage.objects.filter(_sources_query(sources, prefix)).aggregate(
        at=Max("received_at")
    )["at"]
    return found
