"""Read one school's knowledge base into the places ``campus_graph.build`` joins into a graph,
with the supervisors' walkway edits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from shapely.geometry import shape

from patrolopt.graph import Edge, Node, PatrolGraph
from vigil.core.permissions import Action, scope_for
from vigil.patrols.campus_graph import OFFSITE_KINDS as OFFSITE_SURROUNDINGS
from vigil.patrols.campus_graph import RISK_DEFAULTS, BuildReport, Edit, Place, build
from vigil.patrols.models import WalkwayEdit
from vigil.sites.choices import AssetKind
from vigil.sites.geometry import to_local_metres
from vigil.sites.models import Area, Asset, Building, School, Surrounding


def building_outlines(
    viewer: Any, school: School, buildings: Iterable[Building] | None = None
) -> list[dict[str, Any]]:
    """GeoJSON features (role ``building``) of the footprints of ``buildings`` (default: all of
    the school's), the context of the patrol maps; none for a viewer who may not see the
    school's knowledge base."""
    if not scope_for(viewer, Action.SITES_VIEW).allows_school(school.pk):
        return []
    if buildings is None:
        buildings = school.buildings.exclude(footprint=None).order_by("name")
    return [
        {
            "type": "Feature",
            "geometry": building.footprint,
            "properties": {"role": "building", "label": building.name},
        }
        for building in buildings
        if building.footprint
    ]


def places_of(
    school: School, *, offsite: bool = True, building: Building | None = None
) -> list[Place]:
    """Areas with a geometry, exterior doors with a location and (optionally) offsite points,
    in metres east/north of the school's main entrance; with ``building``, only that
    building's areas and doors (the patrol area an officer picked for the shift)."""
    lat0, lng0 = school.latitude, school.longitude

    def local(geometry: Any) -> Any:
        return to_local_metres(shape(geometry), lat0, lng0)

    places: list[Place] = []
    areas = Area.objects.filter(school=school).exclude(geometry=None).select_related("level")
    doors = Asset.objects.filter(school=school, kind=AssetKind.EXTERIOR_DOOR).exclude(location=None)
    if building is not None:
        areas, doors, offsite = (
            areas.filter(building=building),
            doors.filter(building=building),
            False,
        )
    for area in areas.order_by("pk"):
        places.append(
            Place(
                id=f"area-{area.pk}",
                label=str(area),
                kind=area.area_type,
                shape=local(area.geometry),
                risk=area.risk,
                building=str(area.building_id) if area.building_id else None,
                level=area.level.ordinal if area.level else (0 if area.building_id else None),
            )
        )
    for door in doors.order_by("pk"):
        places.append(
            Place(
                id=f"door-{door.pk}",
                label=str(door),
                kind="exterior_door",
                shape=local(door.location),
                risk="medium",
                building=str(door.building_id) if door.building_id else None,
                level=0,
            )
        )
    if offsite:
        nearby = Surrounding.objects.filter(school=school, kind__in=sorted(OFFSITE_SURROUNDINGS))
        for point in nearby.order_by("pk"):
            places.append(
                Place(
                    id=f"offsite-{point.pk}",
                    label=point.name,
                    kind="offsite",
                    shape=local(point.geometry),
                    risk="medium",
                )
            )
    return places


def as_edit(row: WalkwayEdit) -> Edit:
    return Edit(
        a=row.node_a,
        b=row.node_b,
        action=row.action,
        metres=row.length_m,
        modes=row.mode_set or None,
    )


def edits_of(school: School) -> list[Edit]:
    """The school's walkway edits, as ``campus_graph.build`` takes them."""
    return [as_edit(row) for row in WalkwayEdit.objects.filter(school=school).order_by("pk")]


def zone_places(places: Sequence[Place], building: Building) -> list[Place]:
    """The places of one building (as ``places_of(school, building=...)`` reads them)."""
    return [p for p in places if p.building == str(building.pk)]


def build_zone(
    places: Sequence[Place], edits: Sequence[Edit], *, name: str, whole: bool
) -> tuple[PatrolGraph, BuildReport]:
    """Build ``places`` with the edits that concern them. Only the whole campus with its
    offsite points (``whole``) reports edits of stops that are gone: a zone (one building, or
    the grounds without offsite points) leaves out the edits of stops outside it."""
    if not whole:
        ids = {p.id for p in places}
        edits = [e for e in edits if e.a in ids and e.b in ids]
    return build(places, name=name, edits=edits)


def campus_graph(
    school: School,
    *,
    offsite: bool = True,
    building: Building | None = None,
    edits: Sequence[Edit] | None = None,
) -> tuple[PatrolGraph, BuildReport]:
    """The patrol graph of a school (or one building), with its walkway edits (``edits``:
    instead of the stored ones, e.g. to try one before saving it)."""
    name = f"{school.name} – {building.name}" if building else school.name
    return build_zone(
        places_of(school, offsite=offsite, building=building),
        edits_of(school) if edits is None else edits,
        name=name,
        whole=offsite and building is None,
    )


# Video patrol: switching to the next camera view takes seconds; watching one takes longer.
CAMERA_SWITCH_S = 5.0
CAMERA_VIEW_S = 20.0
CAMERA_DEADLINE_S = {"high": 20 * 60.0, "medium": 40 * 60.0, "low": 60 * 60.0}


def camera_graph(school: School) -> PatrolGraph:
    """The hotspot cameras of a school as a tour: every view reachable from every other in a
    few seconds, watched for ``CAMERA_VIEW_S``, cameras on high-risk areas more often."""
    cameras = list(
        Asset.objects.filter(school=school, kind=AssetKind.CAMERA)
        .select_related("area")
        .order_by("pk")
    )
    nodes = []
    for camera in cameras:
        risk = camera.area.risk if camera.area else "medium"
        weight, _ = RISK_DEFAULTS.get(risk, RISK_DEFAULTS["low"])
        nodes.append(
            Node(
                id=f"camera-{camera.pk}",
                label=str(camera),
                risk=weight,
                max_gap_s=CAMERA_DEADLINE_S.get(risk, CAMERA_DEADLINE_S["low"]),
                dwell_s=CAMERA_VIEW_S,
            )
        )
    edges = [
        Edge(a.id, b.id, length_m=0.0, travel_s={"foot": CAMERA_SWITCH_S})
        for i, a in enumerate(nodes)
        for b in nodes[i + 1 :]
    ]
    return PatrolGraph(nodes=tuple(nodes), edges=tuple(edges), name=f"{school.name} cameras")
