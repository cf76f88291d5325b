"""The school calendar: where occurrences come from, and each dated occurrence of an event.

Occurrences are imported in bulk (a year of bell schedule is thousands of rows), so they are
not ``AuditedModel``s: each import run writes one audit row with its summary instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from vigil.core.models import RestrictedQuerySet
from vigil.patrols.kinds import OccurrenceKind
from vigil.sites.models import Area, School


class CalendarSource(models.Model):
    """One iCalendar feed of a school (e.g. "Bell schedule", "Athletics"); the UIDs of its
    events are unique within its namespace, so re-importing it updates rather than duplicates."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar_sources")
    name = models.CharField(max_length=200)
    uid_namespace = models.SlugField(
        max_length=100,
        help_text="Names the feed within the school; its event UIDs are unique in it.",
    )
    last_imported_at = models.DateTimeField(null=True, blank=True)

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "uid_namespace"], name="calendar_source_namespace_per_school"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarOccurrence(models.Model):
    """One dated occurrence of a calendar event, with aware start and end.

    ``recurrence_id`` is the occurrence's original start (RFC 5545 RECURRENCE-ID; the start
    itself for a one-off event), so a moved instance stays the same row.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar")
    source = models.ForeignKey(CalendarSource, on_delete=models.CASCADE, related_name="occurrences")
    uid = models.CharField("UID", max_length=255)
    recurrence_id = models.DateTimeField("recurrence ID")
    summary = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=OccurrenceKind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    location = models.CharField(max_length=300, blank=True)
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_occurrences",
        help_text="The area the location names, when it names one of the school's areas.",
    )
    fixed_post = models.BooleanField(
        default=False, help_text="A duty an officer stands at (lunch duty, bus loop duty)."
    )

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "start", "summary"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "uid", "recurrence_id"], name="calendar_occurrence_unique"
            )
        ]
        indexes = [models.Index(fields=["school", "start"])]

    def __str__(self) -> str:
        return f"{self.summary} ({self.start:%Y-%m-%d %H:%M})"
