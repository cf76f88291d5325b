"""The console rules supervisors edit, and what the rules did to events.

Rules (severity by type, place and schedule; correlation; escalation; flood control) and
declared drills are ``AuditedModel``s: every change a supervisor makes is in the audit log. A
rule with no school applies to every school of the district and only district-wide staff may
edit it. What the rules did (the events a correlated alarm holds, each escalation) is machine
data written by the pipeline and the tick, so it is not audited row by row; the events it
touches carry a ``data["rules"]`` note saying why.
"""

from __future__ import annotations

from datetime import time
from typing import Any, ClassVar

from django.db import models

from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.events.choices import EventType, Severity

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class RuleBase(AuditedModel):
    name = models.CharField(max_length=120)
    school = models.ForeignKey(
        "sites.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every school of the district.",
    )
    enabled = models.BooleanField(default=True)

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class SeverityRule(RuleBase):
    """Sets the severity of new events of a type, at a place, inside or outside a weekly window.

    The window is the weekdays and the time range in the school's local time (its district's
    time zone); a range whose end is before its start runs past midnight. "School days only"
    narrows the window to days with bell-schedule occurrences in the school's calendar.
    """

    class When(models.TextChoices):
        DURING = "during", "During the window"
        OUTSIDE = "outside", "Outside the window"

    event_type = models.CharField(max_length=24, choices=EventType.choices)
    area = models.ForeignKey(
        "sites.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: any area of the school.",
    )
    weekdays = models.JSONField(
        default=list, blank=True, help_text="Days of the window, 0 = Monday … 6 = Sunday."
    )
    start_time = models.TimeField(default=time(0, 0))
    end_time = models.TimeField(default=time(0, 0), help_text="Equal to the start: the whole day.")
    school_days_only = models.BooleanField(
        default=False, help_text="Only days with classes in the school's calendar."
    )
    when = models.CharField(max_length=8, choices=When.choices, default=When.DURING)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)

    class Meta:
        ordering = ["event_type", "name"]

    def window_text(self) -> str:
        days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays)) or "no day"
        span = (
            "all day"
            if self.start_time == self.end_time
            else f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        )
        school_days = ", school days only" if self.school_days_only else ""
        prefix = "outside " if self.when == self.When.OUTSIDE else ""
        return f"{prefix}{days} {span}{school_days}"


class CorrelationRule(RuleBase):
    """Two events close in time and place become one alarm holding both.

    The second event must come from the camera nearest to the first event's device (a door),
    within ``window_seconds`` before or after it.
    """

    first_type = models.CharField(
        max_length=24, choices=EventType.choices, default=EventType.DOOR_FORCED
    )
    second_type = models.CharField(
        max_length=24, choices=EventType.choices, default=EventType.PERSON_DETECTED
    )
    window_seconds = models.PositiveIntegerField(default=60)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.CRITICAL)

    class Meta:
        ordering = ["name"]


class EscalationRule(RuleBase):
    """Raises the severity of an event nobody has acknowledged after ``after_seconds``."""

    event_type = models.CharField(
        max_length=24, choices=EventType.choices, blank=True, help_text="Empty: any type."
    )
    min_severity = models.PositiveSmallIntegerField(
        choices=Severity.choices,
        default=Severity.MEDIUM,
        help_text="Only events at least this severe.",
    )
    after_seconds = models.PositiveIntegerField(default=120)
    raise_to = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.CRITICAL)

    class Meta:
        ordering = ["after_seconds", "name"]


class FloodRule(RuleBase):
    """One device sending more than ``max_events`` events in ``per_seconds`` is folded.

    Further events of that device update one open "flood" event (count, first and last) until
    the device has been quiet for ``per_seconds``; their raw messages are stored as always.
    """

    source = models.CharField(
        max_length=32, blank=True, help_text="Integration name (e.g. mqtt:frigate); empty: any."
    )
    max_events = models.PositiveIntegerField(default=20)
    per_seconds = models.PositiveIntegerField(default=60)

    class Meta:
        ordering = ["name"]


class Drill(AuditedModel):
    """A declared drill: matching events arriving in it are stored but resolved as "drill"."""

    school = models.ForeignKey("sites.School", on_delete=models.CASCADE, related_name="+")
    event_types = models.JSONField(default=list, blank=True, help_text="Empty: every type.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    enabled = models.BooleanField(default=True, help_text="Off: the drill was called off.")

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["ends_at"])]

    def __str__(self) -> str:
        return f"Drill: {self.reason}"

    def types_text(self) -> str:
        labels = dict(EventType.choices)
        return ", ".join(str(labels.get(t, t)) for t in self.event_types) or "every type"


class FloodWindow(models.Model):
    """Flood control's memory of one device: its counting window and its open flood event."""

    source = models.CharField(max_length=32)
    device = models.CharField(max_length=200)
    window_start = models.DateTimeField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)
    flood_event_id = models.CharField(
        max_length=200, blank=True, help_text="source_event_id of the open flood event, if any."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "device"], name="one_window_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.device} ({self.count} since {self.window_start})"


class CorrelationMember(models.Model):
    """An event held by a correlated alarm (an event of source "rules")."""

    correlated = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="correlation_members"
    )
    member = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="correlated_into"
    )
    rule = models.ForeignKey(
        CorrelationRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path: ClassVar[str | None] = "correlated__school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["member__occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["correlated", "member"], name="one_member_row")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.correlated_id}"


class Escalation(models.Model):
    """One escalation of an unacknowledged event by a rule; at most one per event and rule."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="escalations")
    rule = models.ForeignKey(EscalationRule, on_delete=models.CASCADE, related_name="escalations")
    at = models.DateTimeField()
    from_severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    to_severity = models.PositiveSmallIntegerField(choices=Severity.choices)

    scope_path: ClassVar[str | None] = "event__school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "rule"], name="one_escalation_per_rule")
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} raised to {self.to_severity}"
