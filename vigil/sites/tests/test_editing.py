"""Editing the knowledge base in the UI: bad input names its field and changes nothing, geometry
is checked, photos are checked by content, deletes say what goes with them, all is audited."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conftest import sign_in
from vigil.core.models import AuditEntry
from vigil.sites.choices import AssetKind, RiskClass
from vigil.sites.forms import check_photo
from vigil.sites.models import AlarmZone, Area, Asset, Building, Contact, Level, School, Surrounding
from vigil.sites.tests.factories import knowledge, point_near

pytestmark = pytest.mark.django_db

HS = "cedar-hollow-hs"


@pytest.fixture
def school() -> School:
    return School.objects.get(slug=HS)


@pytest.fixture
def supervisor(client: Client) -> Client:
    return sign_in(client, "supervisor")


def _new(school: School, kind: str) -> str:
    return reverse("sites:record_new", args=[school.slug, kind])


def _square(school: School, size: float = 0.0002) -> dict[str, Any]:
    x, y = school.longitude, school.latitude
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _image(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _count() -> dict[str, int]:
    models = (Building, Level, Area, Asset, AlarmZone, Surrounding, Contact, School)
    return {m.__name__: m.objects.count() for m in models}


# --- bad input ----------------------------------------------------------------------------

BAD_INPUT = [
    (
        "building",
        {"name": "Annex", "code": "A", "footprint": "{not json"},
        "Footprint: This is not valid JSON",
    ),
    ("building", {"name": "", "code": "Z"}, "Name: This field is required."),
    (
        "level",
        {"building": "", "ordinal": "0", "name": "Ground"},
        "Building: This field is required.",
    ),
    ("area", {"name": "Closet", "area_type": "nonsense"}, "Type: Select a valid choice."),
    (
        "asset",
        {"kind": "exterior_door", "name": "Side door", "door_use": "staff"},
        "Door number: Required for exterior doors.",
    ),
    (
        "asset",
        {"kind": "aed", "name": "AED", "heading_deg": "90"},
        "Heading (degrees from north): Heading (degrees from north) applies only to cameras.",
    ),
    (
        "asset",
        {"kind": "camera", "name": "Cam", "heading_deg": "400"},
        "Heading (degrees from north): Enter a number from 0 to 360.",
    ),
    ("zone", {"number": "3", "name": "Gym"}, "Panel: This field is required."),
    (
        "surrounding",
        {"kind": "creek", "name": "Dry Creek", "geometry": ""},
        "Where: This field is required.",
    ),
]


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    BAD_INPUT,
    ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD_INPUT)],
)
def test_bad_input_names_the_field_and_changes_nothing(
    supervisor: Client, school: School, kind: str, data: dict[str, str], message: str
) -> None:
    before, audit_rows = _count(), AuditEntry.objects.count()
    response = supervisor.post(_new(school, kind), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count() == before
    assert AuditEntry.objects.count() == audit_rows


def test_level_must_belong_to_the_building_of_the_area(supervisor: Client, school: School) -> None:
    main, other = Building.objects.filter(school=school).order_by("pk")[:2]
    level = other.levels.order_by("pk")[0]
    response = supervisor.post(
        _new(school, "area"),
        {"name": "Closet", "area_type": "storage", "building": main.pk, "level": level.pk},
    )
    assert "Level: This level is not in the chosen building." in response.content.decode()


def test_another_schools_building_is_not_a_choice(supervisor: Client, school: School) -> None:
    foreign = Building.objects.exclude(school=school).first()
    assert foreign is not None
    response = supervisor.post(
        _new(school, "level"), {"building": foreign.pk, "ordinal": 5, "name": "X"}
    )
    assert "Building: Select a valid choice." in response.content.decode()


def test_duplicate_door_number_is_refused(supervisor: Client, school: School) -> None:
    building = Building.objects.filter(school=school).order_by("pk")[0]
    Asset.objects.create(
        school=school,
        building=building,
        kind=AssetKind.EXTERIOR_DOOR,
        name="Main",
        number=99,
        door_use="public",
    )
    response = supervisor.post(
        _new(school, "asset"),
        {
            "kind": "exterior_door",
            "name": "Other",
            "building": building.pk,
            "number": 99,
            "door_use": "staff",
        },
    )
    assert "Door number: Door 99 already exists in this building." in response.content.decode()


def test_district_wide_contact_needs_a_district_role(client: Client, school: School) -> None:
    sign_in(client, "supervisor")
    response = client.post(
        reverse("sites:contact_new"),
        {
            "where": "district",
            "kind": "fire",
            "organisation": "Fire",
            "phone": "911",
            "availability": "always",
        },
    )
    assert (
        "For: Select a valid choice. district is not one of the available choices."
        in response.content.decode()
    )
    assert not Contact.objects.filter(organisation="Fire").exists()
    contact = knowledge(school).district_contact
    assert client.get(reverse("sites:contact_edit", args=[contact.pk])).status_code == 404
    sign_in(client, "director")
    assert client.get(reverse("sites:contact_edit", args=[contact.pk])).status_code == 200


def test_contact_needs_a_number_in_a_phone_format(supervisor: Client, school: School) -> None:
    response = supervisor.post(
        reverse("sites:contact_new"),
        {
            "where": school.pk,
            "kind": "fire",
            "organisation": "Fire",
            "phone": "call me",
            "availability": "day",
        },
    )
    assert "Phone (day): Use digits, spaces" in response.content.decode()


# --- geometry -----------------------------------------------------------------------------


def _footprint(supervisor: Client, school: School, geometry: Any) -> str:
    import json

    response = supervisor.post(
        _new(school, "building"), {"name": "Annex", "code": "AX", "footprint": json.dumps(geometry)}
    )
    return response.content.decode() if response.status_code != 302 else "saved"


def test_a_valid_footprint_is_saved_rounded(supervisor: Client, school: School) -> None:
    square = _square(school)
    square["coordinates"][0][1][0] += 0.000000001
    assert _footprint(supervisor, school, square) == "saved"
    building = Building.objects.get(school=school, code="AX")
    assert building.footprint == _square(school) | {
        "coordinates": [[[round(x, 7), round(y, 7)] for x, y in _square(school)["coordinates"][0]]]
    }


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [0, 0]}, "Footprint: must be Polygon, not Point"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "Footprint: is not a valid Polygon: Self-intersection",
        ),
        (
            {"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1], [200, 0]]]},
            "Footprint: position [200.0, 0.0] is out of range: longitude must be within ±180",
        ),
        (
            {"type": "Feature", "geometry": None},
            "Footprint: must be the geometry itself, not a Feature",
        ),
    ],
    ids=["wrong-type", "self-intersecting", "out-of-range", "feature"],
)
def test_bad_geometry_is_refused_naming_the_field(
    supervisor: Client, school: School, geometry: Any, message: str
) -> None:
    assert message in _footprint(supervisor, school, geometry)
    assert not Building.objects.filter(code="AX").exists()


def test_geometry_far_from_campus_is_refused(supervisor: Client, school: School) -> None:
    far = _square(school)
    far["coordinates"] = [[[x + 0.05, y] for x, y in far["coordinates"][0]]]
    html = _footprint(supervisor, school, far)
    found = re.search(r"Footprint: is ([\d,]+) m from the campus; it must be within 150 m", html)
    assert found is not None, html[-3000:]
    assert 3_000 < int(found.group(1).replace(",", "")) < 5_000


def test_surroundings_may_lie_further_out(supervisor: Client, school: School) -> None:
    import json

    response = supervisor.post(
        _new(school, "surrounding"),
        {
            "kind": "creek",
            "name": "Dry Creek",
            "geometry": json.dumps(
                {
                    "type": "LineString",
                    "coordinates": [
                        [school.longitude + 0.01, school.latitude],
                        [school.longitude + 0.01, school.latitude + 0.01],
                    ],
                }
            ),
        },
    )
    assert response.status_code == 302
    assert Surrounding.objects.get(name="Dry Creek").geometry["type"] == "LineString"


# --- photos -------------------------------------------------------------------------------


def test_photo_check_accepts_the_three_formats() -> None:
    for fmt, ext in (("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")):
        assert check_photo(SimpleUploadedFile(f"x.{ext}", _image(fmt))) == ext


def _upload(supervisor: Client, school: School, name: str, content: bytes) -> Any:
    return supervisor.post(
        _new(school, "asset"),
        {
            "kind": "aed",
            "name": "AED by the gym",
            "photo": SimpleUploadedFile(name, content, "image/jpeg"),
        },
    )


def test_text_file_named_jpg_is_refused(supervisor: Client, school: School) -> None:
    response = _upload(supervisor, school, "shutoff.jpg", b"this is not a photo at all")
    assert (
        "Photo: The file is not a photo (its content is not a JPEG, PNG or WebP image)"
        in response.content.decode()
    )
    assert not Asset.objects.filter(name="AED by the gym").exists()


def test_truncated_jpeg_is_refused(supervisor: Client, school: School) -> None:
    data = _image("JPEG", (400, 300))
    response = _upload(supervisor, school, "shutoff.jpg", data[: len(data) // 2])
    assert "Photo: The photo is damaged or incomplete" in response.content.decode()
    assert not Asset.objects.filter(name="AED by the gym").exists()


def test_gif_is_refused_by_format() -> None:
    from django import forms

    with pytest.raises(forms.ValidationError, match=r"The file is a GIF image; upload a JPEG"):
        check_photo(SimpleUploadedFile("x.jpg", _image("GIF")))


def test_a_png_named_jpg_is_stored_unchanged_as_png(supervisor: Client, school: School) -> None:
    data = _image("PNG")
    response = _upload(supervisor, school, "door.jpg", data)
    assert response.status_code == 302
    asset = Asset.objects.get(name="AED by the gym")
    name = str(asset.photo.name)
    assert name.startswith("sites/assets/")
    assert name.endswith(".png")
    with default_storage.open(name) as stored:
        assert stored.read() == data
    default_storage.delete(name)


# --- saving, defaults and audit -----------------------------------------------------------


def test_area_gets_its_default_risk_and_the_change_is_audited(
    supervisor: Client, school: School
) -> None:
    building = Building.objects.filter(school=school).order_by("pk")[0]
    response = supervisor.post(
        _new(school, "area"),
        {
            "name": "Back stairs",
            "area_type": "stairway",
            "isolated": "on",
            "building": building.pk,
            "risk": "",
        },
    )
    assert response.status_code == 302
    area = Area.objects.get(name="Back stairs")
    assert area.risk == RiskClass.HIGH
    [row] = AuditEntry.objects.filter(
        object_type="sites.area", object_id=str(area.pk), action="create"
    )
    assert row.actor_label == "supervisor"
    assert row.changes["risk"] == [None, "high"]
    supervisor.post(
        reverse("sites:record_edit", args=[school.slug, "area", area.pk]),
        {
            "name": "Back stairs",
            "area_type": "stairway",
            "isolated": "on",
            "building": building.pk,
            "risk": "low",
        },
    )
    [update] = AuditEntry.objects.filter(
        object_type="sites.area", object_id=str(area.pk), action="update"
    )
    assert update.changes == {"risk": ["high", "low"]}


def test_zone_area_changes_are_audited(supervisor: Client, school: School) -> None:
    facts = knowledge(school)
    areas = list(Area.objects.filter(school=school).order_by("pk")[:2])
    supervisor.post(
        reverse("sites:record_edit", args=[school.slug, "zone", facts.zone.pk]),
        {"panel": facts.panel.pk, "number": 1, "name": "Test zone", "areas": [a.pk for a in areas]},
    )
    row = AuditEntry.objects.filter(
        object_type="sites.alarmzone", object_id=str(facts.zone.pk)
    ).latest("seq")
    assert row.changes == {"areas": ["", ",".join(str(a.pk) for a in areas)]}


# --- delete -------------------------------------------------------------------------------


def test_delete_asks_first_and_says_what_goes_with_it(supervisor: Client, school: School) -> None:
    facts = knowledge(school)
    url = reverse("sites:record_delete", args=[school.slug, "asset", facts.panel.pk])
    html = supervisor.get(url).content.decode()
    assert "1 alarm code deleted with it" in html
    assert "1 alarm zone deleted with it" in html
    assert Asset.objects.filter(pk=facts.panel.pk).exists()  # asking deleted nothing
    assert supervisor.post(url).status_code == 302
    assert not Asset.objects.filter(pk=facts.panel.pk).exists()
    deleted = AuditEntry.objects.filter(action="delete", actor_label="supervisor")
    assert sorted(deleted.values_list("object_type", flat=True)) == [
        "sites.alarmcode",
        "sites.alarmzone",
        "sites.asset",
    ]
    assert (
        deleted.get(object_type="sites.alarmzone").reason
        == "deleted with asset “Test intrusion panel”"
    )


def test_deleting_a_level_unlinks_its_areas(supervisor: Client, school: School) -> None:
    level = Level.objects.filter(building__school=school, areas__isnull=False).distinct().first()
    assert level is not None
    count = level.areas.count()
    url = reverse("sites:record_delete", args=[school.slug, "level", level.pk])
    assert (
        f"{count} area{'s' if count != 1 else ''} kept, but no longer linked to it"
        in supervisor.get(url).content.decode()
    )


def test_officer_cannot_edit(client: Client, school: School) -> None:
    sign_in(client, "officer")
    before = _count()
    assert client.post(_new(school, "building"), {"name": "X", "code": "X"}).status_code == 403
    assert _count() == before


def test_other_school_is_not_found(client: Client) -> None:
    sign_in(client, "principal")  # high school only
    other = School.objects.get(slug="willow-creek-es")
    assert client.get(reverse("sites:records", args=[other.slug])).status_code == 404


def test_other_building_added_by_the_director(client: Client) -> None:
    sign_in(client, "director")
    response = client.post(
        reverse("sites:other_building_new"),
        {
            "name": "District warehouse",
            "latitude": 38.0,
            "longitude": -121.0,
            "directions": "Gate on 5th",
            "layout_notes": "Panel left of the roll-up door",
        },
    )
    assert response.status_code == 302
    place = School.objects.get(name="District warehouse")
    assert (place.level, place.slug, place.directions) == (
        "other",
        "district-warehouse",
        "Gate on 5th",
    )
    page = client.get(place.get_absolute_url()).content.decode()
    assert "Panel left of the roll-up door" in page


def test_contacts_page_lists_day_and_night_numbers(client: Client, school: School) -> None:
    knowledge(school)
    sign_in(client, "officer")
    html = client.get(reverse("sites:contacts", args=[school.slug])).content.decode()
    assert 'href="tel:(530) 555-0100"' in html
    assert 'href="tel:(530) 555-0199"' in html
    assert "Test police department" in html  # district-wide contacts show on every school
    assert "Edit</a>" not in html


def test_point_helper() -> None:
    school = School(latitude=1.0, longitude=2.0)
    assert point_near(school) == {"type": "Point", "coordinates": [2.0, 1.0]}
