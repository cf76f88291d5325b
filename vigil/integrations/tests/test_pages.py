"""The Integrations hub and the diagnostics pages: redacted settings, counters, rejected
messages (escaped, shortened), supervision state, navigation, pinned query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from vigil.events import pipeline
from vigil.events.models import RawMessage
from vigil.integrations import diagnostics
from vigil.integrations.mqtt.models import MqttTopic
from vigil.integrations.sia.models import SiaAccount
from vigil.integrations.webhooks.models import WebhookSource
from vigil.sites.models import School

pytestmark = pytest.mark.django_db

SECRET = "door-controller-secret-0123456789-abcdef"
AES_KEY = "0123456789ABCDEF"


@pytest.fixture
def school() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


@pytest.fixture
def source(school: School) -> WebhookSource:
    return WebhookSource.objects.create(
        slug="doors", name="Door controllers", school=school, secret=SECRET
    )


def _reject(source: str, payload: bytes, error: str, *, topic: str = "", key: str = "") -> None:
    now = timezone.now()
    RawMessage.objects.create(
        source=source,
        received_at=now,
        topic=topic,
        payload=payload,
        sha256="0" * 64,
        dedupe_key=key or error[:20] + str(len(payload)),
        error=error,
    )
    pipeline.count(source, "rejected", now, error)


def test_navigation_offers_integrations_to_managers_only(client: Client) -> None:
    sign_in(client, "director")
    assert b'href="/integrations/"' in client.get("/").content
    sign_in(client, "supervisor")
    assert b'href="/integrations/"' not in client.get("/").content


def test_hub_lists_every_kind_of_source(
    client: Client, source: WebhookSource, school: School
) -> None:
    MqttTopic.objects.create(name="halo", topic="halo/+", school=school, field_map={"id": "id"})
    SiaAccount.objects.create(account_id="1A2B", school=school, key=AES_KEY)
    sign_in(client, "admin")
    page = client.get(reverse("integrations:hub")).content.decode()
    assert reverse("webhooks:diagnostics", args=["doors"]) in page
    assert "halo/+" in page
    assert "1A2B" in page
    assert AES_KEY not in page


def test_webhook_diagnostics_hide_the_secret_and_show_counters_and_refusals(
    client: Client, source: WebhookSource
) -> None:
    pipeline.count("webhook:doors", "bad_signature", timezone.now(), "X-Vigil-Signature is missing")
    pipeline.count("webhook:doors", "accepted", timezone.now(), n=7)
    _reject(
        "webhook:doors",
        b'{"id": "<script>alert(1)</script>", "type": "smoking"}',
        "type: unknown event type 'smoking'",
    )
    sign_in(client, "director")
    response = client.get(reverse("webhooks:diagnostics", args=["doors"]))
    page = response.content.decode()
    assert SECRET not in page
    assert SECRET[:8] not in page
    assert "set (hidden)" in page
    counters = {(c.name, c.count) for c in response.context["snapshot"].counters}
    assert counters == {("accepted", 7), ("bad_signature", 1), ("rejected", 1)}
    assert "X-Vigil-Signature is missing" in page
    assert "type: unknown event type &#x27;smoking&#x27;" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_webhook_diagnostics_say_what_is_wrong_with_the_settings(
    client: Client, school: School
) -> None:
    WebhookSource.objects.create(
        slug="weak", name="Weak", school=school, secret="short", active=False
    )
    sign_in(client, "director")
    problems = (
        client.get(reverse("webhooks:diagnostics", args=["weak"])).context["snapshot"].problems
    )
    assert problems == [
        "The source is inactive: its requests get 404.",
        "The secret is shorter than 32 characters.",
    ]


def test_payload_preview_is_shortened() -> None:
    assert diagnostics.preview(b"x" * 10) == "x" * 10
    assert diagnostics.preview(b"x" * 301) == "x" * 300 + "…"
    assert diagnostics.preview(b"\xff\xfe ok") == "\ufffd\ufffd ok"


def test_rejected_list_keeps_the_newest_n(source: WebhookSource) -> None:
    for n in range(25):
        _reject("webhook:doors", f'{{"n": {n}}}'.encode(), f"body: error {n}", key=f"k{n}")
    rows = diagnostics.rejected(["webhook:doors"])
    assert len(rows) == diagnostics.LAST_REJECTED
    assert rows[0].error == "body: error 24"


def test_sia_diagnostics_show_supervision_and_hide_keys(client: Client, school: School) -> None:
    now = timezone.now()
    SiaAccount.objects.create(
        account_id="AAA",
        school=school,
        key=AES_KEY,
        supervision_seconds=600,
        last_seen_at=now - timedelta(seconds=900),
    )
    SiaAccount.objects.create(
        account_id="BBB", school=school, last_seen_at=now - timedelta(seconds=10)
    )
    SiaAccount.objects.create(account_id="CCC", school=school)
    pipeline.count("sia", "bad_key", now, "account AAA: the frame does not decrypt with its key")
    sign_in(client, "admin")
    response = client.get(reverse("sia:diagnostics"))
    page = response.content.decode()
    assert AES_KEY not in page
    snapshot = response.context["snapshot"]
    states = {a["account"]: (a["state"], a["key"]) for a in snapshot.extra["accounts"]}
    assert states == {
        "AAA": ("communication lost", "set (hidden), AES-128"),
        "BBB": ("reporting", "none (clear text)"),
        "CCC": ("never heard", "none (clear text)"),
    }
    assert snapshot.problems == ["Communication lost with panel AAA."]
    assert "Encrypted with a different AES key (NAK)" in page
    assert "account AAA: the frame does not decrypt with its key" in page


def test_mqtt_diagnostics_hide_the_broker_password(
    client: Client, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIL_MQTT_URL", "mqtt://ingest:hunter2-broker-pw@127.0.0.1:1883")
    MqttTopic.objects.create(name="halo", topic="halo/+", school=school, field_map={"id": "id"})
    _reject("mqtt:halo", b"{not json", "payload: is not valid JSON", topic="halo/B2")
    _reject("frigate", b"{}", "type: must be new, update or end, not None", topic="frigate/events")
    sign_in(client, "director")
    response = client.get(reverse("mqtt:diagnostics"))
    page = response.content.decode()
    assert "hunter2" not in page
    snapshot = response.context["snapshot"]
    assert {s.label: s.value for s in snapshot.settings}["User name"] == "ingest"
    assert {s.label: s.value for s in snapshot.settings}["Password"] == "set (hidden)"
    assert {r.source for r in snapshot.rejected} == {"mqtt:halo", "frigate"}
    assert {s.label: s.value for s in snapshot.state}[
        "Broker reachable from this server"
    ] == "not tested"
    assert "halo/B2" in page


def test_mqtt_test_connection_reports_an_unreachable_broker(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIL_MQTT_URL", "mqtt://127.0.0.1:1")  # nothing listens on port 1
    sign_in(client, "director")
    snapshot = client.get(reverse("mqtt:diagnostics") + "?check=1").context["snapshot"]
    assert {s.label: s.value for s in snapshot.state}["Broker reachable from this server"] == "no"
    assert snapshot.problems[0].startswith("Cannot reach the MQTT broker at 127.0.0.1:1")


@pytest.mark.parametrize("rows", [1, 4])  # the same count whatever the number of records
@pytest.mark.parametrize(
    ("url_name", "expected"),
    [("integrations:hub", 13), ("mqtt:diagnostics", 15), ("sia:diagnostics", 14)],
)
def test_query_counts_are_pinned(
    client: Client,
    school: School,
    url_name: str,
    expected: int,
    rows: int,
    django_assert_num_queries: object,
) -> None:
    for n in range(rows):
        MqttTopic.objects.create(
            name=f"t{n}", topic=f"t{n}/+", school=school, field_map={"id": "id"}
        )
        SiaAccount.objects.create(account_id=f"AB{n}", school=school)
        WebhookSource.objects.create(slug=f"s{n}", name=f"S{n}", school=school, secret=SECRET)
        _reject(f"mqtt:t{n}", b"{", "payload: bad", key=f"q{n}")
        _reject("sia", b"x", "code: none", key=f"s{n}")
    sign_in(client, "director")
    with django_assert_num_queries(expected):  # type: ignore[operator]
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_webhook_diagnostics_query_count_is_pinned(
    client: Client, source: WebhookSource, rows: int, django_assert_num_queries: object
) -> None:
    for n in range(rows):
        _reject("webhook:doors", b"{", f"body: bad {n}", key=f"w{n}")
    sign_in(client, "director")
    with django_assert_num_queries(14):  # type: ignore[operator]
        assert client.get(reverse("webhooks:diagnostics", args=["doors"])).status_code == 200
