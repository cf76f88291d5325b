"""The SIA DC-09 receiver's diagnostics page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.integrations.sia import diagnostics
from vigil.integrations.sia.models import SiaAccount
from vigil.integrations.views import require_district_wide


@require_action(Action.INTEGRATIONS_MANAGE)
def receiver_diagnostics(request: HttpRequest) -> HttpResponse:
    require_district_wide(request, "sia.receiver")
    accounts = SiaAccount.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE).select_related(
        "school", "panel"
    )
    return render(
        request,
        "integrations/diagnostics.html",
        {"snapshot": diagnostics.snapshot(accounts), "kind": "sia"},
    )
