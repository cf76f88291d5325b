"""Health probe, error pages (HTML for people, JSON under /api/) and the audit log page."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from vigil.core.access import require_action
from vigil.core.audit import AuditAction
from vigil.core.errors import error_response
from vigil.core.models import AuditEntry
from vigil.core.permissions import Action


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_response(status, code, message)
    return render(request, f"errors/{status}.html", {"message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You do not have access to this."
    return _error(request, 403, "forbidden", message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found", "Nothing here, or nothing you have access to.")


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database: whatever failed may fail again.
    if request.path.startswith("/api/"):
        return error_response(500, "server_error", "Something went wrong on our side.")
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def _parse_day(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


@require_action(Action.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    qs = AuditEntry.objects.restrict(request.user, Action.AUDIT_VIEW).order_by("-seq")
    filters: dict[str, Any] = {
        "actor": request.GET.get("actor", "").strip(),
        "action": request.GET.get("action", "").strip(),
        "object_type": request.GET.get("object_type", "").strip(),
        "since": request.GET.get("since", "").strip(),
        "until": request.GET.get("until", "").strip(),
    }
    errors: dict[str, str] = {}
    if filters["actor"]:
        qs = qs.filter(actor_label__icontains=filters["actor"])
    if filters["action"]:
        qs = qs.filter(action=filters["action"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    for name, lookup in (("since", "at__gte"), ("until", "at__lt")):
        if filters[name]:
            start = _parse_day(filters[name])
            if start is None:
                errors[name] = "Use a date like 2026-09-01."
            else:
                qs = qs.filter(**{lookup: start if name == "since" else start + timedelta(days=1)})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "actions": [a.value for a in AuditAction],
            "object_types": AuditEntry.objects.values_list("object_type", flat=True)
            .exclude(object_type="")
            .distinct()
            .order_by("object_type"),
        },
    )
