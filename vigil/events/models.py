"""Raw messages as received, the events made from them, and how devices map to places.

Machine data (raw messages, events as ingested, counters) is not an `AuditedModel`: an audit
row per sensor message would bury the log. What people do to events (acknowledge, resolve) and
the mapping tables they edit are audited.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.events.choices import Disposition, EventStatus, EventType, Severity


class Event(models.Model):
    """One thing that happened, as the console shows it; updated in place by its source."""

    source = models.CharField(max_length=32, help_text="The integration that reported it.")
    source_event_id = models.CharField(
        max_length=200, help_text="The source's own id: duplicates of it are the same event."
    )
    event_type = models.CharField(max_length=24, choices=EventType.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.OPEN)
    title = models.CharField(max_length=300)
    school = models.ForeignKey(
        "sites.School", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    area = models.ForeignKey(
        "sites.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    asset = models.ForeignKey(
        "sites.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    device = models.CharField(
        max_length=200, blank=True, help_text="The source's name for the device that reported."
    )
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the source said the condition ended."
    )
    data = models.JSONField(default=dict, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who is handling it.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=24, choices=Disposition.choices, blank=True)
    dispatched_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatched_events",
        help_text="The officer sent to it; they see it on their phone.",
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_event_id"], name="one_event_per_source_id"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-severity", "-occurred_at"]),
            models.Index(fields=["school", "status"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class EventChange(models.Model):
    """The change feed of the console: one row each time an event row is inserted or updated.

    Rows are written by database triggers (migration 0003), in the same transaction as the
    change, whichever process makes it (an ingest worker, a web request, a rule), and ids are
    handed out in commit order (docs/adr/0008-console-change-feed.md). The live console streams
    the rows after the client's last id; ``id`` is the position a client resumes from.
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.BigIntegerField(db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"change {self.id} of event {self.event_id}"


class EventNote(models.Model):
    """A note a person adds to an event; append-only, shown in the event's timeline."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    text = models.TextField()

    scope_path: ClassVar[str | None] = "event__school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"Note on {self.event} at {self.at:%H:%M}"


class RawMessage(models.Model):
    """A message exactly as it arrived, stored before the sender is acknowledged.

    Append-only. ``dedupe_key`` is what makes a redelivery (an MQTT QoS 1 retry after a crash,
    a replayed webhook) recognisable as the same message, so it is never stored twice.
    """

    source = models.CharField(max_length=32)
    received_at = models.DateTimeField(db_index=True)
    topic = models.CharField(max_length=300, blank=True)
    payload = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    dedupe_key = models.CharField(max_length=128)
    error = models.TextField(blank=True, help_text="Why it could not be made into an event.")
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_messages"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "dedupe_key"], name="raw_dedupe_per_source")
        ]
        indexes = [models.Index(fields=["source", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.source} message at {self.received_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ()) - {"error", "event"}:
            raise PermissionError("raw messages are append-only")
        super().save(*args, **kwargs)


class DeviceMapping(AuditedModel):
    """Which school, area and knowledge-base asset a source's device name stands for."""

    source = models.CharField(max_length=32)
    external_id = models.CharField(
        max_length=200, help_text="The device as the source names it (camera, panel account)."
    )
    school = models.ForeignKey("sites.School", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(
        "sites.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asset = models.ForeignKey(
        "sites.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["source", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="one_mapping_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class IntegrationCounter(models.Model):
    """How many messages of a kind an integration accepted or refused, for its diagnostics."""

    source = models.CharField(max_length=32)
    name = models.CharField(max_length=48)
    count = models.PositiveBigIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)
    last_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["source", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="one_counter_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.source}.{self.name} = {self.count}"
