"""Find: one search box across every school the user may see, answers shown on the map."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.sites import search, selectors


@require_action(Action.SITES_VIEW)
def find(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    error = ""
    result = None
    if len(text) > search.MAX_QUERY_LENGTH:
        error = f"The search (q) is limited to {search.MAX_QUERY_LENGTH} characters."
    elif text:
        result = selectors.find(request.user, text)
    schools = result.school_ids if result else []
    hits = [
        {
            "kind": h.kind,
            "id": h.id,
            "title": h.title,
            "detail": h.detail,
            "symbol": h.symbol,
            "level": h.level,
            "point": h.point,
            "map_url": h.map_url,
        }
        for h in (result.hits if result else ())
    ]
    return render(
        request,
        "sites/map/find.html",
        {
            "q": text,
            "error": error,
            "result": result,
            "hits": hits,
            # One school answered: draw its campus under the answers.
            "campus_school_id": schools[0] if len(schools) == 1 else None,
            "schools": selectors.schools_for(request.user) if not text else [],
            "tile_url": settings.VIGIL_TILE_URL,
        },
        status=400 if error else 200,
    )
