"""The rules inside the real ingest pipeline: exact outcomes, redelivery, query counts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from vigil.events import pipeline
from vigil.events.choices import Disposition, EventStatus, EventType, Severity
from vigil.events.models import DeviceMapping, Event, RawMessage
from vigil.patrols.models import CalendarOccurrence, CalendarSource
from vigil.rules import services
from vigil.rules.models import (
    CorrelationMember,
    CorrelationRule,
    Drill,
    Escalation,
    EscalationRule,
    FloodRule,
    SeverityRule,
)
from vigil.sites.choices import AssetKind
from vigil.sites.models import Area, Asset, School

pytestmark = pytest.mark.django_db

# Wednesday 25 November 2026 in Los Angeles (the demo district's time zone, PST = UTC-8).
TEN_AM = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
TWO_AM = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SOURCE = "test"


def _normalize(message: pipeline.Inbound) -> pipeline.Normalized | None:
    doc = json.loads(message.payload)
    return pipeline.Normalized(
        source_event_id=doc["id"],
        event_type=EventType(doc["type"]),
        title=doc.get("title", doc["type"]),
        occurred_at=datetime.fromisoformat(doc["at"]),
        device=doc.get("device", ""),
    )


def message(
    event_id: str, event_type: str, device: str, at: datetime, key: str | None = None
) -> tuple[pipeline.Inbound, pipeline.Normalizer]:
    doc = {"id": event_id, "type": event_type, "device": device, "at": at.isoformat()}
    inbound = pipeline.Inbound(
        source=SOURCE,
        payload=json.dumps(doc).encode(),
        received_at=at,
        dedupe_key=key or event_id,
    )
    return inbound, _normalize


def ingest(*messages: tuple[pipeline.Inbound, pipeline.Normalizer]) -> list[Any]:
    return pipeline.ingest_batch(list(messages))


@dataclass
class Place:
    school: School
    area: Area
    door: Asset
    near_camera: Asset
    far_camera: Asset


@pytest.fixture
def place() -> Place:
    school = School.objects.get(slug="juniper-ridge-ms")
    assert school.district.time_zone == "America/Los_Angeles"
    area = Area.objects.filter(school=school).order_by("pk").first()
    assert area is not None

    def point(d_lng: float) -> dict[str, Any]:
        # 2 km north of the campus, so no demo camera is nearer than these.
        return {
            "type": "Point",
            "coordinates": [school.longitude + d_lng, school.latitude + 0.02],
        }

    door = Asset.objects.create(
        school=school, area=area, kind=AssetKind.EXTERIOR_DOOR, name="Door 7", location=point(0)
    )
    near = Asset.objects.create(
        school=school, kind=AssetKind.CAMERA, name="Cam near", location=point(0.0001)
    )
    far = Asset.objects.create(
        school=school, kind=AssetKind.CAMERA, name="Cam far", location=point(0.001)
    )
    for name, asset in (("door-7", door), ("cam-near", near), ("cam-far", far)):
        DeviceMapping.objects.create(
            source=SOURCE, external_id=name, school=school, area=area, asset=asset
        )
    for name in ("vape-1", "panel-1"):
        DeviceMapping.objects.create(source=SOURCE, external_id=name, school=school, area=area)
    return Place(school, area, door, near, far)


def _school_day(school: School, day_start_utc: datetime) -> None:
    source = CalendarSource.objects.create(school=school, name="Bells", uid_namespace="bells")
    CalendarOccurrence.objects.create(
        school=school,
        source=source,
        uid="p1",
        recurrence_id=day_start_utc,
        summary="Period 1",
        kind="period",
        start=day_start_utc,
        end=day_start_utc + timedelta(minutes=50),
    )


def test_door_held_is_info_in_school_hours_and_critical_at_two_am(place: Place) -> None:
    _school_day(place.school, datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # 08:00 local
    common: dict[str, Any] = {
        "school": place.school,
        "event_type": EventType.DOOR_HELD,
        "weekdays": [0, 1, 2, 3, 4],
        "start_time": time(7, 30),
        "end_time": time(15, 30),
        "school_days_only": True,
    }
    normal = SeverityRule.objects.create(name="School hours", severity=Severity.INFO, **common)
    alarm = SeverityRule.objects.create(
        name="After hours", severity=Severity.CRITICAL, when="outside", **common
    )
    thursday = TEN_AM + timedelta(days=1)  # Thanksgiving: no classes in the calendar
    ingest(
        message("a", "door_held", "door-7", TEN_AM),
        message("b", "door_held", "door-7", TWO_AM),
        message("c", "door_held", "door-7", thursday),
        message("d", "door_forced", "door-7", TEN_AM),
    )
    got = {
        e.source_event_id: (e.severity, e.data.get("rules", {}).get("severity_rule"))
        for e in Event.objects.all()
    }
    assert got == {
        "a": (Severity.INFO, normal.pk),
        "b": (Severity.CRITICAL, alarm.pk),
        "c": (Severity.CRITICAL, alarm.pk),
        "d": (Severity.HIGH, None),
    }
    # An update from the source keeps the rule's verdict (it would otherwise raise it back).
    ingest(message("a", "door_held", "door-7", TEN_AM, key="a-update"))
    assert Event.objects.get(source_event_id="a").severity == Severity.INFO


def test_events_in_a_declared_drill_are_stored_and_resolved_as_drill(place: Place) -> None:
    drill = Drill.objects.create(
        school=place.school,
        event_types=[EventType.FIRE],
        starts_at=TEN_AM,
        ends_at=TEN_AM + timedelta(minutes=30),
        reason="Fire drill",
    )
    results = ingest(
        message("f1", "fire", "door-7", TEN_AM + timedelta(minutes=5)),
        message("f2", "fire", "door-7", TEN_AM + timedelta(minutes=31)),
        message("p1", "panic", "door-7", TEN_AM + timedelta(minutes=5)),
    )
    assert [r.outcome for r in results] == [pipeline.Outcome.CREATED] * 3
    suppressed = Event.objects.get(source_event_id="f1")
    assert (suppressed.status, suppressed.disposition, suppressed.data["rules"]) == (
        EventStatus.RESOLVED,
        Disposition.DRILL,
        {"suppressed": "drill", "drill": drill.pk},
    )
    assert RawMessage.objects.get(dedupe_key="f1").event_id == suppressed.pk
    assert Event.objects.get(source_event_id="f2").status == EventStatus.OPEN
    assert Event.objects.get(source_event_id="p1").status == EventStatus.OPEN


def test_a_noisy_device_is_folded_into_one_flood_event_until_quiet(place: Place) -> None:
    FloodRule.objects.create(name="Vape", max_events=3, per_seconds=60)
    first = [message(f"v{i}", "vape", "vape-1", TWO_AM) for i in range(6)]
    results = ingest(*first)
    assert Event.objects.filter(source=SOURCE).count() == 3
    flood = Event.objects.get(source="rules")
    assert flood.data["rules"]["flood"]["count"] == 3
    assert flood.title == "Flood: 3 more events from vape-1"
    assert (flood.school_id, flood.status, flood.ended_at) == (place.school.pk, "open", None)
    assert [r.event_id for r in results[3:]] == [flood.pk] * 3
    assert [r.outcome for r in results[3:]] == [
        pipeline.Outcome.CREATED,
        pipeline.Outcome.UPDATED,
        pipeline.Outcome.UPDATED,
    ]
    assert RawMessage.objects.filter(event=flood).count() == 3
    assert RawMessage.objects.count() == 6  # nothing lost

    later = TWO_AM + timedelta(seconds=30)
    ingest(message("v6", "vape", "vape-1", later), message("v7", "vape", "vape-1", later))
    flood.refresh_from_db()
    assert Event.objects.filter(source="rules").count() == 1
    assert flood.data["rules"]["flood"]["count"] == 5
    assert flood.updated_at == later

    quiet = later + timedelta(seconds=60)
    ingest(message("v8", "vape", "vape-1", quiet))
    flood.refresh_from_db()
    assert flood.ended_at == later
    assert Event.objects.filter(source=SOURCE).count() == 4


def test_the_tick_ends_a_flood_that_went_quiet(place: Place) -> None:
    FloodRule.objects.create(name="Vape", max_events=1, per_seconds=60)
    ingest(*[message(f"v{i}", "vape", "vape-1", TWO_AM) for i in range(3)])
    assert services.tick(now=TWO_AM + timedelta(seconds=59)).floods_ended == 0
    assert services.tick(now=TWO_AM + timedelta(seconds=60)).floods_ended == 1
    assert Event.objects.get(source="rules").ended_at == TWO_AM
    assert services.tick(now=TWO_AM + timedelta(seconds=90)).floods_ended == 0


def _alarm() -> Event:
    alarm: Event = Event.objects.get(source="rules")
    return alarm


def _members(alarm: Event) -> list[str]:
    return sorted(
        CorrelationMember.objects.filter(correlated=alarm).values_list(
            "member__source_event_id", flat=True
        )
    )


def test_door_forced_then_person_on_the_nearest_camera_is_one_alarm(place: Place) -> None:
    rule = CorrelationRule.objects.create(name="Forced entry")
    ingest(message("door", "door_forced", "door-7", TWO_AM))
    assert not Event.objects.filter(source="rules").exists()
    person = message("p1", "person", "cam-near", TWO_AM + timedelta(seconds=20))
    ingest(person)
    alarm = _alarm()
    door = Event.objects.get(source_event_id="door")
    assert (alarm.source_event_id, alarm.severity, alarm.status) == (
        f"correlation:{rule.pk}:{door.pk}",
        Severity.CRITICAL,
        EventStatus.OPEN,
    )
    assert (alarm.school_id, alarm.asset_id, alarm.occurred_at) == (
        place.school.pk,
        place.door.pk,
        TWO_AM,
    )
    assert _members(alarm) == ["door", "p1"]
    assert set(Event.objects.filter(source=SOURCE).values_list("status", "disposition")) == {
        (EventStatus.RESOLVED, Disposition.DUPLICATE)
    }

    # Redelivery of the same message changes nothing; a further person joins the same alarm.
    assert ingest(person)[0].outcome == pipeline.Outcome.DUPLICATE
    ingest(message("p2", "person", "cam-near", TWO_AM + timedelta(seconds=50)))
    ingest(message("p3", "person", "cam-far", TWO_AM + timedelta(seconds=10)))
    ingest(message("p4", "person", "cam-near", TWO_AM + timedelta(seconds=61)))
    assert Event.objects.filter(source="rules").count() == 1
    assert _members(_alarm()) == ["door", "p1", "p2"]
    assert _alarm().data["rules"]["members"] == sorted(
        Event.objects.filter(source_event_id__in=["door", "p1", "p2"]).values_list("pk", flat=True)
    )


def test_person_first_then_door_and_both_in_one_batch(place: Place) -> None:
    CorrelationRule.objects.create(name="Forced entry")
    ingest(message("p1", "person", "cam-near", TWO_AM - timedelta(seconds=45)))
    ingest(message("door", "door_forced", "door-7", TWO_AM))
    assert _members(_alarm()) == ["door", "p1"]
    ingest(
        message("door2", "door_forced", "door-7", TEN_AM),
        message("p2", "person", "cam-near", TEN_AM + timedelta(seconds=5)),
    )
    door2 = Event.objects.get(source_event_id="door2")
    second = Event.objects.get(source_event_id__endswith=f":{door2.pk}", source="rules")
    assert _members(second) == ["door2", "p2"]
    assert Event.objects.filter(source="rules").count() == 2


def test_an_acknowledged_member_stays_with_its_officer(place: Place) -> None:
    from vigil.accounts.models import User
    from vigil.events import services as event_services

    CorrelationRule.objects.create(name="Forced entry")
    ingest(message("door", "door_forced", "door-7", TWO_AM))
    event_services.event_acknowledge(
        actor=User.objects.get(username="director"), event=Event.objects.get()
    )
    ingest(message("p1", "person", "cam-near", TWO_AM + timedelta(seconds=5)))
    statuses = dict(Event.objects.filter(source=SOURCE).values_list("source_event_id", "status"))
    assert statuses == {"door": EventStatus.ACKNOWLEDGED, "p1": EventStatus.RESOLVED}


def test_escalation_raises_an_unacknowledged_event_once(place: Place) -> None:
    rule = EscalationRule.objects.create(
        name="Two minutes", after_seconds=120, min_severity=3, raise_to=5
    )
    ingest(
        message("held", "door_held", "door-7", TWO_AM),
        message("person", "person", "cam-near", TWO_AM),
    )
    assert services.tick(now=TWO_AM + timedelta(seconds=119)).escalated == 0
    assert services.tick(now=TWO_AM + timedelta(seconds=120)).escalated == 1
    assert services.tick(now=TWO_AM + timedelta(seconds=300)).escalated == 0
    held = Event.objects.get(source_event_id="held")
    assert (held.severity, held.data["rules"]["escalated_to"]) == (Severity.CRITICAL, 5)
    row = Escalation.objects.get()
    assert (row.event_id, row.rule_id, row.from_severity, row.to_severity) == (
        held.pk,
        rule.pk,
        Severity.MEDIUM,
        Severity.CRITICAL,
    )
    assert Event.objects.get(source_event_id="person").severity == Severity.LOW
    # An update from the source never lowers an escalated event.
    ingest(message("held", "door_held", "door-7", TWO_AM, key="held-again"))
    assert Event.objects.get(source_event_id="held").severity == Severity.CRITICAL


def test_an_acknowledged_event_is_not_escalated(place: Place) -> None:
    EscalationRule.objects.create(name="Fast", after_seconds=10, min_severity=1, raise_to=5)
    ingest(message("held", "door_held", "door-7", TWO_AM))
    Event.objects.update(status=EventStatus.ACKNOWLEDGED, acknowledged_at=TWO_AM)
    assert services.tick(now=TWO_AM + timedelta(hours=1)).escalated == 0


def _every_rule(place: Place) -> None:
    SeverityRule.objects.create(
        name="After hours",
        school=place.school,
        event_type=EventType.VAPE_DETECTED,
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(7, 30),
        end_time=time(15, 30),
        school_days_only=True,
        when="outside",
        severity=Severity.HIGH,
    )
    CorrelationRule.objects.create(name="Forced entry")
    FloodRule.objects.create(name="Flood", max_events=3, per_seconds=60)
    Drill.objects.create(
        school=place.school,
        event_types=[EventType.FIRE],
        starts_at=TWO_AM,
        ends_at=TWO_AM + timedelta(hours=1),
        reason="Fire drill",
    )


def _batch(n: int, start: int) -> list[tuple[pipeline.Inbound, pipeline.Normalizer]]:
    kinds = [
        ("vape", "vape-1"),
        ("door_forced", "door-7"),
        ("person", "cam-near"),
        ("fire", "panel-1"),
    ]
    return [
        message(f"m{start + i}", *kinds[i % 4], TWO_AM + timedelta(seconds=i)) for i in range(n)
    ]


def _queries(batch: list[tuple[pipeline.Inbound, pipeline.Normalizer]]) -> int:
    """The queries of one batch, measured from the same starting state (rolled back after)."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            pipeline.ingest_batch(batch)
        assert Event.objects.filter(source="rules", source_event_id__startswith="flood:").count()
        assert Event.objects.filter(source="rules", source_event_id__startswith="corr").count()
        assert Event.objects.filter(disposition=Disposition.DRILL).count() == len(batch) // 4
        transaction.set_rollback(True)
    return len(captured)


def test_the_batch_path_costs_a_fixed_number_of_queries(place: Place) -> None:
    _school_day(place.school, datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    _every_rule(place)
    small = _queries(_batch(20, 0))
    large = _queries(_batch(80, 1000))
    # PostgreSQL writes the new raw messages with COPY, which Django's query capture does not
    # see; SQLite writes them with one executemany, which it counts once.
    assert small == large == (25 if connection.vendor == "postgresql" else 26)


def test_without_rules_the_step_adds_four_queries() -> None:
    with CaptureQueriesContext(connection) as captured:
        pipeline.ingest_batch(_batch(40, 0))
    rules_queries = [q for q in captured.captured_queries if '"rules_' in q["sql"]]
    assert len(rules_queries) == 4
