"""Against the real Mosquitto on 127.0.0.1:1883: a changed event arrives on its topic with the
outbound JSON, published with QoS 1 and not retained.

The topic prefix is unique per run, so parallel runs and other users of the broker do not
interfere.
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import socket
import uuid
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.db import transaction
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion

from vigil.accounts.models import User
from vigil.events import fanout
from vigil.events import services as event_services
from vigil.events.models import Event
from vigil.integrations.outbound import config, normalize, runner
from vigil.integrations.outbound.models import Delivery, OutboundTarget, TargetKind
from vigil.sites.models import School

BROKER = ("127.0.0.1", 1883)

pytestmark = [pytest.mark.mqtt, pytest.mark.xdist_group("mqtt"), pytest.mark.django_db]


@pytest.fixture(scope="module")
def broker() -> None:
    try:
        with socket.create_connection(BROKER, timeout=2):
            return
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Mosquitto is not answering on 127.0.0.1:1883 and CI=true")
        pytest.skip("no MQTT broker on 127.0.0.1:1883")


def _settings() -> config.OutboundSettings:
    return dataclasses.replace(
        config.load(),
        mqtt_host=BROKER[0],
        mqtt_port=BROKER[1],
        mqtt_username="",
        mqtt_password="",
        max_attempts=3,
    )


class Subscriber:
    def __init__(self, topic: str) -> None:
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self.subscribed = queue.Queue[int]()
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"vigil-outbound-test-{uuid.uuid4().hex[:8]}",
            clean_session=True,
        )
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.client.on_subscribe = lambda *args: self.subscribed.put(1)
        self.client.connect(*BROKER)
        self.client.loop_start()
        self.client.subscribe(topic, qos=1)
        self.subscribed.get(timeout=5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_changed_event_is_published_to_its_topic(
    broker: None, django_capture_on_commit_callbacks: Any
) -> None:
    prefix = f"vigil-test-{uuid.uuid4().hex[:10]}/events"
    OutboundTarget.objects.create(name="Bridge", kind=TargetKind.MQTT, topic_prefix=prefix)
    now = timezone.now()
    event = Event.objects.create(
        source="test",
        source_event_id="broker-1",
        event_type="panic",
        severity=5,
        title="Panic button, front office",
        school=School.objects.get(slug="cedar-hollow-hs"),
        occurred_at=now,
        received_at=now,
        updated_at=now,
    )
    subscriber = Subscriber(f"{prefix}/#")
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            fanout.events_changed([event.pk])
        with django_capture_on_commit_callbacks(execute=True):
            event_services.event_acknowledge(
                actor=User.objects.get(username="officer"), event=event
            )
        result = runner.deliver_due(settings=_settings())
        assert (result.sent, result.retrying, result.failed) == (2, 0, 0)
        first = subscriber.messages.get(timeout=10)
        second = subscriber.messages.get(timeout=10)
    finally:
        subscriber.close()
    topic = f"{prefix}/cedar-hollow-hs/panic"
    assert (first.topic, first.qos, first.retain) == (topic, 1, False)
    assert second.topic == topic
    sent = [json.loads(m.payload) for m in (first, second)]
    assert [(d["id"], d["status"]) for d in sent] == [
        (f"vigil-event-{event.pk}", "open"),
        (f"vigil-event-{event.pk}", "acknowledged"),
    ]
    event = Event.objects.select_related("school", "area").get(pk=event.pk)
    assert sent[1] == normalize.event_document(event)
    assert list(Delivery.objects.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]


def test_unreachable_broker_is_retried(broker: None) -> None:
    prefix = f"vigil-test-{uuid.uuid4().hex[:10]}"
    OutboundTarget.objects.create(name="Bridge", kind=TargetKind.MQTT, topic_prefix=prefix)
    now = timezone.now()
    event = Event.objects.create(
        source="test",
        source_event_id="broker-2",
        event_type="fire",
        severity=5,
        title="Fire alarm",
        occurred_at=now,
        received_at=now,
        updated_at=now,
    )
    runner.on_events_changed([event.pk])
    closed = dataclasses.replace(_settings(), mqtt_port=9)  # nothing listens on port 9
    result = runner.deliver_due(settings=closed)
    assert (result.sent, result.retrying) == (0, 1)
    delivery = Delivery.objects.get()
    assert delivery.topic == f"{prefix}/unmapped/fire"
    assert delivery.last_error.startswith("cannot reach the MQTT broker at 127.0.0.1:9:")
    # The broker is back: once due, the same row goes out.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    subscriber = Subscriber(f"{prefix}/unmapped/fire")
    try:
        assert runner.deliver_due(settings=_settings()).sent == 1
        assert json.loads(subscriber.messages.get(timeout=10).payload)["type"] == "fire"
    finally:
        subscriber.close()
