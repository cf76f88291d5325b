"""Where Vigil sends its events (targets) and the outbox of what is still to be sent (deliveries).

A target is district configuration, edited by people and audited; it belongs to no single school
(``scope_path = None``), so only holders of ``integrations.manage`` for the whole district reach
it. A delivery is machine data (one row per event change and target, like a raw message): not
audited, never edited by people except "send again" on a failed one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from vigil.core.crypto import EncryptedTextField
from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.events.choices import Severity


class TargetKind(models.TextChoices):
    MQTT = "mqtt", "MQTT topic"
    WEBHOOK = "webhook", "Signed webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundTarget(AuditedModel):
    """An MQTT topic tree or a webhook URL that receives the events matching its filters."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=TargetKind.choices)
    active = models.BooleanField(default=True)
    topic_prefix = models.CharField(
        max_length=200,
        blank=True,
        default="vigil/events",
        help_text="MQTT: events go to <prefix>/<school>/<type>.",
    )
    url = models.URLField(
        "URL", max_length=500, blank=True, help_text="Webhook: the address we POST events to."
    )
    secret = EncryptedTextField(
        blank=True, help_text="Webhook: the shared secret the receiver checks our signature with."
    )
    schools = models.ManyToManyField(
        "sites.School",
        blank=True,
        related_name="+",
        help_text="Only events of these schools; none selected means every school.",
    )
    min_severity = models.PositiveSmallIntegerField(
        "minimum severity", choices=Severity.choices, default=Severity.INFO
    )
    event_types = models.JSONField(
        default=list, blank=True, help_text="Only these event types; empty means every type."
    )

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"secret"})
    scope_path: ClassVar[str | None] = None

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def counter_source(self) -> str:
        """The name its diagnostics counters are kept under."""
        return f"outbound:{self.pk}"


class Delivery(models.Model):
    """One event change to send to one target: written after the event's commit (the outbox).

    ``body`` is frozen when the row is written, so what is sent is the event as it was then, and
    a retry sends the same bytes (a webhook retry is signed again with a fresh timestamp).
    ``next_attempt_at`` is both the backoff and the lease: a sender claims a row by moving it
    forward, so a sender that dies mid-send only delays the row, never loses it.
    """

    target = models.ForeignKey(OutboundTarget, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    scope_path: ClassVar[str | None] = None
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["target", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Event {self.event_id} to {self.target_id} ({self.status})"
