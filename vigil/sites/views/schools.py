"""Pages of the district knowledge base."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from vigil.core.access import deny, require_action
from vigil.core.permissions import Action, has_action, scope_for
from vigil.sites import selectors
from vigil.sites.forms import SchoolForm
from vigil.sites.models import Building, School


@require_action(Action.SITES_VIEW)
def school_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "sites/school_list.html", {"schools": selectors.schools_for(request.user)}
    )


@require_action(Action.SITES_VIEW)
def school_detail(request: HttpRequest, slug: str) -> HttpResponse:
    school = get_object_or_404(selectors.schools_for(request.user), slug=slug)
    return render(
        request,
        "sites/school_detail.html",
        {
            "school": school,
            "buildings": selectors.buildings_for(request.user, school),
            "outdoor_areas": selectors.areas_for(request.user, school).filter(building=None),
            "can_change": scope_for(request.user, Action.SITES_CHANGE).allows_school(school.pk),
        },
    )


@require_action(Action.SITES_CHANGE)
def school_edit(request: HttpRequest, slug: str) -> HttpResponse:
    school = get_object_or_404(School.objects.restrict(request.user, Action.SITES_VIEW), slug=slug)
    if not School.objects.restrict(request.user, Action.SITES_CHANGE).filter(pk=school.pk).exists():
        deny(request, Action.SITES_CHANGE, "sites.school")
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{school} saved.")
        return redirect(school)
    return render(request, "sites/school_form.html", {"school": school, "form": form})


@require_action(Action.SITES_VIEW)
def building_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    building = get_object_or_404(
        Building.objects.restrict(request.user, Action.SITES_VIEW).select_related("school"),
        school__slug=slug,
        pk=pk,
    )
    areas = selectors.areas_for(request.user, building.school).filter(building=building)
    return render(
        request,
        "sites/building_detail.html",
        {
            "building": building,
            "school": building.school,
            "levels": building.levels.all(),
            "areas": areas.order_by("level__ordinal", "name"),
            "can_change": has_action(request.user, Action.SITES_CHANGE),
        },
    )
