from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from vigil.events import pipeline
from vigil.events.choices import EventType, Severity
from vigil.events.models import DeviceMapping, Event, IntegrationCounter, RawMessage
from vigil.sites.models import Area, School

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 28, 2, 10, tzinfo=UTC)


def _normalize(message: pipeline.Inbound) -> pipeline.Normalized | None:
    doc = json.loads(message.payload)
    if doc.get("heartbeat"):
        return None
    if "id" not in doc:
        raise pipeline.NormalizationError("id", "is required")
    return pipeline.Normalized(
        source_event_id=doc["id"],
        event_type=EventType(doc["type"]),
        title=doc["title"],
        occurred_at=T0,
        device=doc.get("device", ""),
        severity=doc.get("severity"),
        ended=doc.get("ended", False),
    )


def _inbound(doc: dict[str, object], key: str, at: datetime = T0) -> pipeline.Inbound:
    return pipeline.Inbound(
        source="test", payload=json.dumps(doc).encode(), received_at=at, dedupe_key=key
    )


def _counter(name: str) -> int:
    counter = IntegrationCounter.objects.filter(source="test", name=name).first()
    return counter.count if counter else 0


def test_new_event_is_created_with_the_type_default_severity() -> None:
    result = pipeline.ingest(
        _inbound({"id": "e1", "type": "door_forced", "title": "Door 7 forced"}, "k1"),
        _normalize,
    )
    assert result.outcome == pipeline.Outcome.CREATED
    event = Event.objects.get()
    assert (event.event_type, event.severity, event.status) == (
        "door_forced",
        Severity.HIGH,
        "open",
    )
    raw = RawMessage.objects.get()
    assert raw.event_id == event.pk
    assert len(raw.sha256) == 64
    assert _counter("accepted") == 1


def test_same_source_id_updates_in_place_and_never_lowers_severity() -> None:
    first = pipeline.ingest(
        _inbound({"id": "e1", "type": "person", "title": "Person", "severity": 4}, "k1"),
        _normalize,
    )
    later = T0 + timedelta(seconds=30)
    second = pipeline.ingest(
        _inbound(
            {"id": "e1", "type": "person", "title": "Person (ended)", "severity": 2, "ended": True},
            "k2",
            later,
        ),
        _normalize,
    )
    assert second.outcome == pipeline.Outcome.UPDATED
    assert second.event_id == first.event_id
    event = Event.objects.get()
    assert (event.title, event.severity, event.ended_at, event.updated_at) == (
        "Person (ended)",
        4,
        T0,
        later,
    )
    assert RawMessage.objects.filter(event=event).count() == 2


def test_redelivery_with_the_same_dedupe_key_is_stored_once() -> None:
    message = _inbound({"id": "e1", "type": "fire", "title": "Fire alarm"}, "same")
    assert pipeline.ingest(message, _normalize).outcome == pipeline.Outcome.CREATED
    assert pipeline.ingest(message, _normalize).outcome == pipeline.Outcome.DUPLICATE
    assert (RawMessage.objects.count(), Event.objects.count(), _counter("duplicate")) == (1, 1, 1)


def test_bad_message_is_kept_raw_with_the_reason_and_makes_no_event() -> None:
    result = pipeline.ingest(_inbound({"type": "fire"}, "k1"), _normalize)
    assert result == pipeline.IngestResult(pipeline.Outcome.REJECTED, error="id: is required")
    assert RawMessage.objects.get().error == "id: is required"
    assert Event.objects.count() == 0
    counter = IntegrationCounter.objects.get(source="test", name="rejected")
    assert (counter.count, counter.last_detail) == (1, "id: is required")


def test_heartbeat_is_stored_but_shows_nothing() -> None:
    result = pipeline.ingest(_inbound({"heartbeat": True}, "k1"), _normalize)
    assert result.outcome == pipeline.Outcome.IGNORED
    assert (RawMessage.objects.count(), Event.objects.count()) == (1, 0)


def test_device_mapping_places_the_event() -> None:
    school = School.objects.get(slug="cedar-hollow-hs")
    area = Area.objects.filter(school=school, area_type="locker_room").first()
    DeviceMapping.objects.create(source="test", external_id="cam-g1", school=school, area=area)
    pipeline.ingest(
        _inbound({"id": "e1", "type": "vape", "title": "Vape", "device": "cam-g1"}, "k1"),
        _normalize,
    )
    event = Event.objects.get()
    assert (event.school_id, event.area_id, event.device) == (
        school.pk,
        area.pk if area else None,
        "cam-g1",
    )


def test_raw_messages_are_append_only() -> None:
    pipeline.ingest(_inbound({"id": "e1", "type": "fire", "title": "Fire"}, "k1"), _normalize)
    raw = RawMessage.objects.get()
    raw.payload = b"rewritten"
    with pytest.raises(PermissionError):
        raw.save(update_fields=["payload"])


def test_a_batch_stores_each_message_once_in_order() -> None:
    batch = [
        (
            _inbound({"id": "e1", "type": "person", "title": "Person", "severity": 2}, "k1"),
            _normalize,
        ),
        (_inbound({"id": "e1", "type": "person", "title": "Person again"}, "k2"), _normalize),
        (_inbound({"id": "e1", "type": "person", "title": "Person"}, "k1"), _normalize),  # repeat
        (_inbound({"type": "fire"}, "k3"), _normalize),  # no id
        (_inbound({"heartbeat": True}, "k4"), _normalize),
        (_inbound({"id": "e2", "type": "fire", "title": "Fire"}, "k5"), _normalize),
    ]
    results = pipeline.ingest_batch(batch)
    assert [r.outcome for r in results] == [
        pipeline.Outcome.CREATED,
        pipeline.Outcome.UPDATED,
        pipeline.Outcome.DUPLICATE,
        pipeline.Outcome.REJECTED,
        pipeline.Outcome.IGNORED,
        pipeline.Outcome.CREATED,
    ]
    assert results[0].event_id == results[1].event_id
    person = Event.objects.get(source_event_id="e1")
    assert (person.title, person.severity) == ("Person again", 2)
    assert RawMessage.objects.count() == 5
    assert RawMessage.objects.filter(event=person).count() == 2
    assert (_counter("accepted"), _counter("duplicate"), _counter("rejected")) == (3, 1, 1)


def test_a_message_stored_meanwhile_by_another_worker_is_a_duplicate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The unique key stops the batch; splitting it finds the one duplicate, keeps the rest."""
    pipeline.ingest(_inbound({"id": "e1", "type": "fire", "title": "Fire"}, "k1"), _normalize)
    monkeypatch.setattr(pipeline, "_stored_keys", lambda batch: set())  # as if not seen yet
    results = pipeline.ingest_batch(
        [
            (_inbound({"id": "e2", "type": "fire", "title": "Fire 2"}, "k2"), _normalize),
            (_inbound({"id": "e1", "type": "fire", "title": "Fire"}, "k1"), _normalize),
        ]
    )
    assert [r.outcome for r in results] == [pipeline.Outcome.CREATED, pipeline.Outcome.DUPLICATE]
    assert (RawMessage.objects.count(), Event.objects.count()) == (2, 2)


def test_an_event_created_meanwhile_by_another_worker_is_updated_not_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two workers of a share group can get the first two messages of one event at once."""
    first = pipeline.ingest(
        _inbound({"id": "e1", "type": "fire", "title": "Fire"}, "k1"), _normalize
    )
    real = pipeline._stored_events
    looked: list[int] = []

    def not_yet_committed(ids: dict[str, set[str]]) -> dict[tuple[str, str], Event]:
        looked.append(1)  # the other worker's event is invisible until it commits
        return {} if len(looked) <= 2 else real(ids)

    monkeypatch.setattr(pipeline, "_stored_events", not_yet_committed)
    update = _inbound({"id": "e1", "type": "fire", "title": "Fire, spreading"}, "k2")
    result = pipeline.ingest(update, _normalize)

    assert result.outcome == pipeline.Outcome.UPDATED
    assert result.event_id == first.event_id
    assert Event.objects.get().title == "Fire, spreading"
    assert RawMessage.objects.filter(event=Event.objects.get()).count() == 2
