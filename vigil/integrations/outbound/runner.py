"""Sending events out: the fan-out consumer writes the outbox, a background task empties it.

1. ``on_events_changed(ids)`` is in ``vigil.events.fanout.CONSUMERS``: after the ingest (or a
   person's) transaction has committed, it writes one ``Delivery`` per matching target and
   event, with the body frozen, and enqueues ``deliver_task``. It never sends anything itself,
   so a slow or dead receiver cannot slow the ingest.
2. ``deliver_task`` (django-tasks; the worker is started by ``vigil run``) calls
   ``deliver_due()``: claim each due row by moving its ``next_attempt_at`` forward (a lease, so
   two workers never send the same row at once and a worker killed mid-send only delays it),
   send, then mark it sent, or schedule a retry with exponential backoff, or mark it failed
   after ``max_attempts``. A retry is enqueued as a deferred task at the earliest retry time.
3. ``vigil outbound deliver [--loop]`` does the same from the command line: after a restart it
   sends whatever the outbox still holds.

Delivery is at least once: a receiver should de-duplicate by ``X-Vigil-Delivery`` (webhooks)
or by ``id`` + ``updated_at`` in the body.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from vigil.events import pipeline
from vigil.events.models import Event
from vigil.integrations.outbound import client, config, normalize
from vigil.integrations.outbound.models import (
    Delivery,
    DeliveryStatus,
    OutboundTarget,
    TargetKind,
)

log = logging.getLogger("vigil.outbound")

LEASE = timedelta(minutes=2)  # longer than any single send can take
ROUND_LIMIT = 500
FLUSH_EVERY = 50  # outcomes written per batch of sends
INSERT_ROWS = 150  # rows per INSERT: 6 parameters each, under the 999 SQLite allows
CHUNK = 500  # ids per query (SQLite allows 999 parameters)
# What the outbound document needs: not the campus geometry and notes of every event's school.
OUTBOUND_FIELDS = (
    *(f.name for f in Event._meta.concrete_fields),
    "school__slug",
    "school__name",
    "area__name",
    "area__code",
)


def on_events_changed(ids: Sequence[int]) -> None:
    """Fan-out consumer: write the deliveries for these changed events, then wake the sender."""
    targets = list(OutboundTarget.objects.filter(active=True).prefetch_related("schools"))
    if not targets:
        return
    filters = [
        (
            target,
            normalize.TargetFilter(
                school_ids=frozenset(s.pk for s in target.schools.all()),
                min_severity=target.min_severity,
                event_types=frozenset(target.event_types),
            ),
        )
        for target in targets
    ]
    now = timezone.now()
    rows: list[tuple[int, int, str, str]] = []  # target, event, topic, body
    for start in range(0, len(ids), CHUNK):
        events = (
            Event.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("school", "area")
            .only(*OUTBOUND_FIELDS)
        )
        for event in events.order_by("pk"):
            wanted = [target for target, f in filters if f.matches(event)]
            if not wanted:
                continue
            try:
                body = normalize.event_body(event)
            except Exception:  # one odd event must not stop the others
                log.exception("cannot serialise event %s for outbound delivery", event.pk)
                continue
            rows += [
                (
                    target.pk,
                    event.pk,
                    normalize.topic(target.topic_prefix, event)
                    if target.kind == TargetKind.MQTT
                    else "",
                    body,
                )
                for target in wanted
            ]
    if rows:
        _insert(rows, now)
        wake()


def _insert(rows: list[tuple[int, int, str, str]], now: datetime) -> None:
    """Write the deliveries with multi-row INSERTs: the ORM's bulk_create spends more time
    building model instances and SQL than the database spends storing them."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(now)
    head = (
        f"INSERT INTO {table} (target_id, event_id, topic, body, status, attempts, "  # noqa: S608
        "created_at, next_attempt_at, last_error) VALUES "
    )
    row_sql = "(%s, %s, %s, %s, 'pending', 0, %s, %s, '')"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_ROWS):
            chunk = rows[start : start + INSERT_ROWS]
            params: list[Any] = []
            for target_id, event_id, topic, body in chunk:
                params += [target_id, event_id, topic, body, moment, moment]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)), params)


def wake(run_after: datetime | None = None) -> None:
    """Enqueue a sending round. If enqueuing fails the rows wait for the next round."""
    try:
        if run_after is None:
            deliver_task.enqueue()
        else:
            deliver_task.using(run_after=run_after).enqueue()
    except Exception:
        log.exception("cannot enqueue the outbound delivery task")


@task()
def deliver_task() -> int:
    result = deliver_due()
    if result.next_retry_at is not None:
        wake(result.next_retry_at)
    return result.sent


@dataclass(frozen=True)
class RoundResult:
    sent: int
    retrying: int
    failed: int
    next_retry_at: datetime | None


def _claim(delivery: Delivery, now: datetime) -> bool:
    claimed = Delivery.objects.filter(
        pk=delivery.pk,
        status=DeliveryStatus.PENDING,
        next_attempt_at=delivery.next_attempt_at,
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if claimed:
        delivery.attempts += 1
    return bool(claimed)


def _send(delivery: Delivery, publisher: client.MqttPublisher | None, timeout: float) -> None:
    target = delivery.target
    if not target.active:
        raise client.DeliveryError("the target was deactivated")
    body = delivery.body.encode()
    if target.kind == TargetKind.MQTT:
        if publisher is None:
            raise client.DeliveryError("no MQTT connection")
        publisher.publish(delivery.topic, body)
        return
    client.post_webhook(
        target.url,
        secret=target.secret,
        body=body,
        timestamp=int(time.time()),
        delivery_id=delivery.pk,
        timeout=timeout,
    )


def deliver_due(
    *, settings: config.OutboundSettings | None = None, limit: int = ROUND_LIMIT
) -> RoundResult:
    """Send every pending delivery that is due (oldest first); return what happened.

    Claims are made in one transaction and outcomes written every ``FLUSH_EVERY`` sends, so a
    round costs a handful of commits, not two per delivery. A crash between a send and its
    flush leaves the row claimed: it is sent again when the lease ends (at least once).
    """
    settings = settings or config.load()
    now = timezone.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .select_related("target")
        .order_by("pk")[:limit]
    )
    with transaction.atomic():
        claimed = [d for d in due if _claim(d, now)]
    outcomes = _Outcomes(settings)
    publisher: client.MqttPublisher | None = None
    connect_error = ""
    if any(d.target.kind == TargetKind.MQTT for d in claimed):
        try:
            publisher = client.MqttPublisher(settings).__enter__()
        except client.DeliveryError as exc:
            connect_error = str(exc)
    try:
        for delivery in claimed:
            try:
                if delivery.target.kind == TargetKind.MQTT and connect_error:
                    raise client.DeliveryError(connect_error)
                _send(delivery, publisher, settings.webhook_timeout_s)
            except client.DeliveryError as exc:
                outcomes.failed(delivery, str(exc)[:300])
            else:
                outcomes.sent(delivery)
            if outcomes.unwritten >= FLUSH_EVERY:
                outcomes.flush()
    finally:
        if publisher is not None:
            publisher.__exit__(None, None, None)
        outcomes.flush()
    return outcomes.result()


class _Outcomes:
    """What a round did, written to the outbox and the counters in small batches."""

    def __init__(self, settings: config.OutboundSettings) -> None:
        self.settings = settings
        self.sent_ids: list[int] = []
        self.failures: list[tuple[int, str, datetime, str]] = []  # pk, status, when, error
        self.counters: Counter[tuple[str, str]] = Counter()
        self.details: dict[tuple[str, str], str] = {}
        self.totals: Counter[str] = Counter()
        self.next_retry_at: datetime | None = None

    @property
    def unwritten(self) -> int:
        return len(self.sent_ids) + len(self.failures)

    def sent(self, delivery: Delivery) -> None:
        self.sent_ids.append(delivery.pk)
        self._count(delivery, "sent", f"delivery {delivery.pk}")

    def failed(self, delivery: Delivery, error: str) -> None:
        finished = timezone.now()
        if delivery.attempts >= self.settings.max_attempts:
            self.failures.append((delivery.pk, DeliveryStatus.FAILED, finished, error))
            self._count(delivery, "failed", f"delivery {delivery.pk}: {error}")
            return
        retry_at = finished + timedelta(seconds=self.settings.backoff(delivery.attempts))
        self.failures.append((delivery.pk, DeliveryStatus.PENDING, retry_at, error))
        self.next_retry_at = min(self.next_retry_at or retry_at, retry_at)
        self._count(delivery, "retry", f"delivery {delivery.pk}: {error}")

    def _count(self, delivery: Delivery, name: str, detail: str) -> None:
        key = (delivery.target.counter_source, name)
        self.counters[key] += 1
        self.details[key] = detail
        self.totals[name] += 1

    def flush(self) -> None:
        if not self.unwritten and not self.counters:
            return
        at = timezone.now()
        with transaction.atomic():
            if self.sent_ids:
                Delivery.objects.filter(pk__in=self.sent_ids).update(
                    status=DeliveryStatus.SENT, sent_at=at, last_error=""
                )
            for pk, status, when, error in self.failures:
                Delivery.objects.filter(pk=pk).update(
                    status=status, next_attempt_at=when, last_error=error
                )
            for (source, name), n in self.counters.items():
                pipeline.count(source, name, at, self.details[(source, name)], n=n)
        self.sent_ids, self.failures = [], []
        self.counters, self.details = Counter(), {}

    def result(self) -> RoundResult:
        return RoundResult(
            sent=self.totals["sent"],
            retrying=self.totals["retry"],
            failed=self.totals["failed"],
            next_retry_at=self.next_retry_at,
        )


def run(settings: config.OutboundSettings, *, interval: float = 1.0, once: bool = False) -> None:
    """Empty the outbox now, and with ``once=False`` keep doing so every ``interval`` seconds."""
    while True:
        result = deliver_due(settings=settings)
        if result.sent or result.retrying or result.failed:
            log.info(
                "outbound: %d sent, %d to retry, %d failed",
                result.sent,
                result.retrying,
                result.failed,
            )
        if once:
            return
        time.sleep(interval)
