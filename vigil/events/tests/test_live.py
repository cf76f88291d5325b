"""The live console: the change feed, the event stream's scope, dispatching an officer, and the
stream's correctness: the pushed updates applied to a stale console state give a fresh fetch."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, cast

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import AsyncClient, Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import mapping, shape

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.events import live, services
from vigil.events.choices import Disposition, EventStatus, EventType
from vigil.events.models import Event, EventChange
from vigil.events.pipeline import Inbound, Normalized, ingest
from vigil.sites.models import Area, Asset, School

pytestmark = pytest.mark.django_db

SCHOOLS = ("cedar-hollow-hs", "juniper-ridge-ms", "willow-creek-es")


@pytest.fixture(autouse=True)
def _feed_written_at_each_statement() -> None:
    """On PostgreSQL the feed's triggers run at commit, and a test never commits: run them now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


def _ingest(slug: str, source_id: str, *, severity: int = 4, title: str = "Door forced") -> int:
    school = School.objects.get(slug=slug)
    now = timezone.now()

    def normalize(message: Inbound) -> Normalized:
        return Normalized(
            source_event_id=source_id,
            event_type=EventType.DOOR_FORCED,
            title=title,
            occurred_at=now,
            severity=severity,
        )

    result = ingest(
        Inbound(
            source="test",
            payload=f"{source_id}@{now.isoformat()}".encode(),
            received_at=now,
            dedupe_key=f"{source_id}@{now.isoformat()}",
            school_id=school.pk,
        ),
        normalize,
    )
    assert result.event_id is not None
    return result.event_id


def _event(slug: str, title: str = "Door 7 forced") -> Event:
    return Event.objects.get(pk=_ingest(slug, f"{slug}-{title}", title=title))


def _pushed(user: User, after: int) -> tuple[int, list[dict[str, Any]]]:
    """Everything the event stream sends ``user`` after ``after``, up to the present."""
    target = live.position()

    async def collect() -> tuple[int, list[dict[str, Any]]]:
        rows: list[dict[str, Any]] = []
        position = after
        ticks = iter(range(10_000))
        stream = live.stream(user, after, seconds=60, poll=0, clock=lambda: float(next(ticks)))
        async for chunk in stream:
            text = chunk.decode()
            if text.startswith("id: "):
                head, data = text.split("\ndata: ", 1)
                message = json.loads(data)
                assert head.startswith(f"id: {message['position']}\nevent: events")
                position = message["position"]
                rows += message["events"]
            elif text.startswith(": keep-alive"):
                break  # nothing more to send: the stream is idle
        await stream.aclose()
        return position, rows

    position, rows = async_to_sync(collect)()
    assert position <= target
    return position, rows


# --- The change feed -----------------------------------------------------------------------


def test_every_change_of_an_event_appends_to_the_feed_in_order() -> None:
    start = live.position()
    event = _event("cedar-hollow-hs")
    officer = _user("officer")
    services.event_acknowledge(actor=officer, event=event)
    services.event_note_add(actor=officer, event=event, text="On my way.")
    services.event_resolve(actor=officer, event=event, disposition=Disposition.HANDLED)
    feed = list(EventChange.objects.filter(id__gt=start).values_list("event_id", flat=True))
    # created, acknowledged, noted, resolved (with its audit, in one transaction each)
    assert feed == [event.pk] * 4
    assert live.position() > start


def test_the_feed_keeps_its_newest_rows_and_a_console_behind_them_is_told_to_reload() -> None:
    _event("cedar-hollow-hs", "Door seen by the console")
    start = live.position()
    for n in range(5):
        _event("cedar-hollow-hs", f"Door {n}")
    newest = live.position()
    older = EventChange.objects.filter(id__lte=newest - 2).count()
    assert live.prune_feed(keep=2) == older
    assert list(EventChange.objects.values_list("id", flat=True)) == [newest - 1, newest]
    assert live.gone(start)
    assert not live.gone(newest - 2)
    assert not live.gone(0)  # a fresh console starts from the state, not from the feed

    officer = _user("officer")

    async def first_event() -> str:
        chunks = live.stream(officer, start, seconds=1, poll=0.01)
        text = ""
        async for chunk in chunks:
            text += chunk.decode()
        return text

    assert async_to_sync(first_event)() == "retry: 1000\n\nevent: reset\ndata: {}\n\n"


# --- Dispatch ------------------------------------------------------------------------------


def test_dispatch_sends_an_officer_and_everyone_sees_it(client: Client) -> None:
    event = _event("cedar-hollow-hs")
    supervisor, officer = _user("supervisor"), _user("officer")
    services.event_dispatch(actor=supervisor, event=event, officer=officer)
    event.refresh_from_db()
    assert (event.dispatched_to, event.dispatched_by, event.status) == (
        officer,
        supervisor,
        EventStatus.OPEN,  # open until the officer says "I'm on it": the timer keeps running
    )
    entry = AuditEntry.objects.filter(object_type="events.event").latest("pk")
    assert entry.changes == {"dispatched_to": [None, "officer"]}
    sign_in(client, "principal")  # views events at the school, handles none
    assert f"Dispatched to {officer}" in client.get("/console/rows/").content.decode()
    sign_in(client, "officer")
    phone = client.get("/console/mine/").content.decode()
    assert "Door 7 forced" in phone
    assert "I'm on it" in phone
    client.post(f"/console/events/{event.pk}/acknowledge/", {"next": "mine"})
    event.refresh_from_db()
    assert (event.status, event.acknowledged_by) == (EventStatus.ACKNOWLEDGED, officer)
    response = client.post(
        f"/console/events/{event.pk}/resolve/", {"disposition": "handled", "next": "mine"}
    )
    assert response["Location"] == "/console/mine/"
    assert "Door 7 forced" not in client.get("/console/mine/").content.decode()


def test_dispatch_refuses_without_the_permission_out_of_scope_and_when_resolved() -> None:
    event = _event("cedar-hollow-hs")
    officer, officer2, supervisor = _user("officer"), _user("officer2"), _user("supervisor")
    with pytest.raises(ValidationError) as not_allowed:
        services.event_dispatch(actor=officer, event=event, officer=officer)
    assert not_allowed.value.message_dict == {
        "officer": ["You may not dispatch officers to this event."]
    }
    with pytest.raises(ValidationError) as out_of_scope:  # officer2 works at other schools
        services.event_dispatch(actor=supervisor, event=event, officer=officer2)
    assert out_of_scope.value.message_dict == {
        "officer": [f"{officer2} does not handle events at this school."]
    }
    principal = _user("principal")  # sees the school's events, handles none
    with pytest.raises(ValidationError):
        services.event_dispatch(actor=supervisor, event=event, officer=principal)
    willow = _event("willow-creek-es")  # the supervisor dispatches at two schools, not this one
    with pytest.raises(ValidationError):
        services.event_dispatch(actor=supervisor, event=willow, officer=officer2)
    services.event_resolve(actor=officer, event=event, disposition=Disposition.FALSE_ALARM)
    with pytest.raises(ValidationError) as resolved:
        services.event_dispatch(actor=supervisor, event=event, officer=officer)
    assert resolved.value.message_dict == {"status": [f"Already resolved by {officer}."]}
    event.refresh_from_db()
    willow.refresh_from_db()
    assert event.dispatched_to is None
    assert willow.dispatched_to is None


def test_dispatch_form_offers_only_officers_of_the_school(client: Client) -> None:
    event = _event("cedar-hollow-hs")
    sign_in(client, "supervisor")
    html = client.get(f"/console/events/{event.pk}/").content.decode()
    form = html[
        html.index('name="officer"') : html.index("</select>", html.index('name="officer"'))
    ]
    assert str(_user("officer")) in form
    assert str(_user("director")) in form
    assert str(_user("officer2")) not in form
    assert str(_user("principal")) not in form
    refused = client.post(f"/console/events/{event.pk}/dispatch/", {"officer": ""}, follow=True)
    assert "Officer: Choose an officer to send." in refused.content.decode()
    client.post(f"/console/events/{event.pk}/dispatch/", {"officer": _user("officer").pk})
    event.refresh_from_db()
    assert event.dispatched_to == _user("officer")


# --- The stream's scope --------------------------------------------------------------------


def test_the_stream_never_sends_another_schools_event() -> None:
    start = live.position()
    cedar = _event("cedar-hollow-hs", "Cedar door")
    juniper = _event("juniper-ridge-ms", "Juniper door")
    services.event_acknowledge(actor=_user("officer2"), event=juniper)
    _, rows = _pushed(_user("officer"), start)
    assert {r["id"] for r in rows} == {cedar.pk}
    _, supervisor_rows = _pushed(_user("supervisor"), start)
    assert {r["id"] for r in supervisor_rows} == {cedar.pk, juniper.pk}
    _, frontdesk_rows = _pushed(_user("director"), start)
    assert {r["id"] for r in frontdesk_rows} == {cedar.pk, juniper.pk}


def test_the_stream_endpoint_resumes_after_last_event_id_in_scope() -> None:
    start = live.position()
    cedar = _event("cedar-hollow-hs", "Cedar window")
    _event("willow-creek-es", "Willow window")
    client = AsyncClient()
    sign_in(cast(Client, client), "officer")

    async def first_message() -> tuple[dict[str, str], str]:
        response = await client.get("/console/stream/", headers={"Last-Event-ID": str(start)})
        chunks = aiter(cast(Any, response).streaming_content)
        text = ""
        while "event: events" not in text:
            text += (await anext(chunks)).decode()
        await chunks.aclose()
        headers = {k: response[k] for k in ("Content-Type", "Cache-Control")}
        return headers, text

    headers, text = async_to_sync(first_message)()
    assert headers == {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    data = json.loads(text.split("data: ", 1)[1])
    assert [r["id"] for r in data["events"]] == [cedar.pk]
    assert data["events"][0]["title"] == "Cedar window"


def test_the_state_is_scoped_and_ordered(client: Client) -> None:
    _ingest("cedar-hollow-hs", "low", severity=2, title="Low one")
    _ingest("cedar-hollow-hs", "fire", severity=5, title="Fire")
    _ingest("juniper-ridge-ms", "other", severity=5, title="Elsewhere")
    sign_in(client, "officer")
    state = client.get("/console/state/").json()
    titles = [r["title"] for r in state["events"]]
    assert titles.index("Fire") < titles.index("Low one")
    assert "Elsewhere" not in titles
    assert state["position"] == live.position()


def test_the_console_page_and_phone_page_query_counts(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        event = _event("cedar-hollow-hs", f"Door {i}")
        services.event_dispatch(actor=_user("supervisor"), event=event, officer=_user("officer"))
    sign_in(client, "officer")
    client.get("/console/mine/")  # warm the session
    with django_assert_max_num_queries(14):
        assert client.get("/console/mine/").content.decode().count("dispatch-card") == 6
    with django_assert_max_num_queries(12):
        assert len(client.get("/console/state/").json()["events"]) >= 6


# --- Correctness: pushed updates on a stale state give a fresh fetch ---------------------

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["ingest", "update", "ack", "note", "resolve", "dispatch"]),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=12,
)
VIEWERS = [
    ("supervisor", live.View()),
    ("officer", live.View()),
    ("officer2", live.View(status=EventStatus.ACKNOWLEDGED)),
    ("director", live.View(status=EventStatus.RESOLVED)),
    ("officer", live.View(dispatched_to_id=-1)),  # -1: the officer's own id, set below
]


def _run(operation: str, n: int, counter: list[int]) -> None:
    active = list(Event.objects.exclude(status=EventStatus.RESOLVED).order_by("pk"))
    target = active[n % len(active)] if active else None
    officer = {"cedar-hollow-hs": "officer", "juniper-ridge-ms": "officer2"}
    try:
        if operation == "ingest" or target is None:
            counter[0] += 1
            slug = SCHOOLS[n % len(SCHOOLS)]
            _ingest(slug, f"h{counter[0]}", severity=1 + n % 5, title=f"Event {counter[0]}")
        elif operation == "update":
            counter[0] += 1  # the source updates its event in place (severity never drops)
            _ingest(
                target.school.slug if target.school else SCHOOLS[0],
                target.source_event_id,
                severity=1 + n % 5,
                title=f"{target.title} (update {counter[0]})",
            )
        elif operation == "ack":
            services.event_acknowledge(actor=_user("director"), event=target)
        elif operation == "note":
            services.event_note_add(actor=_user("director"), event=target, text=f"Note {n}")
        elif operation == "resolve":
            services.event_resolve(
                actor=_user("director"), event=target, disposition=Disposition.HANDLED
            )
        else:
            slug = target.school.slug if target.school else ""
            services.event_dispatch(
                actor=_user("director"), event=target, officer=_user(officer.get(slug, "director"))
            )
    except ValidationError:
        pass  # a refused step (already acknowledged, already dispatched) changes nothing


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=OPERATIONS, after=OPERATIONS, viewer=st.sampled_from(VIEWERS))
def test_pushed_updates_applied_to_a_stale_state_give_a_fresh_fetch(
    before: list[tuple[str, int]], after: list[tuple[str, int]], viewer: tuple[str, live.View]
) -> None:
    counter = [Event.objects.count()]
    username, view = viewer
    user = _user(username)
    if view.dispatched_to_id == -1:
        view = live.View(dispatched_to_id=user.pk)
    for operation, n in before:
        _run(operation, n, counter)
    snapshot = live.console_state(user, view)
    for operation, n in after:
        _run(operation, n, counter)
    _, rows = _pushed(user, snapshot["position"])
    stale = {row["id"]: row for row in snapshot["events"]}
    applied = live.ordered(live.apply(stale, rows, view))
    fresh = live.console_state(user, view)
    assert applied == fresh["events"]
    # A reconnect replays some changes a second time: nothing moves.
    assert live.ordered(live.apply(dict(stale), rows, view)) == fresh["events"]


def test_a_late_older_copy_of_a_row_does_not_undo_a_newer_one() -> None:
    view = live.View()
    newer = {"id": 1, "version": 9, "status": "acknowledged", "school_id": 1}
    older = {**newer, "version": 4, "status": "open"}
    newer_row = {**newer, "severity": 4, "occurred_at": "2026-01-01T00:00:00.000000+00:00"}
    older_row = {**older, "severity": 4, "occurred_at": "2026-01-01T00:00:00.000000+00:00"}
    assert live.apply({1: newer_row}, [older_row], view) == {1: newer_row}
    assert live.apply({1: newer_row}, [{**newer_row, "status": "resolved"}], view) == {}


def test_sort_order_matches_the_database_order() -> None:
    now = timezone.now()
    for i, (severity, minutes) in enumerate([(3, 1), (5, 9), (3, 0), (5, 2), (1, 0)]):
        Event.objects.create(
            source="sort",
            source_event_id=str(i),
            event_type="other",
            severity=severity,
            title=f"S{i}",
            school=School.objects.get(slug="cedar-hollow-hs"),
            occurred_at=now - timedelta(minutes=minutes, microseconds=i),
            received_at=now,
            updated_at=now,
        )
    state = live.console_state(_user("director"), live.View())
    rows = [r for r in state["events"] if r["source"] == "sort"]
    assert (
        [r["title"] for r in live.ordered({r["id"]: r for r in rows})]
        == [r["title"] for r in rows]
        == ["S3", "S1", "S2", "S0", "S4"]
    )


# --- An event's place ----------------------------------------------------------------------


def test_event_page_shows_the_place_the_nearest_camera_and_the_responder_card(
    client: Client,
) -> None:
    school = School.objects.get(slug="cedar-hollow-hs")
    area = (
        Area.objects.filter(school=school, building__isnull=False)
        .exclude(geometry=None)
        .order_by("pk")
        .first()
    )
    assert area is not None
    Asset.objects.filter(school=school, kind="camera").update(location=None)
    inside = shape(area.geometry).representative_point()
    near = Asset.objects.create(
        school=school, kind="camera", name="Near cam", location=mapping(inside)
    )
    Asset.objects.create(
        school=school,
        kind="camera",
        name="Far cam",
        location={"type": "Point", "coordinates": [inside.x + 0.002, inside.y]},  # ~170 m east
    )
    now = timezone.now()
    event = Event.objects.create(
        source="test",
        source_event_id="place",
        event_type="door_forced",
        severity=4,
        title="Door forced in the hallway",
        school=school,
        area=area,
        occurred_at=now,
        received_at=now,
        updated_at=now,
    )
    sign_in(client, "officer")
    html = client.get(f"/console/events/{event.pk}/").content.decode()
    assert f"{near} " in html
    assert "0 m away" in html
    assert "Far cam" not in html
    assert f"/schools/cedar-hollow-hs/buildings/{area.building_id}/responder-card.pdf" in html
    assert 'id="event-map-data"' in html
    assert '"role": "event"' in html
