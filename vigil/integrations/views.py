"""The "Integrations" hub: every source that feeds the console, with a link to its diagnostics.

Readers: holders of ``integrations.manage``. Each list starts from ``restrict()``; the receiver
pages (MQTT broker, SIA receiver) show district-wide counters, so they are for people who hold
the action for the whole district.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core.access import deny, require_action
from vigil.core.permissions import Action, scope_for
from vigil.integrations.mqtt.models import MqttTopic
from vigil.integrations.sia.models import SiaAccount
from vigil.integrations.webhooks.models import WebhookSource


def require_district_wide(request: HttpRequest, what: str) -> None:
    """Receiver-wide pages count every school's messages: whole-district holders only."""
    if not scope_for(request.user, Action.INTEGRATIONS_MANAGE).district:
        deny(request, Action.INTEGRATIONS_MANAGE, what)


@require_action(Action.INTEGRATIONS_MANAGE)
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "integrations/hub.html",
        {
            "webhooks": WebhookSource.objects.restrict(user, Action.INTEGRATIONS_MANAGE)
            .select_related("school")
            .order_by("name"),
            "topics": MqttTopic.objects.restrict(user, Action.INTEGRATIONS_MANAGE)
            .select_related("school")
            .order_by("name"),
            "accounts": SiaAccount.objects.restrict(user, Action.INTEGRATIONS_MANAGE)
            .select_related("school")
            .order_by("account_id"),
            "district_wide": scope_for(user, Action.INTEGRATIONS_MANAGE).district,
        },
    )
