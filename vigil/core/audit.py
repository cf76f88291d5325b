"""Writing and verifying the hash-chained audit log.

``record()`` appends one row inside the caller's transaction (so a rolled-back change leaves
no audit row claiming it happened). The chain head row is locked first, which serialises
appends on PostgreSQL (SELECT ... FOR UPDATE re-reads the newest head after waiting) and is
implied on SQLite (one writer at a time). ``verify()`` recomputes every hash in order and names
the first row that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from vigil.core import context
from vigil.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    LOGOUT = "logout"
    DENIED = "denied"
    SENSITIVE_READ = "sensitive_read"
    TWO_FACTOR_ENROLLED = "2fa_enrolled"
    TWO_FACTOR_FAILED = "2fa_failed"
    EXPORT = "export"


def _entry_payload(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    ip: str,
    via: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    school_id: int | None,
    changes: Any,
    reason: str,
    request_id: str,
    prev_hash: str,
) -> bytes:
    """The canonical bytes a row's hash covers: every field, in a fixed order."""
    document = {
        "seq": seq,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "ip": ip,
        "via": via,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "school_id": school_id,
        "changes": changes,
        "reason": reason,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry: AuditEntry) -> str:
    payload = _entry_payload(
        seq=entry.seq,
        at=entry.at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        ip=entry.ip,
        via=entry.via,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        school_id=entry.school_id,
        changes=entry.changes,
        reason=entry.reason,
        request_id=entry.request_id,
        prev_hash=entry.prev_hash,
    )
    return hashlib.sha256(payload).hexdigest()


def _object_fields(obj: models.Model | None) -> tuple[str, str, str, int | None]:
    if obj is None:
        return "", "", "", None
    school_id: int | None = None
    audit_school_id = getattr(obj, "audit_school_id", None)
    if callable(audit_school_id):
        school_id = audit_school_id()
    return (obj._meta.label_lower, str(obj.pk or ""), str(obj)[:300], school_id)


def record(
    action: AuditAction,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    school_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    actor: Any = None,
) -> AuditEntry:
    """Append one row to the audit log, as the current actor unless ``actor`` is given."""
    ctx = context.current()
    who = actor if actor is not None else ctx.actor
    actor_id = who.pk if who is not None and getattr(who, "is_authenticated", False) else None
    actor_label = who.get_username() if actor_id is not None else ""
    obj_type, obj_id, obj_repr, obj_school = _object_fields(obj)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            ip=ctx.ip,
            via=ctx.via,
            action=str(action),
            object_type=obj_type or object_type,
            object_id=obj_id,
            object_repr=obj_repr or object_repr[:300],
            school_id=obj_school if obj_school is not None else school_id,
            changes=json.loads(json.dumps(changes or {}, default=str)),
            reason=reason,
            request_id=ctx.request_id,
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    entry_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"row id {self.entry_id}" if self.entry_id is not None else "no row"
        return f"audit entry #{self.seq} ({where}): {self.message}"


def _in_order(batch_size: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify() -> tuple[int, ChainProblem | None]:
    """Recompute the chain; return the number of rows checked and the first problem, if any."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in _in_order():
        if entry.seq != expected_seq:
            return checked, ChainProblem(
                expected_seq, None, f"missing: the next row present is #{entry.seq}"
            )
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(
                entry.seq, entry.pk, "previous-hash link does not match the row before it"
            )
        if compute_hash(entry) != entry.hash:
            return checked, ChainProblem(
                entry.seq, entry.pk, "contents do not match its hash (the row was altered)"
            )
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return checked, ChainProblem(
            checked + 1, None, f"chain head says {head.last_seq} rows but {checked} were found"
        )
    if head is not None and head.last_hash != expected_prev:
        return checked, ChainProblem(checked, None, "chain head hash does not match the last row")
    return checked, None
