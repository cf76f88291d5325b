"""Writes of the rules app: supervisors saving rules and drills, and the periodic tick.

Saving a rule or a drill is one transaction; the models are ``AuditedModel``s, so the audit row
(who, what changed, before and after) is written by ``save()`` inside it, as the acting user.
The tick (``vigil rules tick``) escalates unacknowledged events and ends quiet floods; it is
idempotent: an event is escalated at most once per rule (a unique row says so), and running it
twice at the same moment changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from vigil.accounts.models import User
from vigil.core import context
from vigil.events import fanout, live
from vigil.events.choices import EventStatus
from vigil.events.models import Event
from vigil.rules import engine
from vigil.rules.models import Drill, Escalation, EscalationRule, RuleBase
from vigil.rules.step import RULES_SOURCE, note


@contextmanager
def _as(actor: User) -> Iterator[None]:
    """Audit as ``actor``, keeping the request's address and id when there is one."""
    ctx = context.current()
    with context.acting(actor, ip=ctx.ip, via=ctx.via, request_id=ctx.request_id):
        yield


def rule_save(*, actor: User, rule: RuleBase | Drill) -> RuleBase | Drill:
    """Create or update a rule or drill a form has validated; audited as ``actor``."""
    with transaction.atomic(), _as(actor):
        rule.save()
    return rule


def rule_set_enabled(*, actor: User, rule: RuleBase | Drill, enabled: bool) -> RuleBase | Drill:
    with transaction.atomic(), _as(actor):
        if rule.enabled != enabled:
            rule.enabled = enabled
            rule.save(update_fields=["enabled"])
    return rule


@dataclass(frozen=True)
class TickResult:
    escalated: int
    floods_ended: int


def tick(*, now: datetime) -> TickResult:
    """Escalate what is due and end floods that went quiet, in one transaction."""
    with transaction.atomic():
        escalated = escalate_due(now=now)
        ended = end_quiet_floods(now=now)
    live.prune_feed()
    return TickResult(escalated, ended)


def escalate_due(*, now: datetime) -> int:
    specs = [
        engine.EscalationSpec(
            r.pk, r.school_id, r.event_type, r.min_severity, r.after_seconds, r.raise_to
        )
        for r in EscalationRule.objects.filter(enabled=True).order_by("pk")
    ]
    if not specs:
        return 0
    with transaction.atomic():
        candidates = list(
            Event.objects.select_for_update()
            .filter(
                status=EventStatus.OPEN,
                acknowledged_at__isnull=True,
                received_at__lte=now - timedelta(seconds=min(s.after_seconds for s in specs)),
                severity__gte=min(s.min_severity for s in specs),
                severity__lt=max(s.raise_to for s in specs),
            )
            .order_by("pk")
        )
        if not candidates:
            return 0
        done: dict[int, set[int]] = {}
        for event_id, rule_id in Escalation.objects.filter(
            event_id__in=[e.pk for e in candidates]
        ).values_list("event_id", "rule_id"):
            done.setdefault(event_id, set()).add(rule_id)
        waiting = [
            engine.Waiting(
                e.pk,
                e.event_type,
                e.school_id,
                e.severity,
                e.received_at,
                frozenset(done.get(e.pk, ())),
            )
            for e in candidates
        ]
        due = engine.due_escalations(specs, waiting, now)
        if not due:
            return 0
        by_pk = {e.pk: e for e in candidates}
        rows = []
        for event_id, rule_id, before, after in due:
            rows.append(
                Escalation(
                    event_id=event_id,
                    rule_id=rule_id,
                    at=now,
                    from_severity=before,
                    to_severity=after,
                )
            )
            event = by_pk[event_id]
            event.severity = after
            event.updated_at = max(event.updated_at, now)
            note(event, escalated_to=after)
        Escalation.objects.bulk_create(rows)
        touched = sorted({event_id for event_id, *_ in due})
        Event.objects.bulk_update([by_pk[pk] for pk in touched], ["severity", "updated_at", "data"])
        fanout.events_changed(touched)
    return len(rows)


def end_quiet_floods(*, now: datetime) -> int:
    """End each open flood event whose device has been quiet for its rule's period."""
    quiet = []
    for flood in Event.objects.select_for_update().filter(
        source=RULES_SOURCE, source_event_id__startswith="flood:", ended_at__isnull=True
    ):
        period = int(flood.data.get("rules", {}).get("flood", {}).get("per_seconds", 60))
        if now - flood.updated_at >= timedelta(seconds=period):
            flood.ended_at = flood.updated_at
            quiet.append(flood)
    if quiet:
        Event.objects.bulk_update(quiet, ["ended_at"])
        fanout.events_changed(f.pk for f in quiet)
    return len(quiet)
