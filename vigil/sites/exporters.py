"""A school's knowledge base as an IMDF 1.0 archive (see docs/imdf.md for what maps to what).

Feature ids are derived from the school and record ids, so exporting twice gives the same
archive. What IMDF has no place for (risk classes, notes, alarm codes, checkpoints, shutoffs…)
stays in Vigil; ``ExportResult.notes`` says what was left out and why.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Point, shape

from vigil.sites import imdf
from vigil.sites.choices import AssetKind, SchoolLevel
from vigil.sites.geometry import METRES_PER_DEGREE
from vigil.sites.imdf_mapping import (
    AREA_TO_UNIT,
    ASSET_TO_AMENITY,
    ASSET_TO_FIXTURE,
    opening_category,
)
from vigil.sites.models import Area, Asset, Building, Level, School

# Openings are drawn as a door-wide segment starting at the door's point along the wall.
DOOR_WIDTH_M = 1.8
# Cameras are small fixtures: a square this wide around the mounting point.
FIXTURE_SIZE_M = 0.6
COUNTRY = "US"  # Vigil keeps one address line and serves US districts.


class ExportError(Exception):
    """The school lacks something every IMDF archive must have (e.g. a campus boundary)."""


@dataclass
class ExportResult:
    archive: imdf.Archive
    notes: list[str] = field(default_factory=list)


def _point(lng: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lng, lat]}


def _offset(lng: float, lat: float, east_m: float, north_m: float) -> list[float]:
    scale = METRES_PER_DEGREE * math.cos(math.radians(lat))
    return [round(lng + east_m / scale, 7), round(lat + north_m / METRES_PER_DEGREE, 7)]


def _centroid(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    c = shape(geometry).centroid
    return _point(round(c.x, 7), round(c.y, 7))


def e164(phone: str) -> str | None:
    """IMDF wants phone numbers in E.164; North American numbers convert, others are left out."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 10:
        return f"+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"+{digits}"
    return None


def _door_segment(location: dict[str, Any], footprint: dict[str, Any] | None) -> dict[str, Any]:
    """A door-wide segment from the door's point along the nearest wall of the footprint."""
    lng, lat = location["coordinates"][:2]
    east, north = 1.0, 0.0
    if footprint and footprint.get("type") == "Polygon":
        scale = METRES_PER_DEGREE * math.cos(math.radians(lat))
        ring = [
            ((x - lng) * scale, (y - lat) * METRES_PER_DEGREE)
            for x, y in (c[:2] for c in footprint["coordinates"][0])
        ]
        best = math.inf
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            length = math.hypot(x2 - x1, y2 - y1)
            if length == 0:
                continue
            # Distance from the door (the origin) to this wall.
            t = max(0.0, min(1.0, -(x1 * (x2 - x1) + y1 * (y2 - y1)) / length**2))
            d = math.hypot(x1 + t * (x2 - x1), y1 + t * (y2 - y1))
            if d < best:
                # Run toward the end of the wall with room for the door (doors near corners).
                sign = 1.0 if (1 - t) * length >= DOOR_WIDTH_M else -1.0
                best = d
                east, north = sign * (x2 - x1) / length, sign * (y2 - y1) / length
    start = [lng, lat]
    return {
        "type": "LineString",
        "coordinates": [start, _offset(lng, lat, east * DOOR_WIDTH_M, north * DOOR_WIDTH_M)],
    }


def _square(location: dict[str, Any], size_m: float) -> dict[str, Any]:
    lng, lat = location["coordinates"][:2]
    h = size_m / 2
    ring = [_offset(lng, lat, dx, dy) for dx, dy in ((-h, -h), (h, -h), (h, h), (-h, h), (-h, -h))]
    return {"type": "Polygon", "coordinates": [ring]}


def export_imdf(school: School, *, created: str) -> ExportResult:
    """The IMDF archive of ``school``; ``created`` is the manifest's ISO 8601 timestamp."""
    if not school.boundary:
        raise ExportError("The school has no campus boundary; draw it on the map first.")
    notes: list[str] = []

    def fid(kind: str, pk: int | None) -> str:
        return imdf.feature_id(school.slug, kind, pk)

    features: dict[str, list[imdf.Feature]] = {ft: [] for ft in imdf.FEATURE_TYPES}

    def add(feature_type: str, id_: str, geometry: Any, **properties: Any) -> None:
        features[feature_type].append(imdf.Feature(feature_type, id_, geometry, properties))

    address_id = fid("address", school.pk)
    street, _, locality = school.address.rpartition(", ")
    add(
        "address",
        address_id,
        None,
        address=street or school.address or None,
        unit=None,
        locality=locality if street else (school.district.name if school.address else school.name),
        province=None,
        country=COUNTRY,
        postal_code=None,
        postal_code_ext=None,
        postal_code_vanity=None,
    )
    add(
        "venue",
        fid("venue", school.pk),
        school.boundary,
        category="governmentfacility" if school.level == SchoolLevel.OTHER else "university",
        restriction=None,
        name=imdf.label(school.name),
        alt_name=None,
        hours=None,
        phone=e164(school.phone),
        website=None,
        display_point=_point(school.longitude, school.latitude),
        address_id=address_id,
    )
    buildings = list(Building.objects.filter(school=school).order_by("pk"))
    levels = list(Level.objects.filter(building__school=school).order_by("building_id", "ordinal"))
    levels_of: dict[int, list[Level]] = {}
    for level in levels:
        levels_of.setdefault(level.building_id, []).append(level)
    for b in buildings:
        add(
            "building",
            fid("building", b.pk),
            None,
            name=imdf.label(b.name),
            alt_name=imdf.label(b.code),
            category="unspecified",
            restriction=None,
            display_point=_centroid(b.footprint),
            address_id=None,
        )
        if b.footprint:
            add(
                "footprint",
                fid("footprint", b.pk),
                b.footprint,
                category="ground",
                name=None,
                building_ids=[fid("building", b.pk)],
            )
    footprint_of = {b.pk: b.footprint for b in buildings}
    level_ids: dict[int, str] = {}
    for level in levels:
        geometry = footprint_of.get(level.building_id)
        if not geometry:
            notes.append(f"Level {level} left out: its building has no footprint.")
            continue
        level_ids[level.pk] = fid("level", level.pk)
        add(
            "level",
            level_ids[level.pk],
            geometry,
            category="unspecified",
            restriction=None,
            outdoor=False,
            ordinal=level.ordinal,
            name=imdf.label(level.name),
            short_name=imdf.label(
                str(level.ordinal + 1) if level.ordinal >= 0 else f"B{-level.ordinal}"
            ),
            display_point=None,
            address_id=None,
            building_ids=[fid("building", level.building_id)],
        )
    grounds_id = fid("grounds", school.pk)
    areas = list(Area.objects.filter(school=school).order_by("pk"))
    unit_ids: dict[int, str] = {}
    unit_shapes: dict[str, list[tuple[str, Any]]] = {}
    for area in areas:
        if not area.geometry or area.geometry.get("type") not in ("Polygon", "MultiPolygon"):
            notes.append(f"Area {area} left out: IMDF units need a polygon.")
            continue
        if area.building_id is None:
            level_id = grounds_id
        elif area.level_id in level_ids:
            level_id = level_ids[area.level_id]
        else:
            notes.append(f"Area {area} left out: it is on no exported level.")
            continue
        category, restriction = AREA_TO_UNIT[area.area_type]
        unit_ids[area.pk] = fid("unit", area.pk)
        unit_shapes.setdefault(level_id, []).append((unit_ids[area.pk], shape(area.geometry)))
        add(
            "unit",
            unit_ids[area.pk],
            area.geometry,
            category=category,
            restriction=restriction,
            accessibility=None,
            name=imdf.label(area.name),
            alt_name=imdf.label(area.code),
            level_id=level_id,
            display_point=None,
        )
    if grounds_id in unit_shapes:
        # Grounds have no building: IMDF puts them on an outdoor level spanning the venue.
        features["level"].append(
            imdf.Feature(
                "level",
                grounds_id,
                school.boundary,
                {
                    "category": "unspecified",
                    "restriction": None,
                    "outdoor": True,
                    "ordinal": 0,
                    "name": imdf.label("Grounds"),
                    "short_name": imdf.label("G"),
                    "display_point": None,
                    "address_id": None,
                    "building_ids": None,
                },
            )
        )

    def level_for(asset: Asset) -> str | None:
        if asset.level_id in level_ids:
            return level_ids[asset.level_id]
        if asset.building_id is None:
            return grounds_id
        candidates = [lv for lv in levels_of.get(asset.building_id, []) if lv.pk in level_ids]
        ground = [lv for lv in candidates if lv.ordinal == 0] or candidates
        return level_ids[ground[0].pk] if ground else None

    assets = Asset.objects.filter(school=school).order_by("pk")
    for asset in assets:
        if (
            asset.kind not in ASSET_TO_AMENITY
            and asset.kind not in ASSET_TO_FIXTURE
            and (asset.kind != AssetKind.EXTERIOR_DOOR)
        ):
            continue
        if not asset.location or asset.location.get("type") != "Point":
            notes.append(f"{asset} left out: it has no position.")
            continue
        on_level = level_for(asset)
        if on_level is None or (on_level == grounds_id and grounds_id not in unit_shapes):
            notes.append(f"{asset} left out: it is on no exported level.")
            continue
        if asset.kind == AssetKind.EXTERIOR_DOOR:
            add(
                "opening",
                fid("opening", asset.pk),
                _door_segment(asset.location, footprint_of.get(asset.building_id or 0)),
                category=opening_category(asset.door_use, asset.number),
                accessibility=None,
                access_control=None,
                door=None,
                name=imdf.label(asset.name),
                alt_name=imdf.label(f"Door {asset.number}" if asset.number else ""),
                display_point=None,
                level_id=on_level,
            )
        elif asset.kind in ASSET_TO_FIXTURE:
            add(
                "fixture",
                fid("fixture", asset.pk),
                _square(asset.location, FIXTURE_SIZE_M),
                category=ASSET_TO_FIXTURE[asset.kind],
                name=imdf.label(asset.name),
                alt_name=None,
                anchor_id=None,
                level_id=on_level,
                display_point=asset.location,
            )
        else:
            unit_id = unit_ids.get(asset.area_id or 0)
            if unit_id is None:
                where = Point(asset.location["coordinates"][:2])
                unit_id = next(
                    (uid for uid, s in unit_shapes.get(on_level, []) if s.covers(where)), None
                )
            if unit_id is None:
                notes.append(f"{asset} left out: IMDF amenities must lie in a unit.")
                continue
            add(
                "amenity",
                fid("amenity", asset.pk),
                asset.location,
                category=ASSET_TO_AMENITY[asset.kind],
                accessibility=None,
                name=imdf.label(asset.name),
                alt_name=None,
                hours=None,
                phone=None,
                website=None,
                unit_ids=[unit_id],
                address_id=None,
                correlation_id=None,
            )
    archive = imdf.Archive(imdf.manifest(created), {ft: tuple(fs) for ft, fs in features.items()})
    return ExportResult(archive, notes)
