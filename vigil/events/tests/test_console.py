from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.events import services
from vigil.events.models import Event
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


def _event(
    slug: str, *, severity: int = 4, title: str = "Door 7 forced", minutes: int = 0
) -> Event:
    now = timezone.now() - timedelta(minutes=minutes)
    return Event.objects.create(
        source="test",
        source_event_id=f"{slug}-{title}-{minutes}",
        event_type="door_forced",
        severity=severity,
        title=title,
        school=School.objects.get(slug=slug),
        occurred_at=now,
        received_at=now,
        updated_at=now,
    )


def test_console_lists_only_the_users_schools_most_severe_first(client: Client) -> None:
    _event("cedar-hollow-hs", severity=3, title="Door held open")
    _event("cedar-hollow-hs", severity=5, title="Fire alarm")
    _event("juniper-ridge-ms", severity=5, title="Panic at the middle school")
    sign_in(client, "officer")
    html = client.get("/console/rows/").content.decode()
    assert html.index("Fire alarm") < html.index("Door held open")
    assert "Panic at the middle school" not in html
    assert 'data-critical="' in html


def test_second_acknowledge_is_told_who_has_it() -> None:
    event = _event("cedar-hollow-hs")
    officer, supervisor = (
        User.objects.get(username="officer"),
        User.objects.get(username="supervisor"),
    )
    services.event_acknowledge(actor=officer, event=event)
    with pytest.raises(ValidationError) as excinfo:
        services.event_acknowledge(actor=supervisor, event=event)
    assert excinfo.value.message_dict == {"status": [f"Already acknowledged by {officer}."]}
    entry = AuditEntry.objects.filter(object_type="events.event").get()
    assert (entry.actor_label, entry.changes, entry.school_id) == (
        "officer",
        {"status": ["open", "acknowledged"]},
        event.school_id,
    )


def test_resolve_needs_a_disposition_and_records_it(client: Client) -> None:
    event = _event("cedar-hollow-hs")
    sign_in(client, "officer")
    refused = client.post(f"/console/events/{event.pk}/resolve/", {"disposition": ""}, follow=True)
    assert "Disposition: Choose how it ended." in refused.content.decode()
    event.refresh_from_db()
    assert event.status == "open"
    client.post(
        f"/console/events/{event.pk}/resolve/",
        {"disposition": "false_alarm", "note": "Wind rattled the door."},
    )
    event.refresh_from_db()
    officer = User.objects.get(username="officer")
    assert (event.status, event.disposition, event.resolved_by, event.acknowledged_by) == (
        "resolved",
        "false_alarm",
        officer,
        officer,
    )
    assert [n.text for n in event.notes.all()] == ["Wind rattled the door."]


def test_being_handled_by_is_visible_to_everyone(client: Client) -> None:
    event = _event("cedar-hollow-hs")
    services.event_acknowledge(actor=User.objects.get(username="officer"), event=event)
    sign_in(client, "supervisor")
    html = client.get("/console/rows/").content.decode()
    officer = User.objects.get(username="officer")
    assert f'<span class="badge medium">{officer}</span>' in html


def test_a_note_must_have_text() -> None:
    event = _event("cedar-hollow-hs")
    with pytest.raises(ValidationError) as excinfo:
        services.event_note_add(actor=User.objects.get(username="officer"), event=event, text="  ")
    assert excinfo.value.message_dict == {"text": ["Write the note first."]}


def test_school_admin_sees_but_cannot_handle(client: Client) -> None:
    event = _event("cedar-hollow-hs")
    sign_in(client, "principal")
    page = client.get(f"/console/events/{event.pk}/").content.decode()
    assert "handling it</button>" not in page
    assert client.post(f"/console/events/{event.pk}/acknowledge/").status_code == 403
    event.refresh_from_db()
    assert event.status == "open"
