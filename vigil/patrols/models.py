"""The school calendar: where occurrences come from, and each dated occurrence of an event.

Occurrences are imported in bulk (a year of bell schedule is thousands of rows), so they are
not ``AuditedModel``s: each import run writes one audit row with its summary instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from vigil.core.models import AuditedModel, RestrictedQuerySet
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


class PatrolMode(models.TextChoices):
    FOOT = "foot", "On foot"
    BICYCLE = "bicycle", "Bicycle"
    VEHICLE = "vehicle", "Vehicle"
    VIDEO = "video", "Video patrol (camera tour)"


class ShiftStatus(models.TextChoices):
    ACTIVE = "active", "On patrol"
    ENDED = "ended", "Ended"


class Shift(AuditedModel):
    """One officer's patrol shift: the zone and mode they picked, and the plan made for it.

    The plan and its seed are stored for audit and re-planning but never shown whole, not even
    to the officer (the phone gets one stop at a time): a plan nobody can read cannot leak.
    """

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrol_shifts"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="patrol_shifts")
    building = models.ForeignKey(
        "sites.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The patrol zone; empty: the whole campus.",
    )
    mode = models.CharField(max_length=8, choices=PatrolMode.choices, default=PatrolMode.FOOT)
    status = models.CharField(
        max_length=8, choices=ShiftStatus.choices, default=ShiftStatus.ACTIVE, db_index=True
    )
    started_at = models.DateTimeField()
    planned_until = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField(help_text="The planner's seed; stored for audit, never shown.")
    graph = models.JSONField(help_text="The patrol graph planned on (patrolopt JSON).")
    plan = models.JSONField(help_text="The planned stops (patrolopt JSON); never shown whole.")
    replans = models.PositiveIntegerField(default=0, help_text="Times the officer was called away.")
    # The one stop the phone shows; chosen after each check-in, so reloading cannot reshuffle it.
    next_node = models.CharField(max_length=32, blank=True)
    next_reason = models.CharField(max_length=300, blank=True)
    next_set_at = models.DateTimeField(null=True, blank=True)

    scope_path: ClassVar[str | None] = "school_id"
    # The audit log records that a plan was made, not the plan: it must not leak from there.
    audit_redacted: ClassVar[frozenset[str]] = frozenset(
        {"seed", "graph", "plan", "next_node", "next_reason"}
    )
    audit_ignored: ClassVar[frozenset[str]] = frozenset({"next_set_at"})

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.officer} shift {self.started_at:%Y-%m-%d %H:%M}"


class ScanMethod(models.TextChoices):
    QR = "qr", "QR code"
    NFC = "nfc", "NFC tag"
    MANUAL = "manual", "By hand (tag missing or unreadable)"
    CAMERA = "camera", "Camera view (video patrol)"


class Scan(models.Model):
    """A check-in at a checkpoint: when it happened on the device and when the server heard.

    Machine-made in bulk (a shift scans hundreds of times, offline queues replay), so not an
    ``AuditedModel``; the shift's audit rows and the append-only rows themselves are the log.
    ``client_id`` is the device's id of the scan: a queue replayed twice stores it once.
    """

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="scans")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    node = models.CharField(max_length=32, help_text="The graph node, e.g. area-12 or door-3.")
    label = models.CharField(max_length=200)
    method = models.CharField(max_length=8, choices=ScanMethod.choices)
    occurred_at = models.DateTimeField(db_index=True, help_text="On the device.")
    received_at = models.DateTimeField(help_text="At the server.")
    client_id = models.CharField(max_length=64)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(
        null=True, blank=True, help_text="From the checkpoint, when GPS was given."
    )
    observation = models.CharField(
        max_length=500, blank=True, help_text="Video patrol: what was seen."
    )

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "client_id"], name="one_scan_per_client_id")
        ]
        indexes = [models.Index(fields=["school", "node", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.label} at {self.occurred_at:%H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("scans are append-only")
        super().save(*args, **kwargs)


class FindingSeverity(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Finding(AuditedModel):
    """A failed checklist item: a propped door, a light out, an obstructed camera."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="findings")
    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    node = models.CharField(max_length=32)
    label = models.CharField(max_length=200)
    area = models.ForeignKey(
        "sites.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    asset = models.ForeignKey(
        "sites.Asset", on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    item = models.CharField(max_length=24, help_text="The checklist item (see checklist.py).")
    result = models.CharField(max_length=24, help_text="What the officer found.")
    severity = models.PositiveSmallIntegerField(choices=FindingSeverity.choices)
    note = models.TextField(blank=True)
    photo = models.ForeignKey(
        "evidence.EvidenceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(help_text="On the device.")
    received_at = models.DateTimeField()
    client_id = models.CharField(max_length=64, unique=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["school", "status", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.label}: {self.result}"


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    FIXED = "fixed", "Fixed"
    VERIFIED = "verified", "Verified by patrol"


class WorkOrder(AuditedModel):
    """A repair facilities owe for a finding: open → assigned → fixed → verified by a later
    patrol that finds the item working."""

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="work_order")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="work_orders")
    status = models.CharField(
        max_length=10, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN, db_index=True
    )
    assigned_to = models.CharField(max_length=200, blank=True)
    opened_at = models.DateTimeField()
    assigned_at = models.DateTimeField(null=True, blank=True)
    fixed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        Scan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"Work order for {self.finding}"


class WalkwayAction(models.TextChoices):
    ADD = "add", "Add a walkway"
    REMOVE = "remove", "Remove the walkway"
    CHANGE = "change", "Change its length or modes"
    CONFIRM = "confirm", "Confirm the assumed walkway"


class WalkwayEdit(AuditedModel):
    """A supervisor's edit of one walkway of a school's generated patrol graph.

    The graph is generated from the map each time it is built (``campus_graph``), so an edit
    is stored against the two stops it joins, not against a generated edge: one edit per pair
    (a new one replaces it), and deleting it brings back the generated walkway (the undo).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="walkway_edits")
    # The two stops (graph node ids: area-12, door-3, offsite-5), node_a < node_b.
    node_a = models.CharField(max_length=32)
    node_b = models.CharField(max_length=32)
    action = models.CharField(max_length=8, choices=WalkwayAction.choices)
    length_m = models.FloatField(
        "length (m)", null=True, blank=True, help_text="Empty: the straight line, or unchanged."
    )
    modes = models.CharField(
        max_length=32,
        blank=True,
        help_text="Modes the walkway allows, comma-separated (foot, bicycle, vehicle).",
    )
    note = models.CharField(max_length=300, help_text="Why, e.g. fence gate locked after 15:00.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField()

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["school", "node_a", "node_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "node_a", "node_b"], name="one_walkway_edit_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.node_a} – {self.node_b}"

    @property
    def mode_set(self) -> frozenset[str]:
        return frozenset(m for m in self.modes.split(",") if m)


# The caps a supervisor chooses from, as published by the benchmark (docs/benchmarks.md).
GAP_CAPS = (1.0, 1.25, 1.5, 2.0)
DEFAULT_GAP_CAP = 1.25


class GapCapChoice(AuditedModel):
    """A supervisor's choice of a school's gap cap: how far beyond the tightest tour a stop may
    wait between visits (tighter coverage, or an officer who is harder to predict).

    The latest choice applies to shifts started after it; deleting it (the undo) brings back
    the one before, or the default.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="gap_cap_choices")
    gap_cap = models.FloatField(choices=[(cap, f"{cap:g} ×") for cap in GAP_CAPS])
    note = models.CharField(max_length=300, help_text="Why, e.g. break-ins at the portables.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField()

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"gap cap {self.gap_cap:g} at {self.school}"


class MeasureStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Measuring"
    DONE = "done", "Measured"
    FAILED = "failed", "Failed"


class GapCapMeasurement(models.Model):
    """The latest measurement of what each gap cap buys at a school, zone by zone.

    A computed result, not a record anyone edits: a new request replaces it. ``fingerprint``
    is the hash of the zone graphs it was measured on, so a page can tell when a walkway edit
    or a new area made it stale.
    """

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=MeasureStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True)
    # Per zone: {"zone", "label", "error"} or the frontier (tour, scale, points per cap).
    zones = models.JSONField(default=list)
    error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"gap-cap measurement at {self.school}: {self.status}"
