"""What people do with outbound targets and deliveries: save a target, send a failed one again."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import User
from vigil.core import audit
from vigil.integrations.outbound import runner
from vigil.integrations.outbound.models import Delivery, DeliveryStatus, OutboundTarget
from vigil.sites.models import School


def target_save(
    *, actor: User, target: OutboundTarget, schools: Iterable[School]
) -> OutboundTarget:
    """Create or update a target and its school filter (the model audits its own fields; the
    school list, a many-to-many, is audited here)."""
    chosen = sorted({school.pk for school in schools})
    with transaction.atomic():
        before = [] if target.pk is None else sorted(target.schools.values_list("pk", flat=True))
        target.save()
        if before != chosen:
            target.schools.set(chosen)
            audit.record(
                audit.AuditAction.UPDATE,
                obj=target,
                changes={"schools": [str(before), str(chosen)]},
                actor=actor,
            )
    return target


def delivery_retry(*, actor: User, delivery: Delivery) -> Delivery:
    """Put a failed delivery back in the outbox with a fresh set of attempts."""
    with transaction.atomic():
        current: Delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if current.status != DeliveryStatus.FAILED:
            raise ValidationError(
                {"status": f"Only failed deliveries are sent again; this one is {current.status}."}
            )
        current.status = DeliveryStatus.PENDING
        current.attempts = 0
        current.next_attempt_at = timezone.now()
        current.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit.record(
            audit.AuditAction.UPDATE,
            obj=current,
            changes={"status": ["failed", "pending"]},
            actor=actor,
            reason="send again",
        )
        transaction.on_commit(runner.wake)
    return current
