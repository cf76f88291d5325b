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
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from vigil.events import bulk_insert, fanout
from vigil.events.choices import DEFAULT_SEVERITY, EventStatus, EventType
from vigil.events.models import DeviceMapping, Event, IntegrationCounter, RawMessage
from vigil.rules import step as rules_step


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


def count(source: str, name: str, at: datetime, detail: str = "", *, n: int = 1) -> None:
    """Add ``n`` to a diagnostics counter of ``source`` (created on first use)."""
    updated = IntegrationCounter.objects.filter(source=source, name=name).update(
        count=F("count") + n, last_at=at, last_detail=detail[:300]
    )
    if not updated:
        try:
            with transaction.atomic():
                IntegrationCounter.objects.create(
                    source=source, name=name, count=n, last_at=at, last_detail=detail[:300]
                )
        except IntegrityError:  # another worker created it first
            count(source, name, at, detail, n=n)


def ingest(message: Inbound, normalize: Normalizer) -> IngestResult:
    """Store, normalise, de-duplicate, map and persist one message; commit before returning."""
    return ingest_batch([(message, normalize)])[0]


def ingest_batch(batch: Sequence[tuple[Inbound, Normalizer]]) -> list[IngestResult]:
    """Ingest several messages in one transaction with a fixed number of queries.

    A receiver under load hands over what it has received so far and acknowledges it all after
    this returns. Nearly every batch holds only new messages, so it is first stored without
    looking up which are stored already (that look-up was a sixth of a batch's time on
    PostgreSQL); the unique key of the raw messages stops a batch holding a redelivery, and it
    is then redone the careful way.
    """
    if not batch:
        return []
    try:
        with transaction.atomic():
            return _ingest_batch(batch, stored=set())
    except IntegrityError:
        return _ingest_checked(batch)


def _ingest_checked(batch: Sequence[tuple[Inbound, Normalizer]]) -> list[IngestResult]:
    """Ingest a batch that may repeat stored messages: skip those, store the rest once.

    If another worker stored one of the same messages at the same moment, the unique
    constraints stop the batch; it is then split and retried, so each message still ends up
    stored exactly once.
    """
    try:
        with transaction.atomic():
            return _ingest_batch(batch, stored=_stored_keys(batch))
    except IntegrityError:
        if len(batch) == 1:
            message = batch[0][0]
            if RawMessage.objects.filter(
                source=message.source, dedupe_key=message.dedupe_key[:128]
            ).exists():
                count(message.source, "duplicate", message.received_at)
                return [IngestResult(Outcome.DUPLICATE)]
            # Not a repeat: another worker created the same event (say Frigate's "new" and
            # first "update" went to two workers of the share group) and has committed it by
            # now, so this time the message finds the event and updates it.
            with transaction.atomic():
                return _ingest_batch(batch, stored=set())
        middle = len(batch) // 2
        return _ingest_checked(batch[:middle]) + _ingest_checked(batch[middle:])


def _ingest_batch(
    batch: Sequence[tuple[Inbound, Normalizer]], stored: set[tuple[str, str]]
) -> list[IngestResult]:
    results: list[IngestResult | None] = [None] * len(batch)
    tally: Counter[tuple[str, str]] = Counter()
    last_detail: dict[tuple[str, str], str] = {}
    at = max(message.received_at for message, _ in batch)

    # Redeliveries: already stored, or repeated within this batch.
    seen: set[tuple[str, str]] = set()
    fresh: list[int] = []
    for i, (message, _) in enumerate(batch):
        key = (message.source, message.dedupe_key[:128])
        if key in stored or key in seen:
            results[i] = IngestResult(Outcome.DUPLICATE)
            tally[(message.source, "duplicate")] += 1
        else:
            seen.add(key)
            fresh.append(i)

    normalized: dict[int, Normalized] = {}
    raws: dict[int, RawMessage] = {}
    for i in fresh:
        message, normalize = batch[i]
        error = ""
        try:
            result = normalize(message)
        except NormalizationError as exc:
            error = str(exc)
            results[i] = IngestResult(Outcome.REJECTED, error=error)
            tally[(message.source, "rejected")] += 1
            last_detail[(message.source, "rejected")] = error
        else:
            if result is None:
                results[i] = IngestResult(Outcome.IGNORED)
                tally[(message.source, "ignored")] += 1
            else:
                normalized[i] = result
        raws[i] = RawMessage(
            source=message.source,
            received_at=message.received_at,
            topic=message.topic[:300],
            payload=message.payload,
            sha256=hashlib.sha256(message.payload).hexdigest(),
            dedupe_key=message.dedupe_key[:128],
            error=error,
        )

    # Events first, so each raw message is inserted already pointing at its event: one insert
    # per table instead of an insert and a bulk update (the update was a third of a batch's
    # time). Both happen in the one transaction, so the order is invisible to readers.
    events = _upsert_events(batch, normalized)
    for i, (event, created) in events.items():
        raws[i].event = event
        results[i] = IngestResult(Outcome.CREATED if created else Outcome.UPDATED, event.pk)
        tally[(batch[i][0].source, "accepted")] += 1
    bulk_insert.insert(list(raws.values()))
    fanout.events_changed(event.pk for event, _ in events.values())

    for (source, name), n in tally.items():
        count(source, name, at, last_detail.get((source, name), ""), n=n)
    return [r if r is not None else IngestResult(Outcome.IGNORED) for r in results]


def _stored_keys(batch: Sequence[tuple[Inbound, Normalizer]]) -> set[tuple[str, str]]:
    wanted: dict[str, set[str]] = {}
    for message, _ in batch:
        wanted.setdefault(message.source, set()).add(message.dedupe_key[:128])
    query = Q()
    for source, keys in wanted.items():
        query |= Q(source=source, dedupe_key__in=sorted(keys))
    return set(RawMessage.objects.filter(query).values_list("source", "dedupe_key"))


def _stored_events(ids: dict[str, set[str]]) -> dict[tuple[str, str], Event]:
    """The stored events of these source ids, locked for this transaction, by (source, id)."""
    query = Q()
    for source, source_ids in ids.items():
        query |= Q(source=source, source_event_id__in=sorted(source_ids))
    return {
        (e.source, e.source_event_id): e for e in Event.objects.select_for_update().filter(query)
    }


def _upsert_events(
    batch: Sequence[tuple[Inbound, Normalizer]], normalized: dict[int, Normalized]
) -> dict[int, tuple[Event, bool]]:
    """Create or update the event of every normalised message, in batch order."""
    if not normalized:
        return {}
    ids: dict[str, set[str]] = {}
    devices: dict[str, set[str]] = {}
    for i, n in normalized.items():
        source = batch[i][0].source
        ids.setdefault(source, set()).add(n.source_event_id[:200])
        if n.device:
            devices.setdefault(source, set()).add(n.device)
    known = _stored_events(ids)
    mapping_query = Q()
    for source, names in devices.items():
        mapping_query |= Q(source=source, external_id__in=sorted(names))
    mappings: dict[tuple[str, str], DeviceMapping] = (
        {(m.source, m.external_id): m for m in DeviceMapping.objects.filter(mapping_query)}
        if devices
        else {}
    )

    outcome: dict[int, tuple[Event, bool]] = {}
    new: dict[tuple[str, str], Event] = {}
    changed: dict[int, Event] = {}
    for i in sorted(normalized):
        message, n = batch[i][0], normalized[i]
        key = (message.source, n.source_event_id[:200])
        severity = n.severity if n.severity is not None else DEFAULT_SEVERITY[n.event_type]
        event = known.get(key) or new.get(key)
        if event is None:
            mapping = mappings.get((message.source, n.device)) if n.device else None
            event = Event(
                source=message.source,
                source_event_id=key[1],
                event_type=n.event_type,
                severity=severity,
                status=EventStatus.OPEN,
                title=n.title[:300],
                school_id=mapping.school_id if mapping else message.school_id,
                area_id=mapping.area_id if mapping else None,
                asset_id=mapping.asset_id if mapping else None,
                device=n.device[:200],
                occurred_at=n.occurred_at,
                received_at=message.received_at,
                updated_at=message.received_at,
                ended_at=n.occurred_at if n.ended else None,
                data=dict(n.data),
            )
            new[key] = event
            outcome[i] = (event, True)
            continue
        event.event_type = n.event_type
        event.severity = max(event.severity, severity)  # an update never downplays it
        event.title = n.title[:300]
        event.data = {**event.data, **dict(n.data)}
        event.updated_at = message.received_at
        if n.ended and event.ended_at is None:
            event.ended_at = n.occurred_at
        outcome[i] = (event, False)
        if key in known:
            changed[id(event)] = event
    rules_step.before_persist(new, changed, outcome)  # drills, severity, floods, correlation
    bulk_insert.insert(list(new.values()), returning_pk=True)
    if changed:
        Event.objects.bulk_update(
            list(changed.values()),
            ["event_type", "severity", "title", "data", "updated_at", "ended_at"],
        )
    return outcome
