"""Visits, the lists visitors are screened against, screening decisions and alerts.

A visit keeps only what the visit needs from an ID (name, date of birth, last four characters
of the ID number, expiry, jurisdiction), never the scanned text. Those fields are redacted in
the audit log (``audit_redacted``), and a visit's ``__str__`` names no one, because the audit
log is append-only and outlives the retention purge (``vigil visitors purge``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse

from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.sites.models import School
from vigil.visitors.choices import Decision, IdSource, VisitorKind, VisitStatus, WatchKind

_PERSON_FIELDS = frozenset(
    {"family_name", "given_names", "date_of_birth", "id_last4", "id_expiry", "id_jurisdiction"}
)


def age_on(date_of_birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


class PreRegistration(AuditedModel):
    """An expected visitor, volunteer or contractor, approved ahead of the day."""

    kind = models.CharField(max_length=16, choices=VisitorKind.choices)
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    organisation = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=200)
    host = models.CharField("host or destination", max_length=200)
    schools = models.ManyToManyField(School, related_name="visitor_preregistrations")
    valid_from = models.DateField()
    valid_until = models.DateField()
    hours_from = models.TimeField("allowed from (daily)")
    hours_until = models.TimeField("allowed until (daily)")
    background_check_on = models.DateField("background check date", null=True, blank=True)
    background_check_expires = models.DateField("background check expiry", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path: ClassVar[str | None] = "schools"
    audit_redacted = frozenset({"date_of_birth"})

    class Meta:
        ordering = ["family_name", "given_names"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.given_names} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def audit_school_id(self) -> int | None:
        # Allowed at several schools: the log files it district-wide.
        return None


class Visit(AuditedModel):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=16, choices=VisitorKind.choices, default="visitor")
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    id_last4 = models.CharField("ID number, last 4", max_length=4, blank=True)
    id_expiry = models.DateField("ID expiry", null=True, blank=True)
    id_jurisdiction = models.CharField("ID jurisdiction", max_length=2, blank=True)
    id_source = models.CharField(max_length=8, choices=IdSource.choices)
    purpose = models.CharField("purpose of visit", max_length=200)
    destination = models.CharField("host or destination", max_length=200)
    expected_minutes = models.PositiveIntegerField("expected duration (minutes)")
    photo = models.FileField(upload_to="visitors/photos/", blank=True)
    preregistration = models.ForeignKey(
        PreRegistration, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    status = models.CharField(max_length=16, choices=VisitStatus.choices)
    flags = models.JSONField(default=list, blank=True)
    # Keyed hash of the visitor's folded name and date of birth: what a "not a match" is
    # remembered against (see services.visitor_key).
    visitor_key = models.CharField(max_length=64, db_index=True)
    checked_in_at = models.DateTimeField(db_index=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    badge_expires_at = models.DateTimeField()
    signed_out_at = models.DateTimeField(null=True, blank=True)
    signed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sign_out_note = models.CharField(max_length=200, blank=True)
    # Set by incident reports (issue 6): a held visit survives the retention purge.
    legal_hold = models.BooleanField(default=False)

    scope_path: ClassVar[str | None] = "school_id"
    audit_redacted = _PERSON_FIELDS | {"visitor_key"}

    class Meta:
        ordering = ["-checked_in_at"]

    def __str__(self) -> str:
        return f"visit #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("visitors:visit", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def on_campus(self) -> bool:
        return self.status in (VisitStatus.ADMITTED, VisitStatus.REVIEW, VisitStatus.HELD)

    def flag_labels(self) -> list[str]:
        from vigil.visitors.choices import VisitFlag

        labels = dict(VisitFlag.choices)
        return [labels.get(flag, flag) for flag in self.flags]


class WatchEntry(AuditedModel):
    """A person banned, trespass-warned, or under a custody or no-contact order."""

    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watch_entries",
        help_text="Leave empty for every school of the district.",
    )
    kind = models.CharField(max_length=16, choices=WatchKind.choices)
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=100)
    aliases = models.JSONField(default=list, blank=True)  # [{"family": ..., "given": ...}]
    date_of_birth = models.DateField()
    # Custody and no-contact orders name the student by a label the office recognises (e.g.
    # "Grade 3, room 12 — J.M."), never by a link to a student record.
    student_label = models.CharField("student reference", max_length=100, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    notice = models.FileField("notice document", upload_to="visitors/notices/", blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_path: ClassVar[str | None] = "school_id"
    audit_ignored = frozenset({"updated_at"})

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "watch entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.given_names} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def active_on(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class RegistryList(AuditedModel):
    """An imported registry or licensed feed; each import replaces its entries whole."""

    name = models.CharField(max_length=200)
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_lists",
        help_text="Leave empty for every school of the district.",
    )
    source = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)
    entry_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegistryPerson(models.Model):
    """One line of an imported registry. Not audited row by row: the import is one record."""

    registry = models.ForeignKey(RegistryList, on_delete=models.CASCADE, related_name="people")
    line = models.PositiveIntegerField()
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=100)
    # The folded family name, for counting namesakes without reading the list.
    family_key = models.CharField(max_length=100, db_index=True)
    aliases = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(db_index=True)
    jurisdiction = models.CharField(max_length=2, blank=True)
    photo_url = models.URLField(max_length=500, blank=True)
    photo = models.FileField(upload_to="visitors/registry/", blank=True)

    scope_path: ClassVar[str | None] = "registry__school_id"
    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["registry", "line"]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


class ScreeningCandidate(AuditedModel):
    """A list entry screening put beside a visitor, with the reasons, and what staff decided.

    The entry is copied (name, date of birth, list) so the review still reads the same after
    the list is re-imported.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="candidates")
    watch_entry = models.ForeignKey(
        WatchEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registry_person = models.ForeignKey(
        RegistryPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    list_label = models.CharField(max_length=200)
    entry_name = models.CharField(max_length=200)
    entry_aliases = models.JSONField(default=list, blank=True)
    entry_date_of_birth = models.DateField()
    entry_jurisdiction = models.CharField(max_length=2, blank=True)
    entry_detail = models.CharField(max_length=300, blank=True)
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    decision = models.CharField(max_length=16, choices=Decision.choices, default="pending")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_path: ClassVar[str | None] = "visit__school_id"
    # The reasons quote the visitor's name and date of birth: kept out of the permanent log.
    audit_redacted = frozenset(
        {
            "entry_name",
            "entry_aliases",
            "entry_date_of_birth",
            "entry_jurisdiction",
            "entry_detail",
            "reasons",
        }
    )

    class Meta:
        ordering = ["visit", "-score", "pk"]

    def __str__(self) -> str:
        return f"screening candidate #{self.pk} of visit #{self.visit_id}"


class ScreeningDismissal(AuditedModel):
    """A remembered "not a match": this visitor (key) against this entry (fingerprint).

    A changed date of birth changes the visitor key, a changed entry its fingerprint; either
    way the pair is new and is flagged again.
    """

    visitor_key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visitor_key", "fingerprint"], name="visitors_dismissal_once"
            )
        ]

    def __str__(self) -> str:
        return f"dismissal #{self.pk}"


class VisitorAlert(AuditedModel):
    """A confirmed match: silent and high priority, for the officers of the school.

    It is also an event on the unified console (source "visitors", created with the decision in
    the same transaction): the console shows the place, this record and its page the person.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visitor_alerts")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="alerts")
    candidate = models.ForeignKey(ScreeningCandidate, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=8, default="high")
    destination = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(db_index=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path: ClassVar[str | None] = "school_id"
    audit_redacted = frozenset({"summary"})

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"visitor alert #{self.pk}"
