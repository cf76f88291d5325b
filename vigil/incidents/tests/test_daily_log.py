"""The daily log CSV (/incidents/log.csv): exact header and rows, no names, no drafts, audited."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from vigil.core.models import AuditEntry
from vigil.incidents import exporters
from vigil.incidents.services import PersonInput
from vigil.incidents.tests.test_search import MARK, Fixture, area_of, fx, write

pytestmark = pytest.mark.django_db
__all__ = ["fx"]  # the fixture, imported for its side of the tests

ZONE = ZoneInfo("America/Los_Angeles")
HEADER = (
    "Case number,Date/time reported,Occurred from,Occurred to,General location,Nature,Disposition"
)


def _local(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def _get(client: Client, who: str, **params: str) -> tuple[int, str]:
    sign_in(client, who)
    response = client.get(reverse("incidents:daily_log"), params)
    return response.status_code, response.content.decode()


def test_exact_header_and_rows(client: Client, fx: Fixture) -> None:
    status, body = _get(client, "supervisor", q=MARK)
    assert status == 200
    lines = body.split("\r\n")
    assert lines[0] == HEADER
    rows = list(csv.reader(io.StringIO(body)))[1:]
    vape_area = area_of("cedar-hollow-hs", 3)
    fight_area = area_of("cedar-hollow-hs")
    # Oldest first (the order things were reported); the officer's draft is not in a log.
    assert [r[0] for r in rows] == [
        fx.fight.number,
        fx.vape.number,
        fx.returned.number,
        fx.middle.number,
    ]
    assert rows[0] == [
        fx.fight.number,
        _local(fx.fight.written_at),  # no "reported to security" time given: written
        _local(fx.fight.occurred_start),
        "",
        f"Cedar Hollow High School — {fight_area.name}",
        "13B Simple Assault; Fight",
        "Submitted for review",
    ]
    assert rows[1] == [
        fx.vape.number,
        _local(fx.vape.written_at),
        _local(fx.vape.occurred_start),
        _local(fx.vape.occurred_end),
        f"Cedar Hollow High School — {vape_area.name}",
        "Vaping / tobacco",
        "Approved",
    ]
    assert rows[2][5:] == ["23D Theft From Building; Theft", "Returned for changes"]
    assert rows[3][4].startswith("Juniper Ridge Middle School — ")
    assert body.endswith("\r\n")
    response = client.get(reverse("incidents:daily_log"), {"q": MARK})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="daily-log-')


def test_no_names_and_no_narrative(client: Client, fx: Fixture) -> None:
    _status, body = _get(client, "director", q=MARK)
    for private in ("Quillon", "Ashby", "Tilly", "Foxley", "Rivera", "punches", "vape device"):
        assert private not in body


def test_reported_time_and_location_text(client: Client) -> None:
    now = timezone.now()
    report = write(
        title=f"Trespass {MARK}",
        reported_at=now - timedelta(days=2, hours=23),
        occurred_start=now - timedelta(days=3),
        location_text='=HYPERLINK("x") north gate',
        area_id=None,
        people=(PersonInput(role="suspect", kind="unknown", description="grey hoodie"),),
        categories=("trespass",),
        nibrs=("90J",),
    )
    _status, body = _get(client, "director", q="trespass " + MARK)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1] == [
        report.number,
        _local(report.reported_at),
        _local(report.occurred_start),
        "",
        # A cell that starts like a formula would be text in a spreadsheet anyway: only the
        # first cell character matters, and here the school comes first.
        'Cedar Hollow High School — =HYPERLINK("x") north gate',
        "90J Trespass of Real Property; Trespass",
        "Submitted for review",
    ]
    assert "grey hoodie" not in body


def test_formula_cells_are_neutralised() -> None:
    assert exporters._cell("=1+2") == "'=1+2"
    assert exporters._cell("-3") == "'-3"
    assert exporters._cell("@x") == "'@x"
    assert exporters._cell("CHHS-2026-0001") == "CHHS-2026-0001"


def test_filters_apply_and_scope_is_the_export_scope(client: Client, fx: Fixture) -> None:
    _status, body = _get(client, "supervisor", q=MARK, status="approved")
    assert [r[0] for r in csv.reader(io.StringIO(body))][1:] == [fx.vape.number]
    # The supervisor exports at CHHS and JRMS; the officer2 report at JRMS is in, and the
    # director (district) sees the same four.
    _status, body = _get(client, "director", q=MARK, code="fight")
    assert [r[0] for r in csv.reader(io.StringIO(body))][1:] == [fx.fight.number, fx.middle.number]


def test_the_export_is_audited(client: Client, fx: Fixture) -> None:
    sign_in(client, "supervisor")
    before = AuditEntry.objects.count()
    response = client.get(reverse("incidents:daily_log"), {"q": MARK, "status": "submitted"})
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "export"
    assert entry.actor_label == "supervisor"
    assert entry.object_type == "incidents.report"
    assert entry.object_repr == "daily log CSV (2 reports)"
    assert entry.reason == "daily log CSV"
    assert entry.changes == {
        "filters": {"q": MARK, "status": "submitted"},
        "reports": [fx.fight.number, fx.middle.number],
    }
    assert entry.school_id is None  # two schools


def test_bad_filters_name_the_field_and_export_nothing(client: Client, fx: Fixture) -> None:
    before = AuditEntry.objects.filter(action="export").count()
    status, body = _get(client, "director", since="2026-13-45")
    assert status == 400
    assert body.startswith("The log was not exported. Occurred from: Enter a valid date.")
    status, body = _get(client, "director", since="2026-10-02", until="2026-10-01")
    assert status == 400
    assert "Occurred until: The end date is before the start date." in body
    assert AuditEntry.objects.filter(action="export").count() == before


def test_only_exporters_may_download(client: Client, fx: Fixture) -> None:
    for who in ("officer", "principal", "frontdesk"):
        status, _body = _get(client, who)
        assert status == 403
    status, _body = _get(client, "director")
    assert status == 200
