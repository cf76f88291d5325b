"""Knowledge-base records the tests need on top of the demo district, made on demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from vigil.sites.choices import AssetKind, ContactKind, SurroundingKind
from vigil.sites.models import AlarmCode, AlarmZone, Asset, Contact, School, Surrounding

PANEL_CODE = "4711"


@dataclass
class Knowledge:
    panel: Asset
    zone: AlarmZone
    code: AlarmCode
    contact: Contact
    district_contact: Contact
    surrounding: Surrounding


def point_near(school: School, d_lng: float = 0.0, d_lat: float = 0.0) -> dict[str, object]:
    return {"type": "Point", "coordinates": [school.longitude + d_lng, school.latitude + d_lat]}


def knowledge(
    school: School,
    *,
    window: tuple[time, time] | None = None,
    dates: tuple[date | None, date | None] = (None, None),
) -> Knowledge:
    panel = Asset.objects.create(
        school=school,
        kind=AssetKind.ALARM_PANEL,
        name="Test intrusion panel",
        location=point_near(school),
    )
    zone = AlarmZone.objects.create(panel=panel, number=1, name="Test zone")
    code = AlarmCode.objects.create(
        school=school,
        panel=panel,
        label="Test night code",
        code=PANEL_CODE,
        valid_from=dates[0],
        valid_until=dates[1],
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
    )
    contact = Contact.objects.create(
        school=school,
        kind=ContactKind.FACILITIES,
        organisation="Test facilities desk",
        phone="(530) 555-0100",
        phone_after_hours="(530) 555-0199",
        call_for="Boiler, leaks, doors that will not lock",
    )
    district_contact = Contact.objects.create(
        kind=ContactKind.LAW_ENFORCEMENT,
        organisation="Test police department",
        phone="911",
        call_for="Anything criminal",
    )
    surrounding = Surrounding.objects.create(
        school=school,
        kind=SurroundingKind.FAST_FOOD,
        name="Test burger place",
        geometry=point_near(school, 0.002, 0.0),
    )
    return Knowledge(panel, zone, code, contact, district_contact, surrounding)


def other_place(school: School) -> School:
    """A district site that is not a school (level "other"), near ``school``."""
    return School.objects.create(
        district=school.district,
        name="Test bus yard",
        slug="test-bus-yard",
        level="other",
        latitude=school.latitude + 0.01,
        longitude=school.longitude,
        directions="North on Main, gate on the left",
    )
