"""What people do with events: acknowledge (take it on), dispatch an officer to it, add a note,
resolve with a disposition.

Each is one transaction that locks the event row, refuses a step that does not fit the event's
state (two officers clicking "acknowledge" at once: the second is told who has it), and
appends an audit row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import User
from vigil.core import audit
from vigil.core.permissions import Action, scope_for
from vigil.events import fanout
from vigil.events.choices import Disposition, EventStatus
from vigil.events.models import Event, EventNote


def _locked(event: Event) -> Event:
    locked: Event = Event.objects.select_for_update().get(pk=event.pk)
    return locked


def event_acknowledge(*, actor: User, event: Event) -> Event:
    with transaction.atomic():
        current = _locked(event)
        if current.status != EventStatus.OPEN:
            who = current.acknowledged_by or current.resolved_by
            raise ValidationError(
                {"status": f"Already {current.get_status_display().lower()} by {who}."}
            )
        current.status = EventStatus.ACKNOWLEDGED
        current.acknowledged_by = actor
        current.acknowledged_at = timezone.now()
        current.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit.record(
            audit.AuditAction.UPDATE,
            obj=current,
            school_id=current.school_id,
            changes={"status": ["open", "acknowledged"]},
            actor=actor,
        )
        fanout.events_changed([current.pk])
    return current


def event_note_add(*, actor: User, event: Event, text: str) -> EventNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the note first."})
    if len(text) > 2000:
        raise ValidationError({"text": "Keep a note under 2,000 characters."})
    with transaction.atomic():
        current = _locked(event)
        note = EventNote.objects.create(event=current, author=actor, at=timezone.now(), text=text)
        audit.record(audit.AuditAction.CREATE, obj=note, school_id=current.school_id, actor=actor)
        fanout.events_changed([current.pk])
    return note


def event_resolve(*, actor: User, event: Event, disposition: str, note: str = "") -> Event:
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": "Choose how it ended."})
    with transaction.atomic():
        current = _locked(event)
        if current.status == EventStatus.RESOLVED:
            raise ValidationError({"status": f"Already resolved by {current.resolved_by}."})
        before = current.status
        now = timezone.now()
        current.status = EventStatus.RESOLVED
        current.resolved_by = actor
        current.resolved_at = now
        current.disposition = disposition
        if current.acknowledged_at is None:  # resolving is also taking it on
            current.acknowledged_by = actor
            current.acknowledged_at = now
        current.save()
        if note.strip():
            EventNote.objects.create(event=current, author=actor, at=now, text=note.strip())
        audit.record(
            audit.AuditAction.UPDATE,
            obj=current,
            school_id=current.school_id,
            changes={"status": [str(before), "resolved"], "disposition": [None, disposition]},
            actor=actor,
        )
        fanout.events_changed([current.pk])
    return current


def event_dispatch(*, actor: User, event: Event, officer: User) -> Event:
    """Send ``officer`` to the event; it shows on their phone (/console/mine/) and on every console.

    The actor needs EVENTS_DISPATCH at the event's school, the officer EVENTS_HANDLE there. The
    event stays open until the officer (or anyone) acknowledges it, so the time to acknowledge
    measures the response. Sending someone else re-dispatches it; a resolved event is not
    dispatched.
    """
    if not scope_for(actor, Action.EVENTS_DISPATCH).allows_school(event.school_id):
        raise ValidationError({"officer": "You may not dispatch officers to this event."})
    if not officer.is_active or not scope_for(officer, Action.EVENTS_HANDLE).allows_school(
        event.school_id
    ):
        raise ValidationError({"officer": f"{officer} does not handle events at this school."})
    with transaction.atomic():
        current = _locked(event)
        if current.status == EventStatus.RESOLVED:
            raise ValidationError({"status": f"Already resolved by {current.resolved_by}."})
        if current.dispatched_to_id == officer.pk:
            raise ValidationError({"officer": f"{officer} is already dispatched to it."})
        before = current.dispatched_to.username if current.dispatched_to else None
        now = timezone.now()
        current.dispatched_to = officer
        current.dispatched_by = actor
        current.dispatched_at = now
        current.save(update_fields=["dispatched_to", "dispatched_by", "dispatched_at"])
        audit.record(
            audit.AuditAction.UPDATE,
            obj=current,
            school_id=current.school_id,
            changes={"dispatched_to": [before, officer.username]},
            actor=actor,
        )
        fanout.events_changed([current.pk])
    return current
