"""The unified console: the live list of events, an event's page, and what people do with it."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vigil.accounts.models import User
from vigil.core.access import require_action
from vigil.core.permissions import Action, has_action
from vigil.events import selectors, services
from vigil.events.choices import Disposition, EventStatus
from vigil.events.models import Event
from vigil.web.context_processors import CURRENT_SCHOOL_KEY

POLL_SECONDS = 3


def _list_context(request: HttpRequest) -> dict[str, object]:
    status = request.GET.get("status", "active")
    if status not in {"active", *EventStatus.values}:
        status = "active"
    school_id = request.session.get(CURRENT_SCHOOL_KEY)
    return {
        "events": selectors.console_events(request.user, status=status, school_id=school_id),
        "status": status,
        "statuses": [("active", "Open and acknowledged"), *EventStatus.choices],
        "poll_seconds": POLL_SECONDS,
    }


@require_action(Action.EVENTS_VIEW)
def console(request: HttpRequest) -> HttpResponse:
    return render(request, "events/console.html", _list_context(request))


@require_action(Action.EVENTS_VIEW)
def console_rows(request: HttpRequest) -> HttpResponse:
    """The list alone, fetched every few seconds by the console page."""
    return render(request, "events/_rows.html", _list_context(request))


@require_action(Action.EVENTS_VIEW)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.restrict(request.user, Action.EVENTS_VIEW).select_related(
            "school", "area", "asset", "acknowledged_by", "resolved_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "notes": event.notes.select_related("author"),
            "dispositions": Disposition.choices,
            "can_handle": has_action(request.user, Action.EVENTS_HANDLE),
        },
    )


def _handled(request: HttpRequest, pk: int) -> Event:
    event: Event = get_object_or_404(
        Event.objects.restrict(request.user, Action.EVENTS_HANDLE), pk=pk
    )
    return event


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            messages.error(request, f"{field.capitalize()}: {error}")


@require_POST
@require_action(Action.EVENTS_HANDLE)
def event_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    event = _handled(request, pk)
    try:
        services.event_acknowledge(actor=cast(User, request.user), event=event)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "You are handling it; everyone sees that now.")
    return redirect("events:detail", pk=pk)


@require_POST
@require_action(Action.EVENTS_HANDLE)
def event_note(request: HttpRequest, pk: int) -> HttpResponse:
    event = _handled(request, pk)
    try:
        services.event_note_add(
            actor=cast(User, request.user), event=event, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("events:detail", pk=pk)


@require_POST
@require_action(Action.EVENTS_HANDLE)
def event_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    event = _handled(request, pk)
    try:
        services.event_resolve(
            actor=cast(User, request.user),
            event=event,
            disposition=request.POST.get("disposition", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("events:detail", pk=pk)
    messages.success(request, "Resolved.")
    return redirect("events:console")
