"""Build the fictional Cedar Hollow Unified School District.

Three campuses: a high school (several buildings on two levels, portables, gym, pool, theater,
fields, parking lots), a middle school and an elementary school, plus one demo login for every
role. The same seed always gives the same district.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts import services as accounts
from vigil.accounts.models import User
from vigil.core import context
from vigil.core.permissions import TWO_FACTOR_ROLES, Role
from vigil.demo import knowledge, school_calendar, visitors
from vigil.demo.geo import Origin
from vigil.demo.layout import BuildingPlan, BuildResult, CampusPlan, Ground, Room, build_campus
from vigil.incidents import demo as incidents_demo
from vigil.sites.choices import AreaType as T
from vigil.sites.choices import SchoolLevel
from vigil.sites.models import District, School

DEFAULT_SEED = 20260901
# Printed by `make run`; only demo accounts use it, and `vigil check --deploy` flags them.
DEMO_PASSWORD = "cedar-hollow-demo"  # noqa: S105


def _classrooms(prefix: str, first: int, count: int) -> tuple[Room, ...]:
    return tuple(
        Room(f"Classroom {prefix}{n}", T.CLASSROOM, f"{prefix}{n}")
        for n in range(first, first + count)
    )


def _core_rooms(prefix: str, level: int, *, isolated_stair: str = "") -> tuple[Room, ...]:
    return (
        Room(f"Main hallway, level {level}", T.HALLWAY, f"{prefix}-H{level}"),
        Room("Stairway East", T.STAIRWAY, f"{prefix}-SE{level}", isolated=isolated_stair == "east"),
        Room("Stairway West", T.STAIRWAY, f"{prefix}-SW{level}", isolated=isolated_stair == "west"),
        Room("Restroom (girls)", T.RESTROOM_STUDENT, f"{prefix}{level}RG"),
        Room("Restroom (boys)", T.RESTROOM_STUDENT, f"{prefix}{level}RB"),
        Room("Storage closet", T.STORAGE, f"{prefix}{level}ST"),
    )


def _portable(code: str, x: float, y: float) -> BuildingPlan:
    return BuildingPlan(
        f"Portable {code}",
        code,
        x,
        y,
        18,
        10,
        ((Room(f"Portable classroom {code}", T.PORTABLE, code, isolated=True),),),
        notes="Relocatable classroom; one door, ramp on the north side.",
    )


HIGH_SCHOOL = CampusPlan(
    name="Cedar Hollow High School",
    slug="cedar-hollow-hs",
    level=SchoolLevel.HIGH,
    address="1200 Quarry Road, Cedar Hollow (fictional)",
    phone="(530) 555-0120",
    origin=Origin(lat=38.5412, lng=-121.7613),
    size=(420, 330),
    buildings=(
        BuildingPlan(
            "Main Building",
            "A",
            60,
            150,
            120,
            50,
            (
                (
                    *_core_rooms("A", 1),
                    Room("Main office", T.OFFICE, "A100"),
                    Room("Attendance office", T.OFFICE, "A101"),
                    Room("Staff lounge", T.STAFF_ROOM, "A102"),
                    Room("Staff restroom", T.RESTROOM_STAFF, "A1RS"),
                    Room("Cafeteria", T.CAFETERIA, "A110"),
                    Room("Custodial room", T.CUSTODIAL, "A1CU"),
                    *_classrooms("A1", 20, 6),
                ),
                (
                    *_core_rooms("A", 2, isolated_stair="west"),
                    Room("Library", T.OTHER, "A200"),
                    Room("Staff workroom", T.STAFF_ROOM, "A201"),
                    *_classrooms("A2", 10, 10),
                ),
            ),
            notes="Main entrance faces Quarry Road (south). Front office buzzes visitors in.",
        ),
        BuildingPlan(
            "Science Wing",
            "B",
            200,
            150,
            90,
            40,
            (
                (
                    *_core_rooms("B", 1, isolated_stair="east"),
                    Room("Chemistry prep room", T.STORAGE, "B1CP"),
                    *_classrooms("B1", 10, 6),
                ),
                (*_core_rooms("B", 2), *_classrooms("B2", 10, 6)),
            ),
            notes="Chemical storage in B1CP; key held by science chair and custodian.",
        ),
        BuildingPlan(
            "Gymnasium",
            "G",
            60,
            60,
            80,
            55,
            (
                (
                    Room("Main gym", T.GYM, "G100"),
                    Room("Boys' locker room", T.LOCKER_ROOM, "G1LB"),
                    Room("Girls' locker room", T.LOCKER_ROOM, "G1LG"),
                    Room("Gym lobby", T.HALLWAY, "G1H"),
                    Room("Weight room", T.GYM, "G110"),
                    Room("Equipment storage", T.STORAGE, "G1ST", isolated=True),
                    Room("Restroom (lobby)", T.RESTROOM_STUDENT, "G1R"),
                ),
            ),
        ),
        BuildingPlan(
            "Aquatic Center",
            "P",
            150,
            60,
            50,
            40,
            (
                (
                    Room("Pool deck", T.POOL, "P100"),
                    Room("Pool locker room", T.LOCKER_ROOM, "P1L"),
                    Room("Pump room", T.CUSTODIAL, "P1PR", isolated=True),
                ),
            ),
            notes="Chlorine stored in the pump room; do not enter during a leak alarm.",
        ),
        BuildingPlan(
            "Performing Arts Center",
            "T",
            310,
            150,
            60,
            55,
            (
                (
                    Room("Theater", T.THEATER, "T100"),
                    Room("Theater lobby", T.HALLWAY, "T1H"),
                    Room("Backstage", T.OTHER, "T1BS", isolated=True),
                    Room("Scene shop", T.STORAGE, "T1SS", isolated=True),
                    Room("Restroom (lobby)", T.RESTROOM_STUDENT, "T1R"),
                ),
                (
                    Room("Balcony", T.THEATER, "T200"),
                    Room("Light booth", T.OTHER, "T2LB", isolated=True),
                ),
            ),
        ),
        _portable("PT1", 310, 230),
        _portable("PT2", 332, 230),
        _portable("PT3", 310, 246),
        _portable("PT4", 332, 246),
        BuildingPlan(
            "Maintenance Shed",
            "M",
            390,
            20,
            20,
            14,
            ((Room("Maintenance shed", T.OUTBUILDING, "M1", isolated=True),),),
            notes="Grounds equipment and fuel cans.",
        ),
    ),
    grounds=(
        Ground("Football field and track", T.PLAYING_FIELD, 220, 10, 160, 110),
        Ground("Baseball diamond", T.PLAYING_FIELD, 10, 230, 110, 90, isolated=True),
        Ground("Softball field", T.PLAYING_FIELD, 130, 240, 90, 80, isolated=True),
        Ground("Student parking lot", T.PARKING_LOT, 10, 10, 40, 130),
        Ground("Staff parking lot", T.PARKING_LOT, 190, 205, 100, 30),
        Ground("Bus loop", T.PARKING_LOT, 60, 205, 120, 18),
        Ground("Central courtyard", T.COURTYARD, 185, 120, 30, 28),
        Ground(
            "Behind the gym",
            T.COURTYARD,
            60,
            40,
            80,
            18,
            isolated=True,
            notes="Out of sight of every classroom; students gather here to vape.",
        ),
    ),
)

MIDDLE_SCHOOL = CampusPlan(
    name="Juniper Ridge Middle School",
    slug="juniper-ridge-ms",
    level=SchoolLevel.MIDDLE,
    address="455 Ridgeline Avenue, Cedar Hollow (fictional)",
    phone="(530) 555-0145",
    origin=Origin(lat=38.5530, lng=-121.7402),
    size=(260, 220),
    buildings=(
        BuildingPlan(
            "Main Building",
            "A",
            40,
            100,
            110,
            45,
            (
                (
                    *_core_rooms("A", 1),
                    Room("Main office", T.OFFICE, "A100"),
                    Room("Multipurpose room / cafeteria", T.CAFETERIA, "A110"),
                    Room("Staff lounge", T.STAFF_ROOM, "A102"),
                    *_classrooms("A1", 20, 6),
                ),
                (*_core_rooms("A", 2, isolated_stair="east"), *_classrooms("A2", 10, 8)),
            ),
        ),
        BuildingPlan(
            "Gymnasium",
            "G",
            170,
            100,
            60,
            45,
            (
                (
                    Room("Gym", T.GYM, "G100"),
                    Room("Boys' locker room", T.LOCKER_ROOM, "G1LB"),
                    Room("Girls' locker room", T.LOCKER_ROOM, "G1LG"),
                ),
            ),
        ),
        _portable("PT1", 40, 160),
        _portable("PT2", 62, 160),
    ),
    grounds=(
        Ground("Playing field", T.PLAYING_FIELD, 120, 10, 130, 80),
        Ground("Parking lot", T.PARKING_LOT, 10, 10, 100, 70),
    ),
)

ELEMENTARY_SCHOOL = CampusPlan(
    name="Willow Creek Elementary School",
    slug="willow-creek-es",
    level=SchoolLevel.ELEMENTARY,
    address="78 Creekside Lane, Cedar Hollow (fictional)",
    phone="(530) 555-0178",
    origin=Origin(lat=38.5335, lng=-121.7290),
    size=(200, 160),
    buildings=(
        BuildingPlan(
            "School Building",
            "A",
            30,
            70,
            120,
            40,
            (
                (
                    Room("Main hallway", T.HALLWAY, "A-H1"),
                    Room("Main office", T.OFFICE, "A100"),
                    Room("Multipurpose room", T.CAFETERIA, "A110"),
                    Room("Restroom (girls)", T.RESTROOM_STUDENT, "A1RG"),
                    Room("Restroom (boys)", T.RESTROOM_STUDENT, "A1RB"),
                    Room("Staff room", T.STAFF_ROOM, "A102"),
                    *_classrooms("A1", 1, 10),
                ),
            ),
        ),
    ),
    grounds=(
        Ground("Playground", T.PLAYING_FIELD, 30, 120, 120, 35),
        Ground("Parking and drop-off", T.PARKING_LOT, 10, 10, 150, 45),
    ),
)

CAMPUSES: tuple[CampusPlan, ...] = (HIGH_SCHOOL, MIDDLE_SCHOOL, ELEMENTARY_SCHOOL)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    schools: tuple[str, ...]  # slugs; empty means district-wide
    title: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("officer", Role.OFFICER, ("cedar-hollow-hs",), "School Security Officer"),
    DemoLogin(
        "officer2", Role.OFFICER, ("juniper-ridge-ms", "willow-creek-es"), "School Security Officer"
    ),
    DemoLogin(
        "supervisor",
        Role.SUPERVISOR,
        ("cedar-hollow-hs", "juniper-ridge-ms"),
        "Security Supervisor",
    ),
    DemoLogin("director", Role.DIRECTOR, (), "Director of District Security"),
    DemoLogin("principal", Role.SCHOOL_ADMIN, ("cedar-hollow-hs",), "Principal"),
    DemoLogin("frontdesk", Role.FRONT_OFFICE, ("willow-creek-es",), "Front Office Manager"),
    DemoLogin("liaison", Role.LIAISON, ("cedar-hollow-hs",), "School Resource Officer (police)"),
    DemoLogin("admin", Role.SYSADMIN, (), "Systems Administrator"),
)

_FIRST = [
    "Dana",
    "Marcus",
    "Priya",
    "Tomás",
    "Grace",
    "Kenji",
    "Aisha",
    "Leo",
    "Rosa",
    "Owen",
    "Mei",
    "Samuel",
    "Nadia",
    "Eli",
    "Fatima",
    "Caleb",
]
_LAST = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Moreno",
    "Sato",
    "Brennan",
    "Kowalski",
    "Achebe",
    "Nguyen",
    "Delgado",
    "Fischer",
    "Park",
    "Osei",
    "Varga",
    "Whitfield",
]


def totp_key(seed: int, username: str) -> bytes:
    """The demo TOTP secret of a user: derived from the seed, so it is stable across rebuilds."""
    return hashlib.sha256(f"vigil-demo-totp:{seed}:{username}".encode()).digest()[:20]


def totp_secret_b32(seed: int, username: str) -> str:
    return base64.b32encode(totp_key(seed, username)).decode().rstrip("=")


def _build_logins(seed: int, schools: dict[str, School]) -> dict[str, User]:
    rng = random.Random(seed)
    firsts = rng.sample(_FIRST, len(DEMO_LOGINS))
    lasts = rng.sample(_LAST, len(DEMO_LOGINS))
    users: dict[str, User] = {}
    for n, login in enumerate(DEMO_LOGINS):
        user = accounts.user_create(
            actor=None,
            username=login.username,
            password=DEMO_PASSWORD,
            first_name=firsts[n],
            last_name=lasts[n],
            email=f"{login.username}@cedar-hollow.example",
            title=login.title,
            is_demo=True,
        )
        user.mobile_phone = f"(530) 555-01{rng.randint(0, 99):02d}"
        user.badge_number = f"CH-{rng.randint(100, 999)}" if login.role == Role.OFFICER else ""
        user.save()
        accounts.role_assign(
            actor=None,
            user=user,
            role=login.role,
            district_wide=not login.schools,
            schools=[schools[s] for s in login.schools],
        )
        if login.role in TWO_FACTOR_ROLES:
            TOTPDevice.objects.create(
                user=user,
                name="Demo authenticator",
                confirmed=True,
                key=totp_key(seed, login.username).hex(),
            )
        users[login.username] = user
    return users


def _step_sites(seed: int, result: BuildResult) -> None:
    for plan in CAMPUSES:
        result.plans[plan.slug] = plan
        result.schools[plan.slug] = build_campus(result.district, plan)


def _step_people(seed: int, result: BuildResult) -> None:
    result.users = _build_logins(seed, result.schools)


# Later features append their step (a callable taking the seed and the result so far).
# Later features add their step here, after the ones whose records they need.
STEPS: list[Callable[[int, BuildResult], None]] = [
    _step_sites,
    _step_people,
    knowledge.step,
    visitors.step,
    school_calendar.step,
    incidents_demo.step,
]


def build(seed: int = DEFAULT_SEED) -> BuildResult:
    """Create the demo district in one transaction. The database must hold no district."""
    if District.objects.exists():
        raise RuntimeError("The database already holds a district; use `vigil demo --reset`.")
    with context.acting(None, via="cli"), transaction.atomic():
        district = District.objects.create(
            name="Cedar Hollow Unified School District",
            slug="cedar-hollow",
            time_zone="America/Los_Angeles",
            fictional=True,
            security_phone="(530) 555-0111",
        )
        result = BuildResult(district=district)
        for step in STEPS:
            step(seed, result)
    return result
