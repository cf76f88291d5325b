"""Choice lists of the district knowledge base, with the defaults security practice suggests."""

from __future__ import annotations

from django.db import models


class SchoolLevel(models.TextChoices):
    ELEMENTARY = "elementary", "Elementary school"
    MIDDLE = "middle", "Middle school"
    HIGH = "high", "High school"
    OTHER = "other", "Other facility"


class RiskClass(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_COLOURS = {RiskClass.LOW: "#2e7d32", RiskClass.MEDIUM: "#b26a00", RiskClass.HIGH: "#c62828"}


class AreaType(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    HALLWAY = "hallway", "Hallway"
    STAIRWAY = "stairway", "Stairway"
    RESTROOM_STUDENT = "restroom_student", "Restroom (student)"
    RESTROOM_STAFF = "restroom_staff", "Restroom (staff)"
    LOCKER_ROOM = "locker_room", "Locker room"
    STORAGE = "storage", "Storage room / closet"
    CUSTODIAL = "custodial", "Custodial area"
    GYM = "gym", "Gym"
    POOL = "pool", "Pool"
    THEATER = "theater", "Theater / auditorium"
    CAFETERIA = "cafeteria", "Cafeteria"
    OFFICE = "office", "Office"
    STAFF_ROOM = "staff_room", "Staff room"
    COURTYARD = "courtyard", "Courtyard"
    PARKING_LOT = "parking_lot", "Parking lot"
    PLAYING_FIELD = "playing_field", "Playing field"
    PORTABLE = "portable", "Portable classroom"
    OUTBUILDING = "outbuilding", "Out-building"
    OTHER = "other", "Other"


# The places the security literature tells officers to visit more: locker rooms, restrooms,
# isolated hallways and stairways, portables, fields, out-buildings and isolated grounds.
# Hallways and stairways are high risk when flagged isolated (see default_risk).
HIGH_RISK_TYPES: frozenset[str] = frozenset(
    {
        AreaType.RESTROOM_STUDENT,
        AreaType.LOCKER_ROOM,
        AreaType.PORTABLE,
        AreaType.PLAYING_FIELD,
        AreaType.OUTBUILDING,
        AreaType.PARKING_LOT,
    }
)
MEDIUM_RISK_TYPES: frozenset[str] = frozenset(
    {
        AreaType.HALLWAY,
        AreaType.STAIRWAY,
        AreaType.RESTROOM_STAFF,
        AreaType.STORAGE,
        AreaType.CUSTODIAL,
        AreaType.GYM,
        AreaType.POOL,
        AreaType.THEATER,
        AreaType.CAFETERIA,
        AreaType.COURTYARD,
    }
)


def default_risk(area_type: str, *, isolated: bool) -> RiskClass:
    """The pre-set risk class of an area; supervisors may change it afterwards."""
    if area_type in HIGH_RISK_TYPES:
        return RiskClass.HIGH
    if isolated and area_type in {
        AreaType.HALLWAY,
        AreaType.STAIRWAY,
        AreaType.COURTYARD,
        AreaType.STORAGE,
        AreaType.OTHER,
    }:
        return RiskClass.HIGH
    if area_type in MEDIUM_RISK_TYPES:
        return RiskClass.MEDIUM
    return RiskClass.LOW
