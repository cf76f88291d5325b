"""REST routes of the knowledge base."""

# No `from __future__ import annotations` here: django-ninja builds its schemas from the
# evaluated annotations of the route functions.

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from vigil.api.access import require
from vigil.core.access import deny
from vigil.core.permissions import Action
from vigil.sites import selectors
from vigil.sites.models import Area, School
from vigil.sites.search import MAX_QUERY_LENGTH

router = Router(tags=["sites"])


class SchoolOut(Schema):
    id: int
    slug: str
    name: str
    level: str
    address: str
    phone: str
    latitude: float
    longitude: float
    building_count: int
    area_count: int
    high_risk_count: int


class SchoolPatch(Schema):
    name: str | None = Field(None, min_length=2, max_length=200)
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+() .-]*$")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class BuildingOut(Schema):
    id: int
    school_id: int
    name: str
    code: str
    level_count: int
    area_count: int


class AreaOut(Schema):
    id: int
    school_id: int
    building_id: int | None
    level_id: int | None
    name: str
    code: str
    area_type: str
    risk: str
    isolated: bool


@router.get("/schools", response=list[SchoolOut])
@paginate(LimitOffsetPagination)
def list_schools(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(request, Action.SITES_VIEW)
    return selectors.schools_for(request.user)


@router.get("/schools/{school_id}", response=SchoolOut)
def get_school(request: HttpRequest, school_id: int) -> School:
    require(request, Action.SITES_VIEW)
    return get_object_or_404(selectors.schools_for(request.user), pk=school_id)


@router.patch("/schools/{school_id}", response=SchoolOut)
def patch_school(request: HttpRequest, school_id: int, payload: SchoolPatch) -> School:
    require(request, Action.SITES_CHANGE)
    school = get_object_or_404(
        School.objects.restrict(request.user, Action.SITES_VIEW), pk=school_id
    )
    if not School.objects.restrict(request.user, Action.SITES_CHANGE).filter(pk=school.pk).exists():
        deny(request, Action.SITES_CHANGE, "sites.school")
    for name, value in payload.dict(exclude_unset=True).items():
        if value is None:
            continue
        setattr(school, name, value)
    school.full_clean()
    school.save()
    return get_object_or_404(selectors.schools_for(request.user), pk=school.pk)


@router.get("/buildings", response=list[BuildingOut])
@paginate(LimitOffsetPagination)
def list_buildings(request: HttpRequest, school_id: int | None = None):  # type: ignore[no-untyped-def]
    require(request, Action.SITES_VIEW)
    qs = selectors.buildings_for(request.user).order_by("school_id", "code")
    return qs.filter(school_id=school_id) if school_id is not None else qs


@router.get("/areas", response=list[AreaOut])
@paginate(LimitOffsetPagination)
def list_areas(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    school_id: int | None = None,
    risk: Literal["low", "medium", "high"] | None = None,
):
    require(request, Action.SITES_VIEW)
    qs = Area.objects.restrict(request.user, Action.SITES_VIEW).order_by("id")
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if risk is not None:
        qs = qs.filter(risk=risk)
    return qs


# --- Campus map and Find (issue 3) -------------------------------------------------------


class LevelOut(Schema):
    ordinal: int
    name: str


class CampusMapOut(Schema):
    """The campus map's layers, each a GeoJSON FeatureCollection (WGS84)."""

    school: dict[str, Any]
    levels: list[LevelOut]
    layers: dict[str, dict[str, Any]] = Field(
        ..., description="boundary, buildings, areas, assets, surroundings"
    )


class FindHitOut(Schema):
    kind: Literal["asset", "area", "building"]
    id: int
    title: str
    detail: str
    school_id: int
    school_name: str
    symbol: str
    level: int | None
    point: tuple[float, float] | None = Field(None, description="[longitude, latitude]")
    map_url: str


class FindOut(Schema):
    query: str
    understood: str = Field(..., description="How the words were read, e.g. exterior door 7")
    hits: list[FindHitOut]
    more: bool


@router.get("/schools/{school_id}/map", response=CampusMapOut)
def get_campus_map(request: HttpRequest, school_id: int) -> HttpResponse:
    require(request, Action.SITES_VIEW)
    data = selectors.campus_map(request.user, school_id)
    if data is None:
        raise Http404
    # Rendered straight to JSON: re-validating a few hundred features through the schema
    # took longer than reading them (docs/benchmarks-kb.md). The schema above documents it.
    return JsonResponse(data)


class FindIn(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="What to find, e.g. “gas shutoff gym”, “door 7”",
    )


@router.get("/search", response=FindOut)
def search(request: HttpRequest, params: Query[FindIn]) -> selectors.FindResult:
    require(request, Action.SITES_VIEW)
    return selectors.find(request.user, params.q)
