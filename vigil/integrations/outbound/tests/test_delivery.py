"""The outbox: fan-out writes deliveries, the sender posts signed webhooks with retries, and the
pages (diagnostics, targets, send again, CAP export) with their refusals."""

from __future__ import annotations

import dataclasses
import http.server
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.events import fanout
from vigil.events import services as event_services
from vigil.events.models import Event, IntegrationCounter
from vigil.integrations.outbound import config, normalize, runner
from vigil.integrations.outbound.models import (
    Delivery,
    DeliveryStatus,
    OutboundTarget,
    TargetKind,
)
from vigil.integrations.outbound.tests import cap12
from vigil.integrations.webhooks import client as inbound
from vigil.sites.models import School

pytestmark = pytest.mark.django_db

SECRET = "outbound-secret-for-the-district-dispatch-0123"


@dataclasses.dataclass
class Receiver:
    url: str
    requests: list[tuple[dict[str, str], bytes]]
    statuses: list[int]  # answers in order; the last one repeats


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on a loopback port, in a thread, recording what it receives."""
    state = Receiver(url="", requests=[], statuses=[200])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/vigil/"
    yield state
    server.shutdown()
    server.server_close()


def _settings(**overrides: Any) -> config.OutboundSettings:
    base = dataclasses.replace(
        config.load(), webhook_timeout_s=3.0, max_attempts=3, backoff_base_s=5, backoff_max_s=60
    )
    return dataclasses.replace(base, **overrides)


def _school(slug: str = "cedar-hollow-hs") -> School:
    return School.objects.get(slug=slug)


def _event(school: School | None = None, **fields: Any) -> Event:
    now = timezone.now()
    values: dict[str, Any] = {
        "source": "test",
        "source_event_id": f"e-{time.monotonic_ns()}",
        "event_type": "door_forced",
        "severity": 4,
        "title": "Door 7 forced",
        "school": school or _school(),
        "occurred_at": now,
        "received_at": now,
        "updated_at": now,
    }
    values.update(fields)
    event: Event = Event.objects.create(**values)
    return event


def _webhook(url: str, **fields: Any) -> OutboundTarget:
    target: OutboundTarget = OutboundTarget.objects.create(
        name=fields.pop("name", "Dispatch"),
        kind=TargetKind.WEBHOOK,
        url=url,
        secret=SECRET,
        **fields,
    )
    return target


def _changed(capture: Callable[..., Any], *events: Event, execute: bool = True) -> None:
    """Report the events changed inside a transaction and run the after-commit fan-out."""
    with capture(execute=execute), transaction.atomic():
        fanout.events_changed([e.pk for e in events])


def test_fanout_writes_one_delivery_per_matching_target_and_wakes_the_sender(
    django_capture_on_commit_callbacks: Any,
) -> None:
    everything = OutboundTarget.objects.create(
        name="All events", kind=TargetKind.MQTT, topic_prefix="district/vigil"
    )
    other_school = _webhook("http://127.0.0.1:9/x", name="Juniper only")
    other_school.schools.set([_school("juniper-ridge-ms")])
    critical_only = _webhook("http://127.0.0.1:9/y", name="Critical", min_severity=5)
    fire_only = _webhook("http://127.0.0.1:9/z", name="Fire", event_types=["fire"])
    OutboundTarget.objects.create(
        name="Off", kind=TargetKind.MQTT, topic_prefix="off", active=False
    )
    event = _event()
    tasks_before = DBTaskResult.objects.count()

    _changed(django_capture_on_commit_callbacks, event)

    rows = list(Delivery.objects.all())
    assert [(d.target_id, d.event_id, d.status, d.attempts) for d in rows] == [
        (everything.pk, event.pk, "pending", 0)
    ]
    event = Event.objects.select_related("school", "area").get(pk=event.pk)
    assert rows[0].topic == "district/vigil/cedar-hollow-hs/door_forced"
    assert rows[0].body == normalize.event_body(event)
    assert {other_school.pk, critical_only.pk, fire_only.pk}.isdisjoint(d.target_id for d in rows)
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == tasks_before + 1
    assert task is not None
    assert task.task_path == "vigil.integrations.outbound.runner.deliver_task"


def test_without_targets_the_fanout_writes_nothing_and_enqueues_nothing(
    django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    event = _event()
    tasks_before = DBTaskResult.objects.count()
    with django_assert_num_queries(1):  # the active targets; nothing else
        runner.on_events_changed([event.pk])
    assert Delivery.objects.count() == 0
    assert DBTaskResult.objects.count() == tasks_before


def test_acknowledging_an_event_sends_its_new_state(
    django_capture_on_commit_callbacks: Any,
) -> None:
    target = OutboundTarget.objects.create(name="All", kind=TargetKind.MQTT, topic_prefix="v")
    event = _event()
    officer = User.objects.get(username="officer")
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_acknowledge(actor=officer, event=event)
    delivery = Delivery.objects.get(target=target)
    document = json.loads(delivery.body)
    assert (document["id"], document["status"]) == (f"vigil-event-{event.pk}", "acknowledged")
    assert document["acknowledged_at"] is not None


def test_webhook_is_signed_so_our_own_inbound_verifier_accepts_it(
    receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    target = _webhook(receiver.url)
    event = _event()
    _changed(django_capture_on_commit_callbacks, event)
    delivery = Delivery.objects.get()

    result = runner.deliver_due(settings=_settings())

    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [(headers, body)] = receiver.requests
    assert body == delivery.body.encode()
    timestamp = inbound.verify(
        SECRET,
        timestamp_header=headers[inbound.TIMESTAMP_HEADER],
        signature_header=headers[inbound.SIGNATURE_HEADER],
        body=body,
    )
    inbound.check_time(timestamp, now=time.time(), tolerance_seconds=300)
    with pytest.raises(inbound.SignatureError, match="does not match the body"):
        inbound.verify(
            "another-secret-of-at-least-thirty-two-chars",
            timestamp_header=headers[inbound.TIMESTAMP_HEADER],
            signature_header=headers[inbound.SIGNATURE_HEADER],
            body=body,
        )
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Vigil-Delivery"] == str(delivery.pk)
    assert json.loads(body)["id"] == f"vigil-event-{event.pk}"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")
    assert delivery.sent_at is not None
    counter = IntegrationCounter.objects.get(source=target.counter_source, name="sent")
    assert counter.count == 1
    # Nothing is due any more: a second round sends nothing.
    assert runner.deliver_due(settings=_settings()).sent == 0
    assert len(receiver.requests) == 1


def test_failures_back_off_then_fail_and_send_again_puts_it_back(
    receiver: Receiver, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    receiver.statuses = [500]
    target = _webhook(receiver.url)
    _changed(django_capture_on_commit_callbacks, _event())
    delivery = Delivery.objects.get()
    settings = _settings()

    waits = []
    for attempt in (1, 2, 3):
        before = timezone.now()
        result = runner.deliver_due(settings=settings)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.last_error == "the receiver answered HTTP 500"
        if attempt < 3:
            assert (result.retrying, delivery.status) == (1, "pending")
            assert result.next_retry_at == delivery.next_attempt_at
            waits.append((delivery.next_attempt_at - before).total_seconds())
            # Not due yet: an immediate round leaves it alone.
            assert runner.deliver_due(settings=settings).retrying == 0
            assert len(receiver.requests) == attempt
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - timedelta(seconds=1)
            )
        else:
            assert (result.failed, delivery.status) == (1, "failed")
    assert 5 <= waits[0] < 6
    assert 10 <= waits[1] < 11
    counts = {
        c.name: c.count for c in IntegrationCounter.objects.filter(source=target.counter_source)
    }
    assert counts == {"retry": 2, "failed": 1}
    # Every attempt is signed (afresh, with its own timestamp) and verifies.
    for headers, body in receiver.requests:
        inbound.verify(
            SECRET,
            timestamp_header=headers[inbound.TIMESTAMP_HEADER],
            signature_header=headers[inbound.SIGNATURE_HEADER],
            body=body,
        )

    receiver.statuses = [200]
    sign_in(client, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbound:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert runner.deliver_due(settings=settings).sent == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    # Sending again a delivery that is not failed is refused and changes nothing.
    response = client.post(reverse("outbound:delivery_retry", args=[delivery.pk]), follow=True)
    assert "Only failed deliveries are sent again; this one is sent." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_unreachable_receiver_is_retried_with_the_reason(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _webhook("http://127.0.0.1:9/nothing-listens-here")
    _changed(django_capture_on_commit_callbacks, _event())
    result = runner.deliver_due(settings=_settings())
    delivery = Delivery.objects.get()
    assert (result.retrying, delivery.status) == (1, "pending")
    assert delivery.last_error.startswith("cannot reach the receiver:")


def test_a_delivery_claimed_by_a_worker_that_died_is_sent_after_the_lease(
    receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    """Restart safety: the outbox row outlives the process that was sending it."""
    _webhook(receiver.url)
    _changed(django_capture_on_commit_callbacks, _event())
    stale = Delivery.objects.get()
    now = timezone.now()
    assert runner._claim(stale, now) is True  # a worker claims it, then is killed
    leased = Delivery.objects.get()
    assert leased.next_attempt_at == now + runner.LEASE
    assert runner._claim(stale, now) is False  # the same stale row cannot be claimed twice
    assert runner.deliver_due(settings=_settings()).sent == 0  # leased: not due
    Delivery.objects.filter(pk=leased.pk).update(next_attempt_at=now - timedelta(seconds=1))
    out = io.StringIO()
    call_command("outbound", "deliver", stdout=out)  # the command a restarted host runs
    assert out.getvalue().strip() == "1 sent, 0 to retry, 0 failed"
    assert len(receiver.requests) == 1
    assert Delivery.objects.get().status == "sent"


def test_the_background_task_delivers(
    receiver: Receiver, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _webhook(receiver.url)
    _changed(django_capture_on_commit_callbacks, _event())
    assert Delivery.objects.get().status == "sent"
    assert len(receiver.requests) == 1


# --- pages -----------------------------------------------------------------------------------


def test_diagnostics_page_shows_targets_counters_and_no_secret(
    client: Client,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIGIL_OUTBOUND_MQTT_URL", "mqtt://bridge:hunter2-password@broker:8883")
    receiver.statuses = [503, 200]
    _webhook(receiver.url)
    mqtt = OutboundTarget.objects.create(name="Bridge", kind=TargetKind.MQTT, topic_prefix="v/e")
    mqtt.schools.set([_school()])
    events = [_event(), _event()]
    _changed(django_capture_on_commit_callbacks, *events)
    Delivery.objects.filter(target=mqtt).update(status=DeliveryStatus.FAILED, last_error="boom")
    runner.deliver_due(settings=_settings())
    sign_in(client, "director")
    client.get(reverse("outbound:diagnostics"))  # the first request also sets up the session
    with django_assert_num_queries(12):
        response = client.get(reverse("outbound:diagnostics"))
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert "hunter2" not in html
    assert "mqtt://bridge:***@broker:8883" in html
    assert "v/e/&lt;school&gt;/&lt;type&gt;" in html
    assert "0 pending · 0 sent · 2 failed" in html  # the MQTT target
    assert "1 pending · 1 sent · 0 failed" in html  # the webhook: one to retry
    assert "Last retry: delivery" in html
    assert "the receiver answered HTTP 503" in html
    assert html.count("Send again") == 2
    # More deliveries do not mean more queries.
    _changed(django_capture_on_commit_callbacks, *[_event() for _ in range(5)])
    with django_assert_num_queries(12):
        client.get(reverse("outbound:diagnostics"))


def test_creating_a_webhook_target_encrypts_its_secret(client: Client) -> None:
    sign_in(client, "admin")
    response = client.post(
        reverse("outbound:target_new"),
        {
            "name": "County dispatch",
            "kind": "webhook",
            "active": "on",
            "topic_prefix": "",
            "url": "https://dispatch.example/hooks/vigil/",
            "secret": SECRET,
            "min_severity": "4",
            "schools": [str(_school().pk)],
            "event_types": ["fire", "panic"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target = OutboundTarget.objects.get(name="County dispatch")
    assert (target.secret, target.min_severity, target.event_types) == (
        SECRET,
        4,
        ["fire", "panic"],
    )
    assert [s.slug for s in target.schools.all()] == ["cedar-hollow-hs"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM outbound_outboundtarget WHERE id = %s", [target.pk])
        stored = cursor.fetchone()[0]
    assert SECRET not in stored
    entries = AuditEntry.objects.filter(object_type="outbound.outboundtarget", object_id=target.pk)
    assert {e.action for e in entries} == {"create", "update"}
    assert all(SECRET not in json.dumps(e.changes) for e in entries)
    # Editing with the secret left empty keeps it.
    response = client.post(
        reverse("outbound:target_edit", args=[target.pk]),
        {
            "name": "County dispatch",
            "kind": "webhook",
            "url": "https://dispatch.example/hooks/vigil/",
            "secret": "",
            "min_severity": "5",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.secret, target.min_severity, target.active, target.event_types) == (
        SECRET,
        5,
        False,
        [],
    )
    assert list(target.schools.all()) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "webhook", "url": "", "secret": SECRET}, "URL: A webhook target needs the URL"),
        (
            {"kind": "webhook", "url": "ftp://x.example/", "secret": SECRET},
            "URL: The URL must start with http:// or https://.",
        ),
        (
            {"kind": "webhook", "url": "https://x.example/", "secret": "short"},
            "Secret: Use at least 32 characters.",
        ),
        ({"kind": "mqtt", "topic_prefix": ""}, "Topic prefix: An MQTT target needs a topic"),
        ({"kind": "mqtt", "topic_prefix": "vigil/#"}, "Topic prefix: Use a plain topic"),
        ({"kind": "carrier-pigeon"}, "Kind: Select a valid choice."),
    ],
)
def test_bad_target_input_names_the_field_and_changes_nothing(
    client: Client, data: dict[str, str], message: str
) -> None:
    sign_in(client, "admin")
    response = client.post(
        reverse("outbound:target_new"), {"name": "X", "min_severity": "1", **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert OutboundTarget.objects.count() == 0


def test_event_as_cap_alert(client: Client) -> None:
    event = _event()
    sign_in(client, "officer")
    response = client.get(reverse("outbound:cap", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/cap+xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="vigil-event-{event.pk}.cap.xml"'
    )
    assert cap12.problems(response.content) == []
    text = response.content.decode()
    assert f"<identifier>vigil-event-{event.pk}</identifier>" in text
    assert f"<web>http://testserver/console/events/{event.pk}/</web>" in text
    assert "<headline>Door 7 forced — Cedar Hollow High School</headline>" in text
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.object_id, entry.reason, entry.actor_label) == (
        "export",
        str(event.pk),
        "CAP 1.2 alert",
        "officer",
    )


@pytest.mark.parametrize(
    ("username", "name", "status"),
    [
        ("officer", "outbound:diagnostics", 403),  # holds integrations.manage nowhere
        ("supervisor", "outbound:diagnostics", 403),
        ("officer", "outbound:target_new", 403),
        ("liaison", "outbound:cap", 403),  # events.view nowhere
        ("officer", "outbound:cap#other-school", 404),  # outside the officer's school
    ],
)
def test_refusals(client: Client, username: str, name: str, status: int) -> None:
    event = _event(_school("juniper-ridge-ms") if name.endswith("#other-school") else None)
    url_name = name.split("#")[0]
    url = reverse(url_name, args=[event.pk]) if url_name == "outbound:cap" else reverse(url_name)
    sign_in(client, username)
    assert client.get(url).status_code == status
    if url_name == "outbound:target_new":
        response = client.post(url, {"name": "X", "kind": "mqtt", "topic_prefix": "v"})
        assert response.status_code == 403
        assert OutboundTarget.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("outbound:diagnostics"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
