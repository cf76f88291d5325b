"""Editing the knowledge base: buildings, levels, areas, assets, alarm zones, surroundings and
the district's other buildings. Every save and delete is audited by the models (AuditedModel);
deletes go through ``services.record_delete`` so what cascades is audited too.

A person edits only the schools where they hold ``sites.change``; a record of another school
answers 404, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from vigil.core.access import deny, require_action
from vigil.core.permissions import Action, scope_for
from vigil.sites import services
from vigil.sites.choices import SchoolLevel
from vigil.sites.forms import (
    ASSET_KIND_FIELDS,
    AlarmZoneForm,
    AreaForm,
    AssetForm,
    BuildingForm,
    LevelForm,
    OtherBuildingForm,
    SchoolRecordForm,
    SurroundingForm,
    risk_defaults,
)
from vigil.sites.models import (
    AlarmZone,
    Area,
    Asset,
    Building,
    District,
    Level,
    School,
    Surrounding,
)


@dataclass(frozen=True)
class RecordKind:
    """A kind of record of one school that the generic edit pages handle."""

    slug: str
    model: Any
    form: type[SchoolRecordForm]
    singular: str

    def records(self, user: Any, school: School) -> QuerySet[Any]:
        qs = self.model.objects.restrict(user, Action.SITES_CHANGE)
        return qs.filter(**{self.model.scope_path: school.pk})  # type: ignore[no-any-return]


KINDS: dict[str, RecordKind] = {
    k.slug: k
    for k in (
        RecordKind("building", Building, BuildingForm, "building"),
        RecordKind("level", Level, LevelForm, "level"),
        RecordKind("area", Area, AreaForm, "area"),
        RecordKind("asset", Asset, AssetForm, "asset"),
        RecordKind("zone", AlarmZone, AlarmZoneForm, "alarm zone"),
        RecordKind("surrounding", Surrounding, SurroundingForm, "surrounding"),
    )
}


def _kind(slug: str) -> RecordKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("No such kind of record.") from None


def _school(request: HttpRequest, slug: str) -> School:
    return get_object_or_404(
        School.objects.restrict(request.user, Action.SITES_CHANGE).select_related("district"),
        slug=slug,
    )


def _hub(school: School, kind: str = "") -> str:
    url = reverse("sites:records", args=[school.slug])
    return f"{url}#{kind}" if kind else url


@require_action(Action.SITES_CHANGE)
def records(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything recorded for one school, with links to change it."""
    school = _school(request, slug)
    return render(
        request,
        "sites/edit/hub.html",
        {
            "school": school,
            "buildings": Building.objects.filter(school=school).prefetch_related("levels"),
            "areas": Area.objects.filter(school=school).select_related("building", "level"),
            "assets": Asset.objects.filter(school=school).select_related("building", "level"),
            "zones": AlarmZone.objects.filter(panel__school=school)
            .select_related("panel")
            .annotate(area_count=Count("areas")),
            "surroundings": Surrounding.objects.filter(school=school),
        },
    )


def _form_page(
    request: HttpRequest, kind: RecordKind, school: School, form: SchoolRecordForm, record: Any
) -> HttpResponse:
    return render(
        request,
        "sites/edit/record_form.html",
        {
            "school": school,
            "kind": kind,
            "form": form,
            "record": record,
            "risk_defaults": risk_defaults() if kind.slug == "area" else None,
            "kind_fields": ASSET_KIND_FIELDS if kind.slug == "asset" else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_action(Action.SITES_CHANGE)
def record_new(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    school = _school(request, slug)
    what = _kind(kind)
    initial = {k: v for k, v in request.GET.items() if k in what.form.base_fields}
    form = what.form(request.POST or None, request.FILES or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = form.save()
        messages.success(request, f"{what.singular.capitalize()} “{record}” added.")
        return redirect(_hub(school, what.slug))
    return _form_page(request, what, school, form, None)


@require_action(Action.SITES_CHANGE)
def record_edit(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    school = _school(request, slug)
    what = _kind(kind)
    record = get_object_or_404(what.records(request.user, school), pk=pk)
    form = what.form(request.POST or None, request.FILES or None, instance=record, school=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{what.singular.capitalize()} “{record}” saved.")
        return redirect(_hub(school, what.slug))
    return _form_page(request, what, school, form, record)


@require_action(Action.SITES_CHANGE)
def record_delete(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    school = _school(request, slug)
    what = _kind(kind)
    record = get_object_or_404(what.records(request.user, school), pk=pk)
    if request.method == "POST":
        effects = services.record_delete(actor=request.user, obj=record)
        also = f" With it: {'; '.join(str(e) for e in effects)}." if effects else ""
        messages.success(request, f"{what.singular.capitalize()} “{record}” deleted.{also}")
        return redirect(_hub(school, what.slug))
    return render(
        request,
        "sites/edit/record_delete.html",
        {
            "school": school,
            "kind": what,
            "record": record,
            "effects": services.deletion_effects(record),
            "cancel": _hub(school, what.slug),
        },
    )


# ---------------------------------------------------------------------------------------------
# Other buildings of the district: a "school" of level other, added by district-wide roles


@require_action(Action.SITES_VIEW)
def other_buildings(request: HttpRequest) -> HttpResponse:
    places = School.objects.restrict(request.user, Action.SITES_VIEW).filter(
        level=SchoolLevel.OTHER
    )
    return render(
        request,
        "sites/edit/other_buildings.html",
        {
            "places": places,
            "can_add": scope_for(request.user, Action.SITES_CHANGE).district,
            "changeable": set(
                School.objects.restrict(request.user, Action.SITES_CHANGE).values_list(
                    "pk", flat=True
                )
            ),
        },
    )


def _require_district_wide(request: HttpRequest) -> None:
    """Adding or removing a site of the district is for people who hold the whole district."""
    if not scope_for(request.user, Action.SITES_CHANGE).district:
        deny(request, Action.SITES_CHANGE, "sites.school")


@require_action(Action.SITES_CHANGE)
def other_building_new(request: HttpRequest) -> HttpResponse:
    _require_district_wide(request)
    district = District.objects.order_by("pk").first()
    form = OtherBuildingForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        place = form.save()
        messages.success(request, f"“{place}” added.")
        return redirect(place)
    return render(
        request,
        "sites/edit/other_building_form.html",
        {"form": form, "place": None},
        status=400 if form.errors else 200,
    )


def _other_building(request: HttpRequest, slug: str) -> School:
    return get_object_or_404(
        School.objects.restrict(request.user, Action.SITES_CHANGE), slug=slug, level="other"
    )


@require_action(Action.SITES_CHANGE)
def other_building_edit(request: HttpRequest, slug: str) -> HttpResponse:
    place = _other_building(request, slug)
    form = OtherBuildingForm(request.POST or None, instance=place, district=place.district)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"“{place}” saved.")
        return redirect(place)
    return render(
        request,
        "sites/edit/other_building_form.html",
        {"form": form, "place": place},
        status=400 if form.errors else 200,
    )


@require_action(Action.SITES_CHANGE)
def other_building_delete(request: HttpRequest, slug: str) -> HttpResponse:
    place = _other_building(request, slug)
    _require_district_wide(request)
    if request.method == "POST":
        services.record_delete(actor=request.user, obj=place)
        messages.success(request, f"“{place}” deleted.")
        return redirect("sites:other_buildings")
    return render(
        request,
        "sites/edit/record_delete.html",
        {
            "school": place,
            "kind": RecordKind("other-building", School, SchoolRecordForm, "other building"),
            "record": place,
            "effects": services.deletion_effects(place),
            "cancel": reverse("sites:other_buildings"),
        },
    )
