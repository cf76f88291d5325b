"""Applying a validated import to the database: one transaction, all or nothing, with a report.

Every import (IMDF, GeoJSON surroundings, CSV contacts and assets) produces an ``ImportReport``
listing what it created and updated and every problem it found. A refused import and a dry run
roll the transaction back, so the database is left exactly as it was; because the dry run does
the very same work before rolling back, its report is the one the real import would give.
Records are matched by their natural keys (building code, level ordinal, room code and name,
door number…), so importing the same data twice changes nothing the second time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from shapely.geometry import Point, shape

from vigil.sites import imdf
from vigil.sites.choices import AssetKind
from vigil.sites.geometry import to_local_metres
from vigil.sites.imdf_mapping import (
    AMENITY_TO_ASSET,
    AREA_TO_UNIT,
    ASSET_TO_AMENITY,
    FIXTURE_TO_ASSET,
    MAIN_ENTRANCE,
    OPENING_TO_DOOR,
    area_type_for,
    opening_category,
)
from vigil.sites.models import Area, Asset, Building, Level, School
from vigil.sites.validation import Problem

# An opening counts as an exterior door when it lies on (within this of) the building's outline.
EXTERIOR_TOLERANCE_M = 1.0


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), and every problem that stopped it."""

    what: str
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def applied(self) -> bool:
        return not self.refused and not self.dry_run

    def summary(self) -> str:
        if self.refused:
            return f"{self.what}: refused, {len(self.problems)} problem(s); nothing was changed."
        verb = "would create" if self.dry_run else "created"
        verb2 = "would update" if self.dry_run else "updated"
        tail = " (dry run: nothing was written)" if self.dry_run else ""
        return (
            f"{self.what}: {verb} {len(self.created)}, {verb2} {len(self.updated)}, "
            f"{self.unchanged} unchanged{tail}."
        )

    def lines(self) -> list[str]:
        out = [self.summary()]
        out += [f"  problem: {p}" for p in self.problems]
        out += [f"  create: {c}" for c in self.created]
        out += [f"  update: {u}" for u in self.updated]
        out += [f"  note: {n}" for n in self.notes]
        return out


class _Rollback(Exception):
    pass


@contextmanager
def all_or_nothing(report: ImportReport) -> Iterator[None]:
    """Run the body in one transaction; roll it back on a problem, a dry run or a DB error."""
    try:
        with transaction.atomic():
            yield
            if report.problems or report.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except IntegrityError as exc:
        report.problems.append(Problem("", "", "", f"the database refused the import: {exc}"))
    if report.problems:
        report.created.clear()
        report.updated.clear()
        report.unchanged = 0


def save_changes(
    report: ImportReport, obj: Any, values: dict[str, Any], describe: Callable[[Any], str]
) -> None:
    """Set ``values`` on ``obj`` and save it only if something changed; note what changed."""
    creating = obj.pk is None
    changed = [k for k, v in values.items() if creating or getattr(obj, k) != v]
    for key in changed:
        setattr(obj, key, values[key])
    if creating:
        obj.save()
        report.created.append(describe(obj))
    elif changed:
        obj.save()
        report.updated.append(f"{describe(obj)} ({', '.join(sorted(changed))})")
    else:
        report.unchanged += 1


class _Matcher:
    """Existing records by natural key; each can be matched once, so duplicates create anew."""

    def __init__(self, records: list[Any], key: Callable[[Any], tuple[Any, ...]]) -> None:
        self._free: dict[tuple[Any, ...], list[Any]] = {}
        self._key = key
        for record in records:
            self._free.setdefault(key(record), []).append(record)

    def take(self, key: tuple[Any, ...]) -> Any:
        bucket = self._free.get(key)
        return bucket.pop(0) if bucket else None


def _rounded_point(geometry: dict[str, Any]) -> dict[str, Any]:
    c = shape(geometry).centroid
    return {"type": "Point", "coordinates": [round(c.x, 7), round(c.y, 7)]}


def _polygon(problems: list[Problem], feature: imdf.Feature, what: str) -> dict[str, Any] | None:
    geometry = feature.geometry
    if geometry is not None and geometry.get("type") == "MultiPolygon":
        if len(geometry["coordinates"]) == 1:
            return {"type": "Polygon", "coordinates": geometry["coordinates"][0]}
        problems.append(
            Problem(
                f"{feature.feature_type}.geojson",
                feature.id,
                "geometry",
                f"Vigil keeps one polygon per {what}; this MultiPolygon has "
                f"{len(geometry['coordinates'])}",
            )
        )
        return None
    return geometry


def _phone(e164: Any) -> str | None:
    if isinstance(e164, str) and e164.startswith("+1") and len(e164) == 12 and e164[1:].isdigit():
        d = e164[2:]
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return e164 if isinstance(e164, str) else None


def import_imdf(archive: imdf.Archive, *, school: School, dry_run: bool = False) -> ImportReport:
    """Apply a validated IMDF archive to ``school`` (see docs/imdf.md for the mapping)."""
    report = ImportReport(f"IMDF import into {school.name}", dry_run=dry_run)
    with all_or_nothing(report):
        _apply_imdf(archive, school, report)
    return report


def _apply_imdf(archive: imdf.Archive, school: School, report: ImportReport) -> None:
    problems = report.problems
    by_id = archive.by_id()
    venue = archive.venue
    school = School.objects.select_for_update().get(pk=school.pk)
    values: dict[str, Any] = {}
    boundary = _polygon(problems, venue, "campus")
    if boundary is not None:
        values["boundary"] = boundary
    point = venue.properties.get("display_point")
    if point:
        values["longitude"], values["latitude"] = point["coordinates"][:2]
    phone = _phone(venue.properties.get("phone"))
    if phone:
        values["phone"] = phone
    address = by_id[venue.properties["address_id"]].properties
    parts = [address.get("address"), address.get("locality")]
    if address.get("postal_code"):
        parts[-1] = f"{parts[-1]} {address['postal_code']}"
    values["address"] = ", ".join(p for p in parts if p)[:300]
    save_changes(report, school, values, lambda s: f"school {s.name}")

    # Buildings, with their footprints.
    footprints: dict[str, dict[str, Any]] = {}
    for fp in archive.of("footprint"):
        for bid in fp.properties["building_ids"]:
            if fp.properties.get("category") == "ground" or bid not in footprints:
                polygon = _polygon(problems, fp, "building footprint")
                if polygon is not None:
                    footprints[bid] = polygon
    existing_buildings = list(Building.objects.filter(school=school))
    by_code = {b.code: b for b in existing_buildings}
    by_name = {b.name: b for b in existing_buildings}
    buildings: dict[str, Building] = {}
    used_codes: set[str] = set()
    for f in archive.of("building"):
        name = f.label("name") or f.label("alt_name") or "Building"
        code = (f.label("alt_name") or _initials(name))[:16]
        if code in used_codes:
            problems.append(
                Problem(
                    "building.geojson", f.id, "alt_name", f"building code {code!r} is used twice"
                )
            )
            continue
        used_codes.add(code)
        building = by_code.get(code) or by_name.get(name) or Building(school=school)
        vals: dict[str, Any] = {"name": name[:200], "code": code}
        if f.id in footprints:
            vals["footprint"] = footprints[f.id]
        save_changes(report, building, vals, lambda b: f"building {b}")
        buildings[f.id] = building

    # Levels: one per building in Vigil; a level without a building holds the grounds.
    levels: dict[str, Level | None] = {}
    taken: set[tuple[int, int]] = set()
    for f in archive.of("level"):
        building_ids = f.properties.get("building_ids") or []
        if not building_ids:
            levels[f.id] = None
            continue
        if len(building_ids) > 1:
            report.notes.append(
                f"level {f.label('name')} ({f.id}) spans {len(building_ids)} buildings; "
                "Vigil puts it in the first."
            )
        owner = buildings.get(building_ids[0])
        if owner is None:
            continue
        ordinal = f.properties["ordinal"]
        if (owner.pk, ordinal) in taken:
            problems.append(
                Problem(
                    "level.geojson",
                    f.id,
                    "ordinal",
                    f"another level of building {owner.code} has ordinal {ordinal}",
                )
            )
            continue
        taken.add((owner.pk, ordinal))
        level = Level.objects.filter(building=owner, ordinal=ordinal).first() or Level(
            building=owner, ordinal=ordinal
        )
        save_changes(
            report,
            level,
            {"name": (f.label("name") or f"Level {ordinal}")[:60]},
            lambda lv: f"level {lv}",
        )
        levels[f.id] = level

    def place(level_feature_id: str) -> tuple[Building | None, Level | None]:
        level = levels.get(level_feature_id)
        return (level.building if level is not None else None, level)

    # Units → areas.
    areas: dict[str, Area] = {}
    matcher = _Matcher(
        list(Area.objects.filter(school=school)),
        lambda a: (a.building_id, a.level_id, a.code, a.name),
    )
    for f in archive.of("unit"):
        if f.properties["level_id"] not in levels:
            continue  # its level was refused above
        category, restriction = f.properties["category"], f.properties.get("restriction")
        area_type = area_type_for(category, restriction)
        if area_type is None:
            report.notes.append(f"unit {f.id} ({category}) skipped: not a place to patrol.")
            continue
        geometry = _polygon(problems, f, "area")
        if geometry is None:
            continue
        on_building, on_level = place(f.properties["level_id"])
        name = (f.label("name") or f.label("alt_name") or category)[:200]
        code = f.label("alt_name")[:32]
        key = (
            on_building.pk if on_building else None,
            on_level.pk if on_level else None,
            code,
            name,
        )
        area = matcher.take(key) or Area(school=school, building=on_building, level=on_level)
        vals = {"name": name, "code": code, "geometry": geometry}
        if area.pk is None or AREA_TO_UNIT.get(area.area_type) != (category, restriction):
            vals["area_type"] = area_type
        save_changes(report, area, vals, lambda a: f"area {a}")
        areas[f.id] = area

    _apply_openings(archive, school, report, place, footprints, buildings)
    _apply_point_assets(archive, school, report, place, areas)
    anchors = len(archive.of("anchor"))
    if anchors:
        report.notes.append(f"{anchors} anchor(s) read; Vigil keeps no anchors.")


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isalnum()).upper() or "B"


def _apply_openings(
    archive: imdf.Archive,
    school: School,
    report: ImportReport,
    place: Callable[[str], tuple[Building | None, Level | None]],
    footprints: dict[str, dict[str, Any]],
    buildings: dict[str, Building],
) -> None:
    existing = Asset.objects.filter(school=school, kind=AssetKind.EXTERIOR_DOOR)
    doors = {(a.building_id, a.number): a for a in existing}
    numbers: dict[int, set[int]] = {}
    for building_id, number in doors:
        if building_id is not None and number is not None:
            numbers.setdefault(building_id, set()).add(number)
    claimed: set[tuple[int, int]] = set()
    for f in archive.of("opening"):
        building, level = place(f.properties["level_id"])
        if building is None:
            report.notes.append(f"opening {f.id} skipped: gates on the grounds are not doors.")
            continue
        outline = building.footprint
        assert f.geometry is not None
        start = f.geometry["coordinates"][0]
        if outline:
            lng, lat = start[:2]
            wall = to_local_metres(shape(outline), lat, lng).exterior
            if wall.distance(Point(0, 0)) > EXTERIOR_TOLERANCE_M:
                report.notes.append(
                    f"opening {f.id} skipped: an inside door (Vigil keeps exterior doors)."
                )
                continue
        number = _door_number(f.label("alt_name")) or _door_number(f.label("name"))
        if number is None:
            used = numbers.setdefault(building.pk, set())
            number = max(used, default=0) + 1
        if (building.pk, number) in claimed:
            report.problems.append(
                Problem(
                    "opening.geojson",
                    f.id,
                    "alt_name",
                    f"door {number} of building {building.code} appears twice",
                )
            )
            continue
        claimed.add((building.pk, number))
        numbers.setdefault(building.pk, set()).add(number)
        door = doors.get((building.pk, number)) or Asset(
            school=school, building=building, kind=AssetKind.EXTERIOR_DOOR, number=number
        )
        category = f.properties["category"]
        vals: dict[str, Any] = {
            "name": (f.label("name") or f"Door {number}")[:200],
            "location": {"type": "Point", "coordinates": list(start[:2])},
        }
        if door.pk is None:
            vals["level"] = level
        if door.pk is None or opening_category(door.door_use, door.number) != category:
            vals["door_use"] = OPENING_TO_DOOR.get(category, "public")
            if category == MAIN_ENTRANCE and number != 1:
                report.notes.append(
                    f"opening {f.id} is the principal entrance but is door {number}."
                )
        save_changes(report, door, vals, lambda d: f"{d} ({d.building.code})")


def _door_number(text: str) -> int | None:
    words = text.replace("–", " ").split()
    for first, second in itertools.pairwise(words):
        if first.lower() == "door" and second.isdigit():
            return int(second)
    return None


def _apply_point_assets(
    archive: imdf.Archive,
    school: School,
    report: ImportReport,
    place: Callable[[str], tuple[Building | None, Level | None]],
    areas: dict[str, Area],
) -> None:
    kinds = set(AMENITY_TO_ASSET.values()) | set(FIXTURE_TO_ASSET.values())
    kinds |= set(ASSET_TO_AMENITY)
    matcher = _Matcher(
        list(Asset.objects.filter(school=school, kind__in=sorted(kinds))),
        lambda a: (a.kind, a.building_id, a.name),
    )
    unit_level = {f.id: f.properties["level_id"] for f in archive.of("unit")}
    for f in archive.of("amenity"):
        category = f.properties["category"]
        unit_id = f.properties["unit_ids"][0]
        building, level = place(unit_level[unit_id]) if unit_id in unit_level else (None, None)
        name = (f.label("name") or category)[:200]
        building_pk = building.pk if building else None
        if category == ASSET_TO_AMENITY[AssetKind.ALARM_PANEL]:
            # Only an existing panel: a "security" amenity elsewhere is a security desk.
            asset = matcher.take((AssetKind.ALARM_PANEL, building_pk, name))
            if asset is None:
                report.notes.append(f"amenity {f.id} (security) skipped: not a known alarm panel.")
                continue
        elif category in AMENITY_TO_ASSET:
            kind = AMENITY_TO_ASSET[category]
            asset = matcher.take((kind, building_pk, name)) or Asset(
                school=school, building=building, level=level, kind=kind
            )
        else:
            report.notes.append(f"amenity {f.id} ({category}) skipped: Vigil has no such asset.")
            continue
        assert f.geometry is not None
        vals: dict[str, Any] = {"name": name, "location": f.geometry}
        if asset.pk is None:
            vals["area"] = areas.get(unit_id)
        save_changes(report, asset, vals, lambda a: f"{a.get_kind_display().lower()} {a}")
    for f in archive.of("fixture"):
        category = f.properties["category"]
        fixture_kind = FIXTURE_TO_ASSET.get(category)
        if fixture_kind is None:
            report.notes.append(f"fixture {f.id} ({category}) skipped: Vigil has no such asset.")
            continue
        building, level = place(f.properties["level_id"])
        name = (f.label("name") or category)[:200]
        asset = matcher.take((fixture_kind, building.pk if building else None, name))
        asset = asset or Asset(school=school, building=building, level=level, kind=fixture_kind)
        assert f.geometry is not None
        location = f.properties.get("display_point") or _rounded_point(f.geometry)
        save_changes(
            report,
            asset,
            {"name": name, "location": location},
            lambda a: f"{a.get_kind_display().lower()} {a}",
        )
