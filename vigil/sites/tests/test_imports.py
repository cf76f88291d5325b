"""CSV and GeoJSON imports and exports, the CLI around them and the web import page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import sign_in
from vigil.core import context
from vigil.core.models import AuditEntry
from vigil.sites import csv_io, geojson_io
from vigil.sites.models import Asset, Contact, School, Surrounding

pytestmark = pytest.mark.django_db


def _hs() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


def _fingerprint() -> dict[str, Any]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Contact, Asset, Surrounding)
    } | {"audit": AuditEntry.objects.count()}


def test_contacts_export_reimports_unchanged() -> None:
    exported = csv_io.export_contacts(_hs())
    assert exported.splitlines()[0] == ",".join(csv_io.CONTACT_COLUMNS)
    assert len(exported.splitlines()) == 1 + 7 + 3  # header, district-wide, the school's own
    with context.acting(None, via="cli"):
        report = csv_io.import_contacts(exported.encode(), school=_hs())
    assert (report.problems, report.created, report.updated, report.unchanged) == ([], [], [], 10)


def test_contact_csv_lists_every_bad_line_at_once_and_changes_nothing() -> None:
    data = (
        b"school,kind,organisation,email,availability\n"
        b"cedar-hollow-hs,cops,Police,,day\n"
        b"cedar-hollow-hs,fire,Fire District,not-an-email,noon\n"
        b"juniper-ridge-ms,fire,Fire District,,day\n"
        b"no-such-school,fire,Fire District,,day\n"
        b"cedar-hollow-hs,ems,Ambulance,,always\n"
    )
    before = _fingerprint()
    report = csv_io.import_contacts(data, school=_hs(), filename="c.csv")
    assert [str(p) for p in report.problems] == [
        "c.csv, line 2, kind: Value 'cops' is not a valid choice.",
        "c.csv, line 3, email: Enter a valid email address.",
        "c.csv, line 3, availability: Value 'noon' is not a valid choice.",
        "c.csv, line 4, school: this import is for cedar-hollow-hs; 'juniper-ridge-ms' is another "
        "school",
        "c.csv, line 5, school: no school with the slug 'no-such-school'",
    ]
    assert report.summary() == "Contacts from c.csv: refused, 5 problem(s); nothing was changed."
    assert _fingerprint() == before


def test_contact_csv_header_problems_are_named() -> None:
    report = csv_io.import_contacts(b"kind,phone_number\nfire,1\n", filename="c.csv")
    assert [str(p) for p in report.problems] == [
        "c.csv, line 1, phone_number: unknown column; use " + ", ".join(csv_io.CONTACT_COLUMNS),
        "c.csv, line 1, organisation: this column is required",
    ]


def test_a_csv_that_is_an_image_is_refused() -> None:
    report = csv_io.import_assets(b"\x89PNG\r\n\x1a\n\x00\x00", filename="assets.csv")
    assert [str(p) for p in report.problems] == ["assets.csv: this is a PNG image, not text"]


def test_assets_round_trip_and_a_changed_cell_updates_one_asset() -> None:
    exported = csv_io.export_assets(_hs())
    rows = list(csv.reader(io.StringIO(exported)))
    assert len(rows) == 1 + Asset.objects.filter(school=_hs()).count()
    with context.acting(None, via="cli"):
        same = csv_io.import_assets(exported.encode())
        assert (same.problems, same.created, same.updated) == ([], [], [])
        changed = exported.replace("Wall cabinet with alarm;", "Wall cabinet (alarmed);", 1)
        report = csv_io.import_assets(changed.encode(), dry_run=True)
        assert report.updated == ["aed AED – Main Building (notes)"]
        assert Asset.objects.get(school=_hs(), name="AED – Main Building").notes.startswith(
            "Wall cabinet with alarm;"
        )
        csv_io.import_assets(changed.encode())
    assert Asset.objects.get(school=_hs(), name="AED – Main Building").notes.startswith(
        "Wall cabinet (alarmed);"
    )


def test_asset_csv_checks_places_numbers_and_positions() -> None:
    data = (
        b"school,building,level,area,kind,name,number,longitude,latitude\n"
        b"cedar-hollow-hs,Z,,,aed,AED,,,\n"
        b"cedar-hollow-hs,A,7,,aed,AED 2,,,\n"
        b"cedar-hollow-hs,A,0,NOPE,aed,AED 3,,,\n"
        b"cedar-hollow-hs,A,0,,exterior_door,Door,two,,\n"
        b"cedar-hollow-hs,A,0,,aed,AED 4,,-121.0,38.54\n"
        b"cedar-hollow-hs,A,0,,aed,AED 5,,-121.76,\n"
        b"cedar-hollow-hs,A,0,,toaster,AED 6,,,\n"
        b",A,0,,aed,AED 7,,,\n"
    )
    before = _fingerprint()
    report = csv_io.import_assets(data, filename="a.csv")
    assert [str(p) for p in report.problems] == [
        "a.csv, line 2, building: cedar-hollow-hs has no building 'Z'",
        "a.csv, line 3, level: no level 7 in building 'A'",
        "a.csv, line 4, area: no area with the code or name 'NOPE' there",
        "a.csv, line 5, number: 'two' is not a number",
        "a.csv, line 6, longitude: lies 65.9 km from the campus",
        "a.csv, line 7, latitude: give both longitude and latitude",
        "a.csv, line 8, kind: Value 'toaster' is not a valid choice.",
        "a.csv, line 9, school: give the school's slug (or import with --school)",
    ]
    assert _fingerprint() == before


def test_surroundings_round_trip() -> None:
    exported = geojson_io.export_surroundings(_hs())
    assert len(json.loads(exported)["features"]) == 12
    with context.acting(None, via="cli"):
        report = geojson_io.import_surroundings(exported.encode(), school=_hs())
    assert (report.problems, report.created, report.updated, report.unchanged) == ([], [], [], 12)


def _collection(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _feature(fid: str, geometry: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": props}


def test_surroundings_geojson_problems_are_all_listed_and_nothing_changes() -> None:
    hs = _hs()
    near = [hs.longitude, hs.latitude - 0.001]
    bowtie = [
        [
            near,
            [near[0] + 0.001, near[1] + 0.001],
            [near[0] + 0.001, near[1]],
            [near[0], near[1] + 0.001],
            near,
        ]
    ]
    data = _collection(
        _feature("a", {"type": "Point", "coordinates": near}, kind="volcano", name="Vent"),
        _feature("b", {"type": "MultiPoint", "coordinates": [near]}, kind="shop", name="Shop"),
        _feature("c", {"type": "Polygon", "coordinates": bowtie}, kind="natural_hazard", name="X"),
        _feature("d", {"type": "Point", "coordinates": [-122.5, 38.54]}, kind="shop", name="Far"),
        _feature("e", {"type": "Point", "coordinates": near}, kind="shop", name=""),
        _feature("f", {"type": "Point", "coordinates": near}, kind="shop", name="Deli", colour=1),
    )
    before = _fingerprint()
    report = geojson_io.import_surroundings(data, school=hs, filename="s.geojson")
    messages = [str(p) for p in report.problems]
    assert messages[0].startswith("s.geojson, feature a, kind: 'volcano' is not one of ")
    assert messages[1:] == [
        "s.geojson, feature b, geometry: must be Point or LineString or Polygon, not MultiPoint",
        "s.geojson, feature c, geometry: is not a valid Polygon: "
        "Self-intersection[-121.7608 38.5407]",
        "s.geojson, feature d, geometry: lies 64.3 km from the campus (at most 5 km)",
        "s.geojson, feature e, name: is required",
        "s.geojson, feature f, colour: unknown property; use kind, name, contact_name, "
        "contact_phone, notes",
    ]
    assert _fingerprint() == before


def test_geojson_that_is_not_json_is_refused() -> None:
    report = geojson_io.import_surroundings(b"kind,name\n", school=_hs(), filename="s.geojson")
    assert [str(p) for p in report.problems] == [
        "s.geojson: not GeoJSON: Expecting value: line 1 column 1 (char 0)"
    ]


def test_cli_csv_export_import_and_refusal(tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    call_command(
        "export", "csv", "contacts", "--school", "cedar-hollow-hs", str(out), stdout=io.StringIO()
    )
    stdout = io.StringIO()
    call_command(
        "import", "csv", "contacts", str(out), "--school", "cedar-hollow-hs", stdout=stdout
    )
    assert stdout.getvalue().startswith(
        "Contacts from contacts.csv: created 0, updated 0, 10 unchanged."
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,organisation\nfire,\nems,\n")
    with pytest.raises(CommandError) as refused:
        call_command("import", "csv", "contacts", str(bad))
    assert str(refused.value).splitlines() == [
        "Contacts from bad.csv: refused, 2 problem(s); nothing was changed.",
        "  problem: bad.csv, line 2, organisation: This field cannot be blank.",
        "  problem: bad.csv, line 3, organisation: This field cannot be blank.",
    ]
    entry = AuditEntry.objects.filter(action="export").order_by("-seq").first()
    assert entry is not None
    assert (entry.via, entry.reason) == ("cli", f"csv contacts export to {out}")


def test_cli_import_is_audited_as_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "kind,organisation,phone\nutility,Cedar Hollow Propane (fictional),(530) 555-0190\n"
    )
    call_command("import", "csv", "contacts", str(path), stdout=io.StringIO())
    contact = Contact.objects.get(organisation="Cedar Hollow Propane (fictional)")
    assert contact.school is None  # no school column, no --school: district-wide
    entry = AuditEntry.objects.filter(object_type="sites.contact").order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.via, entry.actor_label, entry.object_id) == (
        "create",
        "cli",
        "",
        str(contact.pk),
    )


@pytest.fixture
def staging(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path / "staged-imports"


def test_web_preview_then_confirm(client: Client, staging: Path) -> None:
    sign_in(client, "principal")
    page = client.get("/schools/cedar-hollow-hs/transfer/").content.decode()
    assert 'action="/schools/cedar-hollow-hs/transfer/imdf/upload/"' in page
    data = b"kind,organisation,phone\nutility,Hollow Propane (fictional),(530) 555-0191\n"
    before = _fingerprint()
    preview = client.post(
        "/schools/cedar-hollow-hs/transfer/contacts/upload/",
        {"file": SimpleUploadedFile("propane.csv", data, content_type="text/csv")},
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Check before importing" in html
    assert "contact Hollow Propane (fictional)" in html
    assert _fingerprint() == before  # the preview is a dry run
    [token] = [p.name for p in staging.iterdir()]
    confirmed = client.post(f"/schools/cedar-hollow-hs/transfer/confirm/{token}/")
    assert confirmed.status_code == 302
    contact = Contact.objects.get(organisation="Hollow Propane (fictional)")
    assert contact.school == _hs()  # no school column: the page's school
    assert list(staging.iterdir()) == []
    again = client.post(f"/schools/cedar-hollow-hs/transfer/confirm/{token}/", follow=True)
    assert "That upload is no longer waiting" in again.content.decode()
    assert Contact.objects.filter(organisation="Hollow Propane (fictional)").count() == 1


def test_web_refuses_a_file_that_is_not_what_the_format_needs(
    client: Client, staging: Path
) -> None:
    sign_in(client, "principal")
    response = client.post(
        "/schools/cedar-hollow-hs/transfer/imdf/upload/",
        {"file": SimpleUploadedFile("campus.zip", b"%PDF-1.7 not a zip")},
    )
    assert response.status_code == 400
    assert "File: this is a PDF document, not a ZIP." in response.content.decode()
    assert not staging.exists() or list(staging.iterdir()) == []


def test_web_shows_every_problem_of_a_refused_import(client: Client, staging: Path) -> None:
    sign_in(client, "principal")
    response = client.post(
        "/schools/cedar-hollow-hs/transfer/contacts/upload/",
        {"file": SimpleUploadedFile("c.csv", b"kind,organisation\ncops,PD\nfire,\n")},
    )
    html = response.content.decode()
    assert "Import refused" in html
    assert (
        "c.csv · <code>line 2</code></span><br><b>kind</b>: Value &#x27;cops&#x27; is not a "
        "valid choice." in html
    )
    assert "c.csv · <code>line 3</code></span><br><b>organisation</b>: This field" in html
    assert "Import now" not in html


def test_web_export_downloads_and_is_audited(client: Client) -> None:
    sign_in(client, "supervisor")
    response = client.get("/schools/juniper-ridge-ms/transfer/imdf/export/")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="juniper-ridge-ms-imdf.zip"'
    assert response.content.startswith(b"PK\x03\x04")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor_label, entry.reason) == (
        "export",
        "supervisor",
        "imdf export (web)",
    )


def test_school_page_links_import_export_only_for_editors(client: Client) -> None:
    sign_in(client, "officer")
    assert "/transfer/" not in client.get("/schools/cedar-hollow-hs/").content.decode()
    sign_in(client, "principal")
    assert (
        'href="/schools/cedar-hollow-hs/transfer/"'
        in client.get("/schools/cedar-hollow-hs/").content.decode()
    )
