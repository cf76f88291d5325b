"""Authorization cases of the live console: its data, its event stream, the officer's phone page
and dispatching an officer (vigil/events, issue 7)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.matrix.base import Case, Ctx, event_at
from vigil.accounts.models import User
from vigil.core.permissions import Action
from vigil.events.models import Event


def _event(ctx: Ctx) -> Event:
    """One open event at the target school (created once per test)."""
    event: Event = event_at(ctx, "live")
    return event


def _officer(ctx: Ctx) -> dict[str, Any]:
    # The demo's district-wide supervisor of security handles events at every school.
    return {"officer": User.objects.get(username="director").pk}


CASES: tuple[Case, ...] = (
    Case(
        "events:state",
        "get",
        lambda c: reverse("events:state"),
        Action.EVENTS_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "events:stream",
        "get",
        lambda c: reverse("events:stream"),
        Action.EVENTS_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "events:mine",
        "get",
        lambda c: reverse("events:mine"),
        Action.EVENTS_HANDLE,
        200,
        scoped=False,
    ),
    Case(
        "events:dispatch",
        "post",
        lambda c: reverse("events:dispatch", args=[_event(c).pk]),
        Action.EVENTS_DISPATCH,
        302,
        data=_officer,
    ),
)

MODELS: list[Any] = [Event]
