"""Reads of the knowledge base used by more than one caller (pages, API, dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from vigil.core.permissions import Action
from vigil.sites import geojson, search
from vigil.sites.choices import AreaType, AssetKind, RiskClass, Utility
from vigil.sites.models import Area, Asset, Building, Level, School, Surrounding


def _count(rows: QuerySet[Any], parent: str) -> Coalesce:
    """A correlated COUNT of ``rows`` per parent row.

    Subqueries rather than COUNT(DISTINCT) over joins: joining buildings × areas × levels
    multiplies rows, and with 200 schools the joined list missed the 100 ms target
    (docs/benchmarks-kb.md).
    """
    counted = (
        rows.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def schools_for(user: Any, action: Action = Action.SITES_VIEW) -> QuerySet[School]:
    """Schools the user may act on, with building and area counts, in one query."""
    return (
        School.objects.restrict(user, action)
        .select_related("district")
        .annotate(
            building_count=_count(Building.objects.all(), "school"),
            area_count=_count(Area.objects.all(), "school"),
            high_risk_count=_count(Area.objects.filter(risk=RiskClass.HIGH), "school"),
        )
        .order_by("name")
    )


def buildings_for(user: Any, school: School | None = None) -> QuerySet[Building]:
    qs = (
        Building.objects.restrict(user, Action.SITES_VIEW)
        .select_related("school")
        .annotate(
            level_count=_count(Level.objects.all(), "building"),
            area_count=_count(Area.objects.all(), "building"),
        )
    )
    return qs.filter(school=school) if school is not None else qs


def areas_for(user: Any, school: School | None = None) -> QuerySet[Area]:
    qs = Area.objects.restrict(user, Action.SITES_VIEW).select_related("building", "level")
    return qs.filter(school=school) if school is not None else qs


# --- Campus map and Find (issue 3) -------------------------------------------------------

_AREA_FIELDS = (
    "id",
    "name",
    "code",
    "area_type",
    "risk",
    "isolated",
    "notes",
    "geometry",
    "building__code",
    "level__ordinal",
)
_ASSET_FIELDS = (
    "id",
    "kind",
    "name",
    "number",
    "door_use",
    "utility",
    "operating_steps",
    "heading_deg",
    "field_of_view_deg",
    "tag_id",
    "notes",
    "location",
    "photo",
    "building__code",
    "level__ordinal",
    "area__name",
)


def campus_map(user: Any, school_id: int) -> dict[str, Any] | None:
    """Everything the campus map draws, one GeoJSON FeatureCollection per layer.

    Six queries whatever the size of the campus (school, buildings, levels, areas, assets,
    surroundings); None when the school does not exist or is outside the user's scope.
    """
    school = (
        School.objects.restrict(user, Action.SITES_VIEW)
        .filter(pk=school_id)
        .values("id", "name", "slug", "latitude", "longitude", "boundary", "address")
        .first()
    )
    if school is None:
        return None
    slug = school["slug"]
    buildings = list(
        Building.objects.restrict(user, Action.SITES_VIEW)
        .filter(school_id=school_id)
        .order_by("code")
        .values("id", "name", "code", "notes", "footprint")
    )
    levels: dict[int, str] = {}
    for ordinal, name in (
        Level.objects.restrict(user, Action.SITES_VIEW)
        .filter(building__school_id=school_id)
        .order_by("ordinal", "building__code")
        .values_list("ordinal", "name")
    ):
        levels.setdefault(ordinal, name)
    areas = (
        Area.objects.restrict(user, Action.SITES_VIEW)
        .filter(school_id=school_id)
        .order_by("level__ordinal", "id")
        .values(*_AREA_FIELDS)
    )
    assets = (
        Asset.objects.restrict(user, Action.SITES_VIEW)
        .filter(school_id=school_id)
        .order_by("kind", "number", "id")
        .values(*_ASSET_FIELDS)
    )
    surroundings = (
        Surrounding.objects.restrict(user, Action.SITES_VIEW)
        .filter(school_id=school_id)
        .order_by("kind", "name")
        .values("id", "kind", "name", "geometry", "contact_name", "contact_phone", "notes")
    )
    return {
        "school": {
            "id": school["id"],
            "name": school["name"],
            "slug": slug,
            "address": school["address"],
            "entrance": [school["longitude"], school["latitude"]],
        },
        "levels": [{"ordinal": o, "name": n} for o, n in sorted(levels.items())],
        "layers": {
            "boundary": geojson.collection([geojson.boundary_feature(school)]),
            "buildings": geojson.collection(
                geojson.building_feature(
                    b,
                    page_url=reverse("sites:building", args=[slug, b["id"]]),
                    card_url=reverse("sites:responder_card", args=[slug, b["id"]]),
                )
                for b in buildings
            ),
            "areas": geojson.collection(geojson.area_feature(a) for a in areas),
            "assets": geojson.collection(
                geojson.asset_feature(
                    a,
                    photo_url=reverse("sites:asset_photo", args=[slug, a["id"]])
                    if a["photo"]
                    else None,
                )
                for a in assets
            ),
            "surroundings": geojson.collection(
                geojson.surrounding_feature(s) for s in surroundings
            ),
        },
    }


@dataclass(frozen=True)
class FindHit:
    """One answer to a Find query, with where to show it."""

    kind: str  # "asset", "area" or "building"
    id: int
    title: str
    detail: str
    school_id: int
    school_name: str
    symbol: str
    level: int | None
    point: tuple[float, float] | None  # (longitude, latitude)
    map_url: str


@dataclass(frozen=True)
class FindResult:
    query: str
    understood: str
    hits: tuple[FindHit, ...]
    more: bool  # there were more matches than the limit

    @property
    def school_ids(self) -> list[int]:
        return sorted({h.school_id for h in self.hits})


FIND_LIMIT = 30


def find(user: Any, text: str, limit: int = FIND_LIMIT) -> FindResult:
    """Answer a Find query across every school the user may see (see vigil.sites.search).

    Assets answer when the query names a kind, a utility or a door number; otherwise
    buildings, areas and assets whose names match every word answer, in that order. At most
    three queries, each limited, whatever the size of the district.
    """
    parsed = search.parse(text)
    if parsed.empty:
        return FindResult(query=text, understood="", hits=(), more=False)
    urls: dict[str, str] = {}

    def map_url(slug: str, focus: str) -> str:
        if slug not in urls:
            urls[slug] = reverse("sites:school_map", args=[slug])
        return f"{urls[slug]}?focus={focus}"

    hits: list[FindHit] = []
    if not parsed.wants_assets_only:
        buildings = (
            Building.objects.restrict(user, Action.SITES_VIEW)
            .filter(search.building_filter(parsed))
            .order_by("school__name", "code")
            .values("id", "name", "code", "footprint", "school_id", "school__name", "school__slug")
        )[: limit + 1]
        for b in buildings:
            hits.append(
                FindHit(
                    kind="building",
                    id=b["id"],
                    title=f"{b['name']} ({b['code']})",
                    detail=f"Building · {b['school__name']}",
                    school_id=b["school_id"],
                    school_name=b["school__name"],
                    symbol=b["code"],
                    level=None,
                    point=_centre(b["footprint"]),
                    map_url=map_url(b["school__slug"], f"building-{b['id']}"),
                )
            )
        areas = (
            Area.objects.restrict(user, Action.SITES_VIEW)
            .filter(search.area_filter(parsed))
            .order_by("school__name", "building__code", "level__ordinal", "name")
            .values(
                "id",
                "name",
                "code",
                "area_type",
                "geometry",
                "level__ordinal",
                "building__name",
                "school_id",
                "school__name",
                "school__slug",
            )
        )[: limit + 1]
        for a in areas:
            where = " · ".join(filter(None, [a["building__name"], a["school__name"]]))
            hits.append(
                FindHit(
                    kind="area",
                    id=a["id"],
                    title=f"{a['name']} ({a['code']})" if a["code"] else a["name"],
                    detail=f"{AreaType(a['area_type']).label} · {where}",
                    school_id=a["school_id"],
                    school_name=a["school__name"],
                    symbol="",
                    level=a["level__ordinal"],
                    point=_centre(a["geometry"]),
                    map_url=map_url(a["school__slug"], f"area-{a['id']}"),
                )
            )
    assets = (
        Asset.objects.restrict(user, Action.SITES_VIEW)
        .filter(search.asset_filter(parsed))
        .order_by("school__name", "building__code", "kind", "number", "name")
        .values(
            "id",
            "kind",
            "name",
            "number",
            "utility",
            "location",
            "level__ordinal",
            "building__name",
            "area__name",
            "school_id",
            "school__name",
            "school__slug",
        )
    )[: limit + 1]
    for s in assets:
        kind_label = (
            f"{Utility(s['utility']).label} shutoff"
            if s["utility"]
            else str(AssetKind(s["kind"]).label)
        )
        where = " · ".join(filter(None, [s["area__name"], s["building__name"], s["school__name"]]))
        hits.append(
            FindHit(
                kind="asset",
                id=s["id"],
                title=geojson.asset_label(s["kind"], s["name"], s["number"]),
                detail=f"{kind_label} · {where}",
                school_id=s["school_id"],
                school_name=s["school__name"],
                symbol=geojson.asset_symbol(s["kind"], s["utility"], s["number"]),
                level=s["level__ordinal"],
                point=_point(s["location"]),
                map_url=map_url(s["school__slug"], f"asset-{s['id']}"),
            )
        )
    return FindResult(
        query=text,
        understood=parsed.describe(),
        hits=tuple(hits[:limit]),
        more=len(hits) > limit,
    )


def _point(geometry: Any) -> tuple[float, float] | None:
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        lng, lat = geometry["coordinates"][:2]
        return (float(lng), float(lat))
    return None


def _centre(geometry: Any) -> tuple[float, float] | None:
    """The mean of a polygon's outer-ring vertices: good enough to place a marker."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Point":
        return _point(geometry)
    if geometry.get("type") != "Polygon" or not geometry.get("coordinates"):
        return None
    ring = geometry["coordinates"][0]
    vertices = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    if not vertices:
        return None
    return (
        sum(float(v[0]) for v in vertices) / len(vertices),
        sum(float(v[1]) for v in vertices) / len(vertices),
    )
