"""Outbound pages: the diagnostics page with its targets, editing a target, sending a failed
delivery again, and an event as a CAP 1.2 alert."""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vigil.accounts.models import User
from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.events.models import Event
from vigil.integrations.outbound import config, diagnostics, normalize, services
from vigil.integrations.outbound.forms import TargetForm
from vigil.integrations.outbound.models import Delivery, OutboundTarget
from vigil.sites.models import District

CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"


def _targets(request: HttpRequest) -> list[OutboundTarget]:
    return list(
        OutboundTarget.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE)
        .prefetch_related("schools")
        .order_by("name")
    )


@require_action(Action.INTEGRATIONS_MANAGE)
def diagnostics_page(request: HttpRequest) -> HttpResponse:
    deliveries = Delivery.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE)
    context = diagnostics.snapshot(_targets(request), deliveries)
    return render(request, "outbound/diagnostics.html", context)


def _save(request: HttpRequest, target: OutboundTarget | None) -> HttpResponse:
    form = TargetForm(request.POST or None, instance=target)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = services.target_save(
                actor=cast(User, request.user),
                target=form.save(commit=False),
                schools=form.cleaned_data["schools"],
            )
            messages.success(request, f"{saved} saved.")
            return redirect("outbound:diagnostics")
        status = 400
    return render(
        request, "outbound/target_form.html", {"form": form, "target": target}, status=status
    )


@require_action(Action.INTEGRATIONS_MANAGE)
def target_new(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@require_action(Action.INTEGRATIONS_MANAGE)
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        OutboundTarget.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE), pk=pk
    )
    return _save(request, target)


@require_POST
@require_action(Action.INTEGRATIONS_MANAGE)
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE), pk=pk
    )
    try:
        services.delivery_retry(actor=cast(User, request.user), delivery=delivery)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                messages.error(request, f"{field.capitalize()}: {error}")
    else:
        messages.success(request, f"Delivery {pk} is back in the outbox.")
    return redirect("outbound:diagnostics")


@require_action(Action.EVENTS_VIEW)
def event_cap(request: HttpRequest, pk: int) -> HttpResponse:
    """The event as a CAP 1.2 alert, for passing on to responders (the export is audited)."""
    event: Event = get_object_or_404(
        Event.objects.restrict(request.user, Action.EVENTS_VIEW).select_related(
            "school__district", "area"
        ),
        pk=pk,
    )
    district = event.school.district if event.school is not None else District.objects.first()
    body = normalize.cap_alert(
        event,
        sender=config.load().cap_sender,
        sender_name=district.name if district is not None else "Vigil",
        zone=ZoneInfo(district.time_zone if district is not None else "UTC"),
        web=request.build_absolute_uri(reverse("events:detail", args=[event.pk])),
        contact=district.security_phone if district is not None else "",
    )
    audit.record(
        audit.AuditAction.EXPORT,
        obj=event,
        school_id=event.school_id,
        reason="CAP 1.2 alert",
    )
    response = HttpResponse(body, content_type=CAP_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="vigil-event-{event.pk}.cap.xml"'
    return response
