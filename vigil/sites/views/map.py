"""The campus map page and the asset photos it shows.

The page is a shell: the map script fetches the layers from ``GET /api/schools/{id}/map``
(selectors.campus_map), so the web page and API clients read the same data. Photos are
served through a view that applies ``restrict()``, never from a public media URL: a photo of
a gas shutoff or an alarm panel is as sensitive as the record it belongs to.
"""

from __future__ import annotations

import mimetypes
from typing import cast

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.sites import geojson, selectors
from vigil.sites.models import Asset


@require_action(Action.SITES_VIEW)
def school_map(request: HttpRequest, slug: str) -> HttpResponse:
    school = get_object_or_404(selectors.schools_for(request.user), slug=slug)
    return render(
        request,
        "sites/map/school_map.html",
        {
            "school": school,
            "buildings": selectors.buildings_for(request.user, school).order_by("code"),
            "legend": geojson.legend(),
            "tile_url": settings.VIGIL_TILE_URL,
            "focus": request.GET.get("focus", "")[:40],
        },
    )


@require_action(Action.SITES_VIEW)
def asset_photo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    asset = get_object_or_404(
        Asset.objects.restrict(request.user, Action.SITES_VIEW), school__slug=slug, pk=pk
    )
    if not asset.photo:
        raise Http404("This asset has no photo.")
    try:
        handle = asset.photo.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The photo file is missing.") from missing
    content_type = mimetypes.guess_type(asset.photo.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return cast(HttpResponse, response)  # a streamed response, as the view decorator accepts
