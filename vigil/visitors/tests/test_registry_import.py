"""Registry CSV import: all or nothing, every bad line reported with its number and field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vigil.visitors import registry_csv
from vigil.visitors.models import RegistryList, RegistryPerson
from vigil.visitors.tests.helpers import photo_upload

TODAY = date(2026, 3, 10)
GOOD = (
    "family_name,given_names,date_of_birth,aliases,jurisdiction,photo_url\n"
    'Mossfield,Vesna,1971-05-06,"Mossfeld, Vesna|Moss, Vee",OR,https://registry.example/p/1.jpg\n'
    "Northcote,Ulric,09/30/1966,,,\n"
)
BAD = (
    "family_name,given_names,date_of_birth,aliases,jurisdiction,photo_url\n"
    "Mossfield,Vesna,1971-05-06,,OR,\n"
    ",Ulric,1966-02-30,,,\n"
    "Rookwood,Hollis,2031-01-01,Rook,ZZ,ftp://x\n"
    "Quarrington,Alden\n"
)


def test_a_good_file_reads_every_line() -> None:
    rows, errors = registry_csv.read(GOOD.encode(), today=TODAY)
    assert errors == []
    assert [(r.line, r.family_name, r.date_of_birth, r.aliases, r.jurisdiction) for r in rows] == [
        (2, "Mossfield", date(1971, 5, 6), (("Mossfeld", "Vesna"), ("Moss", "Vee")), "OR"),
        (3, "Northcote", date(1966, 9, 30), (), ""),
    ]


def test_every_bad_line_is_reported_and_nothing_is_returned() -> None:
    rows, errors = registry_csv.read(BAD.encode(), today=TODAY)
    assert rows == []
    assert [str(e) for e in errors] == [
        "line 3, family_name: empty",
        "line 3, date_of_birth: '1966-02-30' is not a date (YYYY-MM-DD or MM/DD/YYYY)",
        "line 4, date_of_birth: 2031-01-01 is in the future",
        "line 4, aliases: 'Rook' is not “Family, Given”",
        "line 4, jurisdiction: unknown jurisdiction 'ZZ'",
        "line 4, photo_url: not an http(s) URL",
        "line 5, line: 2 values for 6 columns",
    ]


def test_missing_columns_are_named() -> None:
    _rows, errors = registry_csv.read(b"name,dob\nA,1970-01-01\n", today=TODAY)
    assert [str(e) for e in errors] == [
        "line 1, family_name: missing column",
        "line 1, given_names: missing column",
        "line 1, date_of_birth: missing column",
        "line 1, name: unknown column",
        "line 1, dob: unknown column",
    ]


def test_a_photo_column_must_name_an_uploaded_photo() -> None:
    text = b"family_name,given_names,date_of_birth,photo\nOakhurst,Soren,1975-09-30,soren.png\n"
    _, errors = registry_csv.read(text, today=TODAY)
    assert [str(e) for e in errors] == ["line 2, photo: no photo named 'soren.png' was uploaded"]


@pytest.mark.django_db
def test_the_page_applies_nothing_when_a_line_is_bad(login: Any) -> None:
    from vigil.sites.models import School

    client = login("principal")
    lists, people = RegistryList.objects.count(), RegistryPerson.objects.count()
    response = client.post(
        reverse("visitors:registry_import"),
        {
            "name": "County feed",
            "school": str(School.objects.get(slug="cedar-hollow-hs").pk),
            "file": SimpleUploadedFile("feed.csv", BAD.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 7 problems" in page
    assert "Line 4, <code>jurisdiction</code>: unknown jurisdiction &#x27;ZZ&#x27;" in page
    assert (RegistryList.objects.count(), RegistryPerson.objects.count()) == (lists, people)


@pytest.mark.django_db
def test_a_school_admin_imports_for_their_school_and_a_reimport_replaces(login: Any) -> None:
    client = login("principal")
    school_field = "school"
    response = client.post(
        reverse("visitors:registry_import"),
        {
            "name": "County feed",
            school_field: "",
            "file": SimpleUploadedFile("feed.csv", GOOD.encode(), content_type="text/csv"),
        },
    )
    # A school administrator has no district-wide scope: the list must name a school.
    assert response.status_code == 400
    assert response.context["form"].errors["school"][0].startswith("Select a valid choice") or (
        response.context["form"].errors["school"] == ["Choose the school this list is screened at."]
    )
    from vigil.sites.models import School

    high = School.objects.get(slug="cedar-hollow-hs")
    photo = photo_upload("ulric.png")
    csv = (
        GOOD.replace("photo_url\n", "photo_url,photo\n")
        .replace("1.jpg\n", "1.jpg,\n")
        .replace("09/30/1966,,,\n", "09/30/1966,,,,ulric.png\n")
    )
    response = client.post(
        reverse("visitors:registry_import"),
        {
            "name": "County feed",
            school_field: str(high.pk),
            "file": SimpleUploadedFile("feed.csv", csv.encode(), content_type="text/csv"),
            "photos": [photo],
        },
    )
    assert response.status_code == 302
    registry = RegistryList.objects.get(name="County feed")
    assert (registry.school, registry.version, registry.entry_count) == (high, 1, 2)
    ulric = registry.people.get(family_name="Northcote")
    assert str(ulric.photo.name).startswith("visitors/registry/")
    response = client.post(
        reverse("visitors:registry_import"),
        {
            "registry": str(registry.pk),
            "file": SimpleUploadedFile(
                "feed.csv",
                b"family_name,given_names,date_of_birth\nSaltmarsh,Isolde,1980-01-01\n",
                content_type="text/csv",
            ),
        },
    )
    assert response.status_code == 302
    registry.refresh_from_db()
    assert (registry.version, registry.entry_count) == (2, 1)
    assert list(registry.people.values_list("family_name", "line")) == [("Saltmarsh", 2)]
