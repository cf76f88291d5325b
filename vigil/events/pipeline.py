"""The one ingest pipeline every source goes through (DESIGN.md, "Data flow of an event").

receive → store the raw message (append-only, hashed) → normalise to a typed event →
de-duplicate by the source's own id → map the device to school/area/asset → persist, all in one
transaction, so the caller acknowledges the sender only after everything is committed: a
message is never lost (stored before the ack) and never doubled (the raw message's dedupe key
and the event's source id are unique).

Transports (MQTT, SIA DC-09, webhooks) build an `Inbound` and pass a `Normalizer`: a pure
function from the message to a `Normalized` event, or None for a valid message with nothing to
show (a heartbeat), raising `NormalizationError` naming the field for a bad one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from vigil.events.choices import DEFAULT_SEVERITY, EventStatus, EventType
from vigil.events.models import DeviceMapping, Event, IntegrationCounter, RawMessage


@dataclass(frozen=True)
class Inbound:
    """A message as a transport received it."""

    source: str
    payload: bytes
    received_at: datetime
    dedupe_key: str  # equal for a redelivery of the same message, different otherwise
    topic: str = ""
    school_id: int | None = None  # the school the transport already knows (a webhook source's)


@dataclass(frozen=True)
class Normalized:
    """What a source's message means, in Vigil's terms."""

    source_event_id: str
    event_type: EventType
    title: str
    occurred_at: datetime
    device: str = ""
    severity: int | None = None  # None: the type's default
    ended: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)


class NormalizationError(ValueError):
    """The message is not what its source promises; ``field`` names what is wrong."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


Normalizer = Callable[[Inbound], Normalized | None]


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    IGNORED = "ignored"


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    event_id: int | None = None
    error: str = ""


def count(source: str, name: str, at: datetime, detail: str = "") -> None:
    """Add one to a diagnostics counter of ``source`` (created on first use)."""
    updated = IntegrationCounter.objects.filter(source=source, name=name).update(
        count=F("count") + 1, last_at=at, last_detail=detail[:300]
    )
    if not updated:
        try:
            with transaction.atomic():
                IntegrationCounter.objects.create(
                    source=source, name=name, count=1, last_at=at, last_detail=detail[:300]
                )
        except IntegrityError:  # another worker created it first
            count(source, name, at, detail)


def ingest(message: Inbound, normalize: Normalizer) -> IngestResult:
    """Store, normalise, de-duplicate, map and persist one message; commit before returning."""
    at = message.received_at
    with transaction.atomic():
        try:
            with transaction.atomic():
                raw = RawMessage.objects.create(
                    source=message.source,
                    received_at=at,
                    topic=message.topic[:300],
                    payload=message.payload,
                    sha256=hashlib.sha256(message.payload).hexdigest(),
                    dedupe_key=message.dedupe_key[:128],
                )
        except IntegrityError:
            count(message.source, "duplicate", at)
            return IngestResult(Outcome.DUPLICATE)
        try:
            normalized = normalize(message)
        except NormalizationError as exc:
            raw.error = str(exc)
            raw.save(update_fields=["error"])
            count(message.source, "rejected", at, str(exc))
            return IngestResult(Outcome.REJECTED, error=str(exc))
        if normalized is None:
            count(message.source, "ignored", at)
            return IngestResult(Outcome.IGNORED)
        event, created = _upsert(message, normalized)
        raw.event = event
        raw.save(update_fields=["event"])
        count(message.source, "accepted", at)
    return IngestResult(Outcome.CREATED if created else Outcome.UPDATED, event_id=event.pk)


def _upsert(message: Inbound, n: Normalized) -> tuple[Event, bool]:
    source, at = message.source, message.received_at
    severity = n.severity if n.severity is not None else DEFAULT_SEVERITY[n.event_type]
    existing = (
        Event.objects.select_for_update()
        .filter(source=source, source_event_id=n.source_event_id)
        .first()
    )
    if existing is not None:
        existing.event_type = n.event_type
        existing.severity = max(existing.severity, severity)  # an update never downplays it
        existing.title = n.title[:300]
        existing.data = {**existing.data, **dict(n.data)}
        existing.updated_at = at
        if n.ended and existing.ended_at is None:
            existing.ended_at = n.occurred_at
        existing.save()
        return existing, False
    mapping = (
        DeviceMapping.objects.filter(source=source, external_id=n.device).first()
        if n.device
        else None
    )
    event = Event.objects.create(
        source=source,
        source_event_id=n.source_event_id[:200],
        event_type=n.event_type,
        severity=severity,
        status=EventStatus.OPEN,
        title=n.title[:300],
        school_id=mapping.school_id if mapping else message.school_id,
        area_id=mapping.area_id if mapping else None,
        asset_id=mapping.asset_id if mapping else None,
        device=n.device[:200],
        occurred_at=n.occurred_at,
        received_at=at,
        updated_at=at,
        ended_at=n.occurred_at if n.ended else None,
        data=dict(n.data),
    )
    return event, True
