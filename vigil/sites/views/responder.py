"""The responder card of a building: a one-page PDF for police and fire.

Generating it is an export of sensitive site information, so every download is audited.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.sites import responder_card
from vigil.sites.models import Building


@require_action(Action.SITES_VIEW)
def responder_card_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    building = get_object_or_404(
        Building.objects.restrict(request.user, Action.SITES_VIEW).select_related(
            "school__district"
        ),
        school__slug=slug,
        pk=pk,
    )
    card = responder_card.collect(request.user, building, now=timezone.now())
    pdf = responder_card.render(card)
    audit.record(audit.AuditAction.EXPORT, obj=building, reason="responder card PDF")
    filename = f"responder-card-{slugify(building.school.name)}-{slugify(building.code)}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
