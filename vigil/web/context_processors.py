"""What every page of the shell needs: the navigation, the school switcher, the district."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vigil.core.permissions import Action, roles_of, second_factor_missing
from vigil.sites.models import District, School
from vigil.web import navigation

CURRENT_SCHOOL_KEY = "vigil_school_id"


def current_school(request: HttpRequest, schools: list[School]) -> School | None:
    wanted = request.session.get(CURRENT_SCHOOL_KEY)
    return next((s for s in schools if s.pk == wanted), None)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or second_factor_missing(user):
        return {"district": District.objects.first()}
    schools = list(
        School.objects.restrict(user, Action.SITES_VIEW).only("id", "name", "slug", "district_id")
    )
    return {
        "district": District.objects.first(),
        "nav_items": navigation.items_for(user, request.path),
        "switcher_schools": schools,
        "current_school": current_school(request, schools),
        "user_roles": [r.label for r in roles_of(user)],
    }
