"""Supervisor pages: create, edit, turn off; refusals name the field; every change is audited."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.events.models import Event
from vigil.rules.models import (
    CorrelationMember,
    CorrelationRule,
    Drill,
    Escalation,
    EscalationRule,
    FloodRule,
    SeverityRule,
)
from vigil.sites.models import Area, School

pytestmark = pytest.mark.django_db

CEDAR = "cedar-hollow-hs"
WILLOW = "willow-creek-es"  # outside the demo supervisor's schools


def _school(slug: str) -> School:
    return School.objects.get(slug=slug)


def _severity_form(school: School, **changes: Any) -> dict[str, Any]:
    return {
        "name": "After hours doors",
        "school": str(school.pk),
        "event_type": "door_held",
        "when": "outside",
        "weekdays": ["0", "1", "2", "3", "4"],
        "start_time": "07:30",
        "end_time": "15:30",
        "school_days_only": "on",
        "severity": "5",
        "enabled": "on",
        **changes,
    }


def test_a_supervisor_adds_a_severity_rule_and_it_is_audited(client: Client) -> None:
    sign_in(client, "supervisor")
    response = client.post(reverse("rules:new", args=["severity"]), _severity_form(_school(CEDAR)))
    assert response.status_code == 302
    rule = SeverityRule.objects.get()
    assert rule.school is not None
    assert (rule.school.slug, rule.weekdays, rule.start_time, rule.when, rule.severity) == (
        CEDAR,
        [0, 1, 2, 3, 4],
        time(7, 30),
        "outside",
        5,
    )
    entry = AuditEntry.objects.filter(object_type="rules.severityrule").get()
    assert (entry.action, entry.actor_label, entry.object_id) == (
        "create",
        "supervisor",
        str(rule.pk),
    )
    index = client.get(reverse("rules:index"))
    assert "outside Mon, Tue, Wed, Thu, Fri 07:30–15:30, school days only" in index.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": []}, "Days", "This field is required."),
        ({"start_time": "25:99"}, "Start time", "Enter a valid time."),
        ({"severity": "9"}, "Severity", "Select a valid choice."),
        ({"name": ""}, "Name", "This field is required."),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    sign_in(client, "supervisor")
    response = client.post(
        reverse("rules:new", args=["severity"]), _severity_form(_school(CEDAR), **changes)
    )
    assert response.status_code == 400
    assert f"{field}: {message}" in response.text
    assert not SeverityRule.objects.exists()


def test_an_area_of_another_school_is_refused(client: Client) -> None:
    sign_in(client, "director")
    other = Area.objects.filter(school__slug=WILLOW).order_by("pk").first()
    assert other is not None
    response = client.post(
        reverse("rules:new", args=["severity"]),
        _severity_form(_school(CEDAR), area=str(other.pk)),
    )
    assert response.status_code == 400
    assert f"Area: {other} is not at {_school(CEDAR)}." in response.text
    assert not SeverityRule.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        (
            "correlation",
            {"name": "x", "first_type": "person", "second_type": "person", "window_seconds": "60"},
            "Second event (from the nearest camera): Choose a type different",
        ),
        (
            "correlation",
            {
                "name": "x",
                "first_type": "door_forced",
                "second_type": "person",
                "window_seconds": "0",
            },
            "Within (seconds, before or after): Use 1 to 3600 seconds.",
        ),
        (
            "escalation",
            {"name": "x", "min_severity": "4", "after_seconds": "120", "raise_to": "3"},
            "Raise to: Raise to a severity above the minimum one.",
        ),
        (
            "flood",
            {"name": "x", "max_events": "0", "per_seconds": "60"},
            "More than (events): Use 1 to 10,000 events.",
        ),
        (
            "drill",
            {"reason": "x", "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T09:00"},
            "Ends: End the drill after it starts.",
        ),
    ],
)
def test_each_kind_names_its_bad_field(
    client: Client, kind: str, data: dict[str, str], error: str
) -> None:
    sign_in(client, "supervisor")
    payload = {"school": str(_school(CEDAR).pk), "severity": "5", "enabled": "on", **data}
    response = client.post(reverse("rules:new", args=[kind]), payload)
    assert response.status_code == 400
    assert error in response.text
    for model in (CorrelationRule, EscalationRule, FloodRule, Drill):
        assert not model.objects.exists()


def test_a_declared_drill_is_saved_in_local_time(client: Client) -> None:
    sign_in(client, "supervisor")
    response = client.post(
        reverse("rules:new", args=["drill"]),
        {
            "school": str(_school(CEDAR).pk),
            "event_types": ["fire", "panic"],
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T10:30",
            "reason": "Fire drill",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    drill = Drill.objects.get()
    assert (drill.event_types, drill.starts_at, drill.ends_at) == (
        ["fire", "panic"],
        datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 18, 30, tzinfo=UTC),
    )


def test_turning_a_rule_off_is_audited(client: Client) -> None:
    rule = FloodRule.objects.create(name="Vape", school=_school(CEDAR))
    sign_in(client, "supervisor")
    response = client.post(reverse("rules:toggle", args=["flood", rule.pk]), {"enabled": "0"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.enabled is False
    entry = AuditEntry.objects.filter(object_type="rules.floodrule", action="update").get()
    assert (entry.changes, entry.actor_label) == ({"enabled": ["True", "False"]}, "supervisor")


def test_refusals_officer_403_other_school_404_district_rule_404(client: Client) -> None:
    at_willow = FloodRule.objects.create(name="Willow", school=_school(WILLOW))
    district = FloodRule.objects.create(name="Everywhere")
    sign_in(client, "officer")
    assert client.get(reverse("rules:index")).status_code == 403
    sign_in(client, "supervisor")
    assert client.get(reverse("rules:edit", args=["flood", at_willow.pk])).status_code == 404
    assert client.get(reverse("rules:edit", args=["flood", district.pk])).status_code == 404
    toggle = client.post(reverse("rules:toggle", args=["flood", at_willow.pk]), {"enabled": "0"})
    assert toggle.status_code == 404
    assert FloodRule.objects.get(pk=at_willow.pk).enabled is True
    assert client.get(reverse("rules:new", args=["nonsense"])).status_code == 404
    # The supervisor may not make a district-wide rule: the school is required for them.
    response = client.post(
        reverse("rules:new", args=["flood"]),
        {"name": "All", "school": "", "max_events": "5", "per_seconds": "60"},
    )
    assert response.status_code == 400
    assert "School: This field is required." in response.text
    index = client.get(reverse("rules:index")).text
    assert "Willow" not in index
    assert "Everywhere" not in index
    sign_in(client, "director")
    assert client.get(reverse("rules:edit", args=["flood", district.pk])).status_code == 200


def test_the_rules_page_costs_a_fixed_number_of_queries(client: Client) -> None:
    sign_in(client, "director")
    client.get(reverse("rules:index"))  # warm the session and permission caches

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("rules:index")).status_code == 200
        return len(captured)

    few = count()
    for school in School.objects.all():
        for n in range(3):
            FloodRule.objects.create(name=f"F{n}", school=school)
            CorrelationRule.objects.create(name=f"C{n}", school=school)
            SeverityRule.objects.create(
                name=f"S{n}", school=school, event_type="door_held", weekdays=[0], severity=1
            )
            EscalationRule.objects.create(name=f"E{n}", school=school)
            now = datetime(2026, 12, 1, tzinfo=UTC)
            Drill.objects.create(
                school=school, starts_at=now, ends_at=now + timedelta(hours=1), reason=f"D{n}"
            )
    assert count() == few == 12


def test_the_event_page_include_shows_the_alarm_members() -> None:
    school = _school(CEDAR)
    now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

    def event(sid: str, title: str, source: str = "test") -> Event:
        return Event.objects.create(
            source=source,
            source_event_id=sid,
            event_type="door_forced",
            severity=4,
            title=title,
            school=school,
            occurred_at=now,
            received_at=now,
            updated_at=now,
        )

    alarm = event("correlation:1:1", "Forced entry: Door 7 + Person", source="rules")
    door, person = event("d", "Door 7 forced"), event("p", "Person at Door 7")
    for member in (door, person):
        CorrelationMember.objects.create(correlated=alarm, member=member)
    rule = EscalationRule.objects.create(name="Two minutes", school=school)
    Escalation.objects.create(event=alarm, rule=rule, at=now, from_severity=4, to_severity=5)
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="officer")
    page = Template("{% load rules_tags %}{% rules_for_event event %}")
    html = page.render(Context({"event": alarm, "request": request}))
    assert "One alarm holding 2 events" in html
    assert "Door 7 forced" in html
    assert "Person at Door 7" in html
    assert "Escalated High → <strong>Critical</strong>" in html
    member_html = page.render(Context({"event": door, "request": request}))
    assert "Part of <a href=" in member_html
    assert "Forced entry: Door 7 + Person" in member_html
    # Someone who may not see the school sees no members.
    request.user = User.objects.get(username="officer2")
    assert "Door 7 forced" not in page.render(Context({"event": alarm, "request": request}))
