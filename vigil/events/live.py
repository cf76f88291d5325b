"""The live console: what a console holds, the changes after a position, and how to apply them.

A console's state is a map of event id → row (the data one line of the console shows). It is
fetched once (``console_state``: the rows and the change-feed position they are at least as new
as), then kept current by applying the rows of every change after that position
(``changes_after``), streamed to the browser as Server-Sent Events by ``views.console_stream``.
``apply`` is the rule the browser's static/events/console-live.js follows: a row newer than the
one held replaces it if it still belongs in the view, and removes it otherwise. Applying the
changes after a snapshot's position to that snapshot gives exactly a fresh fetch
(tests/test_live.py checks this with random histories).

The feed is the table ``EventChange``, filled by database triggers in the same transaction as
every change, in commit order, whichever process made it (docs/adr/0008-console-change-feed.md).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from vigil.core.access import deny
from vigil.core.permissions import Action, has_action
from vigil.events.choices import Disposition, EventStatus, EventType, Severity
from vigil.events.models import Event, EventChange, EventNote
from vigil.sites.choices import AssetKind

Row = dict[str, Any]
State = dict[int, Row]

# How often a stream looks for new changes, and how long one response lasts before the browser
# reconnects with Last-Event-ID (keeps proxies and the server's threads from holding forever).
POLL_SECONDS = 0.05
STREAM_SECONDS = 300.0
HEARTBEAT_SECONDS = 15.0
BATCH = 500
# A console holds at most this many events; the active list of a district stays far below it.
STATE_LIMIT = 1000


@dataclass(frozen=True)
class View:
    """Which events a console shows: a status filter, a school, or one officer's dispatches."""

    status: str = "active"
    school_id: int | None = None
    dispatched_to_id: int | None = None

    @classmethod
    def parse(
        cls, status: str, *, school_id: int | None = None, dispatched_to_id: int | None = None
    ) -> View:
        if status not in {"active", *EventStatus.values}:
            status = "active"
        return cls(status=status, school_id=school_id, dispatched_to_id=dispatched_to_id)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "school_id": self.school_id,
            "dispatched_to_id": self.dispatched_to_id,
        }


def matches(view: View, row: Mapping[str, Any]) -> bool:
    """Does the row belong in the view? (console-live.js ``matches`` is the same rule.)"""
    if view.status == "active":
        if row["status"] == EventStatus.RESOLVED:
            return False
    elif row["status"] != view.status:
        return False
    if view.school_id is not None and row["school_id"] != view.school_id:
        return False
    return view.dispatched_to_id is None or row["dispatched_to_id"] == view.dispatched_to_id


def sort_key(row: Mapping[str, Any]) -> tuple[int, str, int]:
    """Most severe first, then newest: negated so an ascending sort gives the console order."""
    return (-int(row["severity"]), _negate(row["occurred_at"]), -int(row["id"]))


def _negate(text: str) -> str:
    # occurred_at is fixed-width UTC ISO text: mapping each digit d to 9-d reverses its order.
    return text.translate(str.maketrans("0123456789", "9876543210"))


def ordered(state: Mapping[int, Row]) -> list[Row]:
    return sorted(state.values(), key=sort_key)


def apply(state: State, rows: Iterable[Row], view: View) -> State:
    """Apply pushed rows to a console state, in place; returns it."""
    for row in rows:
        held = state.get(row["id"])
        if held is not None and held["version"] > row["version"]:
            continue  # an older copy arriving late (a reconnect replays some)
        if matches(view, row):
            state[row["id"]] = row
        else:
            state.pop(row["id"], None)
    return state


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _seconds(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def _annotated(events: QuerySet[Event]) -> QuerySet[Event]:
    latest = (
        EventChange.objects.filter(event_id=OuterRef("pk"))
        .order_by()
        .values("event_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    notes = (
        EventNote.objects.filter(event_id=OuterRef("pk"))
        .order_by()
        .values("event_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return events.annotate(
        version=Coalesce(Subquery(latest, output_field=IntegerField()), 0),
        note_count=Coalesce(Subquery(notes, output_field=IntegerField()), 0),
    )


# One flat read per console line (no model instances: the stream reads many per second).
_PERSON = ("username", "first_name", "last_name")
_FIELDS = (
    "id",
    "version",
    "note_count",
    "status",
    "severity",
    "title",
    "event_type",
    "source",
    "school_id",
    "school__name",
    "area__name",
    "asset__kind",
    "asset__number",
    "asset__name",
    "device",
    "occurred_at",
    "acknowledged_at",
    "resolved_at",
    "disposition",
    "dispatched_to_id",
    *(f"acknowledged_by__{f}" for f in _PERSON),
    *(f"dispatched_to__{f}" for f in _PERSON),
)
_STATUS = dict(EventStatus.choices)
_SEVERITY = dict(Severity.choices)
_TYPE = dict(EventType.choices)
_DISPOSITION = dict(Disposition.choices)


def _person(values: Mapping[str, Any], prefix: str) -> str:
    """``str(user)`` from flat values: the full name, else the username (as User.__str__)."""
    if values[f"{prefix}__username"] is None:
        return ""
    full = f"{values[f'{prefix}__first_name']} {values[f'{prefix}__last_name']}".strip()
    return full or str(values[f"{prefix}__username"])


def _place(values: Mapping[str, Any]) -> str:
    if values["area__name"]:
        return str(values["area__name"])
    if values["asset__name"]:
        if values["asset__kind"] == AssetKind.EXTERIOR_DOOR and values["asset__number"] is not None:
            return f"Door {values['asset__number']} – {values['asset__name']}"  # as Asset.__str__
        return str(values["asset__name"])
    return str(values["device"])


def rows(events: QuerySet[Event]) -> list[Row]:
    """The console lines of ``events`` (already restricted and ordered), in one query."""
    # One reverse() for all rows: it costs more than building the rest of a row.
    head, tail = reverse("events:detail", args=[0]).rsplit("/0/", 1)
    return [
        _row(values, f"{head}/{values['id']}/{tail}")
        for values in _annotated(events).values(*_FIELDS)
    ]


def _row(v: Mapping[str, Any], url: str) -> Row:
    occurred: datetime = v["occurred_at"]
    return {
        "id": v["id"],
        "version": int(v["version"]),
        "status": v["status"],
        "status_label": _STATUS.get(v["status"], v["status"]),
        "severity": v["severity"],
        "severity_label": _SEVERITY.get(v["severity"], str(v["severity"])),
        "title": v["title"],
        "type_label": _TYPE.get(v["event_type"], v["event_type"]),
        "source": v["source"],
        "school_id": v["school_id"],
        "school": v["school__name"] or "",
        "place": _place(v),
        "occurred_at": _iso(occurred),
        "acknowledged_at": _iso(v["acknowledged_at"]),
        "resolved_at": _iso(v["resolved_at"]),
        "handled_by": _person(v, "acknowledged_by"),
        "dispatched_to_id": v["dispatched_to_id"],
        "dispatched_to": _person(v, "dispatched_to"),
        "disposition_label": _DISPOSITION.get(v["disposition"], "") if v["disposition"] else "",
        "time_to_ack_s": _seconds(occurred, v["acknowledged_at"]),
        "time_to_resolve_s": _seconds(occurred, v["resolved_at"]),
        "notes": int(v["note_count"]),
        "url": url,
    }


def row(event: Event) -> Row:
    """The console line of one event."""
    return rows(Event.objects.filter(pk=event.pk))[0]


def _visible(user: Any) -> QuerySet[Event]:
    events: QuerySet[Event] = Event.objects.restrict(user, Action.EVENTS_VIEW)
    return events


def position() -> int:
    """The id of the newest committed change (0 before the first)."""
    last = EventChange.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


def console_state(user: Any, view: View) -> dict[str, Any]:
    """The rows of the view, and a position they are at least as new as.

    The position is read first: any change after it is streamed to the client, and a row read
    here that already contains it is simply replaced by the same data.
    """
    at = position()
    events = _visible(user)
    if view.status == "active":
        events = events.exclude(status=EventStatus.RESOLVED)
    else:
        events = events.filter(status=view.status)
    if view.school_id is not None:
        events = events.filter(school_id=view.school_id)
    if view.dispatched_to_id is not None:
        events = events.filter(dispatched_to_id=view.dispatched_to_id)
    lines = rows(events.order_by("-severity", "-occurred_at", "-pk")[:STATE_LIMIT])
    return {"position": at, "view": view.as_json(), "events": lines}


def changes_after(user: Any, after: int, *, limit: int = BATCH) -> tuple[int, list[Row]]:
    """The new position and the current rows of the events changed after ``after``.

    Only events the user may see are returned; every row is returned whatever the view (the
    client removes the ones that left it, e.g. resolved on the active list).
    """
    changes = list(
        EventChange.objects.filter(id__gt=after)
        .order_by("id")
        .values_list("id", "event_id")[:limit]
    )
    if not changes:
        return after, []
    ids = sorted({event_id for _, event_id in changes})
    return changes[-1][0], rows(_visible(user).filter(pk__in=ids).order_by("pk"))


# The feed keeps this many of its newest rows (``prune_feed``, run by ``vigil rules tick``); a
# console whose position is older than the oldest kept row is told to reload (``gone``).
FEED_KEPT = 100_000


def prune_feed(*, keep: int = FEED_KEPT) -> int:
    """Delete all but the newest ``keep`` rows of the change feed; the number deleted."""
    newest = EventChange.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None or newest <= keep:
        return 0
    deleted, _ = EventChange.objects.filter(id__lte=newest - keep).delete()
    return deleted


def gone(after: int) -> bool:
    """Were changes after ``after`` pruned before this console saw them?"""
    if after <= 0:
        return False
    oldest = EventChange.objects.order_by("id").values_list("id", flat=True).first()
    return oldest is not None and oldest > after + 1


def sse(position: int, rows: list[Row]) -> bytes:
    data = json.dumps({"position": position, "events": rows}, separators=(",", ":"))
    return f"id: {position}\nevent: events\ndata: {data}\n\n".encode()


async def stream(
    user: Any,
    after: int,
    *,
    seconds: float = STREAM_SECONDS,
    poll: float = POLL_SECONDS,
    clock: Callable[[], float] | None = None,
) -> AsyncGenerator[bytes, None]:
    """Server-Sent Events: every change after ``after`` the user may see, then keep listening."""
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    fetch = sync_to_async(changes_after)
    start = last_sent = now()
    yield b"retry: 1000\n\n"
    if await sync_to_async(gone)(after):
        yield b"event: reset\ndata: {}\n\n"  # the client reloads the whole console
        return
    while now() - start < seconds:
        new_position, rows = await fetch(user, after)
        if new_position != after:
            after = new_position
            if rows:  # changes of other schools' events move the position silently
                yield sse(after, rows)
                last_sent = now()
            continue  # more may be waiting beyond one batch
        if now() - last_sent >= HEARTBEAT_SECONDS:
            yield b": keep-alive\n\n"
            last_sent = now()
        await asyncio.sleep(poll)


_AsyncView = TypeVar("_AsyncView", bound=Callable[..., Any])


def require_action_async(action: Action) -> Callable[[_AsyncView], _AsyncView]:
    """``vigil.core.access.require_action`` for an async view (the event stream)."""

    def decorator(view: _AsyncView) -> _AsyncView:
        @wraps(view)
        async def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = await request.auser()
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not await sync_to_async(has_action)(user, action):
                await sync_to_async(deny)(request, action)
            response: HttpResponseBase = await view(request, *args, **kwargs)
            return response

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
