"""The demo district's knowledge base (vigil.demo.knowledge) is complete and placed sensibly."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from django.db import connection
from shapely.geometry import Point, shape

from conftest import DEMO_SEED
from vigil.demo.knowledge import tag_id
from vigil.sites.choices import AssetKind, ContactKind, RiskClass, SchoolLevel, SurroundingKind
from vigil.sites.geometry import farthest_m
from vigil.sites.geometry import problems as geometry_problems
from vigil.sites.models import AlarmCode, Area, Asset, Building, Contact, School, Surrounding

pytestmark = pytest.mark.django_db

SCHOOLS = ("cedar-hollow-hs", "juniper-ridge-ms", "willow-creek-es")
PHONE = re.compile(r"^\(530\) 555-01\d\d$")


def test_high_school_holds_exactly_these_assets() -> None:
    kinds = Counter(
        Asset.objects.filter(school__slug="cedar-hollow-hs").values_list("kind", flat=True)
    )
    assert kinds == {
        "aed": 4,
        "alarm_panel": 2,
        "camera": 30,
        "checkpoint": 31,
        "exterior_door": 36,
        "fire_extinguisher": 4,
        "first_aid": 4,
        "hazmat": 3,
        "knox_box": 1,
        "pull_station": 19,
        "utility_shutoff": 9,
        "window": 2,
    }


def test_every_building_has_doors_numbered_clockwise_from_the_main_entrance() -> None:
    for building in Building.objects.select_related("school"):
        doors = list(
            Asset.objects.filter(building=building, kind=AssetKind.EXTERIOR_DOOR).order_by("number")
        )
        assert [d.number for d in doors] == list(range(1, len(doors) + 1)), building
        assert (doors[0].name, doors[0].door_use) == ("Main entrance", "public")
        footprint = shape(building.footprint)
        centre = footprint.centroid
        angles = []
        for door in doors:
            assert door.location is not None
            at = Point(door.location["coordinates"])
            assert footprint.exterior.distance(at) < 1e-7, door  # on the outline
            dx = (at.x - centre.x) * math.cos(math.radians(centre.y))
            angles.append(math.atan2(at.y - centre.y, dx))
        # Clockwise seen from above: the angle keeps falling (once around) from door 1.
        turned = [(angles[0] - a) % (2 * math.pi) for a in angles]
        assert turned == sorted(turned), building


def test_main_entrance_of_the_high_school_is_pinned() -> None:
    door = Asset.objects.get(
        school__slug="cedar-hollow-hs", building__code="A", kind=AssetKind.EXTERIOR_DOOR, number=1
    )
    assert door.location == {"type": "Point", "coordinates": [-121.7599218, 38.5425475]}


def test_each_school_has_panels_zones_shutoffs_and_safety_equipment() -> None:
    for school in School.objects.all():
        assets = Asset.objects.filter(school=school)
        panels = assets.filter(kind=AssetKind.ALARM_PANEL)
        assert panels.count() == 2, school
        intrusion = panels.get(name__startswith="Intrusion")
        zoned = {a.pk for z in intrusion.zones.all() for a in z.areas.all()}
        indoor = set(
            Area.objects.filter(school=school, building__isnull=False).values_list("pk", flat=True)
        )
        assert zoned == indoor, school
        utilities = set(
            assets.filter(kind=AssetKind.UTILITY_SHUTOFF).values_list("utility", flat=True)
        )
        assert utilities == {"gas", "water", "electric", "hvac"}, school
        assert all(
            "1. " in steps
            for steps in assets.filter(kind=AssetKind.UTILITY_SHUTOFF).values_list(
                "operating_steps", flat=True
            )
        )
        for kind in (
            AssetKind.PULL_STATION,
            AssetKind.AED,
            AssetKind.FIRST_AID,
            AssetKind.KNOX_BOX,
        ):
            assert assets.filter(kind=kind).exists(), (school, kind)


def test_hazardous_materials_are_where_the_chemicals_are() -> None:
    hazmat = Asset.objects.filter(school__slug="cedar-hollow-hs", kind=AssetKind.HAZMAT)
    assert sorted(h.area.code if h.area else "" for h in hazmat) == ["B1CP", "M1", "P1PR"]


def test_cameras_look_at_high_risk_areas_and_never_into_restrooms() -> None:
    cameras = Asset.objects.filter(kind=AssetKind.CAMERA).select_related("area")
    assert cameras.count() == 47
    for camera in cameras:
        assert camera.heading_deg is not None
        assert 0 <= camera.heading_deg < 360
        assert camera.field_of_view_deg in (45.0, 70.0, 90.0)
        assert camera.height_m in (2.7, 4.5)
        assert camera.area is None or camera.area.area_type not in (
            "restroom_student",
            "locker_room",
        )
    watched = set(Area.objects.filter(risk=RiskClass.HIGH).values_list("name", flat=True))
    for camera in cameras:
        assert any(name in camera.name for name in watched), camera


def test_checkpoints_have_unique_tags_from_the_seed() -> None:
    tags = list(Asset.objects.filter(kind=AssetKind.CHECKPOINT).values_list("tag_id", flat=True))
    assert len(tags) == len(set(tags)) == 50
    first = Asset.objects.get(
        school__slug="cedar-hollow-hs", kind=AssetKind.CHECKPOINT, name__startswith="Checkpoint 1 –"
    )
    assert first.tag_id == tag_id(DEMO_SEED, "cedar-hollow-hs", 1)
    assert re.fullmatch(r"CHK-[0-9A-F]{8}", first.tag_id)


def test_other_district_buildings_say_how_to_get_there_and_where_the_panels_are() -> None:
    others = School.objects.filter(level=SchoolLevel.OTHER).order_by("slug")
    assert [o.slug for o in others] == ["district-office", "mo-warehouse", "transportation-yard"]
    for other in others:
        assert other.directions
        assert "Alarm panels:" in other.layout_notes
        codes = Contact.objects.get(school=other, name="Codes and keys")
        assert codes.call_for.startswith("Alarm codes and keys:")


def test_surroundings_cover_what_an_officer_must_know() -> None:
    wanted = {
        SurroundingKind.MAJOR_ROAD,
        SurroundingKind.SIDE_STREET,
        SurroundingKind.ALLEY,
        SurroundingKind.FAST_FOOD,
        SurroundingKind.NEIGHBOURHOOD_STORE,
        SurroundingKind.GATHERING_AREA,
        SurroundingKind.NEIGHBOUR,
        SurroundingKind.NATURAL_HAZARD,
        SurroundingKind.MANMADE_HAZARD,
    }
    for school in School.objects.all():
        around = Surrounding.objects.filter(school=school)
        kinds = set(around.values_list("kind", flat=True))
        assert wanted <= kinds, school
        assert kinds & {SurroundingKind.CREEK, SurroundingKind.CANAL}, school
        assert school.boundary is not None
        for s in around:
            assert geometry_problems(s.geometry, ("Point", "LineString", "Polygon")) == [], s
            assert farthest_m(s.geometry, school.boundary) < 1_000, s
        assert all(
            PHONE.match(n.contact_phone) for n in around.filter(kind=SurroundingKind.NEIGHBOUR)
        )


def test_contacts_for_day_and_night_in_the_fiction_range() -> None:
    district = Contact.objects.filter(school__isnull=True)
    assert {c.kind for c in district} >= {
        ContactKind.LAW_ENFORCEMENT,
        ContactKind.FIRE,
        ContactKind.EMS,
        ContactKind.UTILITY,
        ContactKind.CONTRACT_SERVICE,
        ContactKind.OTHER_DISTRICT,
    }
    police = district.get(kind=ContactKind.LAW_ENFORCEMENT)
    assert "door number" in police.response_notes
    for contact in Contact.objects.all():
        for number in (contact.phone, contact.phone_after_hours):
            assert not number or PHONE.match(number), contact
    for slug in SCHOOLS:
        officers = Contact.objects.filter(school__slug=slug, kind=ContactKind.SECURITY_OFFICER)
        assert officers.exists(), slug
        assert all("Patrols" in o.call_for for o in officers)


def test_alarm_codes_are_encrypted_and_have_validity() -> None:
    codes = AlarmCode.objects.filter(school__slug="cedar-hollow-hs").order_by("label")
    assert [c.label for c in codes] == [
        "Morning open – custodial",
        "Night arm/disarm – security",
        "Summer HVAC contractor",
    ]
    contractor = codes.get(label="Summer HVAC contractor")
    assert (str(contractor.valid_from), str(contractor.valid_until)) == ("2026-06-15", "2026-08-14")
    custodial = codes.get(label="Morning open – custodial")
    assert (str(custodial.window_start), str(custodial.window_end)) == ("05:00:00", "07:30:00")
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM sites_alarmcode WHERE id = %s", [custodial.pk])
        stored = cursor.fetchone()[0]
    assert re.fullmatch(r"\d{4}", custodial.code)
    assert custodial.code not in stored
    assert stored.startswith("gAAAAA")
