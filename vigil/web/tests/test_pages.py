from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.sites.models import Area, Building, School

pytestmark = pytest.mark.django_db

# Pages and the exact number of queries each costs for a signed-in director. The count must
# not grow with the data: test_query_count_does_not_grow_with_data adds records and re-checks.
PINNED_QUERIES = {
    "/": 9,
    "/schools/": 8,
    "/schools/cedar-hollow-hs/": 10,
    "/people/": 10,
    "/audit/": 10,
    "/account/": 9,
}


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("path", "expected"), sorted(PINNED_QUERIES.items()))
def test_query_counts_are_pinned(client: Client, path: str, expected: int) -> None:
    sign_in(client, "director")
    client.get("/")  # the first request after sign-in touches the session once
    assert _queries(client, path) == expected


def test_query_count_does_not_grow_with_data(client: Client) -> None:
    sign_in(client, "director")
    client.get("/")
    before = {p: _queries(client, p) for p in PINNED_QUERIES}
    school = School.objects.get(slug="cedar-hollow-hs")
    for n in range(5):
        building = Building.objects.create(school=school, name=f"Annex {n}", code=f"X{n}")
        Area.objects.create(
            school=school, building=building, name=f"Room {n}", area_type="classroom"
        )
    User.objects.create(username="extra1", first_name="Extra")
    assert {p: _queries(client, p) for p in PINNED_QUERIES} == before


def test_building_page_lists_areas_by_level(client: Client) -> None:
    sign_in(client, "officer")
    building = Building.objects.get(school__slug="cedar-hollow-hs", code="A")
    response = client.get(f"/schools/cedar-hollow-hs/buildings/{building.pk}/")
    assert b"Restroom (girls)" in response.content
    assert b"Floor 2" in response.content


def test_officer_sees_only_their_navigation(client: Client) -> None:
    sign_in(client, "officer")
    html = client.get("/").content.decode()
    assert 'href="/schools/"' in html
    assert 'href="/people/"' not in html
    assert 'href="/audit/"' not in html


def test_school_switcher_narrows_the_overview(client: Client) -> None:
    sign_in(client, "director")
    school = School.objects.get(slug="juniper-ridge-ms")
    response = client.post("/switch-school/", {"school": school.pk, "next": "/"}, follow=True)
    html = response.content.decode()
    assert "Showing Juniper Ridge Middle School." in html
    assert "Cedar Hollow High School</a></h2>" not in html
    client.post("/switch-school/", {"school": "all", "next": "https://evil.example/"})
    assert "Cedar Hollow High School</a></h2>" in client.get("/").content.decode()


def test_school_form_rejects_bad_input_naming_the_field(client: Client) -> None:
    sign_in(client, "principal")
    school = School.objects.get(slug="cedar-hollow-hs")
    before = AuditEntry.objects.count()
    response = client.post(
        f"/schools/{school.slug}/edit/",
        {"name": "", "address": "x", "phone": "", "latitude": "95", "longitude": "-121"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Name: This field is required." in html
    assert "Latitude: Latitude must be between -90 and 90." in html
    school.refresh_from_db()
    assert school.name == "Cedar Hollow High School"
    assert AuditEntry.objects.count() == before


def test_person_create_rejects_a_taken_username(client: Client) -> None:
    sign_in(client, "admin")
    response = client.post(
        "/people/new/",
        {
            "username": "officer",
            "first_name": "A",
            "last_name": "B",
            "password": "long enough pw 1",
        },
    )
    assert "Username: That username is taken." in response.content.decode()
    assert User.objects.filter(username="officer").count() == 1


def test_reveal_needs_a_reason_and_is_audited(client: Client) -> None:
    sign_in(client, "supervisor")
    officer = User.objects.get(username="officer")
    before = AuditEntry.objects.filter(action="sensitive_read").count()
    refused = client.post(f"/people/{officer.pk}/reveal-phone/", {"reason": "x"})
    assert refused.status_code == 400
    assert "Reason: Give a reason of at least 8 characters." in refused.content.decode()
    assert officer.mobile_phone not in refused.content.decode()
    assert AuditEntry.objects.filter(action="sensitive_read").count() == before
    shown = client.post(f"/people/{officer.pk}/reveal-phone/", {"reason": "alarm call-out, gym"})
    assert officer.mobile_phone in shown.content.decode()
    assert 'data-expires-in="30"' in shown.content.decode()
    entry = AuditEntry.objects.filter(action="sensitive_read").order_by("-seq").first()
    assert entry is not None
    assert (entry.actor_label, entry.object_id, entry.reason) == (
        "supervisor",
        str(officer.pk),
        "alarm call-out, gym",
    )


def test_mobile_numbers_are_encrypted_at_rest() -> None:
    officer = User.objects.get(username="officer")
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile_phone FROM accounts_user WHERE id = %s", [officer.pk])
        stored = cursor.fetchone()[0]
    assert officer.mobile_phone.startswith("(530) 555-01")
    assert officer.mobile_phone not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token


def test_denied_page_is_audited_and_explains(client: Client) -> None:
    sign_in(client, "officer")
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "Ask your security supervisor" in response.content.decode()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor_label, entry.reason) == (
        "denied",
        "officer",
        "missing permission audit.view",
    )


def test_unknown_page_is_a_helpful_404(client: Client) -> None:
    sign_in(client, "officer")
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Check the address" in response.content.decode()
    assert 'href="/schools/"' in response.content.decode()  # the navigation is still there


def test_server_error_page_has_no_trace(client: Client, settings: Any) -> None:
    from vigil.core.views import server_error

    request = client.get("/").wsgi_request
    response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Traceback" not in response.content


def test_audit_log_filters(client: Client) -> None:
    sign_in(client, "director")
    html = client.get("/audit/?action=login&actor=director").content.decode()
    assert "<td>director" in html
    bad = client.get("/audit/?since=yesterday").content.decode()
    assert "From: Use a date like 2026-09-01." in bad
