from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from vigil.events.models import Event, IntegrationCounter, RawMessage
from vigil.integrations.webhooks import client as signing
from vigil.integrations.webhooks import config
from vigil.integrations.webhooks.models import WebhookSource
from vigil.sites.models import School

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-the-door-controller-0123456789"
EVENT = {
    "id": "door-7-1",
    "type": "door_forced",
    "title": "Door 7 forced",
    "occurred_at": "2026-11-28T02:10:00Z",
    "device": "door-controller-7",
    "firmware": "ignored: unknown fields are fine",
}


@pytest.fixture
def source() -> WebhookSource:
    return WebhookSource.objects.create(
        slug="doors",
        name="Door controllers",
        school=School.objects.get(slug="cedar-hollow-hs"),
        secret=SECRET,
    )


def _post(
    client: Client,
    body: bytes,
    *,
    ts: int | None = None,
    secret: str = SECRET,
    signature: str | None = None,
    slug: str = "doors",
) -> Any:
    ts = int(time.time()) if ts is None else ts
    headers = {
        "X-Vigil-Timestamp": str(ts),
        "X-Vigil-Signature": signature if signature is not None else signing.sign(secret, ts, body),
    }
    return client.post(f"/hooks/{slug}/", body, content_type="application/json", headers=headers)


def _counter(name: str) -> int:
    found = IntegrationCounter.objects.filter(source="webhook:doors", name=name).first()
    return found.count if found else 0


def test_signed_event_is_accepted_for_the_sources_school(
    client: Client, source: WebhookSource
) -> None:
    response = _post(client, json.dumps(EVENT).encode())
    assert response.status_code == 202
    event = Event.objects.get(pk=response.json()["event_id"])
    assert (event.source, event.event_type, event.school_id, event.device) == (
        "webhook:doors",
        "door_forced",
        source.school_id,
        "door-controller-7",
    )
    assert event.data == {}


def test_replay_of_a_captured_request_is_refused(client: Client, source: WebhookSource) -> None:
    body, ts = json.dumps(EVENT).encode(), int(time.time())
    assert _post(client, body, ts=ts).status_code == 202
    replay = _post(client, body, ts=ts)
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "replayed"
    assert (Event.objects.count(), RawMessage.objects.count(), _counter("duplicate")) == (1, 1, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": "another-secret-entirely-0123456789abcdef"}, "does not match the body"),
        ({"signature": ""}, "X-Vigil-Signature is missing"),
        ({"ts": int(time.time()) - 3600}, "from our clock (tolerance 300 s)"),
    ],
)
def test_bad_signature_or_time_is_401_counted_and_not_stored(
    client: Client, source: WebhookSource, kwargs: dict[str, Any], message: str
) -> None:
    response = _post(client, json.dumps(EVENT).encode(), **kwargs)
    assert response.status_code == 401
    assert message in response.json()["error"]["message"]
    assert (RawMessage.objects.count(), _counter("bad_signature")) == (0, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (json.dumps({**EVENT, "type": "alien"}).encode(), "type"),
        (json.dumps({**EVENT, "occurred_at": "2026-11-28T02:10:00"}).encode(), "occurred_at"),
        (json.dumps({**EVENT, "severity": 9}).encode(), "severity"),
        (json.dumps({k: v for k, v in EVENT.items() if k != "id"}).encode(), "id"),
    ],
)
def test_signed_but_malformed_body_is_422_naming_the_field(
    client: Client, source: WebhookSource, body: bytes, field: str
) -> None:
    response = _post(client, body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert Event.objects.count() == 0
    assert RawMessage.objects.get().error.startswith(f"{field}: ")
    assert _counter("rejected") == 1


def test_unknown_or_inactive_source_is_404(client: Client, source: WebhookSource) -> None:
    assert _post(client, b"{}", slug="nobody").status_code == 404
    source.active = False
    source.save()
    assert _post(client, json.dumps(EVENT).encode()).status_code == 404


def test_oversized_body_is_413(client: Client, source: WebhookSource) -> None:
    assert _post(client, b" " * (256 * 1024 + 1)).status_code == 413


def test_get_is_not_allowed(client: Client, source: WebhookSource) -> None:
    assert client.get("/hooks/doors/").status_code == 405


def test_secret_is_encrypted_and_never_in_the_audit_log(source: WebhookSource) -> None:
    from django.db import connection

    from vigil.core.models import AuditEntry

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhooksource WHERE id = %s", [source.pk])
        assert SECRET not in cursor.fetchone()[0]
    entry = AuditEntry.objects.filter(object_type="webhooks.webhooksource").get()
    assert entry.changes["secret"] == ["[redacted]", "[redacted]"]


def test_config_check_names_weak_settings(source: WebhookSource) -> None:
    assert config.check(source) == []
    source.secret = "short"
    source.tolerance_seconds = 5
    assert config.check(source) == [
        "The secret is shorter than 32 characters.",
        "The clock tolerance should be between 30 and 900 seconds.",
    ]


def test_events_list_prints_json_lines(client: Client, source: WebhookSource) -> None:
    _post(client, json.dumps(EVENT).encode())
    out = io.StringIO()
    call_command("events", "list", "--json", "--source", "webhook:doors", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["source_event_id"], e["type"], e["school"]) for e in lines] == [
        ("door-7-1", "door_forced", "cedar-hollow-hs")
    ]
    with pytest.raises(CommandError, match="--since: include a time zone"):
        call_command("events", "list", "--since", "2026-11-28T08:00")
