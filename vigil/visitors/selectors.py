"""Reads of visitor management, each starting from ``restrict(user, action)``."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from vigil.core.permissions import Action
from vigil.sites.models import School
from vigil.visitors.choices import VisitStatus
from vigil.visitors.models import (
    PreRegistration,
    RegistryList,
    ScreeningCandidate,
    Visit,
    VisitorAlert,
    WatchEntry,
)


def schools_for(user: Any, action: Action) -> QuerySet[School]:
    return School.objects.restrict(user, action).select_related("district").order_by("name")


def visits_for(user: Any, action: Action = Action.VISITORS_VIEW) -> QuerySet[Visit]:
    return Visit.objects.restrict(user, action).select_related("school", "school__district")


def start_of_day(school: School, day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(school.district.time_zone))


def on_campus(user: Any, school: School) -> QuerySet[Visit]:
    """Everyone checked in at the school and not signed out, oldest check-in first."""
    return (
        visits_for(user)
        .filter(school=school, signed_out_at=None)
        .exclude(status=VisitStatus.SIGNED_OUT)
        .order_by("checked_in_at")
    )


def still_signed_in(user: Any, school: School, before: datetime) -> QuerySet[Visit]:
    """Visitors checked in before ``before`` who never signed out: follow them up."""
    return on_campus(user, school).filter(checked_in_at__lt=before)


def search_on_campus(user: Any, school: School, query: str) -> QuerySet[Visit]:
    visits = on_campus(user, school)
    for word in query.split():
        visits = visits.filter(
            Q(family_name__icontains=word)
            | Q(given_names__icontains=word)
            | Q(destination__icontains=word)
        )
    return visits


def pending_reviews(user: Any, school: School) -> QuerySet[Visit]:
    return visits_for(user, Action.VISITORS_SCREENING_DECIDE).filter(
        school=school, status=VisitStatus.REVIEW
    )


def candidates_for(user: Any, visit: Visit) -> QuerySet[ScreeningCandidate]:
    return (
        ScreeningCandidate.objects.restrict(user, Action.VISITORS_SCREENING_DECIDE)
        .filter(visit=visit)
        .select_related("watch_entry", "registry_person", "decided_by")
        .order_by("-score", "pk")
    )


def alerts_for(user: Any) -> QuerySet[VisitorAlert]:
    return (
        VisitorAlert.objects.restrict(user, Action.VISITORS_ALERTS)
        .select_related("school", "visit", "candidate", "raised_by", "acknowledged_by")
        .order_by("acknowledged_at", "-created_at")
    )


def expected_today(user: Any, school: School, day: date) -> QuerySet[PreRegistration]:
    """Approved pre-registrations valid today at the school, for quick check-in."""
    return (
        PreRegistration.objects.restrict(user, Action.VISITORS_VIEW)
        .filter(schools=school, valid_from__lte=day, valid_until__gte=day)
        .exclude(approved_at=None)
        .distinct()
        .order_by("family_name", "given_names")
    )


def preregistrations_for(user: Any) -> QuerySet[PreRegistration]:
    return (
        PreRegistration.objects.restrict(user, Action.VISITORS_LISTS_MANAGE)
        .prefetch_related("schools")
        .distinct()
        .order_by("-valid_until", "family_name")
    )


def watch_entries_for(user: Any) -> QuerySet[WatchEntry]:
    return WatchEntry.objects.restrict(user, Action.VISITORS_LISTS_MANAGE).select_related("school")


def registries_for(user: Any) -> QuerySet[RegistryList]:
    return RegistryList.objects.restrict(user, Action.VISITORS_LISTS_MANAGE).select_related(
        "school", "imported_by"
    )
