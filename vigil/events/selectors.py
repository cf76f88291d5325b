"""Reads of the console: the events a person may see, in the order they should see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from shapely.geometry import shape

from vigil.accounts.models import User
from vigil.core.permissions import ROLE_ACTIONS, Action, scope_for
from vigil.events.choices import EventStatus
from vigil.events.models import Event
from vigil.sites import geometry
from vigil.sites.choices import AssetKind
from vigil.sites.models import Asset, Building


def console_events(
    user: Any, *, status: str = "active", school_id: int | None = None, limit: int = 100
) -> QuerySet[Event]:
    """Open and acknowledged events first by severity, then newest; one query with places."""
    events: QuerySet[Event] = Event.objects.restrict(user, Action.EVENTS_VIEW).select_related(
        "school", "area", "asset", "acknowledged_by", "resolved_by"
    )
    if status == "active":
        events = events.exclude(status=EventStatus.RESOLVED)
    elif status in EventStatus.values:
        events = events.filter(status=status)
    if school_id is not None:
        events = events.filter(school_id=school_id)
    return events.order_by("-severity", "-occurred_at", "-pk")[:limit]


def dispatchable_officers(event: Event) -> QuerySet[User]:
    """Active people who may handle events at the event's school, to send one of them."""
    roles = [r.value for r, granted in ROLE_ACTIONS.items() if Action.EVENTS_HANDLE in granted]
    at_school = Q(role_assignments__district_wide=True)
    if event.school_id is not None:
        at_school |= Q(role_assignments__schools=event.school_id)
    officers: QuerySet[User] = (
        User.objects.filter(Q(is_active=True) & Q(role_assignments__role__in=roles) & at_school)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return officers


@dataclass(frozen=True)
class EventPlace:
    """Where an event is: its building and spot on the campus map, the camera nearest to it."""

    building: Building | None
    spot: dict[str, Any] | None  # GeoJSON of the area, or the asset's point
    camera: Asset | None
    camera_m: float | None
    map_data: dict[str, Any] | None  # what the small map draws (None: nothing to draw)


def _geometry(event: Event) -> dict[str, Any] | None:
    if event.area is not None and event.area.geometry:
        geometry: dict[str, Any] = event.area.geometry
        return geometry
    if event.asset is not None and event.asset.location:
        location: dict[str, Any] = event.asset.location
        return location
    return None


def event_context(user: Any, event: Event) -> EventPlace:
    """The event's place, for people who may also see the school's knowledge base."""
    if event.school_id is None or not scope_for(user, Action.SITES_VIEW).allows_school(
        event.school_id
    ):
        return EventPlace(None, None, None, None, None)
    building: Building | None = None
    if event.area is not None and event.area.building_id is not None:
        building = event.area.building
    elif event.asset is not None and event.asset.building_id is not None:
        building = event.asset.building
    spot = _geometry(event)
    camera, camera_m = _nearest_camera(user, event.school_id, spot)
    features: list[dict[str, Any]] = []
    if building is not None and building.footprint:
        features.append(_feature(building.footprint, "building", building.name))
    if spot is not None:
        features.append(_feature(spot, "event", event.title))
    if camera is not None and camera.location:
        features.append(_feature(camera.location, "camera", str(camera)))
    map_data = {"type": "FeatureCollection", "features": features} if spot is not None else None
    return EventPlace(building, spot, camera, camera_m, map_data)


def _feature(geometry: dict[str, Any], role: str, label: str) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": {"role": role, "label": label}}


def _nearest_camera(
    user: Any, school_id: int, spot: dict[str, Any] | None
) -> tuple[Asset | None, float | None]:
    """The school's camera closest to the event's area or asset, in metres (0 inside it)."""
    if spot is None:
        return None, None
    try:
        target = shape(spot)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None, None
    origin = target.representative_point()
    local = geometry.to_local_metres(target, origin.y, origin.x)
    best: tuple[Asset | None, float | None] = (None, None)
    cameras = Asset.objects.restrict(user, Action.SITES_VIEW).filter(
        school_id=school_id, kind=AssetKind.CAMERA, location__isnull=False
    )
    for camera in cameras.select_related("building"):
        try:
            point = geometry.to_local_metres(shape(camera.location), origin.y, origin.x)
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
        metres = float(local.distance(point))
        if best[1] is None or metres < best[1]:
            best = (camera, metres)
    return best
