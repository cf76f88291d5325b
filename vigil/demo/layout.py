"""Laying out a demo campus: plans in metres, turned into buildings, levels and areas.

Shared by the demo's steps (`vigil.demo.builder` for the schools, `vigil.demo.knowledge` for
the district's other buildings), so none needs to import the builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.accounts.models import User
from vigil.demo.geo import Origin
from vigil.sites.choices import AreaType as T
from vigil.sites.models import Area, Building, District, Level, School


@dataclass(frozen=True)
class Room:
    name: str
    area_type: str
    code: str = ""
    isolated: bool = False


@dataclass(frozen=True)
class BuildingPlan:
    name: str
    code: str
    x: float
    y: float
    w: float
    h: float
    levels: tuple[tuple[Room, ...], ...]
    notes: str = ""


@dataclass(frozen=True)
class Ground:
    name: str
    area_type: str
    x: float
    y: float
    w: float
    h: float
    isolated: bool = False
    notes: str = ""


@dataclass(frozen=True)
class CampusPlan:
    name: str
    slug: str
    level: str
    address: str
    phone: str
    origin: Origin
    size: tuple[float, float]
    buildings: tuple[BuildingPlan, ...]
    grounds: tuple[Ground, ...]


@dataclass
class BuildResult:
    """What the steps so far have built; later steps read it."""

    district: District
    schools: dict[str, School] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    plans: dict[str, CampusPlan] = field(default_factory=dict)


def build_campus(district: District, plan: CampusPlan) -> School:
    o = plan.origin
    width, height = plan.size
    school = School.objects.create(
        district=district,
        name=plan.name,
        slug=plan.slug,
        level=plan.level,
        address=plan.address,
        phone=plan.phone,
        latitude=o.lat,
        longitude=o.lng,
        boundary=o.rect(0, 0, width, height),
    )
    for bp in plan.buildings:
        building = Building.objects.create(
            school=school,
            name=bp.name,
            code=bp.code,
            footprint=o.rect(bp.x, bp.y, bp.w, bp.h),
            notes=bp.notes,
        )
        for ordinal, rooms in enumerate(bp.levels):
            level = Level.objects.create(
                building=building,
                ordinal=ordinal,
                name="Ground floor" if ordinal == 0 else f"Floor {ordinal + 1}",
            )
            _lay_out_rooms(school, building, level, bp, rooms, o)
    for g in plan.grounds:
        Area.objects.create(
            school=school,
            name=g.name,
            area_type=g.area_type,
            isolated=g.isolated,
            notes=g.notes,
            geometry=o.rect(g.x, g.y, g.w, g.h),
        )
    return school


def _lay_out_rooms(
    school: School,
    building: Building,
    level: Level,
    bp: BuildingPlan,
    rooms: tuple[Room, ...],
    o: Origin,
) -> None:
    """Rooms in two rows either side of a central corridor; hallways take the corridor."""
    corridor = [r for r in rooms if r.area_type == T.HALLWAY]
    others = [r for r in rooms if r.area_type != T.HALLWAY]
    row_h = bp.h * 0.4
    for room in corridor:
        _area(school, building, level, room, o.rect(bp.x, bp.y + row_h, bp.w, bp.h - 2 * row_h))
    half = (len(others) + 1) // 2
    for row, members in enumerate((others[:half], others[half:])):
        if not members:
            continue
        width = bp.w / len(members)
        y = bp.y if row == 0 else bp.y + bp.h - row_h
        for i, room in enumerate(members):
            h = bp.h if len(rooms) == 1 else row_h
            _area(school, building, level, room, o.rect(bp.x + i * width, y, width, h))


def _area(
    school: School, building: Building, level: Level, room: Room, geometry: dict[str, Any]
) -> None:
    Area.objects.create(
        school=school,
        building=building,
        level=level,
        name=room.name,
        code=room.code,
        area_type=room.area_type,
        isolated=room.isolated,
        geometry=geometry,
    )
