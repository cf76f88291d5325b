"""Generic JSON topics: the mapping (pure), its form with the "try it" box, and the runner
subscribing to the mapped topics on the real broker."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.test import Client
from django.urls import reverse
from paho.mqtt.enums import CallbackAPIVersion

from conftest import sign_in
from vigil.core.models import AuditEntry
from vigil.events.choices import EventType, Severity
from vigil.events.models import Event, RawMessage
from vigil.events.pipeline import Inbound, NormalizationError
from vigil.integrations.mqtt import config, normalize, runner
from vigil.integrations.mqtt.client import IngestClient
from vigil.integrations.mqtt.models import MqttTopic
from vigil.sites.models import District, School

PAYLOADS = Path(__file__).parent / "payloads"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

VAPE = {
    "field_map": {
        "id": "$.event.uuid",
        "type": "event.type",
        "severity": "event.priority",
        "device": "deviceName",
        "occurred_at": "event.timestamp",
    },
    "type_map": {"Vape": "vape", "Aggression": "sound", "Gunshot": "gunshot"},
    "default_type": "other",
}
PANIC = {
    "field_map": {
        "id": "id",
        "occurred_at": "ts",
        "device": "button.serial",
        "title": "button.label",
    },
    "type_map": {},
    "default_type": "panic",
}
DOOR = {
    "field_map": {
        "id": "Event.EventID",
        "type": "Event.EventCode",
        "severity": "Event.Severity",
        "device": "Event.Door.Reader",
        "occurred_at": "Event.Time",
        "title": "Event.Description",
    },
    "type_map": {"DOOR_FORCED_OPEN": "door_forced", "DOOR_HELD_OPEN": "door_held"},
    "default_type": "other",
}


def _inbound(payload: bytes, topic: str) -> Inbound:
    return Inbound(source="mqtt:t", payload=payload, received_at=NOW, dedupe_key="k", topic=topic)


def _file(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def test_vape_sensor_event() -> None:
    event = normalize.generic(_inbound(_file("vape_sensor.json"), "halo/B2"), **VAPE)  # type: ignore[arg-type]
    assert (event.source_event_id, event.event_type, event.severity, event.device) == (
        "5f0b6a0e-3f7c-4d6e-9d0e-1c2b7f6a9e01",
        EventType.VAPE_DETECTED,
        Severity.HIGH,
        "B2 boys restroom",
    )
    assert event.title == "Vape / smoke detected"
    assert event.occurred_at == datetime(
        2026, 11, 28, 10, 15, 2, tzinfo=timezone(-timedelta(hours=8))
    )
    assert event.data == {"type": "Vape"}


def test_panic_button_uplink() -> None:
    event = normalize.generic(_inbound(_file("panic_button.json"), "lora/pb"), **PANIC)  # type: ignore[arg-type]
    assert (event.source_event_id, event.event_type, event.severity, event.device, event.title) == (
        "48213",
        EventType.PANIC,
        None,  # the type's default applies
        "PB-0117",
        "Front office desk",
    )
    assert event.occurred_at == datetime.fromtimestamp(1764356117, tz=UTC)


def test_door_controller_event() -> None:
    event = normalize.generic(_inbound(_file("door_controller.json"), "acm/events"), **DOOR)  # type: ignore[arg-type]
    assert (event.source_event_id, event.event_type, event.severity, event.device, event.title) == (
        "000004F3A1",
        EventType.DOOR_FORCED,
        4,
        "RDR-12",
        "Door forced open",
    )


def test_unlisted_type_value_becomes_the_default_type() -> None:
    document = json.loads(_file("door_controller.json"))
    document["Event"]["EventCode"] = "GRANTED"
    event = normalize.generic(_inbound(json.dumps(document).encode(), "acm/events"), **DOOR)  # type: ignore[arg-type]
    assert (event.event_type, event.data) == (EventType.OTHER, {"type": "GRANTED"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), (5, 5), ("3", 3), ("Critical", 5), (" low ", 2), (None, None), ("", None)],
)
def test_severity_values(value: object, expected: int | None) -> None:
    payload = json.dumps({"id": "x", "ts": 1764356117, "sev": value}).encode()
    mapping: dict[str, Any] = {
        "field_map": {"id": "id", "occurred_at": "ts", "severity": "sev"},
        "type_map": {},
        "default_type": "other",
    }
    assert normalize.generic(_inbound(payload, "t"), **mapping).severity == expected


@pytest.mark.parametrize("value", [0, 6, "urgent", True, 2.5, [1]])
def test_bad_severity_names_the_field(value: object) -> None:
    payload = json.dumps({"id": "x", "ts": 1764356117, "sev": value}).encode()
    with pytest.raises(NormalizationError) as excinfo:
        normalize.generic(
            _inbound(payload, "t"),
            field_map={"id": "id", "occurred_at": "ts", "severity": "sev"},
            type_map={},
            default_type="other",
        )
    assert excinfo.value.field == "severity"


def test_object_where_an_id_belongs_names_the_field() -> None:
    payload = json.dumps({"id": {"a": 1}, "ts": 1764356117}).encode()
    with pytest.raises(NormalizationError) as excinfo:
        normalize.generic(
            _inbound(payload, "t"),
            field_map={"id": "id", "occurred_at": "ts"},
            type_map={},
            default_type="other",
        )
    assert excinfo.value.field == "id"


@pytest.mark.parametrize(
    "path", ["a", "a.b", "a.b[0].c", "$.a", "$a", "[0].x", "Event.Door.Name", "a-b.c_d[12]"]
)
def test_good_paths(path: str) -> None:
    assert normalize.path_error(path) is None


@pytest.mark.parametrize("path", ["", "a..b", "a.", ".a", "a[x]", "a[0", "a b", "a.$b", "a]"])
def test_bad_paths(path: str) -> None:
    assert normalize.path_error(path) is not None


@pytest.mark.parametrize("topic", ["sensors/+/vape", "halo/#", "a/b/c", "+", "lora/+/up"])
def test_good_topic_filters(topic: str) -> None:
    assert normalize.topic_filter_error(topic) is None


@pytest.mark.parametrize("topic", ["", "a/#/b", "a/b#", "a+/b", "$share/g/a", "sensors/x+"])
def test_bad_topic_filters(topic: str) -> None:
    assert normalize.topic_filter_error(topic) is not None


# --- The form and its "try it" box -------------------------------------------------------------


def _data(**changes: str) -> dict[str, str]:
    data = {
        "name": "vape-sensors",
        "topic": "halo/+",
        "school": str(School.objects.get(slug="cedar-hollow-hs").pk),
        "path_id": "$.event.uuid",
        "path_occurred_at": "event.timestamp",
        "path_type": "event.type",
        "path_severity": "event.priority",
        "path_device": "deviceName",
        "path_title": "",
        "type_values": "Vape = vape\nAggression = sound",
        "default_type": "other",
        "active": "on",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_try_it_shows_the_normalised_event_and_stores_nothing(client: Client) -> None:
    sign_in(client, "director")
    before = (MqttTopic.objects.count(), Event.objects.count(), RawMessage.objects.count())
    response = client.post(
        reverse("mqtt:topic_new"),
        _data(sample=_file("vape_sensor.json").decode(), **{"try": "1"}),
    )
    assert response.status_code == 200
    result = dict(response.context["result"])
    assert result["source_event_id"] == "5f0b6a0e-3f7c-4d6e-9d0e-1c2b7f6a9e01"
    assert result["event_type"] == "vape (Vape / smoke detected)"
    assert result["severity"] == "4 (High)"
    assert result["device"] == "B2 boys restroom"
    assert result["occurred_at"] == "2026-11-28T10:15:02-08:00"
    assert b"Nothing was stored." in response.content
    assert (MqttTopic.objects.count(), Event.objects.count(), RawMessage.objects.count()) == before


@pytest.mark.django_db
def test_try_it_names_the_field_the_sample_lacks(client: Client) -> None:
    sign_in(client, "director")
    response = client.post(
        reverse("mqtt:topic_new"),
        _data(sample='{"event": {"uuid": "u1"}}', **{"try": "1"}),
    )
    assert response.status_code == 200
    assert response.context["try_error"] == "occurred_at: not found at 'event.timestamp'"
    assert not MqttTopic.objects.exists()


@pytest.mark.django_db
def test_try_it_with_a_sample_that_is_not_json(client: Client) -> None:
    sign_in(client, "director")
    response = client.post(reverse("mqtt:topic_new"), _data(sample="<xml/>", **{"try": "1"}))
    assert response.context["try_error"].startswith("payload: is not valid JSON")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"path_id": "event..uuid"}, "path_id", "is not a field path"),
        ({"path_severity": "a[x]"}, "path_severity", "is not a field path"),
        ({"path_id": ""}, "path_id", "required"),
        ({"type_values": "Vape = smoking"}, "type_values", "line 1: unknown event type 'smoking'"),
        ({"type_values": "Vape vape"}, "type_values", "must read: source value = event type"),
        ({"type_values": "Vape = vape\nVape = sound"}, "type_values", "mapped twice"),
        ({"topic": "halo/#/x"}, "topic", "# must be a whole level"),
        ({"topic": "frigate/events"}, "topic", "Frigate"),
        ({"default_type": "smoking"}, "default_type", "not one of the available choices"),
    ],
)
def test_bad_mapping_is_refused_naming_the_field(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    sign_in(client, "director")
    response = client.post(reverse("mqtt:topic_new"), _data(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {field}
    assert message in errors[field][0]
    assert not MqttTopic.objects.exists()


@pytest.mark.django_db
def test_save_stores_the_mapping_and_audits_it(client: Client) -> None:
    sign_in(client, "director")
    response = client.post(reverse("mqtt:topic_new"), _data())
    assert response.status_code == 302
    topic = MqttTopic.objects.get(name="vape-sensors")
    assert topic.field_map == {
        "id": "$.event.uuid",
        "occurred_at": "event.timestamp",
        "type": "event.type",
        "severity": "event.priority",
        "device": "deviceName",
    }
    assert topic.type_map == {"Vape": "vape", "Aggression": "sound"}
    assert AuditEntry.objects.filter(object_type="mqtt.mqtttopic", object_id=str(topic.pk)).exists()
    # The edit page shows the mapping back as it was entered.
    page = client.get(reverse("mqtt:topic_edit", args=[topic.pk]))
    form = page.context["form"]
    assert form.initial["path_id"] == "$.event.uuid"
    assert form.initial["type_values"] == "Vape = vape\nAggression = sound"


@pytest.mark.django_db
def test_a_school_outside_the_scope_is_not_offered(client: Client) -> None:
    # Only district-wide roles hold integrations.manage in the demo: the supervisor has none.
    sign_in(client, "supervisor")
    assert client.get(reverse("mqtt:topic_new")).status_code == 403


# --- The runner subscribes to mapped topics (real broker) -------------------------------------


@pytest.fixture
def broker_up() -> None:
    import os
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=2):
            return
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Mosquitto is not answering on 127.0.0.1:1883 and CI=true")
        pytest.skip("no MQTT broker on 127.0.0.1:1883")


@pytest.fixture
def school_t() -> School:
    district = District.objects.create(name="MQTT test district", slug="mqtt-t")
    return School.objects.create(
        district=district,
        name="Generic High",
        slug="generic-high",
        level="high",
        latitude=38.5,
        longitude=-121.7,
    )


class _Worker:
    """The runner's routes and handler in an IngestClient on a thread, as `vigil ingest mqtt`."""

    def __init__(self, settings: config.MqttSettings) -> None:
        self.routes = runner.routes(settings)
        self.handled: list[object] = []
        self.enough = threading.Event()
        self.wanted = 0
        self.client = IngestClient(settings, [r.topic for r in self.routes], self._handle)
        self.subscribed = threading.Event()
        self.client.client.on_subscribe = lambda *args: self.subscribed.set()
        self.thread = threading.Thread(target=self.client.run_forever, daemon=True)

    def _handle(self, messages: list[tuple[str, bytes]]) -> bool:
        self.handled += runner.handle(self.routes, messages)
        if len(self.handled) >= self.wanted:
            self.enough.set()
        return True

    def stop(self) -> None:
        if self.thread.is_alive():
            self.client.stop()
            self.thread.join(10)


@pytest.fixture
def ingest(broker_up: None, school_t: School) -> Iterator[tuple[str, _Worker]]:
    run = uuid.uuid4().hex[:10]
    MqttTopic.objects.create(
        name="doors",
        topic=f"vigil-test-{run}/acm/+",
        school=school_t,
        field_map=DOOR["field_map"],
        type_map=DOOR["type_map"],
        default_type="other",
    )
    settings = replace(
        config.load(),
        host="127.0.0.1",
        port=1883,
        client_id=f"vigil-test-{run}",
        share_group=f"vigil-test-{run}",
        frigate_prefix=f"vigil-test-{run}/frigate",
    )
    worker = _Worker(settings)
    worker.thread.start()
    # A message published before the subscription exists is not kept for us: wait for SUBACK.
    assert worker.subscribed.wait(30), "no SUBACK from the broker"
    yield run, worker
    worker.stop()
    cleaner = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=settings.client_id,
        clean_session=True,
    )
    cleaner.connect("127.0.0.1", 1883)
    cleaner.disconnect()


@pytest.mark.mqtt
@pytest.mark.xdist_group("mqtt")
@pytest.mark.django_db(transaction=True)
def test_runner_subscribes_to_a_mapped_topic_and_ingests_it(
    ingest: tuple[str, _Worker], school_t: School
) -> None:
    run, worker = ingest
    worker.wanted = 2
    publisher = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    for topic, payload in (
        (f"vigil-test-{run}/acm/panel-1", _file("door_controller.json")),
        (f"vigil-test-{run}/acm/panel-1", b"{not json"),
        (f"vigil-test-{run}/elsewhere", _file("door_controller.json")),
    ):
        publisher.publish(topic, payload, qos=1).wait_for_publish(5)
    # Wait on the worker, not by polling the database it writes to (SQLite's shared cache).
    assert worker.enough.wait(60), f"handled {len(worker.handled)} of 2"
    worker.stop()
    publisher.loop_stop()
    publisher.disconnect()
    event = Event.objects.get(source="mqtt:doors")
    assert (event.event_type, event.severity, event.school_id, event.device) == (
        "door_forced",
        4,
        school_t.pk,
        "RDR-12",
    )
    rejected = RawMessage.objects.get(source="mqtt:doors", event__isnull=True)
    assert rejected.error.startswith("payload: is not valid JSON")
    assert RawMessage.objects.count() == 2  # the unmapped topic was never subscribed
