"""Incident reports: the template they follow, what they say, who reviewed them, every version.

A report is written by one officer, classified (NIBRS offences and school categories), placed
(an area, door or camera of the knowledge base plus free text), timed (occurred, discovered,
reported, written, submitted — kept apart), and names the people involved by role with only the
fields needed. It moves draft → submitted → (returned → submitted)* → approved; only the
author changes it, and only while it is a draft or returned (``vigil.incidents.services``
enforces that, and the refusal is audited). After approval, later facts go in as numbered,
signed addenda. Every write stores a ``ReportVersion`` snapshot, so any past state can be read
back exactly as it was.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.incidents.choices import (
    LinkKind,
    NotificationKind,
    PersonKind,
    PersonRole,
    ReportStatus,
    Scheme,
)

# A report written this long after the incident began is a late entry (flagged, not refused):
# memory fades and a court will ask why.
LATE_ENTRY_AFTER = timedelta(hours=24)


class ReportTemplate(AuditedModel):
    """What a district requires of a report. Never edited in place: a change is a new version,
    so every report keeps the rules it was written under."""

    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    required_sections = models.JSONField(
        default=list, help_text="Sections (see choices.Section) a report must fill to be submitted."
    )
    categories = models.JSONField(
        default=list, help_text="School categories offered (see choices.SchoolCategory)."
    )
    narrative_guidance = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="one_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Report(AuditedModel):
    number = models.CharField(max_length=32, unique=True, help_text="e.g. CHHS-2026-0042.")
    school = models.ForeignKey("sites.School", on_delete=models.PROTECT, related_name="reports")
    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    title = models.CharField(max_length=200)

    # Where.
    area = models.ForeignKey(
        "sites.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    asset = models.ForeignKey(
        "sites.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The door, camera or other point it happened at.",
    )
    location_text = models.CharField("location (free text)", max_length=300, blank=True)

    # When: each moment kept apart.
    occurred_start = models.DateTimeField("occurred from", null=True, blank=True, db_index=True)
    occurred_end = models.DateTimeField("occurred until", null=True, blank=True)
    discovered_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField("reported to security", null=True, blank=True)
    written_at = models.DateTimeField(help_text="When the first draft was started.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    # What.
    narrative = models.TextField(blank=True)
    actions_taken = models.TextField(blank=True)

    # Who wrote and who reviewed.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_written"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_reviewed",
    )
    version = models.PositiveIntegerField(default=1, help_text="The newest ReportVersion.")
    updated_at = models.DateTimeField()
    # The report's types and its people's roles as search tokens (search.facets_text), written
    # with them by services; the full-text index reads it (migration 0005). Never names.
    search_facets = models.TextField(blank=True, default="", editable=False)

    scope_path: ClassVar[str | None] = "school_id"
    # The narrative names juveniles; the audit log records that it changed, not what it says.
    audit_redacted: ClassVar[frozenset[str]] = frozenset({"narrative", "actions_taken"})
    # search_facets repeats the classifications and roles, which have audit rows of their own.
    audit_ignored: ClassVar[frozenset[str]] = frozenset({"updated_at", "version", "search_facets"})

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["school", "status", "-written_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_late_entry(self) -> bool:
        return (
            self.occurred_start is not None
            and self.written_at - self.occurred_start > LATE_ENTRY_AFTER
        )

    @property
    def is_locked(self) -> bool:
        return self.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class _ReportPart(AuditedModel):
    """Rows that belong to one report; the report's scope is theirs."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE)

    scope_path: ClassVar[str | None] = "report__school_id"

    class Meta:
        abstract = True

    def audit_school_id(self) -> int | None:
        return int(self.report.school_id)


class Classification(_ReportPart):
    """One offence or category of a report; a report can have several."""

    scheme = models.CharField(max_length=8, choices=Scheme.choices)
    code = models.CharField(max_length=32)

    class Meta:
        ordering = ["report_id", "scheme", "code"]
        default_related_name = "classifications"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "scheme", "code"], name="one_classification_per_code"
            )
        ]
        indexes = [models.Index(fields=["scheme", "code"])]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.code}"


class InvolvedPerson(_ReportPart):
    """A person in a report: role, kind, juvenile flag and only the details the report needs."""

    role = models.CharField(max_length=16, choices=PersonRole.choices)
    kind = models.CharField(max_length=8, choices=PersonKind.choices)
    name = models.CharField(max_length=200, blank=True, help_text="Blank when unknown.")
    juvenile = models.BooleanField(default=False)
    description = models.CharField(
        max_length=300, blank=True, help_text="Only what identifies them when the name is unknown."
    )
    visit = models.ForeignKey(
        "visitors.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The directory entry, for staff.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"name", "description"})

    class Meta:
        ordering = ["report_id", "position", "pk"]
        default_related_name = "people"
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.get_kind_display()})"


class Notification(_ReportPart):
    """Who was told: a guardian, an administrator, law enforcement (with their case number),
    fire/EMS — each with who told them and when."""

    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    party = models.CharField(max_length=200, help_text="Who was notified (name or agency).")
    notified_at = models.DateTimeField()
    notified_by = models.CharField(max_length=200)
    case_number = models.CharField(max_length=64, blank=True)

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"party"})

    class Meta:
        ordering = ["report_id", "notified_at", "pk"]
        default_related_name = "notifications"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.notified_at:%Y-%m-%d %H:%M}"


class Link(_ReportPart):
    """A console event, a patrol finding or another report this one belongs with."""

    kind = models.CharField(max_length=8, choices=LinkKind.choices)
    target_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["report_id", "kind", "target_id"]
        default_related_name = "links"
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "target_id"], name="one_link")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.target_id}"


class Attachment(_ReportPart):
    """An evidence item attached to the report (the item itself lives in vigil.evidence)."""

    item = models.ForeignKey(
        "evidence.EvidenceItem", on_delete=models.PROTECT, related_name="attachments"
    )
    attached_at = models.DateTimeField()
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["report_id", "attached_at", "pk"]
        default_related_name = "attachments"
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="one_attachment_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.report} ← evidence #{self.item_id}"


class VersionQuerySet(RestrictedQuerySet["ReportVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("report versions are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("report versions are append-only")


class ReportVersion(models.Model):
    """The whole report as it stood after one write, kept forever.

    ``content`` is the canonical JSON snapshot (``vigil.incidents.snapshot``); ``sha256`` is its
    hash and ``prev_sha256`` the previous version's, so the versions of one report form a chain
    a court packet can check.
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ReportStatus.choices)
    change = models.CharField(max_length=32, help_text="What made this version (e.g. submitted).")
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200)
    comment = models.TextField(blank=True, help_text="The reviewer's comment, when returned.")
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    prev_sha256 = models.CharField(max_length=64)

    scope_path: ClassVar[str | None] = "report__school_id"
    objects: ClassVar[Any] = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_report_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number} ({self.change})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("report versions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("report versions are append-only")


class Addendum(models.Model):
    """A later fact added to an approved report: numbered, dated and signed; never changed.

    ``signature`` is the SHA-256 over the addendum's number, text, author, time and the hash of
    the report version it was added to: change any of them and it no longer matches.
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="addenda")
    number = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=200)
    at = models.DateTimeField()
    version_sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    scope_path: ClassVar[str | None] = "report__school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "number"]
        verbose_name_plural = "addenda"
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_addendum_number")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} addendum {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("addenda are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("addenda are never deleted")
