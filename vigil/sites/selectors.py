"""Reads of the knowledge base used by more than one caller (pages, API, dashboard)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from vigil.core.permissions import Action
from vigil.sites.choices import RiskClass
from vigil.sites.models import Area, Building, School


def schools_for(user: Any, action: Action = Action.SITES_VIEW) -> QuerySet[School]:
    """Schools the user may act on, with building and area counts, in one query."""
    return (
        School.objects.restrict(user, action)
        .select_related("district")
        .annotate(
            building_count=Count("buildings", distinct=True),
            area_count=Count("areas", distinct=True),
            high_risk_count=Count("areas", filter=Q(areas__risk=RiskClass.HIGH), distinct=True),
        )
        .order_by("name")
    )


def buildings_for(user: Any, school: School | None = None) -> QuerySet[Building]:
    qs = (
        Building.objects.restrict(user, Action.SITES_VIEW)
        .select_related("school")
        .annotate(
            level_count=Count("levels", distinct=True), area_count=Count("areas", distinct=True)
        )
    )
    return qs.filter(school=school) if school is not None else qs


def areas_for(user: Any, school: School | None = None) -> QuerySet[Area]:
    qs = Area.objects.restrict(user, Action.SITES_VIEW).select_related("building", "level")
    return qs.filter(school=school) if school is not None else qs
