"""The two shapes every authorization case is written in (see tests/test_authorization_matrix.py).

Features add their cases in a module of this package that exports ``CASES`` (a tuple of
``Case``) and ``MODELS`` (the models a refused write must leave unchanged); the matrix collects
every module here, so a feature never edits another feature's cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vigil.accounts.models import ApiToken, User
from vigil.core.permissions import Action
from vigil.sites.models import School
from vigil.sites.tests.factories import Knowledge


@dataclass
class Ctx:
    actor: User | None
    school: School
    person: User
    token: ApiToken
    kb: Knowledge | None = None
    place: School | None = None


@dataclass(frozen=True)
class Case:
    key: str
    method: str
    path: Callable[[Ctx], str]
    action: Action | None  # None: any signed-in person
    ok: int
    public: bool = False
    ok_signed_in: int | None = None  # a different success status for signed-in people
    scoped: bool = True  # does the target school decide 404?
    person_scoped: bool = False  # the target is a person: visible through their schools
    data: Callable[[Ctx], dict[str, Any]] = field(default=lambda ctx: {})
    api: bool = False
    json: bool = False
    needs_kb: bool = False  # make knowledge-base records (vigil.sites.tests.factories) first
    out_of_scope: int = 404  # the status when the target school is outside the role's scope
    district_only: int | None = None  # the status for holders of the action at some schools only


def event_at(
    ctx: Ctx, key: str, *, event_type: str = "door_forced", severity: int = 4, title: str = ""
) -> Any:
    """One open event at the target school, made once per test and ``key``."""
    from django.utils import timezone

    from vigil.events.models import Event

    now = timezone.now()
    event, _ = Event.objects.get_or_create(
        source="matrix",
        source_event_id=f"matrix-{key}-{ctx.school.slug}",
        defaults={
            "event_type": event_type,
            "severity": severity,
            "title": title or "Door forced",
            "school": ctx.school,
            "occurred_at": now,
            "received_at": now,
            "updated_at": now,
        },
    )
    return event
