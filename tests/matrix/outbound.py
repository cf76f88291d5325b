"""Authorization cases of outbound integrations (vigil/integrations/outbound).

Targets and deliveries are district configuration (no school): only district-wide holders of
``integrations.manage`` reach them. The CAP export of an event follows the event's school.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx, event_at
from vigil.core.permissions import Action
from vigil.events.models import Event
from vigil.integrations.outbound.models import (
    Delivery,
    DeliveryStatus,
    OutboundTarget,
    TargetKind,
)

_M = Action.INTEGRATIONS_MANAGE


def _event(ctx: Ctx) -> Event:
    event: Event = event_at(ctx, "outbound", event_type="fire", severity=5, title="Fire alarm")
    return event


def _target(ctx: Ctx) -> OutboundTarget:
    target, _ = OutboundTarget.objects.get_or_create(
        name="Matrix bridge", defaults={"kind": TargetKind.MQTT, "topic_prefix": "matrix/events"}
    )
    return target


def _failed_delivery(ctx: Ctx) -> Delivery:
    now = timezone.now()
    delivery: Delivery = Delivery.objects.create(
        target=_target(ctx),
        event=_event(ctx),
        topic="matrix/events/x/fire",
        body="{}",
        status=DeliveryStatus.FAILED,
        attempts=8,
        created_at=now,
        next_attempt_at=now,
        last_error="the broker did not acknowledge within 5 s",
    )
    return delivery


def _target_data(ctx: Ctx) -> dict[str, Any]:
    return {
        "name": "Matrix bridge",
        "kind": "mqtt",
        "active": "on",
        "topic_prefix": "matrix/changed",
        "min_severity": "3",
        "schools": [str(ctx.school.pk)],
    }


CASES: tuple[Case, ...] = (
    Case(
        "outbound:diagnostics",
        "get",
        lambda c: reverse("outbound:diagnostics"),
        _M,
        200,
        scoped=False,
    ),
    Case(
        "outbound:target_new",
        "get",
        lambda c: reverse("outbound:target_new"),
        _M,
        200,
        scoped=False,
    ),
    Case(
        "outbound:target_new#post",
        "post",
        lambda c: reverse("outbound:target_new"),
        _M,
        302,
        scoped=False,
        data=_target_data,
    ),
    Case(
        "outbound:target_edit",
        "get",
        lambda c: reverse("outbound:target_edit", args=[_target(c).pk]),
        _M,
        200,
        scoped=False,
        district_only=404,
    ),
    Case(
        "outbound:target_edit#post",
        "post",
        lambda c: reverse("outbound:target_edit", args=[_target(c).pk]),
        _M,
        302,
        scoped=False,
        district_only=404,
        data=_target_data,
    ),
    Case(
        "outbound:delivery_retry",
        "post",
        lambda c: reverse("outbound:delivery_retry", args=[_failed_delivery(c).pk]),
        _M,
        302,
        scoped=False,
        district_only=404,
    ),
    Case(
        "outbound:cap",
        "get",
        lambda c: reverse("outbound:cap", args=[_event(c).pk]),
        Action.EVENTS_VIEW,
        200,
    ),
)

MODELS: list[type[Model]] = [OutboundTarget, OutboundTarget.schools.through, Delivery]
