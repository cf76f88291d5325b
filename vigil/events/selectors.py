"""Reads of the console: the events a person may see, in the order they should see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vigil.core.permissions import Action
from vigil.events.choices import EventStatus
from vigil.events.models import Event


def console_events(
    user: Any, *, status: str = "active", school_id: int | None = None, limit: int = 100
) -> QuerySet[Event]:
    """Open and acknowledged events first by severity, then newest; one query with places."""
    events: QuerySet[Event] = Event.objects.restrict(user, Action.EVENTS_VIEW).select_related(
        "school", "area", "asset", "acknowledged_by", "resolved_by"
    )
    if status == "active":
        events = events.exclude(status=EventStatus.RESOLVED)
    elif status in EventStatus.values:
        events = events.filter(status=status)
    if school_id is not None:
        events = events.filter(school_id=school_id)
    return events.order_by("-severity", "-occurred_at", "-pk")[:limit]
