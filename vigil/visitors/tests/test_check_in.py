"""Check-in at the desk: by pasted AAMVA text, by a photo of the barcode, by hand; refusals."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import numpy as np
import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from vigil.core.models import AuditEntry
from vigil.visitors.models import PreRegistration, Visit
from vigil.visitors.tests.helpers import NOON, photo_upload, scan_of

pytestmark = pytest.mark.django_db
URL = reverse("visitors:check_in", args=["willow-creek-es"])


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOON)


@pytest.fixture
def before() -> int:
    """The pk of the demo's last visit: the test's visits come after it."""
    last = Visit.objects.order_by("-pk").first()
    return last.pk if last else 0


def _new(before: int) -> Visit:
    return Visit.objects.get(pk__gt=before)


def _post(client: Any, **fields: Any) -> Any:
    data = {
        "id_source": "scan",
        "kind": "visitor",
        "purpose": "Parent meeting",
        "destination": "Room 12",
        "expected_minutes": "45",
        **fields,
    }
    return client.post(URL, data)


def test_check_in_by_pasted_aamva_text_keeps_only_what_the_visit_needs(
    before: int, login: Any
) -> None:
    client = login("frontdesk")
    scan = scan_of("ASHGROVE", "LINNEA", date(1985, 2, 3), number="D7654321")
    response = _post(client, scan=scan, photo=photo_upload())
    visit = _new(before)
    assert response.status_code == 302
    assert response["Location"] == reverse("visitors:visit", args=[visit.pk])
    assert (visit.family_name, visit.given_names) == ("ASHGROVE", "LINNEA")
    assert visit.date_of_birth == date(1985, 2, 3)
    assert (visit.id_last4, visit.id_expiry, visit.id_jurisdiction) == (
        "4321",
        date(2029, 6, 1),
        "CA",
    )
    assert visit.id_source == "scan"
    assert visit.status == "admitted"
    assert visit.flags == []
    assert visit.school.slug == "willow-creek-es"
    assert str(visit.photo.name).startswith("visitors/photos/")
    stored = " ".join(str(v) for v in Visit.objects.filter(pk=visit.pk).values().get().values())
    assert "D7654321" not in stored
    assert "FICTION WAY" not in stored
    created = AuditEntry.objects.get(
        object_type="visitors.visit", action="create", object_id=str(visit.pk)
    )
    assert created.changes["date_of_birth"] == ["[redacted]", "[redacted]"]
    assert created.changes["family_name"] == ["[redacted]", "[redacted]"]
    assert created.object_repr == f"visit #{visit.pk}"


def test_expired_id_under_age_and_late_hour_are_flagged(
    before: int, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = NOON.replace(hour=5)  # 21:30 in California the evening before
    monkeypatch.setattr(timezone, "now", lambda: late)
    client = login("frontdesk")
    scan = scan_of("BRACKWATER", "JORY", date(2010, 6, 1), expiry=date(2025, 1, 31))
    _post(client, scan=scan)
    visit = _new(before)
    assert visit.flags == ["id_expired", "under_age", "outside_hours"]
    page = client.get(reverse("visitors:visit", args=[visit.pk])).content.decode()
    for label in ("ID expired", "Under age", "Outside allowed hours"):
        assert label in page


def test_a_truncated_scan_names_the_field_and_offers_the_manual_fallback(
    before: int, login: Any
) -> None:
    client = login("frontdesk")
    scan = scan_of("COLDBROOK", "ROWAN", date(1990, 1, 2))
    response = _post(client, scan=scan[:60])
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["scan"]
    assert form.errors["scan"][0].startswith("The ID could not be read — ")
    assert "choose “Entered by hand”" in form.errors["scan"][0]
    assert not Visit.objects.filter(pk__gt=before).exists()


@pytest.mark.parametrize(
    ("scan", "message"),
    [
        (
            scan_of("DUNMORE", "ISOLDE", date(2031, 1, 1)),
            "DBB (date of birth): date of birth 2031-01-01 is in the future",
        ),
        (
            scan_of("DUNMORE", "ISOLDE", date(1990, 1, 1))
            .replace("636014", "999999")
            .replace("DAJCA", "DAJZZ"),
            "DAJ (jurisdiction): unknown jurisdiction 'ZZ'",
        ),
    ],
    ids=["future-dob", "unknown-jurisdiction"],
)
def test_bad_cards_are_refused_naming_the_element(
    before: int, login: Any, scan: str, message: str
) -> None:
    response = _post(login("frontdesk"), scan=scan)
    assert response.status_code == 400
    assert message in response.context["form"].errors["scan"][0]
    assert not Visit.objects.filter(pk__gt=before).exists()


def test_manual_entry_is_the_fallback(before: int, login: Any) -> None:
    client = login("frontdesk")
    response = _post(
        client,
        id_source="manual",
        family_name="  elderwood ",
        given_names="nerys",
        date_of_birth="1979-08-30",
        id_last4="a123",
        id_jurisdiction="nv",
    )
    assert response.status_code == 302
    visit = _new(before)
    assert (visit.family_name, visit.given_names, visit.id_source) == (
        "ELDERWOOD",
        "NERYS",
        "manual",
    )
    assert (visit.id_last4, visit.id_jurisdiction, visit.id_expiry) == ("A123", "NV", None)


def test_manual_entry_refuses_a_future_birth_date_and_unknown_jurisdiction(
    before: int, login: Any
) -> None:
    response = _post(
        login("frontdesk"),
        id_source="manual",
        family_name="Elderwood",
        given_names="Nerys",
        date_of_birth="2030-01-01",
        id_jurisdiction="XX",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["date_of_birth"] == ["2030-01-01 is in the future."]
    assert errors["id_jurisdiction"] == ["“XX” is not a US state, territory or province."]
    assert not Visit.objects.filter(pk__gt=before).exists()


def test_a_photo_is_checked_by_content_not_by_name(before: int, login: Any) -> None:
    fake = SimpleUploadedFile("face.jpg", b"not a picture at all", content_type="image/jpeg")
    response = _post(
        login("frontdesk"), scan=scan_of("FALLOWFIELD", "ORRIN", date(1970, 3, 3)), photo=fake
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["photo"]
    assert not Visit.objects.filter(pk__gt=before).exists()


def test_check_in_by_a_photo_of_the_barcode(before: int, login: Any) -> None:
    text = scan_of("GREYTHORN", "WRENNA", date(1992, 12, 24))
    image = zxingcpp.write_barcode_to_image(
        zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.PDF417), scale=3
    )
    buffer = io.BytesIO()
    Image.fromarray(np.array(image)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("back.png", buffer.getvalue(), content_type="image/png")
    response = _post(login("frontdesk"), id_source="photo", barcode_photo=upload)
    assert response.status_code == 302
    visit = _new(before)
    assert (visit.family_name, visit.date_of_birth, visit.id_source) == (
        "GREYTHORN",
        date(1992, 12, 24),
        "photo",
    )


def test_a_photo_without_a_barcode_says_so(login: Any) -> None:
    response = _post(login("frontdesk"), id_source="photo", barcode_photo=photo_upload())
    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["barcode_photo"][0]
        .startswith("No PDF417 barcode was found in the photo.")
    )


def test_quick_check_in_of_an_approved_volunteer(before: int, login: Any) -> None:
    client = login("frontdesk")
    volunteer = PreRegistration.objects.get(family_name="LARCHMONT")
    volunteer.valid_from, volunteer.valid_until = date(2026, 1, 1), date(2026, 6, 30)
    volunteer.background_check_expires = date(2026, 3, 1)  # lapsed a week before the visit
    volunteer.save()
    page = client.get(URL + f"?pre={volunteer.pk}")
    assert page.context["form"].initial["family_name"] == "LARCHMONT"
    response = client.post(
        URL + f"?pre={volunteer.pk}",
        {
            "id_source": "manual",
            "family_name": "Larchmont",
            "given_names": "Fenna",
            "date_of_birth": "1983-02-09",
            "kind": "volunteer",
            "purpose": "Reading volunteer",
            "destination": "Library",
            "expected_minutes": "120",
        },
    )
    assert response.status_code == 302
    visit = _new(before)
    assert visit.preregistration == volunteer
    assert visit.flags == ["background_check"]


def test_a_pre_registration_awaiting_approval_has_no_quick_check_in(login: Any) -> None:
    pending = PreRegistration.objects.get(family_name="HARTWELL")
    response = login("principal").get(
        reverse("visitors:check_in", args=["cedar-hollow-hs"]) + f"?pre={pending.pk}"
    )
    assert response.status_code == 404
