"""Read one school's knowledge base into the places ``campus_graph.build`` joins into a graph."""

from __future__ import annotations

from typing import Any

from shapely.geometry import shape

from patrolopt.graph import PatrolGraph
from vigil.patrols.campus_graph import OFFSITE_KINDS as OFFSITE_SURROUNDINGS
from vigil.patrols.campus_graph import BuildReport, Place, build
from vigil.sites.choices import AssetKind
from vigil.sites.geometry import to_local_metres
from vigil.sites.models import Area, Asset, Building, School, Surrounding


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


def campus_graph(
    school: School, *, offsite: bool = True, building: Building | None = None
) -> tuple[PatrolGraph, BuildReport]:
    name = f"{school.name} – {building.name}" if building else school.name
    return build(places_of(school, offsite=offsite, building=building), name=name)
