"""A webhook source's diagnostics page (the receiver itself is runner.receive)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.integrations.webhooks import diagnostics
from vigil.integrations.webhooks.models import WebhookSource


@require_action(Action.INTEGRATIONS_MANAGE)
def source_diagnostics(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(
        WebhookSource.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE).select_related(
            "school"
        ),
        slug=slug,
    )
    return render(
        request,
        "integrations/diagnostics.html",
        {"snapshot": diagnostics.snapshot(source), "kind": "webhook"},
    )
