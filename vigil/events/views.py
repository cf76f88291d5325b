"""The unified console: the live list of events, an event's page, and what people do with it."""

from __future__ import annotations

import json
from typing import cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from vigil.accounts.models import User
from vigil.core.access import require_action
from vigil.core.permissions import Action, has_action, scope_for
from vigil.events import live, selectors, services
from vigil.events.choices import Disposition, EventStatus
from vigil.events.models import Event
from vigil.web.context_processors import CURRENT_SCHOOL_KEY

POLL_SECONDS = 3  # the list's refresh only where the browser has no EventSource


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


def _view(request: HttpRequest, *, mine: bool = False) -> live.View:
    school_id = request.session.get(CURRENT_SCHOOL_KEY)
    return live.View.parse(
        "active" if mine else request.GET.get("status", "active"),
        school_id=None if mine else school_id,
        dispatched_to_id=request.user.pk if mine else None,
    )


@require_action(Action.EVENTS_VIEW)
def console(request: HttpRequest) -> HttpResponse:
    context = _list_context(request)
    context["view_json"] = json.dumps(_view(request).as_json())
    context["can_handle"] = has_action(request.user, Action.EVENTS_HANDLE)
    return render(request, "events/console.html", context)


@require_GET
@require_action(Action.EVENTS_VIEW)
def console_state(request: HttpRequest) -> JsonResponse:
    """The console's rows as data and the change-feed position to stream from."""
    mine = request.GET.get("mine") == "1"
    return JsonResponse(live.console_state(request.user, _view(request, mine=mine)))


def _after(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after", "")
    return int(raw) if raw.isdigit() else None


@require_GET
@live.require_action_async(Action.EVENTS_VIEW)
async def console_stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-Sent Events: the rows of every event the user may see, as each one changes."""
    user = await request.auser()
    after = _after(request)
    if after is None:
        after = await sync_to_async(live.position)()
    response = StreamingHttpResponse(live.stream(user, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a reverse proxy must pass each message on at once
    return response


@require_action(Action.EVENTS_HANDLE)
def console_mine(request: HttpRequest) -> HttpResponse:
    """The officer's phone: the open events dispatched to them, live."""
    view = _view(request, mine=True)
    state = live.console_state(request.user, view)
    return render(
        request,
        "events/mine.html",
        {
            "events": live.ordered({r["id"]: r for r in state["events"]}),
            "view_json": json.dumps(view.as_json()),
            "dispositions": Disposition.choices,
            "dispositions_json": json.dumps(Disposition.choices),
        },
    )


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
    can_dispatch = scope_for(request.user, Action.EVENTS_DISPATCH).allows_school(event.school_id)
    context = selectors.event_context(request.user, event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "notes": event.notes.select_related("author"),
            "dispositions": Disposition.choices,
            "can_handle": has_action(request.user, Action.EVENTS_HANDLE),
            "can_report": scope_for(request.user, Action.INCIDENTS_WRITE).allows_school(
                event.school_id
            ),
            "officers": (
                selectors.dispatchable_officers(event)
                if can_dispatch and event.status != EventStatus.RESOLVED
                else None
            ),
            "place": context,
            "tile_url": settings.VIGIL_TILE_URL,
            "timers": live.row(event),
        },
    )


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the officer's phone page when the action came from there, else the event."""
    if request.POST.get("next") == "mine":
        return redirect("events:mine")
    return redirect("events:detail", pk=pk)


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
    return _back(request, pk)


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
        return _back(request, pk)
    messages.success(request, "Resolved.")
    if request.POST.get("next") == "mine":
        return redirect("events:mine")
    return redirect("events:console")


@require_POST
@require_action(Action.EVENTS_DISPATCH)
def event_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    event: Event = get_object_or_404(
        Event.objects.restrict(request.user, Action.EVENTS_DISPATCH), pk=pk
    )
    raw = request.POST.get("officer", "")
    officer = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
    if officer is None:
        messages.error(request, "Officer: Choose an officer to send.")
        return redirect("events:detail", pk=pk)
    try:
        services.event_dispatch(actor=cast(User, request.user), event=event, officer=officer)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Dispatched to {officer}; it is on their phone now.")
    return redirect("events:detail", pk=pk)
