"""How IMDF 1.0 categories and Vigil's area types and asset kinds translate, both ways.

The one place the mapping lives; docs/imdf.md prints these tables. IMDF was made for airports
and malls, so several school places have no category of their own: those translations are
lossy and listed in ``LOSSY_EXPORT``. When an import matches an existing record whose type
already exports to the incoming category, the record keeps its type (a staff restroom read
back from Vigil's own export stays a staff restroom), so re-importing an export changes nothing.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from vigil.sites.choices import AreaType as T
from vigil.sites.choices import AssetKind as K
from vigil.sites.choices import DoorUse

# The IMDF 1.0 category tables (transcribed from the specification's category lists).
_CATEGORIES_FILE = Path(__file__).with_name("imdf_categories.json")


@lru_cache(maxsize=1)
def categories() -> dict[str, frozenset[str]]:
    """Every valid category, by table name ("unit", "amenity", "opening", …)."""
    data = json.loads(_CATEGORIES_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(value) for key, value in data.items() if isinstance(value, list)}


# --- units ↔ areas ---
# Area type → (IMDF unit category, restriction). Restriction "employeesonly" is how IMDF says
# "staff only", which is exactly the difference between our two restroom types.
AREA_TO_UNIT: dict[str, tuple[str, str | None]] = {
    T.CLASSROOM: ("classroom", None),
    T.HALLWAY: ("walkway", None),
    T.STAIRWAY: ("stairs", None),
    T.RESTROOM_STUDENT: ("restroom", None),
    T.RESTROOM_STAFF: ("restroom", "employeesonly"),
    T.LOCKER_ROOM: ("shower", None),
    T.STORAGE: ("storage", None),
    T.CUSTODIAL: ("nonpublic", None),
    T.GYM: ("fitnessroom", None),
    T.POOL: ("recreation", None),
    T.THEATER: ("theater", None),
    T.CAFETERIA: ("foodservice", None),
    T.OFFICE: ("office", None),
    T.STAFF_ROOM: ("privatelounge", None),
    T.COURTYARD: ("unenclosedarea", None),
    T.PARKING_LOT: ("parking", None),
    T.PLAYING_FIELD: ("fieldofplay", None),
    T.PORTABLE: ("classroom", None),
    T.OUTBUILDING: ("unspecified", None),
    T.OTHER: ("room", None),
}

# Area types IMDF has no category for: what a fresh import of our export turns them into.
LOSSY_EXPORT: dict[str, str] = {
    T.POOL: "recreation is read back as a gym",
    T.PORTABLE: "classroom is read back as a classroom",
    T.OUTBUILDING: "unspecified is read back as other",
}

# IMDF unit category → area type, for every unit category. Structural units (walls, columns,
# openings to the floor below) are not places anyone patrols: they are skipped (None).
UNIT_TO_AREA: dict[str, str | None] = {
    "auditorium": T.THEATER,
    "theater": T.THEATER,
    "movietheater": T.THEATER,
    "classroom": T.CLASSROOM,
    "laboratory": T.CLASSROOM,
    "library": T.OTHER,
    "conferenceroom": T.OFFICE,
    "huddleroom": T.OFFICE,
    "office": T.OFFICE,
    "phoneroom": T.OFFICE,
    "mailroom": T.OFFICE,
    "firstaid": T.OFFICE,
    "serverroom": T.STORAGE,
    "storage": T.STORAGE,
    "nonpublic": T.CUSTODIAL,
    "stairs": T.STAIRWAY,
    "steps": T.STAIRWAY,
    "elevator": T.OTHER,
    "escalator": T.OTHER,
    "movingwalkway": T.HALLWAY,
    "ramp": T.HALLWAY,
    "walkway": T.HALLWAY,
    "walkway.island": T.HALLWAY,
    "footbridge": T.HALLWAY,
    "lobby": T.HALLWAY,
    "waitingroom": T.OTHER,
    "restroom": T.RESTROOM_STUDENT,
    "restroom.family": T.RESTROOM_STUDENT,
    "restroom.female": T.RESTROOM_STUDENT,
    "restroom.female.wheelchair": T.RESTROOM_STUDENT,
    "restroom.male": T.RESTROOM_STUDENT,
    "restroom.male.wheelchair": T.RESTROOM_STUDENT,
    "restroom.transgender": T.RESTROOM_STUDENT,
    "restroom.transgender.wheelchair": T.RESTROOM_STUDENT,
    "restroom.unisex": T.RESTROOM_STUDENT,
    "restroom.unisex.wheelchair": T.RESTROOM_STUDENT,
    "restroom.wheelchair": T.RESTROOM_STUDENT,
    "shower": T.LOCKER_ROOM,
    "fitnessroom": T.GYM,
    "recreation": T.GYM,
    "fieldofplay": T.PLAYING_FIELD,
    "foodservice": T.CAFETERIA,
    "kitchen": T.CAFETERIA,
    "lounge": T.STAFF_ROOM,
    "privatelounge": T.STAFF_ROOM,
    "mothersroom": T.OTHER,
    "parking": T.PARKING_LOT,
    "road": T.OTHER,
    "unenclosedarea": T.COURTYARD,
    "terrace": T.COURTYARD,
    "vegetation": T.COURTYARD,
    "smokingarea": T.COURTYARD,
    "platform": T.OTHER,
    "room": T.OTHER,
    "unspecified": T.OTHER,
    "brick": None,
    "column": None,
    "concrete": None,
    "drywall": None,
    "glass": None,
    "wood": None,
    "structure": None,
    "opentobelow": None,
}

# Restroom units marked staff-only become staff restrooms.
STAFF_ONLY = "employeesonly"


def area_type_for(category: str, restriction: str | None) -> str | None:
    area_type = UNIT_TO_AREA[category]
    if area_type == T.RESTROOM_STUDENT and restriction == STAFF_ONLY:
        return T.RESTROOM_STAFF
    return area_type


# --- amenities and fixtures ↔ assets ---
ASSET_TO_AMENITY: dict[str, str] = {
    K.PULL_STATION: "firealarmpullstation",
    K.AED: "defibrillator",
    K.FIRST_AID: "firstaid",
    K.FIRE_EXTINGUISHER: "fireextinguisher",
    K.ALARM_PANEL: "security",
}
# "security" is also a security desk in other people's archives, so it is not read back as an
# alarm panel: an existing panel matched by name keeps its data, a new one is not invented.
AMENITY_TO_ASSET: dict[str, str] = {v: k for k, v in ASSET_TO_AMENITY.items() if k != K.ALARM_PANEL}

# Cameras are fixtures (IMDF "securityequipment": a thing mounted in a place), not amenities.
ASSET_TO_FIXTURE: dict[str, str] = {K.CAMERA: "securityequipment"}
FIXTURE_TO_ASSET: dict[str, str] = {v: k for k, v in ASSET_TO_FIXTURE.items()}

# Kinds IMDF has no place for; they travel in the CSV export (`vigil export csv assets`).
NOT_IN_IMDF: tuple[str, ...] = (
    K.CHECKPOINT,
    K.UTILITY_SHUTOFF,
    K.HAZMAT,
    K.WINDOW,
    K.KNOX_BOX,
)

# --- openings ↔ exterior doors ---
DOOR_TO_OPENING: dict[str, str] = {
    DoorUse.PUBLIC: "pedestrian",
    DoorUse.STAFF: "pedestrian",
    DoorUse.CLASSROOM: "pedestrian",
    DoorUse.SERVICE: "service",
    DoorUse.EMERGENCY: "emergencyexit",
}
# Door 1, the main entrance, is the principal pedestrian opening.
MAIN_ENTRANCE = "pedestrian.principal"
OPENING_TO_DOOR: dict[str, str] = {
    "pedestrian": DoorUse.PUBLIC,
    "pedestrian.principal": DoorUse.PUBLIC,
    "pedestrian.transit": DoorUse.PUBLIC,
    "service": DoorUse.SERVICE,
    "automobile": DoorUse.SERVICE,
    "bicycle": DoorUse.PUBLIC,
    "emergencyexit": DoorUse.EMERGENCY,
}


def opening_category(door_use: str, number: int | None) -> str:
    return MAIN_ENTRANCE if number == 1 else DOOR_TO_OPENING.get(door_use, "pedestrian")
