"""Shifts, check-ins, offline replays, findings and work orders, on the demo high school."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from vigil.accounts.models import User
from vigil.events.models import Event
from vigil.patrols import selectors, services, tags
from vigil.patrols.graph_source import campus_graph
from vigil.patrols.models import (
    CalendarOccurrence,
    CalendarSource,
    Finding,
    Scan,
    ShiftStatus,
    WorkOrder,
    WorkOrderStatus,
)
from vigil.patrols.services import PatrolError
from vigil.sites.models import Building, School

# Photos are stored under each test's own folder (media_root).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _school() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


def _main() -> Building:
    return _school().buildings.get(name="Main Building")


def _start(name: str = "officer", **kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "school": _school(),
        "building": _main(),
        "mode": "foot",
        "hours": 2,
    }
    values.update(kwargs)
    return services.shift_start(actor=_user(name), **values)


def _scan(shift: Any, node: str, *, at: Any = None, client_id: str | None = None, **kw: Any) -> Any:
    return services.scan_record(
        actor=shift.officer,
        token=tags.sign(shift.school_id, node),
        client_id=client_id or f"c-{node}-{at}",
        occurred_at=at or timezone.now(),
        **kw,
    )


def test_a_shift_has_a_hidden_plan_and_one_next_stop() -> None:
    shift = _start()
    nodes = {raw["id"] for raw in shift.graph["nodes"]}
    assert shift.status == ShiftStatus.ACTIVE
    assert shift.plan["seed"] == shift.seed
    assert shift.next_node in nodes
    stop = services.next_stop(shift)
    assert stop.label
    assert stop.reason
    assert stop.latitude is not None


def test_one_active_shift_per_officer_and_only_at_schools_in_scope() -> None:
    _start()
    with pytest.raises(PatrolError, match="already on a shift"):
        _start()
    with pytest.raises(PatrolError) as excinfo:
        _start("officer2", school=_school(), building=_main())
    assert excinfo.value.field == "school"


def test_bad_shift_input_names_the_field() -> None:
    with pytest.raises(PatrolError) as excinfo:
        _start(mode="hovercraft")
    assert excinfo.value.field == "mode"
    with pytest.raises(PatrolError) as excinfo:
        _start(hours=3)
    assert excinfo.value.field == "hours"
    other = Building.objects.exclude(school=_school()).first()
    with pytest.raises(PatrolError) as excinfo:
        _start(building=other)
    assert excinfo.value.field == "building"


def test_scanning_the_stop_moves_the_phone_on_to_a_neighbour() -> None:
    shift = _start()
    first = shift.next_node
    outcome = _scan(shift, first)
    assert not outcome.duplicate
    shift.refresh_from_db()
    neighbours = {
        e["v"] if e["u"] == first else e["u"]
        for e in shift.graph["edges"]
        if first in (e["u"], e["v"])
    }
    assert shift.next_node in neighbours | {first}
    assert shift.next_node != ""
    assert shift.next_reason


def test_offline_replay_with_duplicates_and_reordering_counts_each_scan_once() -> None:
    shift = _start(now=timezone.now() - timedelta(hours=1))
    nodes = [raw["id"] for raw in shift.graph["nodes"]][:4]
    base = shift.started_at + timedelta(minutes=1)
    queue = [(node, base + timedelta(minutes=i), f"q{i}") for i, node in enumerate(nodes)]
    replay = [queue[2], queue[0], queue[3], queue[1], queue[0], queue[2]]
    outcomes = [_scan(shift, node, at=at, client_id=cid) for node, at, cid in replay]
    assert [o.duplicate for o in outcomes] == [False, False, False, False, True, True]
    stored = list(Scan.objects.filter(shift=shift).order_by("occurred_at"))
    assert [(s.node, s.occurred_at, s.client_id) for s in stored] == queue
    assert all(s.received_at >= s.occurred_at for s in stored)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-tag", "not a Vigil checkpoint tag"),
        (tags.sign(1, "area-1")[:-2] + "xx", "altered"),
    ],
)
def test_forged_tags_are_refused(token: str, message: str) -> None:
    shift = _start()
    with pytest.raises(PatrolError, match=message) as excinfo:
        services.scan_record(
            actor=shift.officer, token=token, client_id="x", occurred_at=timezone.now()
        )
    assert excinfo.value.field == "tag"
    assert not Scan.objects.filter(shift=shift).exists()


def test_a_tag_of_another_school_or_zone_is_refused() -> None:
    shift = _start()
    other = School.objects.get(slug="juniper-ridge-ms")
    with pytest.raises(PatrolError, match="another school"):
        services.scan_record(
            actor=shift.officer,
            token=tags.sign(other.pk, shift.next_node),
            client_id="b",
            occurred_at=timezone.now(),
        )
    outside = next(f"area-{a.pk}" for a in _school().areas.exclude(building=_main()).order_by("pk"))
    with pytest.raises(PatrolError, match="not in your patrol zone"):
        _scan(shift, outside, client_id="c")


def test_clock_far_ahead_or_before_the_shift_is_refused() -> None:
    shift = _start()
    with pytest.raises(PatrolError, match="min ahead") as excinfo:
        _scan(shift, shift.next_node, at=timezone.now() + timedelta(minutes=30))
    assert excinfo.value.field == "occurred_at"
    with pytest.raises(PatrolError, match="before the shift started"):
        _scan(shift, shift.next_node, at=shift.started_at - timedelta(hours=1))


def test_a_scan_far_from_the_checkpoint_is_refused_when_gps_is_good() -> None:
    shift = _start()
    node = shift.next_node
    lat, lng = services._node_position(shift, node)
    assert lat is not None
    assert lng is not None
    with pytest.raises(PatrolError, match=r"You are \d+ m from") as excinfo:
        _scan(shift, node, latitude=lat + 0.003, longitude=lng, accuracy_m=10.0)
    assert excinfo.value.field == "latitude"
    # A poor fix is kept, not judged; a close one records its distance.
    poor = _scan(shift, node, client_id="poor", latitude=lat + 0.003, longitude=lng, accuracy_m=400)
    close = _scan(shift, node, client_id="close", latitude=lat, longitude=lng, accuracy_m=5.0)
    assert poor.scan.distance_m == pytest.approx(334, abs=2)
    assert close.scan.distance_m == pytest.approx(0, abs=0.5)


def _door_node(shift: Any) -> str:
    return str(next(raw["id"] for raw in shift.graph["nodes"] if raw["id"].startswith("door-")))


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "propped.jpg"
    return buffer


def test_a_propped_door_becomes_a_finding_a_work_order_and_a_console_event() -> None:
    shift = _start()
    door = _door_node(shift)
    now = timezone.now()
    findings = services.checklist_submit(
        actor=shift.officer,
        shift=shift,
        node=door,
        answers={"door": "propped", "lighting": "working"},
        client_id="chk-1",
        occurred_at=now,
        note="Wedged with a rubber stop.",
        photo=_jpeg(),
    ).findings
    assert [(f.item, f.result, f.severity) for f in findings] == [("door", "propped", 3)]
    finding = findings[0]
    assert finding.photo is not None
    assert finding.photo.media_type == "image/jpeg"
    assert finding.work_order.status == WorkOrderStatus.OPEN
    assert finding.event_id is not None
    event = Event.objects.get(pk=finding.event_id)
    assert (event.source, event.event_type, event.school_id) == (
        "patrol",
        "door_held",
        shift.school_id,
    )

    again = services.checklist_submit(
        actor=shift.officer,
        shift=shift,
        node=door,
        answers={"door": "propped", "lighting": "working"},
        client_id="chk-1",
        occurred_at=now,
    ).findings
    assert [f.pk for f in again] == [finding.pk]
    assert Finding.objects.filter(shift=shift).count() == 1


def test_bad_checklist_answers_name_the_item() -> None:
    shift = _start()
    door = _door_node(shift)
    for answers, field in (({"door": "ajar"}, "door"), ({"pool": "wet"}, "pool")):
        with pytest.raises(PatrolError) as excinfo:
            services.checklist_submit(
                actor=shift.officer,
                shift=shift,
                node=door,
                answers=answers,
                client_id="bad",
                occurred_at=timezone.now(),
            )
        assert excinfo.value.field == field
    assert not Finding.objects.filter(shift=shift).exists()


def test_work_order_open_assigned_fixed_then_verified_by_a_later_patrol() -> None:
    shift = _start()
    door = _door_node(shift)
    (finding,) = services.checklist_submit(
        actor=shift.officer,
        shift=shift,
        node=door,
        answers={"door": "damaged"},
        client_id="chk-2",
        occurred_at=timezone.now(),
    ).findings
    order = finding.work_order
    supervisor = _user("supervisor")
    with pytest.raises(PatrolError) as excinfo:
        services.work_order_advance(actor=supervisor, order=order, to="assigned")
    assert excinfo.value.field == "assigned_to"
    with pytest.raises(PatrolError):
        services.work_order_advance(actor=supervisor, order=order, to="verified")
    with pytest.raises(PatrolError, match="may not manage"):
        services.work_order_advance(actor=_user("officer"), order=order, to="fixed")
    services.work_order_advance(
        actor=supervisor, order=order, to="assigned", assigned_to="Facilities"
    )
    services.work_order_advance(actor=supervisor, order=order, to="fixed")
    _scan(shift, door, client_id="later")
    services.checklist_submit(
        actor=shift.officer,
        shift=shift,
        node=door,
        answers={"door": "secure"},
        client_id="chk-3",
        occurred_at=timezone.now(),
    )
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == WorkOrderStatus.VERIFIED
    assert order.verified_by is not None
    assert order.verified_by.client_id == "later"


def test_called_away_replans_and_ending_the_shift_clears_the_stop() -> None:
    shift = _start()
    services.called_away(actor=shift.officer, shift=shift)
    shift.refresh_from_db()
    assert shift.replans == 1
    assert shift.next_node
    services.shift_end(actor=shift.officer, shift=shift)
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.ENDED
    assert shift.next_node == ""
    with pytest.raises(PatrolError, match="Start a shift"):
        _scan(shift, _door_node(shift))


def test_a_video_patrol_tours_the_cameras_and_logs_each_attested_view() -> None:
    shift = _start(mode="video", building=None)
    assert all(raw["id"].startswith("camera-") for raw in shift.graph["nodes"])
    first = shift.next_node
    with pytest.raises(PatrolError) as excinfo:
        services.camera_attest(
            actor=shift.officer,
            shift=shift,
            node=first,
            client_id="v0",
            occurred_at=timezone.now(),
            observation="  ",
        )
    assert excinfo.value.field == "observation"
    outcome = services.camera_attest(
        actor=shift.officer,
        shift=shift,
        node=first,
        client_id="v1",
        occurred_at=timezone.now(),
        observation="Two students by the east door, no issue.",
        raise_event=True,
    )
    assert outcome.scan.method == "camera"
    assert outcome.scan.observation == "Two students by the east door, no issue."
    event = Event.objects.get(source="patrol", source_event_id=f"video-{outcome.scan.pk}")
    assert event.title.startswith("Video patrol: ")
    again = services.camera_attest(
        actor=shift.officer,
        shift=shift,
        node=first,
        client_id="v1",
        occurred_at=timezone.now(),
        observation="Two students by the east door, no issue.",
    )
    assert again.duplicate
    shift.refresh_from_db()
    assert shift.next_node.startswith("camera-")
    with pytest.raises(PatrolError, match="Unknown check-in method"):
        _scan(shift, first, method="camera")


def test_a_vehicle_patrol_covers_lots_and_offsite_points_only() -> None:
    shift = _start(mode="vehicle", building=None)
    ids = {raw["id"] for raw in shift.graph["nodes"]}
    assert any(i.startswith("offsite-") for i in ids)
    assert not any(i.startswith("door-") for i in ids)
    assert all(set(e["travel_s"]) >= {"vehicle"} for e in shift.graph["edges"])


def test_the_panic_button_raises_one_critical_event_per_press() -> None:
    shift = _start()
    _scan(shift, shift.next_node, client_id="before-panic")
    event_id = services.panic_raise(
        actor=shift.officer, school=_school(), client_id="p1", latitude=38.5, longitude=-121.7
    )
    event = Event.objects.get(pk=event_id)
    assert (event.event_type, event.severity, event.source) == ("panic", 5, "phone")
    assert event.school_id == shift.school_id
    assert event.title.startswith("PANIC: officer ")
    assert "last check-in" in event.title
    assert event.data["latitude"] == 38.5
    again = services.panic_raise(actor=shift.officer, school=_school(), client_id="p1")
    assert again == event_id
    with pytest.raises(PatrolError) as excinfo:
        services.panic_raise(
            actor=_user("officer"),
            school=School.objects.get(slug="juniper-ridge-ms"),
            client_id="p2",
        )
    assert excinfo.value.field == "school"


def test_a_fixed_post_from_the_calendar_is_stood_then_the_patrol_resumes() -> None:
    """Lunch duty in the school calendar: the phone sends the officer there in time, keeps
    them there until it ends, then plans on; coverage names the post as the cause of a gap."""
    school, main = _school(), _main()
    graph, _ = campus_graph(school, building=main, offsite=False)
    node = next(n for n in graph.nodes if n.id.startswith("area-"))
    start = timezone.now() - timedelta(minutes=100)
    CalendarOccurrence.objects.create(
        school=school,
        source=CalendarSource.objects.get(school=school),
        uid="lunch-duty-test",
        recurrence_id=start,
        summary="Lunch duty",
        kind="lunch",
        start=start + timedelta(minutes=60),
        end=start + timedelta(minutes=90),
        area_id=int(node.id.split("-")[1]),
        fixed_post=True,
    )
    shift = _start(now=start)
    assert [p["node"] for p in shift.plan["posts"]] == [node.id]
    assert not shift.next_reason.startswith("Fixed post")

    # Check-ins as they happen (each planned at its own moment).
    _scan(shift, shift.next_node, at=start + timedelta(minutes=5), now=start + timedelta(minutes=5))
    shift.refresh_from_db()
    early = shift.next_node
    assert not shift.next_reason.startswith("Fixed post")
    _scan(shift, early, at=start + timedelta(minutes=58), now=start + timedelta(minutes=58))
    shift.refresh_from_db()
    assert shift.next_node == node.id
    assert shift.next_reason.startswith("Fixed post: Lunch duty at")
    _scan(shift, node.id, at=start + timedelta(minutes=61), now=start + timedelta(minutes=61))
    shift.refresh_from_db()
    assert (shift.next_node, shift.next_reason[:10]) == (node.id, "Fixed post")
    _scan(shift, node.id, at=start + timedelta(minutes=91), now=start + timedelta(minutes=91))
    shift.refresh_from_db()
    assert not shift.next_reason.startswith("Fixed post")

    # A second officer's shift at the same time does not get the same post.
    other = _start("supervisor", now=start + timedelta(minutes=1))
    assert other.plan["posts"] == []

    rows = selectors.coverage(_user("supervisor"), school, timezone.localdate(start))
    post_start, post_end = start + timedelta(minutes=60), start + timedelta(minutes=90)
    for row in rows:
        gap_end = row.worst_gap_from + timedelta(seconds=row.worst_gap_s)
        assert (row.post == "Lunch duty") == (
            row.worst_gap_from < post_end and gap_end > post_start
        )
        if row.missed and row.visits and row.post:
            assert "(the officer stood the fixed post Lunch duty)" in row.cause
    assert any(row.post for row in rows)


def test_the_walking_route_is_the_leg_to_the_next_stop_along_walkways() -> None:
    shift = _start()
    assert services.walking_route(shift, None, shift.officer) is None  # nothing to walk from
    here = shift.next_node
    scan = _scan(shift, here).scan
    shift.refresh_from_db()
    route = services.walking_route(shift, scan, shift.officer)
    assert route is not None
    outline, line, start, end = route["features"]
    assert outline["properties"] == {"role": "building", "label": "Main Building"}
    assert (start["properties"]["role"], end["properties"]["role"]) == ("here", "next")
    coords = line["geometry"]["coordinates"]

    def lng_lat(node: str) -> list[float]:
        lat, lng = services._node_position(shift, node)
        assert lat is not None
        assert lng is not None
        return [lng, lat]

    position = {raw["id"]: lng_lat(raw["id"]) for raw in shift.graph["nodes"]}
    assert coords[0] == position[here] == start["geometry"]["coordinates"]
    assert coords[-1] == position[shift.next_node] == end["geometry"]["coordinates"]
    # Every leg of the line is a walkway of the graph, so the route never cuts through walls
    # (stops on different floors can share a position: any of them may be the one passed).
    at: dict[tuple[float, ...], set[str]] = {}
    for node, p in position.items():
        at.setdefault(tuple(p), set()).add(node)
    walkways = {frozenset((e["u"], e["v"])) for e in shift.graph["edges"]}
    legs = list(itertools.pairwise(coords))
    assert legs
    for a, b in legs:
        assert any(frozenset((u, v)) in walkways for u in at[tuple(a)] for v in at[tuple(b)])
