"""Base models of Vigil: restricted querysets, audited records and the audit log itself."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar, Self, TypeVar

from django.db import models, transaction

from vigil.core.permissions import Action, scope_for

_M = TypeVar("_M", bound=models.Model)


class RestrictedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how to narrow itself to what a user may do.

    Each model says how its rows belong to a school with ``scope_path`` (a lookup path to the
    school's id, e.g. ``"school_id"`` or ``"building__school_id"``). Rows of models with no
    school (``scope_path = None``) are reachable only with a district-wide grant.
    """

    def restrict(self, user: Any, action: Action) -> Self:
        scope = scope_for(user, action)
        if scope.district:
            return self.all()
        path: str | None = getattr(self.model, "scope_path", None)
        if path is None or not scope.school_ids:
            return self.none()
        return self.filter(**{f"{path}__in": sorted(scope.school_ids)})


def _comparable(value: Any) -> str | None:
    return None if value is None else str(value)


class AuditedModel(models.Model):
    """A record whose every create, update and delete is written to the audit log.

    The values loaded from the database are remembered so an update logs exactly the fields
    that changed, before and after, without an extra query. Fields named in ``audit_redacted``
    are logged as changed but never with their values (secrets, personal contact details).
    Bulk ``QuerySet.update()``/``delete()`` bypass ``save()``; services that need them write
    their own audit rows.
    """

    audit_redacted: ClassVar[frozenset[str]] = frozenset()
    # Bookkeeping columns whose changes are not worth a row of their own (e.g. last_login,
    # which the login event already records).
    audit_ignored: ClassVar[frozenset[str]] = frozenset()
    scope_path: ClassVar[str | None] = None

    objects: ClassVar[Any] = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        from vigil.core import audit

        creating = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            changes = self._audit_changes(creating)
            if creating or changes:
                audit.record(
                    audit.AuditAction.CREATE if creating else audit.AuditAction.UPDATE,
                    obj=self,
                    changes=changes,
                )
        self._audit_loaded = self._audit_snapshot()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from vigil.core import audit

        with transaction.atomic():
            audit.record(audit.AuditAction.DELETE, obj=self, changes={})
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(
        cls,
        db: str | None,
        field_names: Collection[str],
        values: Collection[Any],
        **kwargs: Any,
    ) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._audit_loaded = instance._audit_snapshot()
        return instance

    def _audit_snapshot(self) -> dict[str, str | None]:
        return {
            f.attname: _comparable(getattr(self, f.attname))
            for f in self._meta.concrete_fields
            if f.attname in self.__dict__
        }

    def _audit_changes(self, creating: bool) -> dict[str, list[str | None]]:
        before: dict[str, str | None] = {} if creating else getattr(self, "_audit_loaded", {})
        after = self._audit_snapshot()
        changes: dict[str, list[str | None]] = {}
        for name, new in after.items():
            if name in self.audit_ignored:
                continue
            old = before.get(name)
            if creating or (name in before and old != new):
                if name in self.audit_redacted:
                    changes[name] = ["[redacted]", "[redacted]"]
                else:
                    changes[name] = [old, new]
        return changes

    def audit_school_id(self) -> int | None:
        """The school this record belongs to, for filtering the log; None when district-wide."""
        path = self.scope_path
        if path is None:
            return None
        value: Any = self
        for part in path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return int(value)


class AuditEntry(models.Model):
    """One row of the append-only, hash-chained audit log.

    No foreign keys on purpose: a row must never change when the user or record it names is
    deleted, or the chain would break. ``hash`` covers every field and the previous row's hash,
    so altering, deleting or inserting a row anywhere is detected by ``vigil audit verify``.
    """

    seq = models.PositiveBigIntegerField(unique=True, help_text="Position in the chain, from 1.")
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=32, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    scope_path: ClassVar[str | None] = "school_id"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_repr}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")


class AuditChainHead(models.Model):
    """A single row holding the latest hash; locking it serialises appends to the chain."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_seq}"
