"""Authorization cases of the integrations pages: the hub, each integration's diagnostics and
the generic MQTT topics' mapping form (vigil/integrations)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.urls import reverse

from tests.matrix.base import Case, Ctx
from vigil.core.permissions import Action
from vigil.integrations.mqtt.models import MqttTopic
from vigil.integrations.sia.models import SiaAccount
from vigil.integrations.webhooks.models import WebhookSource

_M = Action.INTEGRATIONS_MANAGE


def _source(ctx: Ctx) -> WebhookSource:
    source, _ = WebhookSource.objects.get_or_create(
        slug=f"matrix-{ctx.school.slug}",
        defaults={"name": "Door controllers", "school": ctx.school, "secret": "x" * 40},
    )
    return source


def _topic(ctx: Ctx) -> MqttTopic:
    topic, _ = MqttTopic.objects.get_or_create(
        name=f"matrix-{ctx.school.slug}",
        defaults={
            "topic": f"matrix/{ctx.school.slug}/+",
            "school": ctx.school,
            "field_map": {"id": "id", "occurred_at": "ts"},
        },
    )
    return topic


def _topic_data(ctx: Ctx, name: str, **extra: str) -> dict[str, Any]:
    return {
        "name": name,
        "topic": "sensors/+/vape",
        "school": str(ctx.school.pk),
        "path_id": "event_id",
        "path_occurred_at": "ts",
        "path_type": "kind",
        "type_values": "vape_alert = vape",
        "default_type": "other",
        "active": "on",
        **extra,
    }


CASES: tuple[Case, ...] = (
    Case("integrations:hub", "get", lambda c: reverse("integrations:hub"), _M, 200, scoped=False),
    Case(
        "webhooks:diagnostics",
        "get",
        lambda c: reverse("webhooks:diagnostics", args=[_source(c).slug]),
        _M,
        200,
    ),
    Case(
        "mqtt:diagnostics",
        "get",
        lambda c: reverse("mqtt:diagnostics"),
        _M,
        200,
        scoped=False,
        district_only=403,
    ),
    Case(
        "sia:diagnostics",
        "get",
        lambda c: reverse("sia:diagnostics"),
        _M,
        200,
        scoped=False,
        district_only=403,
    ),
    Case("mqtt:topic_new", "get", lambda c: reverse("mqtt:topic_new"), _M, 200, scoped=False),
    Case(
        "mqtt:topic_new#post",
        "post",
        lambda c: reverse("mqtt:topic_new"),
        _M,
        302,
        scoped=False,
        data=lambda c: _topic_data(c, "vape-sensors"),
    ),
    Case(
        "mqtt:topic_new#try",
        "post",
        lambda c: reverse("mqtt:topic_new"),
        _M,
        200,
        scoped=False,
        data=lambda c: _topic_data(
            c,
            "vape-sensors",
            sample='{"event_id": "v1", "ts": 1764300000, "kind": "vape_alert"}',
            **{"try": "1"},
        ),
    ),
    Case(
        "mqtt:topic_edit",
        "get",
        lambda c: reverse("mqtt:topic_edit", args=[_topic(c).pk]),
        _M,
        200,
    ),
    Case(
        "mqtt:topic_edit#post",
        "post",
        lambda c: reverse("mqtt:topic_edit", args=[_topic(c).pk]),
        _M,
        302,
        data=lambda c: _topic_data(c, f"matrix-{c.school.slug}"),
    ),
)

MODELS: list[type[Model]] = [WebhookSource, MqttTopic, SiaAccount]
