"""`{% load rules_tags %}{% rules_for_event event %}`: what the console rules did to an event.

Shows, on an event's page, the events a correlated alarm holds (or the alarm that holds this
event), its escalations, and whether a drill or flood control handled it. Members are read
through ``restrict()`` with the viewer's permission, like every other read. Three queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from vigil.core.permissions import Action
from vigil.events.models import Event
from vigil.rules.models import Escalation

register = template.Library()


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@register.inclusion_tag("rules/_correlation.html", takes_context=True)
def rules_for_event(context: template.Context, event: Event) -> dict[str, Any]:
    user = context["request"].user
    visible = Event.objects.restrict(user, Action.EVENTS_VIEW)
    note: dict[str, Any] = dict((event.data or {}).get("rules") or {})
    flood = dict(note.get("flood") or {})
    return {
        "event": event,
        "rules_info": {
            "members": list(
                visible.filter(correlated_into__correlated=event).order_by("occurred_at", "pk")
            ),
            "held_by": list(visible.filter(correlation_members__member=event).order_by("pk")),
            "escalations": list(
                Escalation.objects.filter(event=event).select_related("rule").order_by("at")
            ),
            "note": note,
            "flood_first": _when(flood.get("first_at")),
            "flood_last": _when(flood.get("last_at")),
        },
    }
