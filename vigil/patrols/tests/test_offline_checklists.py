"""A stop's checklist queued on the phone with no signal and sent later to
/patrol/sync/checklist/: replays, late and out-of-order arrival, bad items, other people's
shifts (issue 5, offline)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from conftest import sign_in
from vigil.accounts.models import User
from vigil.events.models import Event
from vigil.evidence.models import EvidenceItem
from vigil.patrols import selectors, services
from vigil.patrols.models import Finding, Shift, WorkOrder, WorkOrderStatus
from vigil.sites.models import School

# Photos are stored under each test's own folder (media_root).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/patrol/sync/checklist/"


def _shift(started: datetime, username: str = "officer") -> Shift:
    school = School.objects.get(slug="cedar-hollow-hs")
    return services.shift_start(
        actor=User.objects.get(username=username),
        school=school,
        building=school.buildings.get(name="Main Building"),
        mode="foot",
        hours=2,
        now=started,
    )


def _door(shift: Shift) -> str:
    return str(next(raw["id"] for raw in shift.graph["nodes"] if raw["id"].startswith("door-")))


def _photo(name: str = "propped.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _queued(
    shift: Shift,
    client_id: str,
    occurred_at: datetime,
    answers: str = '{"door": "propped", "lighting": "working"}',
    **extra: Any,
) -> dict[str, Any]:
    """One item of the phone's queue as checklist-queue.js posts it."""
    return {
        "client_id": client_id,
        "shift": shift.pk,
        "node": _door(shift),
        "occurred_at": occurred_at.isoformat(),
        "answers": answers,
        "note": "Wedged open with a rubber stop.",
        **extra,
    }


def test_a_replayed_checklist_is_stored_once_with_the_phones_time(client: Client) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    sign_in(client, "officer")
    filled = started + timedelta(minutes=17, seconds=3)
    before = timezone.now()

    first = client.post(URL, _queued(shift, "q-1", filled, photo=_photo()))
    after = timezone.now()
    door = services.stop_labels(shift)[_door(shift)]
    again = client.post(URL, _queued(shift, "q-1", filled, photo=_photo()))

    assert first.status_code == 200
    assert first.json() == {
        "client_id": "q-1",
        "status": "stored",
        "findings": 1,
        "message": f"{door}: 1 finding(s) recorded; facilities get a work order.",
    }
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    (finding,) = Finding.objects.filter(shift=shift)
    assert (finding.item, finding.result, finding.client_id) == ("door", "propped", "q-1:door")
    assert finding.occurred_at == filled
    assert before <= finding.received_at <= after
    assert finding.photo is not None
    assert finding.photo.media_type == "image/jpeg"
    assert len(finding.photo.sha256) == 64
    assert EvidenceItem.objects.filter(title__startswith="Patrol finding at").count() == 1
    assert WorkOrder.objects.filter(finding__shift=shift).count() == 1
    event = Event.objects.get(source="patrol", source_event_id=f"finding-{finding.pk}")
    assert event.occurred_at == filled
    # The supervisor's board shows when it happened and, as it came late, when it arrived.
    board = sign_in(Client(), "supervisor").get("/patrol/board/cedar-hollow-hs/").content.decode()
    occurred, received = (
        f"{timezone.localtime(at):%a %H:%M}" for at in (filled, finding.received_at)
    )
    assert f"{occurred}<br>" in board
    assert f"received {received}" in board


def test_items_arriving_out_of_order_keep_their_own_times(client: Client) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    sign_in(client, "officer")
    t1, t2, t3 = (started + timedelta(minutes=m) for m in (10, 20, 30))
    lights_out = '{"door": "secure", "lighting": "out"}'
    for client_id, at, answers in (
        ("q-3", t3, lights_out),
        ("q-1", t1, '{"door": "damaged", "lighting": "working"}'),
        ("q-2", t2, '{"door": "unsecured", "lighting": "working"}'),
    ):
        assert client.post(URL, _queued(shift, client_id, at, answers)).json()["status"] == "stored"

    supervisor = User.objects.get(username="supervisor")
    rows = [
        (f.client_id, f.occurred_at)
        for f in selectors.open_findings(supervisor, shift.school).filter(shift=shift)
    ]
    assert sorted(rows, key=lambda row: row[1]) == [
        ("q-1:door", t1),
        ("q-2:door", t2),
        ("q-3:lighting", t3),
    ]


def test_a_late_all_clear_from_before_a_repair_does_not_verify_it(client: Client) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    sign_in(client, "officer")
    damaged = '{"door": "damaged", "lighting": "working"}'
    secure = '{"door": "secure", "lighting": "working"}'
    client.post(URL, _queued(shift, "q-dmg", started + timedelta(minutes=5), damaged))
    order = WorkOrder.objects.get(finding__client_id="q-dmg:door")
    supervisor = User.objects.get(username="supervisor")
    fixed_at = started + timedelta(minutes=30)
    services.work_order_advance(
        actor=supervisor, order=order, to="assigned", assigned_to="Facilities", now=fixed_at
    )
    services.work_order_advance(actor=supervisor, order=order, to="fixed", now=fixed_at)

    # Seen secure at 0:20, queued, arriving now: before the repair, it proves nothing.
    client.post(URL, _queued(shift, "q-early", started + timedelta(minutes=20), secure))
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrderStatus.FIXED
    # Seen secure at 0:40, after the repair: verified.
    client.post(URL, _queued(shift, "q-late", started + timedelta(minutes=40), secure))
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrderStatus.VERIFIED


def test_a_bad_item_is_refused_by_field_and_the_rest_of_the_queue_is_stored(
    client: Client,
) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    sign_in(client, "officer")
    at = [started + timedelta(minutes=m) for m in (10, 11, 12, 13, 14)]
    corrupt = SimpleUploadedFile("door.jpg", b"\xff\xd8 not really a photo", "image/jpeg")
    queue = [
        _queued(shift, "ok-1", at[0], photo=_photo()),
        _queued(shift, "bad-photo", at[1], photo=corrupt),
        _queued(shift, "bad-item", at[2], '{"door": "propped", "pool": "wet"}'),
        _queued(shift, "bad-answers", at[3], "door=propped"),
        _queued(shift, "ok-2", at[4], '{"door": "unsecured", "lighting": "out"}'),
    ]
    answers = [client.post(URL, item) for item in queue]

    assert [(a.status_code, a.json()["status"], a.json().get("field")) for a in answers] == [
        (200, "stored", None),
        (400, "refused", "photo"),
        (400, "refused", "pool"),
        (400, "refused", "answers"),
        (200, "stored", None),
    ]
    assert answers[1].json()["message"] == (
        "door.jpg: the content of door.jpg is not a type Vigil accepts as evidence"
    )
    assert answers[2].json()["message"] == "pool is not on this stop's checklist."
    stored = sorted(Finding.objects.filter(shift=shift).values_list("client_id", flat=True))
    assert stored == ["ok-1:door", "ok-2:door", "ok-2:lighting"]
    assert EvidenceItem.objects.filter(title__startswith="Patrol finding at").count() == 1


def test_the_phones_clock_is_judged_as_for_check_ins(client: Client) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    sign_in(client, "officer")
    fast = timezone.now() + timedelta(minutes=10, seconds=30)
    ahead = client.post(URL, _queued(shift, "fast", fast))
    early = client.post(URL, _queued(shift, "early", started - timedelta(minutes=6)))
    drift = client.post(URL, _queued(shift, "drift", timezone.now() + timedelta(seconds=90)))

    assert ahead.status_code == 400
    assert ahead.json()["field"] == "occurred_at"
    assert ahead.json()["message"].startswith("This phone's clock is 10 min ahead of the server")
    assert early.json() == {
        "client_id": "early",
        "status": "refused",
        "field": "occurred_at",
        "message": "This checklist is from before the shift started (is the phone's clock right?).",
    }
    assert drift.json()["status"] == "stored"  # within the drift a phone's clock may have
    assert sorted(Finding.objects.filter(shift=shift).values_list("client_id", flat=True)) == [
        "drift:door"
    ]


def test_a_shift_ended_since_takes_what_happened_while_it_ran(client: Client) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    sign_in(client, "officer")
    ended = started + timedelta(minutes=45)
    services.shift_end(actor=shift.officer, shift=shift, now=ended)

    during = client.post(URL, _queued(shift, "during", started + timedelta(minutes=44)))
    after = client.post(URL, _queued(shift, "after", ended + timedelta(minutes=3)))

    assert during.json()["status"] == "stored"
    assert Finding.objects.get(client_id="during:door").occurred_at == started + timedelta(
        minutes=44
    )
    assert after.status_code == 400
    assert after.json()["message"] == (
        "This checklist is from after the shift ended (is the phone's clock right?)."
    )


@pytest.mark.parametrize(
    ("intruder", "status"),
    [
        ("supervisor", 404),  # patrols the same school, but it is not their shift
        ("officer2", 404),  # another school's officer
        ("frontdesk", 403),  # does not patrol at all
    ],
)
def test_nobody_else_can_post_into_an_officers_shift(
    client: Client, intruder: str, status: int
) -> None:
    started = timezone.now() - timedelta(hours=1)
    shift = _shift(started)
    evidence_before = EvidenceItem.objects.count()
    sign_in(client, intruder)

    answer = client.post(
        URL, _queued(shift, "intruder", started + timedelta(minutes=5), photo=_photo())
    )

    assert answer.status_code == status
    if status == 404:
        assert answer.json() == {
            "client_id": "intruder",
            "status": "refused",
            "field": "shift",
            "message": "Not a shift of yours.",
        }
    assert not Finding.objects.filter(shift=shift).exists()
    assert EvidenceItem.objects.count() == evidence_before


def test_a_stop_outside_the_shift_is_refused(client: Client) -> None:
    shift = _shift(timezone.now() - timedelta(hours=1))
    sign_in(client, "officer")
    item = _queued(shift, "elsewhere", timezone.now())
    item["node"] = "door-999999"
    answer = client.post(URL, item)
    assert (answer.status_code, answer.json()["field"]) == (400, "node")


def test_the_checklist_page_carries_what_the_phone_queue_needs(client: Client) -> None:
    shift = _shift(timezone.now())
    sign_in(client, "officer")
    door = _door(shift)
    page = client.get(f"/patrol/check/{door}/").content.decode()
    assert f'data-shift="{shift.pk}"' in page
    assert f'data-sync-checklist="{URL}"' in page
    assert f'data-keep-offline="/patrol/check/{door}/"' in page
    assert f'data-node="{door}"' in page
    assert "patrols/checklist-queue.js" in page
    home = client.get("/patrol/").content.decode()
    assert f'data-keep-offline="/patrol/check/{shift.next_node}/"' in home
    worker = client.get("/patrol/sw.js").content.decode()
    assert '"/patrol/offline/"' in worker


def test_an_id_used_in_another_officers_shift_is_not_taken_for_a_replay(client: Client) -> None:
    started = timezone.now() - timedelta(hours=1)
    theirs = _shift(started, "supervisor")
    services.checklist_submit(
        actor=theirs.officer,
        shift=theirs,
        node=_door(theirs),
        answers={"door": "propped"},
        client_id="same-id",
        occurred_at=started + timedelta(minutes=1),
    )
    mine = _shift(started)
    sign_in(client, "officer")

    answer = client.post(URL, _queued(mine, "same-id", started + timedelta(minutes=2)))

    assert (answer.status_code, answer.json()["field"]) == (400, "client_id")
    assert not Finding.objects.filter(shift=mine).exists()
    assert Finding.objects.get(client_id="same-id:door").shift_id == theirs.pk
