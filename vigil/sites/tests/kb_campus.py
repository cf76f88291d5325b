"""A small, fully known campus for the map, Find and responder-card tests.

The demo district changes as features fill it in; these tests assert exact values, so they
build their own campus beside it ("Test Ridge Academy") and sign in as an officer scoped to
it alone. Its contents are listed here once and asserted on in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.accounts import services as accounts
from vigil.accounts.models import User
from vigil.core.permissions import Role
from vigil.demo.geo import Origin
from vigil.sites.choices import (
    AreaType,
    AssetKind,
    ContactKind,
    DoorUse,
    SchoolLevel,
    SurroundingKind,
    Utility,
)
from vigil.sites.models import (
    Area,
    Asset,
    Building,
    Contact,
    District,
    Level,
    School,
    Surrounding,
)

ORIGIN = Origin(lat=38.5600, lng=-121.7000)


@dataclass
class Campus:
    school: School
    hall: Building  # code A, two levels
    gym: Building  # code G, one level
    officer: User  # officer scoped to this school only
    gas: Asset
    door7: Asset
    pull: Asset


def _point(x: float, y: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": list(ORIGIN.point(x, y))}


def build_campus() -> Campus:
    district = District.objects.get()
    school = School.objects.create(
        district=district,
        name="Test Ridge Academy",
        slug="test-ridge",
        level=SchoolLevel.HIGH,
        address="1 Test Way, Cedar Hollow (fictional)",
        phone="(530) 555-0999",
        latitude=ORIGIN.lat,
        longitude=ORIGIN.lng,
        boundary=ORIGIN.rect(0, 0, 200, 120),
    )
    hall = Building.objects.create(
        school=school,
        name="North Hall",
        code="A",
        footprint=ORIGIN.rect(20, 60, 80, 30),
        notes="Main entrance on the south side.",
    )
    gym = Building.objects.create(
        school=school, name="Gymnasium", code="G", footprint=ORIGIN.rect(120, 60, 50, 40)
    )
    a0 = Level.objects.create(building=hall, ordinal=0, name="Ground floor")
    a1 = Level.objects.create(building=hall, ordinal=1, name="Floor 2")
    g0 = Level.objects.create(building=gym, ordinal=0, name="Ground floor")
    stair = Area.objects.create(
        school=school,
        building=hall,
        level=a0,
        name="Stairway East",
        code="A-SE1",
        area_type=AreaType.STAIRWAY,
        geometry=ORIGIN.rect(90, 60, 10, 30),
    )
    Area.objects.create(
        school=school,
        building=hall,
        level=a0,
        name="Main office",
        code="A100",
        area_type=AreaType.OFFICE,
        geometry=ORIGIN.rect(20, 60, 30, 30),
    )
    classroom = Area.objects.create(
        school=school,
        building=hall,
        level=a1,
        name="Classroom A210",
        code="A210",
        area_type=AreaType.CLASSROOM,
        geometry=ORIGIN.rect(20, 60, 30, 30),
    )
    main_gym = Area.objects.create(
        school=school,
        building=gym,
        level=g0,
        name="Main gym",
        code="G100",
        area_type=AreaType.GYM,
        geometry=ORIGIN.rect(120, 60, 50, 40),
    )
    Area.objects.create(
        school=school,
        name="Back field",
        area_type=AreaType.PLAYING_FIELD,
        geometry=ORIGIN.rect(20, 5, 150, 40),
    )
    Asset.objects.create(
        school=school,
        building=hall,
        level=a0,
        kind=AssetKind.EXTERIOR_DOOR,
        name="Main entrance",
        number=1,
        door_use=DoorUse.PUBLIC,
        location=_point(50, 60),
    )
    Asset.objects.create(
        school=school,
        building=hall,
        level=a0,
        kind=AssetKind.EXTERIOR_DOOR,
        name="West door",
        number=2,
        door_use=DoorUse.STAFF,
        location=_point(20, 75),
    )
    door7 = Asset.objects.create(
        school=school,
        building=gym,
        level=g0,
        kind=AssetKind.EXTERIOR_DOOR,
        name="Gym east doors",
        number=7,
        door_use=DoorUse.PUBLIC,
        location=_point(170, 80),
    )
    gas = Asset.objects.create(
        school=school,
        building=gym,
        level=g0,
        area=main_gym,
        kind=AssetKind.UTILITY_SHUTOFF,
        utility=Utility.GAS,
        name="Gym gas shutoff",
        operating_steps="Quarter-turn the yellow handle across the pipe. Wrench on the hook.",
        location=_point(125, 62),
    )
    Asset.objects.create(
        school=school,
        building=hall,
        level=a0,
        kind=AssetKind.UTILITY_SHUTOFF,
        utility=Utility.WATER,
        name="Water main",
        location=_point(22, 62),
    )
    pull = Asset.objects.create(
        school=school,
        building=hall,
        level=a1,
        area=classroom,
        kind=AssetKind.PULL_STATION,
        name="Pull station by A210",
        location=_point(40, 70),
    )
    Asset.objects.create(
        school=school,
        building=hall,
        level=a0,
        area=stair,
        kind=AssetKind.ALARM_PANEL,
        name="Fire alarm panel",
        notes="Codes from the district security office.",
        location=_point(92, 62),
    )
    Asset.objects.create(
        school=school,
        building=gym,
        level=g0,
        kind=AssetKind.HAZMAT,
        name="Pool chemicals",
        notes="Chlorine tablets.",
        location=_point(160, 95),
    )
    Surrounding.objects.create(
        school=school,
        kind=SurroundingKind.CREEK,
        name="Test Creek",
        geometry={
            "type": "LineString",
            "coordinates": [list(ORIGIN.point(0, -10)), list(ORIGIN.point(200, -10))],
        },
    )
    Surrounding.objects.create(
        school=school,
        kind=SurroundingKind.MANMADE_HAZARD,
        name="Propane depot",
        notes="Across the street to the east.",
        geometry=_point(230, 60),
    )
    Contact.objects.create(
        school=school,
        kind=ContactKind.UTILITY,
        organisation="Test Valley Gas",
        phone="(530) 555-0300",
    )
    Contact.objects.create(
        school=school,
        kind=ContactKind.FIRE,
        organisation="Test Ridge Fire Station 4",
        phone="(530) 555-0200",
    )
    officer = accounts.user_create(actor=None, username="ridge.officer", password=None)
    accounts.role_assign(actor=None, user=officer, role=Role.OFFICER, schools=[school])
    return Campus(
        school=school, hall=hall, gym=gym, officer=officer, gas=gas, door7=door7, pull=pull
    )
