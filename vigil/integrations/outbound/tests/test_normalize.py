"""The outbound JSON document, topics, filters and CAP 1.2 alerts: pure, no database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from vigil.events.models import Event
from vigil.events.pipeline import Inbound
from vigil.integrations.outbound import normalize
from vigil.integrations.outbound.tests import cap12
from vigil.integrations.webhooks import normalize as inbound
from vigil.sites.models import Area, School

NS = {"cap": cap12.NS}
LA = ZoneInfo("America/Los_Angeles")
OCCURRED = datetime(2026, 11, 28, 10, 10, 0, 250000, tzinfo=UTC)
RECEIVED = datetime(2026, 11, 28, 10, 10, 1, tzinfo=UTC)
UPDATED = datetime(2026, 11, 28, 10, 12, 30, 500000, tzinfo=UTC)
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[-122.01, 37.0], [-122.0, 37.0], [-122.0, 37.01], [-122.01, 37.01]]],
}


def _event(**overrides: object) -> Event:
    school = School(
        pk=7,
        name="Cedar Hollow High School",
        slug="cedar-hollow-hs",
        latitude=37.005,
        longitude=-122.005,
        boundary=BOUNDARY,
    )
    area = Area(pk=3, school=school, name="Gym", code="G1", geometry=None)
    fields: dict[str, object] = {
        "pk": 42,
        "source": "webhook:doors",
        "source_event_id": "door-7-1",
        "event_type": "door_forced",
        "severity": 4,
        "status": "open",
        "title": "Door 7 forced",
        "school": school,
        "area": area,
        "device": "door-controller-7",
        "occurred_at": OCCURRED,
        "received_at": RECEIVED,
        "updated_at": RECEIVED,
        "data": {"zone": 7},
    }
    fields.update(overrides)
    return Event(**fields)


def _cap(event: Event) -> tuple[bytes, ET.Element]:
    xml = normalize.cap_alert(
        event,
        sender="vigil.cedar-hollow.example",
        sender_name="Cedar Hollow Unified (fictional)",
        zone=LA,
        web="https://vigil.example/console/events/42/",
        contact="+1 555 0100",
    )
    return xml, ET.fromstring(xml)  # noqa: S314 - our own output


def _text(root: ET.Element, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


def test_event_document_has_exact_fields() -> None:
    document = json.loads(normalize.event_body(_event()))
    assert document == {
        "schema": "vigil.event/1",
        "id": "vigil-event-42",
        "event_id": 42,
        "type": "door_forced",
        "type_label": "Door forced",
        "title": "Door 7 forced",
        "severity": 4,
        "severity_label": "High",
        "status": "open",
        "drill": False,
        "occurred_at": "2026-11-28T10:10:00.250000Z",
        "received_at": "2026-11-28T10:10:01Z",
        "updated_at": "2026-11-28T10:10:01Z",
        "ended": False,
        "ended_at": None,
        "acknowledged_at": None,
        "resolved_at": None,
        "disposition": None,
        "source": "webhook:doors",
        "device": "door-controller-7",
        "school": {"slug": "cedar-hollow-hs", "name": "Cedar Hollow High School"},
        "area": {"name": "Gym", "code": "G1"},
        "data": {"zone": 7},
    }


def test_body_is_compact_and_sorted_so_equal_events_give_equal_bytes() -> None:
    body = normalize.event_body(_event())
    assert body.startswith('{"acknowledged_at":null,"area":{"code":"G1","name":"Gym"}')
    assert normalize.event_body(_event()) == body


def test_our_inbound_webhook_format_accepts_the_outbound_document() -> None:
    """One Vigil can feed another: the body passes our own inbound normaliser."""
    body = normalize.event_body(_event()).encode()
    message = Inbound(source="webhook:peer", payload=body, received_at=UPDATED, dedupe_key="k")
    got = inbound.normalize(message)
    assert (got.source_event_id, got.event_type, got.title, got.severity, got.ended) == (
        "vigil-event-42",
        "door_forced",
        "Door 7 forced",
        4,
        False,
    )
    assert got.occurred_at == OCCURRED
    assert got.device == "door-controller-7"


def test_topic_names_school_and_type_and_never_adds_levels() -> None:
    assert normalize.topic("vigil/events", _event()) == "vigil/events/cedar-hollow-hs/door_forced"
    assert normalize.topic("x", _event(school=None, area=None)) == "x/unmapped/door_forced"


@pytest.mark.parametrize(
    ("schools", "minimum", "types", "expected"),
    [
        (frozenset(), 1, frozenset(), True),
        (frozenset({7}), 4, frozenset({"door_forced"}), True),
        (frozenset({8}), 1, frozenset(), False),  # another school
        (frozenset(), 5, frozenset(), False),  # below the minimum severity
        (frozenset(), 1, frozenset({"fire"}), False),  # another type
    ],
)
def test_target_filter(
    schools: frozenset[int], minimum: int, types: frozenset[str], expected: bool
) -> None:
    event = _event(school_id=7)
    assert normalize.TargetFilter(schools, minimum, types).matches(event) is expected


def test_unmapped_events_only_reach_targets_without_a_school_filter() -> None:
    event = _event(school=None, area=None)
    assert normalize.TargetFilter(frozenset(), 1, frozenset()).matches(event)
    assert not normalize.TargetFilter(frozenset({7}), 1, frozenset()).matches(event)


def test_cap_alert_of_an_open_event_has_exact_fields() -> None:
    xml, root = _cap(_event())
    assert cap12.problems(xml) == []
    assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<alert xmlns=")
    assert root.tag == f"{{{cap12.NS}}}alert"
    assert [child.tag.split("}")[1] for child in root] == [
        "identifier",
        "sender",
        "sent",
        "status",
        "msgType",
        "source",
        "scope",
        "restriction",
        "incidents",
        "info",
    ]
    assert _text(root, "cap:identifier") == "vigil-event-42"
    assert _text(root, "cap:sender") == "vigil.cedar-hollow.example"
    assert _text(root, "cap:sent") == "2026-11-28T02:10:01-08:00"  # local time, whole seconds
    assert _text(root, "cap:status") == "Actual"
    assert _text(root, "cap:msgType") == "Alert"
    assert _text(root, "cap:scope") == "Restricted"
    assert _text(root, "cap:restriction") == (
        "Security staff and emergency responders of Cedar Hollow Unified (fictional)"
    )
    assert _text(root, "cap:references") is None
    info = root.find("cap:info", NS)
    assert info is not None
    assert [child.tag.split("}")[1] for child in info] == [
        "language",
        "category",
        "event",
        "urgency",
        "severity",
        "certainty",
        "eventCode",
        "onset",
        "senderName",
        "headline",
        "description",
        "web",
        "contact",
        "parameter",
        "area",
    ]
    assert _text(info, "cap:category") == "Security"
    assert _text(info, "cap:event") == "Door forced"
    assert (_text(info, "cap:urgency"), _text(info, "cap:severity")) == ("Immediate", "Severe")
    assert _text(info, "cap:certainty") == "Observed"
    assert _text(info, "cap:eventCode/cap:value") == "door_forced"
    assert _text(info, "cap:onset") == "2026-11-28T02:10:00-08:00"
    assert _text(info, "cap:headline") == "Door 7 forced — Cedar Hollow High School"
    assert _text(info, "cap:description") == (
        "Door forced reported by webhook:doors.\nWhere: Gym (G1).\n"
        "Device: door-controller-7.\nOccurred: 2026-11-28 02:10:00 PST.\nStatus: Open."
    )
    assert _text(info, "cap:area/cap:areaDesc") == "Cedar Hollow High School — Gym"
    # The area has no geometry: the school's boundary, as lat,lon pairs, closed.
    assert _text(info, "cap:area/cap:polygon") == (
        "37.000000,-122.010000 37.000000,-122.000000 37.010000,-122.000000 "
        "37.010000,-122.010000 37.000000,-122.010000"
    )
    assert info.find("cap:area/cap:circle", NS) is None


def test_cap_area_point_gives_a_circle_and_no_geometry_the_entrance() -> None:
    event = _event()
    assert event.area is not None
    event.area.geometry = {"type": "Point", "coordinates": [-122.004, 37.006]}
    xml, root = _cap(event)
    assert cap12.problems(xml) == []
    assert _text(root, "cap:info/cap:area/cap:circle") == "37.006000,-122.004000 0.05"
    event = _event(area=None)
    assert event.school is not None
    event.school.boundary = None
    xml, root = _cap(event)
    assert cap12.problems(xml) == []
    assert _text(root, "cap:info/cap:area/cap:areaDesc") == "Cedar Hollow High School"
    assert _text(root, "cap:info/cap:area/cap:circle") == "37.005000,-122.005000 0.2"


def test_cap_update_references_the_first_alert() -> None:
    event = _event(status="acknowledged", acknowledged_at=UPDATED, updated_at=UPDATED)
    xml, root = _cap(event)
    assert cap12.problems(xml) == []
    assert _text(root, "cap:msgType") == "Update"
    assert _text(root, "cap:identifier") == "vigil-event-42-1795860750500"
    assert _text(root, "cap:sent") == "2026-11-28T02:12:30-08:00"
    assert _text(root, "cap:references") == (
        "vigil.cedar-hollow.example,vigil-event-42,2026-11-28T02:10:01-08:00"
    )
    assert _text(root, "cap:info/cap:urgency") == "Immediate"


def test_cap_false_alarm_is_a_cancel_and_a_drill_is_an_exercise() -> None:
    resolved = {"status": "resolved", "resolved_at": UPDATED, "updated_at": UPDATED}
    xml, root = _cap(_event(disposition="false_alarm", **resolved))
    assert cap12.problems(xml) == []
    assert _text(root, "cap:msgType") == "Cancel"
    assert _text(root, "cap:status") == "Actual"
    assert _text(root, "cap:info/cap:certainty") == "Unlikely"
    assert _text(root, "cap:info/cap:urgency") == "Past"
    assert _text(root, "cap:info/cap:responseType") == "AllClear"

    xml, root = _cap(_event(disposition="drill", event_type="fire", severity=5, **resolved))
    assert cap12.problems(xml) == []
    assert (_text(root, "cap:status"), _text(root, "cap:msgType")) == ("Exercise", "Update")
    assert _text(root, "cap:note") == "Drill: no real emergency."
    assert _text(root, "cap:info/cap:category") == "Fire"


@pytest.mark.parametrize(
    ("event_type", "severity", "category", "cap_severity", "urgency", "certainty"),
    [
        ("fire", 5, "Fire", "Extreme", "Immediate", "Observed"),
        ("medical", 4, "Rescue", "Severe", "Immediate", "Observed"),
        ("gunshot", 5, "Security", "Extreme", "Immediate", "Likely"),
        ("vape", 3, "Security", "Moderate", "Expected", "Likely"),
        ("comm_lost", 3, "Security", "Moderate", "Expected", "Possible"),
        ("person", 2, "Security", "Minor", "Future", "Likely"),
        ("opening", 1, "Security", "Minor", "Unknown", "Observed"),
    ],
)
def test_cap_mapping_of_type_and_severity(
    event_type: str,
    severity: int,
    category: str,
    cap_severity: str,
    urgency: str,
    certainty: str,
) -> None:
    xml, root = _cap(_event(event_type=event_type, severity=severity))
    assert cap12.problems(xml) == []
    info = root.find("cap:info", NS)
    assert info is not None
    assert (
        _text(info, "cap:category"),
        _text(info, "cap:severity"),
        _text(info, "cap:urgency"),
        _text(info, "cap:certainty"),
    ) == (category, cap_severity, urgency, certainty)


def test_cap_time_writes_utc_as_minus_zero() -> None:
    assert normalize.cap_time(RECEIVED, UTC) == "2026-11-28T10:10:01-00:00"


def test_the_structure_check_catches_what_it_must() -> None:
    """The validator itself: each broken alert is refused with the reason."""
    xml, _ = _cap(_event())
    text = xml.decode()
    swapped = text.replace(
        "<status>Actual</status><msgType>Alert</msgType>",
        "<msgType>Alert</msgType><status>Actual</status>",
    )
    assert swapped != text
    assert any("out of order" in p or "required" in p for p in cap12.problems(swapped.encode()))
    no_sender = text.replace("<sender>vigil.cedar-hollow.example</sender>", "")
    assert "alert: <sender> is required (in order)" in cap12.problems(no_sender.encode())
    bad_enum = text.replace("<urgency>Immediate</urgency>", "<urgency>Now</urgency>")
    assert any(p.startswith("<urgency> 'Now'") for p in cap12.problems(bad_enum.encode()))
    bad_time = text.replace("2026-11-28T02:10:01-08:00", "2026-11-28T10:10:01Z")
    assert any(p.startswith("<sent>") for p in cap12.problems(bad_time.encode()))
    update = text.replace("<msgType>Alert</msgType>", "<msgType>Update</msgType>")
    assert "msgType Update needs <references>" in cap12.problems(update.encode())
