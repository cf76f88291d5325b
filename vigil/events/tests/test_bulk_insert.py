"""Rows written by `bulk_insert` read back exactly like rows the ORM wrote (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from vigil.events import bulk_insert
from vigil.events.choices import Disposition, EventStatus, EventType
from vigil.events.models import Event, EventChange, RawMessage
from vigil.sites.models import Area, School

pytestmark = pytest.mark.django_db

# A time zone that is not UTC, and microseconds: what a datetime column must carry over.
EASTERN = timezone(timedelta(hours=-5))
T0 = datetime(2026, 11, 28, 21, 10, 5, 123456, tzinfo=EASTERN)


def _stored(instance: Model) -> dict[str, Any]:
    """Every column of the row, as read back from the database, except the primary key."""
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in type(instance)._meta.concrete_fields
        if not f.primary_key
    }


def _events(source_event_id: str) -> Event:
    school = School.objects.get(slug="cedar-hollow-hs")
    area = Area.objects.filter(school=school).first()
    assert area is not None
    return Event(
        source="test",
        source_event_id=source_event_id,
        event_type=EventType.DOOR_FORCED,
        severity=3,
        status=EventStatus.RESOLVED,
        disposition=Disposition.DRILL,
        title="Door forced — gym ‘east’",
        school=school,
        area=area,
        device="door-7",
        occurred_at=T0,
        received_at=T0 + timedelta(seconds=1),
        updated_at=T0 + timedelta(seconds=2),
        resolved_at=T0 + timedelta(seconds=3),
        data={"camera": "gym", "zones": ["east", "ä"], "score": 0.875, "nested": {"n": None}},
    )


def test_an_event_written_below_the_orm_reads_back_like_one_the_orm_wrote() -> None:
    by_orm = _events("orm")
    Event.objects.bulk_create([by_orm])
    fast = [_events("fast-1"), _events("fast-2")]
    bulk_insert.insert(fast, returning_pk=True)

    assert fast[0].pk
    assert fast[1].pk
    assert len({by_orm.pk, fast[0].pk, fast[1].pk}) == 3
    assert not fast[0]._state.adding
    expected = _stored(by_orm)
    for event in fast:
        assert _stored(event) == {**expected, "source_event_id": event.source_event_id}
    assert _stored(fast[0])["occurred_at"] == T0  # same instant, whatever the zone


def test_a_raw_message_written_below_the_orm_reads_back_like_one_the_orm_wrote() -> None:
    event = _events("e")
    bulk_insert.insert([event], returning_pk=True)

    def raw(key: str, **extra: Any) -> RawMessage:
        return RawMessage(
            source="test",
            received_at=T0,
            topic="frigate/events",
            payload=b'{"id": 1}\x00\xff',
            sha256="0" * 64,
            dedupe_key=key,
            **extra,
        )

    by_orm = [raw("k1", event=event), raw("k2", error="id: is required")]
    RawMessage.objects.bulk_create(by_orm)
    fast = [raw("k3", event=event), raw("k4", error="id: is required")]
    bulk_insert.insert(fast)

    rows = {r.dedupe_key: r for r in RawMessage.objects.all()}
    for orm_key, fast_key in (("k1", "k3"), ("k2", "k4")):
        orm_row = _stored(rows[orm_key])
        assert _stored(rows[fast_key]) == {**orm_row, "dedupe_key": fast_key}
    assert bytes(rows["k3"].payload) == b'{"id": 1}\x00\xff'


def test_new_events_reach_the_change_feed() -> None:
    """The feed's triggers fire for COPY as for INSERT (run at once: a test never commits)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    before = EventChange.objects.count()
    events = [_events("f1"), _events("f2")]
    bulk_insert.insert(events, returning_pk=True)
    changed = set(EventChange.objects.order_by("id")[before:].values_list("event_id", flat=True))
    assert changed == {events[0].pk, events[1].pk}


def test_a_repeated_key_is_django_integrity_error_and_writes_nothing() -> None:
    bulk_insert.insert([_events("once")], returning_pk=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert.insert([_events("twice"), _events("once")], returning_pk=True)
    assert set(Event.objects.values_list("source_event_id", flat=True)) == {"once"}


def test_nothing_to_insert_runs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        bulk_insert.insert([])


def test_times_in_utc_stay_the_same_instant() -> None:
    event = _events("utc")
    event.occurred_at = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    bulk_insert.insert([event], returning_pk=True)
    assert Event.objects.get(pk=event.pk).occurred_at == datetime(2026, 1, 1, tzinfo=UTC)
