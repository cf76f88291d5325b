"""Plan → scans → coverage, predictability of walked routes, the door sweep, activity reports."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.patrols import selectors, services, tags
from vigil.patrols.models import Shift
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


def _officer() -> User:
    user: User = User.objects.get(username="officer")
    return user


def _school() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


def _morning() -> datetime:
    """09:00 yesterday, local time: a finished two-hour shift, all on one day."""
    day = timezone.localdate() - timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=timezone.get_current_timezone())


def _shift(start: datetime) -> Shift:
    school = _school()
    return services.shift_start(
        actor=_officer(),
        school=school,
        building=school.buildings.get(name="Main Building"),
        mode="foot",
        hours=2,
        now=start,
    )


def _scan(shift: Shift, node: str, at: datetime, cid: str) -> None:
    services.scan_record(
        actor=shift.officer,
        token=tags.sign(shift.school_id, node),
        client_id=cid,
        occurred_at=at,
        now=at,
    )


def _node_with(shift: Shift, prefix: str, deadline: float) -> str:
    return str(
        next(
            raw["id"]
            for raw in shift.graph["nodes"]
            if raw["id"].startswith(prefix) and raw["max_gap_s"] == deadline
        )
    )


def test_coverage_shows_exactly_the_gaps_and_the_missed_deadlines() -> None:
    start = _morning()
    shift = _shift(start)
    hall = _node_with(shift, "area-", 45 * 60.0)  # a medium-risk hallway: 45 min limit
    _scan(shift, hall, start + timedelta(minutes=10), "s1")
    _scan(shift, hall, start + timedelta(minutes=50), "s2")
    services.shift_end(actor=shift.officer, shift=shift, now=start + timedelta(minutes=120))

    rows = {row.node: row for row in selectors.coverage(_officer(), _school(), start.date())}
    assert rows == {}  # the officer may not supervise: nothing to see
    supervisor = User.objects.get(username="supervisor")
    rows = {row.node: row for row in selectors.coverage(supervisor, _school(), start.date())}
    assert set(rows) == {raw["id"] for raw in shift.graph["nodes"]}
    visited = rows[hall]
    # Waits: 10 min from the start, 40 between the visits, 70 from the last visit to the end.
    assert visited.visits == 2
    assert visited.worst_gap_s == 70 * 60
    assert visited.missed
    at = timezone.localtime(start + timedelta(minutes=50))
    assert visited.cause == f"70 min without a visit from {at:%H:%M}"
    never = next(row for node, row in rows.items() if node != hall)
    assert never.visits == 0
    assert never.worst_gap_s == 120 * 60
    assert never.cause == "never visited"


def test_coverage_page_lists_the_missed_deadlines(client: Client) -> None:
    start = _morning()
    shift = _shift(start)
    services.shift_end(actor=shift.officer, shift=shift, now=start + timedelta(minutes=120))
    sign_in(client, "supervisor")
    response = client.get(f"/patrol/coverage/cedar-hollow-hs/?day={start.date():%Y-%m-%d}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{len(shift.graph['nodes'])} missed deadlines" in body
    assert "never visited" in body
    bad = client.get("/patrol/coverage/cedar-hollow-hs/?day=yesterday")
    assert "day: give a date as YYYY-MM-DD." in bad.content.decode()


def test_the_coverage_map_colours_each_stop_at_its_place() -> None:
    start = _morning()
    shift = _shift(start)
    hall = _node_with(shift, "area-", 45 * 60.0)
    for minute in range(0, 121, 30):  # every 30 min: within its 45 min limit
        _scan(shift, hall, start + timedelta(minutes=minute), f"m{minute}")
    services.shift_end(actor=shift.officer, shift=shift, now=start + timedelta(minutes=120))
    supervisor = User.objects.get(username="supervisor")
    school = _school()
    rows = selectors.coverage(supervisor, school, start.date())
    data = selectors.coverage_map(supervisor, school, rows)
    assert data is not None
    points = [f for f in data["features"] if f["geometry"]["type"] == "Point"]
    outlines = [f for f in data["features"] if f["properties"]["role"] == "building"]
    assert len(points) == len(rows)
    assert outlines
    heat = {f["properties"]["label"].split(":")[0]: f["properties"]["role"] for f in points}
    labels = {raw["id"]: raw["label"] for raw in shift.graph["nodes"]}
    assert heat[labels[hall]] == "ok"
    assert set(heat.values()) == {"ok", "missed"}  # the others were never visited
    # The dot sits where the stop's check-in position is.
    lng, lat = next(
        f["geometry"]["coordinates"]
        for f in points
        if f["properties"]["label"].startswith(labels[hall])
    )
    assert (lat, lng) == pytest.approx(services._node_position(shift, hall))
    # No outlines of the knowledge base for whoever may not see it; nothing to draw, no map.
    elsewhere = User.objects.get(username="officer2")  # an officer of another school
    hidden = selectors.coverage_map(elsewhere, school, rows)
    assert hidden is not None
    assert [f["properties"]["role"] for f in hidden["features"]].count("building") == 0
    assert selectors.coverage_map(supervisor, school, []) is None


def test_a_habitual_walk_is_flagged_against_the_planned_routes() -> None:
    start = _morning()
    shift = _shift(start)
    first, second = (raw["id"] for raw in shift.graph["nodes"][:2])
    for i in range(12):
        node = first if i % 2 == 0 else second
        _scan(shift, node, start + timedelta(minutes=5 * (i + 1)), f"h{i}")
    services.shift_end(actor=shift.officer, shift=shift, now=start + timedelta(minutes=120))
    supervisor = User.objects.get(username="supervisor")
    week = start.date() - timedelta(days=start.weekday())
    (row,) = selectors.predictability(supervisor, _school(), week)
    assert (row.shifts, row.check_ins) == (1, 12)
    assert row.walked_entropy == 0.0  # each stop always followed by the same next one
    assert row.planned_entropy > 0.3
    assert row.habitual


def test_week_coverage_shows_each_stop_at_its_worst_day() -> None:
    """Two shifts on two days: a hallway kept within its limit on the first and missed on the
    second is missed for the week, with both days' visits; the night between is no gap."""
    first = _morning() - timedelta(days=1)
    second = _morning()
    one = _shift(first)
    hall = _node_with(one, "area-", 45 * 60.0)
    for minute in range(0, 121, 30):
        _scan(one, hall, first + timedelta(minutes=minute), f"a{minute}")
    services.shift_end(actor=one.officer, shift=one, now=first + timedelta(minutes=120))
    two = _shift(second)
    _scan(two, hall, second + timedelta(minutes=10), "b10")
    services.shift_end(actor=two.officer, shift=two, now=second + timedelta(minutes=120))
    supervisor = User.objects.get(username="supervisor")
    days = selectors.coverage_of_days(supervisor, _school(), first.date(), 2)
    assert [next(r for r in rows if r.node == hall).missed for rows in days] == [False, True]
    week = {row.node: row for row in selectors.week_coverage(supervisor, _school(), first.date())}
    assert week[hall].missed
    assert week[hall].visits == 6
    assert week[hall].worst_gap_s == 110 * 60  # the second day's, not the night's 22 hours
    assert timezone.localtime(week[hall].worst_gap_from).date() == second.date()
    assert max(row.worst_gap_s for row in week.values()) <= 120 * 60
    # The officer may not supervise: nothing to see.
    assert selectors.week_coverage(_officer(), _school(), first.date()) == []


def test_door_sweep_counts_the_doors_checked_in_the_week() -> None:
    start = _morning()
    shift = _shift(start)
    door = _node_with(shift, "door-", 45 * 60.0)
    _scan(shift, door, start + timedelta(minutes=3), "d1")
    week = start.date() - timedelta(days=start.weekday())
    rows = {row.building: row for row in selectors.door_sweep(_school(), week)}
    main = rows["Main Building"]
    assert main.checked == 1
    assert len(main.missing) == main.doors - 1
    assert all(row.checked == 0 for name, row in rows.items() if name != "Main Building")


def test_week_page_and_daily_activity_pdf(client: Client) -> None:
    start = _morning()
    shift = _shift(start)
    _scan(shift, shift.next_node, start + timedelta(minutes=2), "w1")
    sign_in(client, "supervisor")
    page = client.get(f"/patrol/week/cedar-hollow-hs/?week={start.date():%Y-%m-%d}")
    assert page.status_code == 200
    url = f"/patrol/activity/cedar-hollow-hs/{shift.officer_id}/{start.date():%Y-%m-%d}.pdf"
    assert url in page.content.decode()
    assert 'data-patrol-map="week-map-data"' in page.content.decode()  # the week's coverage
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    missing = client.get(f"/patrol/activity/cedar-hollow-hs/{shift.officer_id}/2001-01-01.pdf")
    assert missing.status_code == 404


def test_revealing_a_next_stop_needs_a_reason_and_is_audited(client: Client) -> None:
    shift = _shift(timezone.now())
    sign_in(client, "supervisor")
    url = f"/patrol/board/cedar-hollow-hs/shift/{shift.pk}/reveal/"
    refused = client.post(url, {"reason": "why"}, follow=True)
    assert "reason: say why" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="sensitive_read", object_id=str(shift.pk)).exists()
    shown = client.post(url, {"reason": "radio silent for 20 minutes"}, follow=True)
    label = services.next_stop(shift).label
    assert label in shown.content.decode()
    entry = AuditEntry.objects.get(action="sensitive_read", object_id=str(shift.pk))
    assert entry.reason == "next stop revealed: radio silent for 20 minutes"
    assert label not in client.get("/patrol/board/cedar-hollow-hs/").content.decode()


@pytest.mark.usefixtures("media_root")
def test_the_officer_flow_through_the_pages(client: Client) -> None:
    sign_in(client, "officer")
    school = _school()
    main = school.buildings.get(name="Main Building")
    bad = client.post(
        "/patrol/start/", {"school": school.pk, "mode": "foot", "hours": 3}, follow=True
    )
    assert "hours: Choose a shift length from the list." in bad.content.decode()
    started = client.post(
        "/patrol/start/",
        {"school": school.pk, "building": main.pk, "mode": "foot", "hours": 2},
        follow=True,
    )
    assert "Next stop" in started.content.decode()
    shift = Shift.objects.get(officer__username="officer", status="active")
    assert str(shift.seed) not in started.content.decode()
    token = tags.sign(school.pk, shift.next_node)
    assert client.get(f"/patrol/t/{token}/").status_code == 200
    assert client.get("/patrol/t/forged:tag/").status_code == 400
    now = timezone.now().isoformat()
    checked = client.post(
        "/patrol/checkin/", {"token": token, "client_id": "v1", "occurred_at": now}, follow=True
    )
    assert "Checked in at" in checked.content.decode()
    queue = [
        {"token": token, "client_id": "v1", "occurred_at": now},
        {"token": "forged", "client_id": "v2", "occurred_at": now},
    ]
    synced = client.post("/patrol/sync/", queue, content_type="application/json").json()
    assert [(r["client_id"], r["status"]) for r in synced["results"]] == [
        ("v1", "duplicate"),
        ("v2", "refused"),
    ]
    assert client.post("/patrol/sync/", "nope", content_type="application/json").status_code == 400
