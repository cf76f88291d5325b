"""Evidence items and their chain of custody.

An item is never deleted, by anyone: ``delete()`` (one row or a queryset) is refused and the
refusal is written to the audit log. The file it names is content-addressed and write-once
(see ``vigil.evidence.storage``).

Each item has its own append-only, hash-chained custody log, so a bundle of a few items carries
complete chains that can be checked from their first entry without the rest of the database.
An entry's ``hash`` covers every field, the item's SHA-256 and the previous entry's hash
(``vigil.evidence.custody.entry_hash``); the item's ``CustodyHead`` row holds the newest hash and
is locked on append.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.evidence.choices import CustodyAction, EvidenceKind
from vigil.sites.models import School

_ITEM_TYPE = "evidence.evidenceitem"


def _refuse(obj: models.Model | None, what: str, *, object_type: str = "") -> None:
    """Write the refusal to the audit log, then raise."""
    from vigil.core import audit

    audit.record(
        audit.AuditAction.DENIED,
        obj=obj,
        object_type=object_type,
        reason=what,
    )
    raise PermissionError(what)


class EvidenceQuerySet(RestrictedQuerySet["EvidenceItem"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse(None, "evidence is never deleted", object_type=_ITEM_TYPE)
        raise AssertionError("unreachable")  # pragma: no cover

    def update(self, **kwargs: Any) -> int:
        # A bulk update would bypass the audit log, so every change goes through save().
        _refuse(None, "evidence is changed one item at a time", object_type=_ITEM_TYPE)
        raise AssertionError("unreachable")  # pragma: no cover


class EvidenceItem(AuditedModel):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    media_type = models.CharField(max_length=100, help_text="Detected from the content.")
    original_filename = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=255)
    captured_at = models.DateTimeField(null=True, blank=True, help_text="From EXIF, when known.")
    camera = models.CharField(max_length=200, blank=True)
    gps_lat = models.FloatField("GPS latitude", null=True, blank=True)
    gps_lon = models.FloatField("GPS longitude", null=True, blank=True)
    exif_note = models.CharField(
        max_length=300, blank=True, help_text="Why EXIF data was not trusted, if it was not."
    )
    uploaded_at = models.DateTimeField(db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    derivation_tool = models.CharField(max_length=100, blank=True)
    derivation_settings = models.JSONField(default=dict, blank=True)
    legal_hold = models.BooleanField(default=False)

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "evidence item"

    def __str__(self) -> str:
        return f"evidence #{self.pk} {self.title}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        what = "evidence under legal hold" if self.legal_hold else "evidence"
        _refuse(self, f"{what} is never deleted")
        raise AssertionError("unreachable")  # pragma: no cover


class CustodyEntry(models.Model):
    """One entry of an item's custody log. Append-only: save() of an existing row and
    delete() are refused and audited. No foreign key to the user on purpose: an entry must not
    change when the account it names does."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    seq = models.PositiveIntegerField(help_text="Position in the item's chain, from 1.")
    action = models.CharField(max_length=16, choices=CustodyAction.choices)
    sha256 = models.CharField("item SHA-256", max_length=64)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200)
    at = models.DateTimeField(db_index=True)
    reason = models.TextField()
    ip = models.CharField("from (IP address)", max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    scope_path: ClassVar[str | None] = "item__school_id"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="evidence_custody_item_seq")
        ]
        verbose_name_plural = "custody entries"

    def __str__(self) -> str:
        return f"evidence #{self.item_id} custody #{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(self, "custody entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse(self, "custody entries are append-only")
        raise AssertionError("unreachable")  # pragma: no cover

    def audit_school_id(self) -> int | None:
        return int(self.item.school_id)


class CustodyHead(models.Model):
    """The newest entry of one item's chain; locking it serialises appends to that chain."""

    item = models.OneToOneField(
        EvidenceItem, on_delete=models.PROTECT, primary_key=True, related_name="custody_head"
    )
    last_seq = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"evidence #{self.item_id} custody head at #{self.last_seq}"
