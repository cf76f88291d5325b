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


class AssetKind(models.TextChoices):
    EXTERIOR_DOOR = "exterior_door", "Exterior door"
    WINDOW = "window", "Window"
    PULL_STATION = "pull_station", "Fire-alarm pull station"
    ALARM_PANEL = "alarm_panel", "Alarm panel"
    UTILITY_SHUTOFF = "utility_shutoff", "Utility main / shutoff"
    CAMERA = "camera", "Camera"
    CHECKPOINT = "checkpoint", "Patrol checkpoint"
    AED = "aed", "AED"
    FIRST_AID = "first_aid", "First-aid kit"
    FIRE_EXTINGUISHER = "fire_extinguisher", "Fire extinguisher"
    HAZMAT = "hazmat", "Hazardous materials"
    KNOX_BOX = "knox_box", "Key box (Knox box)"


class DoorUse(models.TextChoices):
    PUBLIC = "public", "Public entrance"
    STAFF = "staff", "Staff entrance"
    CLASSROOM = "classroom", "Classroom exterior door"
    SERVICE = "service", "Service / delivery door"
    EMERGENCY = "emergency", "Emergency exit only"


class Utility(models.TextChoices):
    GAS = "gas", "Gas"
    WATER = "water", "Water"
    ELECTRIC = "electric", "Electric"
    HVAC = "hvac", "HVAC"
    FIRE_SPRINKLER = "sprinkler", "Fire sprinkler"


class SurroundingKind(models.TextChoices):
    MAJOR_ROAD = "major_road", "Major road"
    SIDE_STREET = "side_street", "Side street"
    ALLEY = "alley", "Alley"
    CANAL = "canal", "Canal"
    CREEK = "creek", "Creek"
    RIVER = "river", "River"
    FAST_FOOD = "fast_food", "Fast food"
    SHOP = "shop", "Shop"
    NEIGHBOURHOOD_STORE = "store", "Neighbourhood store"
    GATHERING_AREA = "gathering_area", "Gathering area / hangout"
    OFFSITE_PARKING = "offsite_parking", "Off-campus parking"
    NEIGHBOUR = "neighbour", "Neighbour"
    NATURAL_HAZARD = "natural_hazard", "Natural hazard"
    MANMADE_HAZARD = "manmade_hazard", "Man-made hazard"
    OTHER = "other", "Other"


class ContactKind(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    FIRE = "fire", "Fire department"
    EMS = "ems", "EMS / ambulance"
    CONTRACT_SERVICE = "contract_service", "Contract service"
    UTILITY = "utility", "Utility company"
    OTHER_DISTRICT = "other_district", "Other district"
    SECURITY_OFFICER = "security_officer", "Security officer"
    FACILITIES = "facilities", "Facilities / maintenance"
    ADMINISTRATION = "administration", "Administration"
    OTHER = "other", "Other"


class Availability(models.TextChoices):
    DAY = "day", "Day (school hours)"
    NIGHT = "night", "Night and weekends"
    ALWAYS = "always", "24 hours"
