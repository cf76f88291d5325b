"""Geometry of the knowledge base: checking GeoJSON before it is stored, and measuring it.

The one place for both, used by the editing forms and by every import. Stored geometry is
GeoJSON in WGS84 (longitude, latitude). A geometry is accepted when it is one of the types its
field allows, every coordinate is a finite number within the WGS84 ranges, shapely finds it
valid (no self-intersection, closed rings, no zero-area polygon, no line crossing itself) and
it lies inside or near its campus. Distances are measured on a local flat projection around a
reference point, exact to well under a metre at campus scale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

# A spherical Earth is accurate to a fraction of a percent over a campus; everyone in Vigil
# (demo layout, imports, maps, responder cards) projects with this one constant.
METRES_PER_DEGREE = 111_320.0
# Coordinates are kept to 7 decimals: about a centimetre, far finer than anyone draws.
PRECISION = 7


class GeometryError(ValueError):
    """The geometry is not acceptable; the message says why, after the field's name."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coordinates(value: Any) -> Iterable[list[Any]]:
    """Every position of a GeoJSON coordinates array, however deeply nested."""
    if isinstance(value, list) and value and all(_is_number(v) for v in value):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _coordinates(item)
    else:
        raise GeometryError("coordinates must be arrays of numbers")


def _check_positions(coordinates: Any) -> None:
    for position in _coordinates(coordinates):
        if len(position) < 2:
            raise GeometryError("each position needs a longitude and a latitude")
        lng, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lng) and math.isfinite(lat)):
            raise GeometryError("coordinates must be finite numbers")
        if not -180 <= lng <= 180:
            raise GeometryError(
                f"position [{lng}, {lat}] is out of range: longitude must be within ±180"
            )
        if not -90 <= lat <= 90:
            raise GeometryError(
                f"position [{lng}, {lat}] is out of range: latitude must be within ±90"
                " (is the order lng, lat?)"
            )


def to_local_metres(geom: BaseGeometry, lat0: float, lng0: float) -> BaseGeometry:
    """The geometry in metres east and north of (lat0, lng0)."""
    scale_x = METRES_PER_DEGREE * math.cos(math.radians(lat0))

    def project(coords: Any) -> Any:
        out = coords.copy()
        out[:, 0] = (coords[:, 0] - lng0) * scale_x
        out[:, 1] = (coords[:, 1] - lat0) * METRES_PER_DEGREE
        return out

    return shapely.transform(geom, project)


def from_local_metres(x: float, y: float, lat0: float, lng0: float) -> tuple[float, float]:
    """(lat, lng) of a point ``x`` metres east and ``y`` north of (lat0, lng0)."""
    lat = lat0 + y / METRES_PER_DEGREE
    lng = lng0 + x / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
    return lat, lng


def distance_m(geom: BaseGeometry, campus: BaseGeometry) -> float:
    """Shortest distance in metres between a geometry and the campus (0 when they touch)."""
    origin = campus.representative_point()
    local = to_local_metres(geom, origin.y, origin.x)
    return float(local.distance(to_local_metres(campus, origin.y, origin.x)))


def farthest_m(geometry: Mapping[str, Any], anchor: Mapping[str, Any]) -> float:
    """Metres from ``anchor`` to the farthest position of ``geometry`` (0 when all lie inside)."""
    centre = shape(anchor).representative_point()
    base = to_local_metres(shape(anchor), centre.y, centre.x)
    local = to_local_metres(shape(geometry), centre.y, centre.x)
    points = shapely.points(shapely.get_coordinates(local))
    return float(shapely.distance(base, points).max())


def campus_shape(boundary: Mapping[str, Any] | None, latitude: float, longitude: float) -> Any:
    """The campus as shapely sees it: its boundary polygon, or its entrance point."""
    if boundary:
        try:
            campus = shape(boundary)
            if not campus.is_empty:
                return campus
        except (ValueError, TypeError, AttributeError, KeyError):
            pass  # a broken stored boundary falls back to the entrance point
    return Point(longitude, latitude)


def _rounded(value: Any) -> Any:
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return round(float(value), PRECISION)


def check_geometry(
    value: Any,
    *,
    allowed: Iterable[str],
    campus: BaseGeometry | None = None,
    within_m: float = 0,
) -> dict[str, Any]:
    """Return the cleaned GeoJSON geometry, or raise ``GeometryError`` saying what is wrong.

    ``allowed`` names the accepted GeoJSON types; ``campus`` and ``within_m`` bound where it may
    lie (inside the campus or no farther than ``within_m`` metres from it).
    """
    allowed = tuple(allowed)
    if not isinstance(value, Mapping):
        raise GeometryError("must be a GeoJSON geometry object")
    kind = value.get("type")
    if kind == "Feature":
        raise GeometryError("must be the geometry itself, not a Feature that wraps it")
    if kind not in allowed:
        raise GeometryError(f"must be {' or '.join(allowed)}, not {kind or 'nothing'}")
    coordinates = value.get("coordinates")
    _check_positions(coordinates)
    try:
        geom = shape({"type": kind, "coordinates": coordinates})
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise GeometryError(f"coordinates do not make a {kind}: {str(exc).rstrip('.')}") from exc
    if geom.is_empty:
        raise GeometryError("is empty: draw it on the map")
    if not geom.is_valid:
        problem = explain_validity(geom)
        raise GeometryError(f"is not a valid {kind}: {problem}")
    if kind == "LineString" and not geom.is_simple:
        raise GeometryError("line crosses itself")
    if kind == "Polygon" and geom.area == 0:
        raise GeometryError("polygon has no area")
    if campus is not None:
        gap = distance_m(geom, campus)
        if gap > within_m:
            raise GeometryError(
                f"is {gap:,.0f} m from the campus; it must be within {within_m:,.0f} m"
            )
    return {"type": kind, "coordinates": _rounded(coordinates)}


def problems(geometry: Any, allowed: Iterable[str]) -> list[str]:
    """What is wrong with a geometry, for imports that report every problem (empty: sound)."""
    try:
        check_geometry(geometry, allowed=allowed)
    except GeometryError as exc:
        return [str(exc)]
    return []
