"""REST route of the audit log (read-only: the log has no write route by design)."""

# No `from __future__ import annotations` here: django-ninja builds its schemas from the
# evaluated annotations of the route functions.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from vigil.api.access import require
from vigil.core.models import AuditEntry
from vigil.core.permissions import Action

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    ip: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    school_id: int | None
    changes: dict[str, Any]
    reason: str
    request_id: str
    hash: str


@router.get("/audit", response=list[AuditEntryOut])
@paginate(LimitOffsetPagination)
def list_audit(  # type: ignore[no-untyped-def]
    request: HttpRequest, action: str | None = None, since: datetime | None = None
):
    require(request, Action.AUDIT_VIEW)
    qs = AuditEntry.objects.restrict(request.user, Action.AUDIT_VIEW).order_by("-seq")
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(at__gte=since)
    return qs
