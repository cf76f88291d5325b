"""The demo district's knowledge base: doors, alarms, shutoffs, cameras, surroundings, contacts.

A step of ``vigil.demo.builder.STEPS``. Everything is placed from the campus plans (so doors sit
on the footprint edges and cameras look at the high-risk areas they watch) and every choice
comes from a ``random.Random`` seeded with the build seed, so the same seed always gives the
same district. Phone numbers are in the 555-0100…0199 range reserved for fiction.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from shapely.geometry import Point, shape
from shapely.ops import nearest_points

from vigil.demo.geo import Origin
from vigil.demo.layout import (
    BuildingPlan,
    BuildResult,
    CampusPlan,
    Ground,
    Room,
    build_campus,
)
from vigil.sites.choices import AreaType as T
from vigil.sites.choices import AssetKind as K
from vigil.sites.choices import (
    Availability,
    ContactKind,
    DoorUse,
    RiskClass,
    SchoolLevel,
    SurroundingKind,
    Utility,
)
from vigil.sites.models import (
    AlarmCode,
    AlarmZone,
    Area,
    Asset,
    Building,
    Contact,
    Level,
    School,
    Surrounding,
)

_M_PER_DEG = 111_320.0


def phone(n: int) -> str:
    """A fictional number: (530) 555-0100 … 0199."""
    return f"(530) 555-01{n % 100:02d}"


def _pt(lng: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lng, 7), round(lat, 7)]}


def _bearing(src: Point, dst: Point) -> float:
    dx = (dst.x - src.x) * _M_PER_DEG * math.cos(math.radians(src.y))
    dy = (dst.y - src.y) * _M_PER_DEG
    return round(math.degrees(math.atan2(dx, dy)), 1) % 360


def _metres(a: Point, b: Point) -> float:
    dx = (b.x - a.x) * _M_PER_DEG * math.cos(math.radians(a.y))
    return math.hypot(dx, (b.y - a.y) * _M_PER_DEG)


def tag_id(seed: int, slug: str, n: int) -> str:
    """The id printed on a checkpoint's NFC/QR tag: stable for a seed, unguessable-looking."""
    digest = hashlib.sha256(f"vigil-demo-tag:{seed}:{slug}:{n}".encode()).hexdigest()[:8]
    return f"CHK-{digest.upper()}"


# --- other district buildings -----------------------------------------------------------------
@dataclass(frozen=True)
class FacilityPlan:
    campus: CampusPlan
    directions: str
    layout_notes: str
    panel_where: str
    codes_from: str


def _rooms(*rooms: tuple[str, str, str]) -> tuple[Room, ...]:
    return tuple(Room(name, area_type, code) for name, area_type, code in rooms)


FACILITIES: tuple[FacilityPlan, ...] = (
    FacilityPlan(
        CampusPlan(
            name="District Office",
            slug="district-office",
            level=SchoolLevel.OTHER,
            address="300 Civic Center Drive, Cedar Hollow (fictional)",
            phone=phone(100),
            origin=Origin(lat=38.5468, lng=-121.7502),
            size=(120, 90),
            buildings=(
                BuildingPlan(
                    "District Office",
                    "DO",
                    20,
                    30,
                    70,
                    35,
                    (
                        _rooms(
                            ("Lobby", T.HALLWAY, "DO-L"),
                            ("Reception", T.OFFICE, "DO100"),
                            ("Board room", T.OTHER, "DO110"),
                            ("Security office and dispatch", T.OFFICE, "DO120"),
                            ("Records room", T.STORAGE, "DO130"),
                            ("Server room", T.STORAGE, "DO140"),
                            ("Restroom", T.RESTROOM_STAFF, "DO1R"),
                        ),
                    ),
                ),
            ),
            grounds=(Ground("Visitor and staff parking", T.PARKING_LOT, 5, 70, 110, 18),),
        ),
        directions="From Quarry Road take Civic Center Drive north 0.6 mi; the office is the "
        "two-storey brick building opposite City Hall. Park in the north lot.",
        layout_notes="Single-storey office. Public lobby at the south door; security office and "
        "dispatch (DO120) behind reception; server room at the east end.",
        panel_where="Intrusion and fire panels in the janitor's closet behind reception, "
        "left of the east corridor door.",
        codes_from="Security dispatch holds the codes; the facilities supervisor is backup.",
    ),
    FacilityPlan(
        CampusPlan(
            name="Transportation Yard",
            slug="transportation-yard",
            level=SchoolLevel.OTHER,
            address="1850 Industrial Way, Cedar Hollow (fictional)",
            phone=phone(102),
            origin=Origin(lat=38.5360, lng=-121.7720),
            size=(200, 150),
            buildings=(
                BuildingPlan(
                    "Bus Maintenance Garage",
                    "TG",
                    20,
                    90,
                    90,
                    40,
                    (
                        _rooms(
                            ("Service bays", T.OTHER, "TG100"),
                            ("Dispatch office", T.OFFICE, "TG110"),
                            ("Drivers' room", T.STAFF_ROOM, "TG120"),
                            ("Parts storage", T.STORAGE, "TG130"),
                            ("Restroom", T.RESTROOM_STAFF, "TG1R"),
                        ),
                    ),
                ),
            ),
            grounds=(
                Ground("Bus parking", T.PARKING_LOT, 120, 10, 70, 130),
                Ground("Fuel island", T.OTHER, 20, 20, 30, 20, isolated=True),
            ),
        ),
        directions="Industrial Way west of the rail line; enter through the rolling gate on the "
        "south side (gate code from dispatch). After hours the gate is chained.",
        layout_notes="Fenced yard. Garage with four service bays on the north side, dispatch "
        "office at its east end; 40 buses parked on the east half; diesel fuel island "
        "south-west.",
        panel_where="Intrusion panel inside the dispatch office door (TG110); fire panel in the "
        "garage by bay 1.",
        codes_from="Transportation supervisor (day) or security dispatch (night).",
    ),
    FacilityPlan(
        CampusPlan(
            name="Maintenance & Operations Warehouse",
            slug="mo-warehouse",
            level=SchoolLevel.OTHER,
            address="1900 Industrial Way, Cedar Hollow (fictional)",
            phone=phone(103),
            origin=Origin(lat=38.5345, lng=-121.7690),
            size=(150, 110),
            buildings=(
                BuildingPlan(
                    "Warehouse",
                    "W",
                    20,
                    40,
                    100,
                    50,
                    (
                        _rooms(
                            ("Warehouse floor", T.STORAGE, "W100"),
                            ("Shop (carpentry and electrical)", T.OTHER, "W110"),
                            ("Chemical storage cage", T.STORAGE, "W120"),
                            ("M&O office", T.OFFICE, "W130"),
                            ("Restroom", T.RESTROOM_STAFF, "W1R"),
                        ),
                    ),
                ),
            ),
            grounds=(Ground("Loading yard", T.PARKING_LOT, 10, 5, 130, 30),),
        ),
        directions="Next to the Transportation Yard on Industrial Way; shared driveway, then the "
        "second gate on the left.",
        layout_notes="High-bay warehouse with two roll-up doors on the south side; shop and "
        "office at the west end; pesticides and pool chemicals in the caged area, north-east.",
        panel_where="Combined fire/intrusion panel inside the west personnel door, beside the "
        "M&O office.",
        codes_from="M&O director (day) or security dispatch (night).",
    ),
)


# --- surroundings ----------------------------------------------------------------------------
_FAST_FOOD = ("Burger Barn", "Taco Rio", "Pizza Planet Express", "Chicken Shack")
_STORES = ("Quik-Stop Market", "Corner Mart", "Sunrise Liquor & Deli", "Valley Mini Mart")
_STREETS = ("Alder", "Birch", "Hawthorn", "Sycamore", "Magnolia", "Poplar", "Aspen", "Laurel")
_NEIGHBOURS = ("Hollis", "Marquez", "Trent", "Abernathy", "Castellano", "Ng", "Oduya", "Pryor")


def _surroundings(rng: random.Random, school: School, plan: CampusPlan) -> None:
    o, (w, h) = plan.origin, plan.size
    road = plan.address.split(",")[0].split(" ", 1)[1]
    streets = rng.sample(_STREETS, 3)
    neighbours = rng.sample(_NEIGHBOURS, 2)

    def line(*xy: tuple[float, float]) -> dict[str, Any]:
        return {"type": "LineString", "coordinates": [list(o.point(x, y)) for x, y in xy]}

    def point(x: float, y: float) -> dict[str, Any]:
        return {"type": "Point", "coordinates": list(o.point(x, y))}

    rows: list[tuple[str, str, dict[str, Any], str, str, str]] = [
        (
            SurroundingKind.MAJOR_ROAD,
            road,
            line((-400, -18), (w + 400, -18)),
            "",
            "",
            "Four lanes, 40 mph; students cross at the signal by the main entrance only.",
        ),
        (
            SurroundingKind.SIDE_STREET,
            f"{streets[0]} Street",
            line((-15, -18), (-15, h + 250)),
            "",
            "",
            "Parents double-park here at dismissal; the west gate opens onto it.",
        ),
        (
            SurroundingKind.SIDE_STREET,
            f"{streets[1]} Way",
            line((w + 15, -18), (w + 15, h + 250)),
            "",
            "",
            "Residential; cut-through to the shopping strip.",
        ),
        (
            SurroundingKind.ALLEY,
            f"Alley behind {streets[2]} Court",
            line((-15, h + 12), (w + 15, h + 12)),
            "",
            "",
            "Unlit, no through traffic; check for loiterers and dumped items at night.",
        ),
        (
            SurroundingKind.CREEK if plan.level != SchoolLevel.MIDDLE else SurroundingKind.CANAL,
            "Cedar Creek" if plan.level != SchoolLevel.MIDDLE else "North Valley Canal",
            line((-300, h + 140), (w * 0.3, h + 110), (w * 0.7, h + 150), (w + 300, h + 120)),
            "",
            "",
            "Steep banks, fast water in winter; fenced only along the campus side.",
        ),
        (
            SurroundingKind.FAST_FOOD,
            rng.choice(_FAST_FOOD),
            point(w + 90, -60),
            "",
            "",
            "Students leave at lunch; fights after school have started in the car park.",
        ),
        (
            SurroundingKind.NEIGHBOURHOOD_STORE,
            rng.choice(_STORES),
            point(-70, -55),
            "Store manager",
            phone(160 + rng.randint(0, 9)),
            "Manager calls us when students gather during school hours; vape sales reported.",
        ),
        (
            SurroundingKind.GATHERING_AREA,
            f"{streets[2]} Park",
            o.rect(w + 40, h + 30, 110, 70),
            "",
            "",
            "Hangout before and after school; check the restroom block and the skate bowl.",
        ),
        (
            SurroundingKind.NEIGHBOUR,
            f"{neighbours[0]} residence",
            point(w + 28, h * 0.5),
            f"Mr. and Mrs. {neighbours[0]}",
            phone(170 + rng.randint(0, 9)),
            "Retired; watches the east fence and calls security about night trespassers.",
        ),
        (
            SurroundingKind.NEIGHBOUR,
            f"{neighbours[1]} Auto Body",
            point(-35, h * 0.6),
            f"J. {neighbours[1]} (owner)",
            phone(180 + rng.randint(0, 9)),
            "Business; camera covers the west gate, owner shares footage when asked.",
        ),
        (
            SurroundingKind.NATURAL_HAZARD,
            "Creek flood zone",
            o.rect(-300, h + 95, w + 600, 70),
            "",
            "",
            "Floods in heavy winter storms; the alley and the north fields can be cut off.",
        ),
        (
            SurroundingKind.MANMADE_HAZARD,
            rng.choice(("Propane distributor", "Gas station and car wash", "Rail crossing")),
            point(w + 220, -150),
            "",
            "",
            "Evacuation toward the west if there is a leak or fire here; shelter in place if "
            "the wind blows from the east.",
        ),
    ]
    for kind, name, geometry, contact_name, contact_phone, notes in rows:
        Surrounding.objects.create(
            school=school,
            kind=kind,
            name=name,
            geometry=geometry,
            contact_name=contact_name,
            contact_phone=contact_phone,
            notes=notes,
        )


# --- assets ----------------------------------------------------------------------------------
_SIDES = ("south", "west", "north", "east")


def _door_positions(bp: BuildingPlan, count: int) -> list[tuple[float, float, str]]:
    """``count`` points on the rectangle's edge, clockwise (seen from above, north up) from the
    middle of the south side: the fire-service numbering of exterior doors."""
    x, y, w, h = bp.x, bp.y, bp.w, bp.h
    perimeter = 2 * (w + h)
    # Walking clockwise from the south-middle: west along the south side, north up the west,
    # east along the north, south down the east, then back along the south side.
    legs = [
        ((x + w / 2, y), (-1, 0), w / 2, "south"),
        ((x, y), (0, 1), h, "west"),
        ((x, y + h), (1, 0), w, "north"),
        ((x + w, y + h), (0, -1), h, "east"),
        ((x + w, y), (-1, 0), w / 2, "south"),
    ]
    points: list[tuple[float, float, str]] = []
    for n in range(count):
        distance = perimeter * n / count
        for (sx, sy), (dx, dy), length, side in legs:
            if distance <= length:
                points.append((sx + dx * distance, sy + dy * distance, side))
                break
            distance -= length
    return points


class _Campus:
    """One school's records while its knowledge base is laid out."""

    def __init__(self, school: School, plan: CampusPlan, seed: int) -> None:
        self.school = school
        self.plan = plan
        self.seed = seed
        self.rng = random.Random(f"{seed}:knowledge:{school.slug}")
        self.buildings = {b.code: b for b in Building.objects.filter(school=school)}
        self.levels = {
            (lv.building.code, lv.ordinal): lv
            for lv in Level.objects.filter(building__school=school).select_related("building")
        }
        self.areas = list(Area.objects.filter(school=school).select_related("building", "level"))
        self.checkpoints = 0

    def area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def areas_of(self, building: str, ordinal: int, *types: str) -> list[Area]:
        return [
            a
            for a in self.areas
            if a.building is not None
            and a.building.code == building
            and a.level is not None
            and a.level.ordinal == ordinal
            and (not types or a.area_type in types)
        ]

    def asset(
        self, kind: str, name: str, at: Point, area: Area | None = None, **extra: Any
    ) -> Asset:
        building = extra.pop("building", area.building if area else None)
        level = extra.pop("level", area.level if area else None)
        return Asset.objects.create(
            school=self.school,
            building=building,
            level=level,
            area=area,
            kind=kind,
            name=name,
            location=_pt(at.x, at.y),
            **extra,
        )

    def inside(self, area: Area) -> Point:
        p = shape(area.geometry).representative_point()
        return Point(round(p.x, 7), round(p.y, 7))

    def checkpoint(self, area: Area, at: Point | None = None) -> None:
        self.checkpoints += 1
        self.asset(
            K.CHECKPOINT,
            f"Checkpoint {self.checkpoints} – {area.name}",
            at or self.inside(area),
            area,
            tag_id=tag_id(self.seed, self.school.slug, self.checkpoints),
            notes="NFC tag on the door frame, shoulder height; QR sticker beside it.",
        )


_DOOR_USES = (DoorUse.CLASSROOM, DoorUse.STAFF, DoorUse.SERVICE, DoorUse.EMERGENCY)


def _doors(c: _Campus) -> None:
    o = c.plan.origin
    for bp in c.plan.buildings:
        building = c.buildings[bp.code]
        ground = c.levels[(bp.code, 0)]
        perimeter = 2 * (bp.w + bp.h)
        count = 1 if len(bp.levels[0]) == 1 else max(3, round(perimeter / 40))
        main_note = bp.notes.split(".")[0] if "entrance" in bp.notes.lower() else ""
        # Door 1 is the public main entrance; every building with more doors has at least one
        # staff and one service door, the rest drawn from the usual mix.
        others: list[str] = []
        if count > 1:
            others = [DoorUse.STAFF, DoorUse.SERVICE]
            others += [c.rng.choice(_DOOR_USES) for _ in range(count - 3)]
            c.rng.shuffle(others)
        uses = [DoorUse.PUBLIC, *others]
        rooms = c.areas_of(bp.code, 0)
        for number, ((x, y, side), use) in enumerate(
            zip(_door_positions(bp, count), uses, strict=True), start=1
        ):
            lng, lat = o.point(x, y)
            at = Point(lng, lat)
            room = min(rooms, key=lambda a: shape(a.geometry).distance(at)) if rooms else None
            label = (
                "Main entrance" if number == 1 else f"{side.title()} {DoorUse(use).label.lower()}"
            )
            Asset.objects.create(
                school=c.school,
                building=building,
                level=ground,
                area=room,
                kind=K.EXTERIOR_DOOR,
                name=label,
                number=number,
                door_use=use,
                location=_pt(lng, lat),
                notes=(main_note + ". " if number == 1 and main_note else "")
                + (
                    "Card reader; locked during school hours."
                    if use != DoorUse.EMERGENCY
                    else "Exit only; local alarm sounds when opened."
                ),
            )
        # Ground-floor offices have street-facing windows worth knowing about.
        for room in c.areas_of(bp.code, 0, T.OFFICE)[:2]:
            c.asset(
                K.WINDOW,
                f"Window – {room.name}",
                c.inside(room),
                room,
                notes="Ground-floor window, laminated glass; can be used to see into the room.",
            )


def _fire_and_medical(c: _Campus) -> None:
    for bp in c.plan.buildings:
        building = c.buildings[bp.code]
        for ordinal in range(len(bp.levels)):
            stairs = c.areas_of(bp.code, ordinal, T.STAIRWAY)
            halls = c.areas_of(bp.code, ordinal, T.HALLWAY)
            spots = stairs or halls or c.areas_of(bp.code, ordinal)
            for area in spots[:2]:
                c.asset(
                    K.PULL_STATION,
                    f"Pull station – {area.name} ({area.code})",
                    c.inside(area),
                    area,
                )
        big = len(bp.levels[0]) > 3
        if big:
            hall = (c.areas_of(bp.code, 0, T.HALLWAY) or c.areas_of(bp.code, 0))[0]
            c.asset(
                K.AED,
                f"AED – {building.name}",
                c.inside(hall),
                hall,
                notes="Wall cabinet with alarm; pads for adults and children; checked monthly.",
            )
            c.asset(K.FIRST_AID, f"First-aid kit – {building.name}", c.inside(hall), hall)
            c.asset(K.FIRE_EXTINGUISHER, f"Extinguisher – {hall.name}", c.inside(hall), hall)
    hazards = {
        "B1CP": "Chemistry prep: acids, bases and flammables in vented cabinets; SDS binder on "
        "the door. Eyewash and shower by the sink.",
        "P1PR": "Pool chemicals: sodium hypochlorite and muriatic acid. A leak gives chlorine "
        "gas; stay upwind, do not enter, call fire.",
        "M1": "Gasoline cans and two-stroke oil for the grounds equipment (about 40 litres).",
        "W120": "Pesticides, fertiliser and pool chemicals for the whole district; caged, key "
        "with the M&O director.",
        "TG130": "Motor oil, antifreeze and batteries.",
    }
    for code, notes in hazards.items():
        store = c.area(code)
        if store is not None:
            c.asset(
                K.HAZMAT, f"Hazardous materials – {store.name}", c.inside(store), store, notes=notes
            )


def _utilities(c: _Campus) -> tuple[Asset, Asset]:
    """Mains and shutoffs; returns the intrusion and fire panels (with their zones)."""
    main = c.plan.buildings[0]
    o = c.plan.origin
    building = c.buildings[main.code]
    ground = c.levels[(main.code, 0)]
    custodial = next(iter(c.areas_of(main.code, 0, T.CUSTODIAL, T.STORAGE, T.OFFICE)), None)
    n = c.rng.randint(1, 9)
    outside = {
        Utility.GAS: (main.x + main.w, main.y + main.h * 0.3, "east wall, behind the cafeteria"),
        Utility.WATER: (main.x - 6, main.y - 8, "planter strip south-west of the main entrance"),
        Utility.ELECTRIC: (main.x + main.w * 0.8, main.y + main.h, "north side, fenced yard"),
    }
    steps = {
        Utility.GAS: "1. Meter and valve on the {where}.\n2. With the 15-inch adjustable wrench "
        "from the custodial room, turn the valve a quarter turn so the tang is crosswise to the "
        "pipe.\n3. Never turn it back on: only the gas company relights.\n4. Call the gas "
        "company emergency line and tell dispatch.",
        Utility.WATER: "1. Valve box (green lid) in the {where}.\n2. Lift the lid with the "
        "curb key stored in the custodial room; turn the valve clockwise about 12 turns.\n3. The "
        "fire sprinkler supply is separate and stays on.",
        Utility.ELECTRIC: "1. Main switchboard in the {where}; key E-{n} on the custodial "
        "ring.\n2. Open the cabinet, push the main breaker handle to OFF.\n3. Fire alarm and "
        "exit lights run on batteries for 24 hours; elevators stop at the next floor.",
    }
    for utility, (x, y, where) in outside.items():
        lng, lat = o.point(x, y)
        Asset.objects.create(
            school=c.school,
            building=building,
            level=ground,
            kind=K.UTILITY_SHUTOFF,
            utility=utility,
            name=f"{Utility(utility).label} main shutoff – {building.name}",
            location=_pt(lng, lat),
            operating_steps=steps[utility].format(where=where, n=n),
        )
    for bp in c.plan.buildings:
        if len(bp.levels[0]) < 3:
            continue
        room = (
            next(iter(c.areas_of(bp.code, 0, T.CUSTODIAL, T.STORAGE)), None)
            or c.areas_of(bp.code, 0)[0]
        )
        c.asset(
            K.UTILITY_SHUTOFF,
            f"HVAC emergency shutoff – {c.buildings[bp.code].name}",
            c.inside(room),
            room,
            utility=Utility.HVAC,
            operating_steps="1. Red mushroom button in a break-glass box in "
            f"{room.name}.\n2. Press it: every air handler in the building stops (shelter in "
            "place, smoke or a chemical release outside).\n3. Facilities resets it from the "
            "control panel.",
        )
    if c.area("B1CP") is not None:
        lab = c.area("B1CP")
        assert lab is not None
        c.asset(
            K.UTILITY_SHUTOFF,
            "Lab gas emergency shutoff – Science Wing",
            c.inside(lab),
            lab,
            utility=Utility.GAS,
            operating_steps="1. Red button by the prep-room door.\n2. Press it: the solenoid "
            "valve closes gas to every lab bench.\n3. Reset needs the science chair's key.",
        )
    panel_room = custodial or c.areas_of(main.code, 0)[0]
    intrusion = c.asset(
        K.ALARM_PANEL,
        f"Intrusion alarm panel – {building.name}",
        c.inside(panel_room),
        panel_room,
        notes="Keypads at the staff entrance and the main office; monitored by the contract "
        "alarm company.",
    )
    office = next(iter(c.areas_of(main.code, 0, T.OFFICE)), panel_room)
    fire = c.asset(
        K.ALARM_PANEL,
        f"Fire alarm control panel – {building.name}",
        c.inside(office),
        office,
        notes="Annunciator at the main entrance for the fire department.",
    )
    zone = 0
    for bp in c.plan.buildings:
        for ordinal in range(len(bp.levels)):
            zone += 1
            z = AlarmZone.objects.create(
                panel=intrusion,
                number=zone,
                name=f"{c.buildings[bp.code].name} – {c.levels[(bp.code, ordinal)].name}",
            )
            z.areas.set(c.areas_of(bp.code, ordinal))
    for number, bp in enumerate(c.plan.buildings, start=1):
        z = AlarmZone.objects.create(
            panel=fire, number=number, name=f"{c.buildings[bp.code].name} – smoke and heat"
        )
        z.areas.set([a for a in c.areas if a.building and a.building.code == bp.code])
    return intrusion, fire


def _cameras_and_checkpoints(c: _Campus) -> None:
    footprints = {code: shape(b.footprint) for code, b in c.buildings.items() if b.footprint}
    for area in c.areas:
        if area.risk != RiskClass.HIGH or not area.geometry:
            continue
        target = shape(area.geometry)
        centre = target.centroid
        if area.building is not None and area.area_type in (
            T.RESTROOM_STUDENT,
            T.LOCKER_ROOM,
        ):
            # Never inside a restroom or locker room: watch its door from the corridor.
            halls = c.areas_of(
                area.building.code, area.level.ordinal if area.level else 0, T.HALLWAY
            )
            if not halls:
                c.checkpoint(area)
                continue
            at = nearest_points(shape(halls[0].geometry), centre)[0]
            at = Point(round(at.x, 7), round(at.y, 7))
            c.asset(
                K.CAMERA,
                f"Camera – corridor outside {area.name} ({area.code})",
                at,
                halls[0],
                heading_deg=_bearing(at, centre),
                field_of_view_deg=70.0,
                height_m=2.7,
                notes="Covers the restroom door only.",
            )
            c.checkpoint(area)
            continue
        if area.building is not None and area.area_type != T.PORTABLE:
            # An isolated room: a ceiling-corner camera inside it, looking across the room.
            corner = Point(target.exterior.coords[0])
            at = Point(
                round(corner.x + (centre.x - corner.x) * 0.1, 7),
                round(corner.y + (centre.y - corner.y) * 0.1, 7),
            )
            c.asset(
                K.CAMERA,
                f"Camera – {area.name} ({area.code})",
                at,
                area,
                heading_deg=_bearing(at, centre),
                field_of_view_deg=90.0,
                height_m=2.7,
            )
            c.checkpoint(area)
            continue
        # Grounds and portables: a wall-mounted camera on the nearest other building.
        others = {
            k: f for k, f in footprints.items() if not (area.building and area.building.code == k)
        }
        if not others:
            c.checkpoint(area)
            continue
        code, wall = min(others.items(), key=lambda kv: kv[1].distance(centre))
        at = nearest_points(wall.exterior, centre)[0]
        at = Point(round(at.x, 7), round(at.y, 7))
        far = _metres(at, centre)
        c.asset(
            K.CAMERA,
            f"Camera – {area.name}",
            at,
            None,
            building=c.buildings[code],
            level=c.levels.get((code, 0)),
            heading_deg=_bearing(at, centre),
            field_of_view_deg=45.0 if far > 60 else 90.0,
            height_m=4.5,
            notes=f"Wall-mounted on {c.buildings[code].name}; about {far:.0f} m to the area.",
        )
        c.checkpoint(area)


def _contacts_for_school(c: _Campus, result: BuildResult) -> None:
    school = c.school
    n = c.rng.randint(20, 39)
    Contact.objects.create(
        school=school,
        kind=ContactKind.LAW_ENFORCEMENT,
        organisation="Cedar Hollow Police Department",
        name=f"Officer {c.rng.choice(_NEIGHBOURS)}",
        title="School Resource Officer",
        phone=phone(n),
        phone_after_hours=phone(112),
        availability=Availability.DAY,
        call_for="Crimes on campus, threats, weapons, custody questions during school hours.",
        response_notes="On campus 07:00–15:30 school days; otherwise call the non-emergency "
        "line (night number) or 911.",
    )
    Contact.objects.create(
        school=school,
        kind=ContactKind.FACILITIES,
        organisation=school.name,
        name="Head custodian",
        title="Custodial lead",
        phone=phone(n + 20),
        phone_after_hours=phone(n + 40),
        availability=Availability.ALWAYS,
        call_for="Keys, utility shutoffs, leaks, alarms that need a building walk-through.",
    )
    for username in ("officer", "officer2"):
        user = result.users.get(username)
        if user is None or not user.role_assignments.filter(schools=school).exists():
            continue
        Contact.objects.create(
            school=school,
            kind=ContactKind.SECURITY_OFFICER,
            organisation="District Security",
            name=user.get_full_name(),
            title="School Security Officer",
            phone=phone(n + 50),
            availability=Availability.DAY,
            call_for="Patrols and checkpoints here, visitor escalations, incident first reports; "
            "opens and closes the campus on their shift.",
        )


def _district_contacts() -> None:
    rows = [
        (
            ContactKind.LAW_ENFORCEMENT,
            "Cedar Hollow Police Department",
            "Watch commander",
            phone(110),
            phone(112),
            Availability.ALWAYS,
            "Anything needing police that is not 911: trespass, vandalism, follow-ups.",
            "Non-emergency response 15–30 minutes; they want the door number to meet at and "
            "a description. 911 for anything in progress.",
        ),
        (
            ContactKind.FIRE,
            "Cedar Hollow Fire District",
            "Fire marshal's office",
            phone(114),
            phone(115),
            Availability.ALWAYS,
            "Alarm problems, fire-lane violations, hazmat questions; 911 for any fire or smoke.",
            "",
        ),
        (
            ContactKind.EMS,
            "Yolo Valley Ambulance (fictional)",
            "Dispatch",
            phone(116),
            phone(116),
            Availability.ALWAYS,
            "Non-emergency transport; 911 for any emergency.",
            "",
        ),
        (
            ContactKind.UTILITY,
            "Valley Gas & Electric (fictional)",
            "Emergency line",
            phone(155),
            phone(155),
            Availability.ALWAYS,
            "Gas smell, downed lines, outages; they relight gas after a shutoff.",
            "",
        ),
        (
            ContactKind.UTILITY,
            "City of Cedar Hollow Water",
            "After-hours utility desk",
            phone(157),
            phone(158),
            Availability.ALWAYS,
            "Main breaks, water off at the street.",
            "",
        ),
        (
            ContactKind.CONTRACT_SERVICE,
            "Sentinel Alarm Monitoring (fictional)",
            "Central station",
            phone(130),
            phone(131),
            Availability.ALWAYS,
            "Alarm signals, false alarms, passcode verification; account numbers on each panel.",
            "",
        ),
        (
            ContactKind.OTHER_DISTRICT,
            "Oak Valley Unified School District (fictional)",
            "Security dispatch",
            phone(140),
            phone(141),
            Availability.ALWAYS,
            "Shared threats, students moving between districts, mutual aid at events.",
            "",
        ),
    ]
    for kind, org, name, day, night, availability, call_for, notes in rows:
        Contact.objects.create(
            kind=kind,
            organisation=org,
            name=name,
            phone=day,
            phone_after_hours=night,
            availability=availability,
            call_for=call_for,
            response_notes=notes,
        )


def _alarm_codes(c: _Campus, panel: Asset) -> None:
    rng = c.rng
    AlarmCode.objects.create(
        school=c.school,
        panel=panel,
        label="Night arm/disarm – security",
        code=f"{rng.randint(1000, 9999)}",
        notes="Security officers only; disarm within 30 seconds of entering.",
    )
    AlarmCode.objects.create(
        school=c.school,
        panel=panel,
        label="Morning open – custodial",
        code=f"{rng.randint(1000, 9999)}",
        window_start=time(5, 0),
        window_end=time(7, 30),
        notes="Opening custodian; the panel refuses it outside the window as well.",
    )
    AlarmCode.objects.create(
        school=c.school,
        panel=panel,
        label="Summer HVAC contractor",
        code=f"{rng.randint(1000, 9999)}",
        valid_from=date(2026, 6, 15),
        valid_until=date(2026, 8, 14),
        window_start=time(6, 0),
        window_end=time(18, 0),
        notes="Expires with the contract; the contractor's foreman signs in at the office.",
    )


def _fill(c: _Campus, result: BuildResult) -> None:
    _doors(c)
    _fire_and_medical(c)
    intrusion, _ = _utilities(c)
    _cameras_and_checkpoints(c)
    main = c.plan.buildings[0]
    lng, lat = c.plan.origin.point(main.x + main.w / 2 + 3, main.y - 0.5)
    Asset.objects.create(
        school=c.school,
        building=c.buildings[main.code],
        level=c.levels[(main.code, 0)],
        kind=K.KNOX_BOX,
        name=f"Knox box – {c.buildings[main.code].name} main entrance",
        location=_pt(lng, lat),
        notes="Fire department key box right of door 1: master key, alarm panel key.",
    )
    _alarm_codes(c, intrusion)
    _contacts_for_school(c, result)


def step(seed: int, result: BuildResult) -> None:
    """The knowledge-base step of the demo build (listed in ``builder.STEPS``)."""
    for facility in FACILITIES:
        school = build_campus(result.district, facility.campus)
        school.directions = facility.directions
        school.layout_notes = f"{facility.layout_notes} Alarm panels: {facility.panel_where}"
        school.save()
        result.schools[school.slug] = school
    _district_contacts()
    plans = [(p, result.schools[slug]) for slug, p in result.plans.items()]
    plans += [(f.campus, result.schools[f.campus.slug]) for f in FACILITIES]
    for plan, school in plans:
        campus = _Campus(school, plan, seed)
        _fill(campus, result)
        _surroundings(campus.rng, school, plan)
    for facility in FACILITIES:
        school = result.schools[facility.campus.slug]
        Contact.objects.create(
            school=school,
            kind=ContactKind.FACILITIES,
            organisation=school.name,
            name="Codes and keys",
            phone=phone(111),
            availability=Availability.ALWAYS,
            call_for=f"Alarm codes and keys: {facility.codes_from}",
        )
