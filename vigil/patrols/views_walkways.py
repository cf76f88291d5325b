"""The walkway editor: a school's patrol graph over its map, as supervisors correct it.

The graph is generated from the map (``campus_graph``); the walkways it had to assume are
checked here, and what the map gets wrong is removed, changed or added, each with a note of
why. Plain forms post to the server; ``walkways.js`` lets a tap on the map fill them in.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.patrols import selectors, services
from vigil.patrols.campus_graph import MODE_WORDS, pair_label
from vigil.patrols.graph_source import places_of
from vigil.patrols.models import WalkwayAction, WalkwayEdit
from vigil.patrols.services import MAX_WALKWAY_M, PatrolError
from vigil.patrols.views import flash_error
from vigil.sites.models import School

_SUPERVISE = Action.PATROLS_SUPERVISE
_FIELDS = ("node_a", "node_b", "action", "length_m", "note")


def _school(user: Any, slug: str) -> School:
    school: School = get_object_or_404(School.objects.restrict(user, _SUPERVISE), slug=slug)
    return school


def _page(
    request: HttpRequest,
    school: School,
    form: dict[str, Any],
    *,
    error: PatrolError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "patrols/walkways.html",
        {
            "school": school,
            "data": selectors.walkway_map(request.user, school),
            "form": form,
            "error_field": error.field if error else None,
            "error_message": error.message if error else "",
            "actions": WalkwayAction.choices,
            "modes": list(MODE_WORDS.items()),
            "max_length": MAX_WALKWAY_M,
            "tile_url": settings.VIGIL_TILE_URL,
        },
        status=status,
    )


@require_action(_SUPERVISE)
def walkways(request: HttpRequest, slug: str) -> HttpResponse:
    """The map, the edit form (``?a=&b=&action=`` fill it in, e.g. from the list of assumed
    walkways) and the edits with their undo."""
    school = _school(request.user, slug)
    form = {
        "node_a": request.GET.get("a", ""),
        "node_b": request.GET.get("b", ""),
        "action": request.GET.get("action", ""),
        "length_m": "",
        "modes": ["foot"],
        "note": "",
    }
    return _page(request, school, form)


def _length(value: str) -> float | None:
    if not value.strip():
        return None
    try:
        length = float(value.strip().replace(",", "."))
    except ValueError:
        length = math.nan
    if not math.isfinite(length):
        raise PatrolError("Give the length in metres as a number.", field="length_m")
    return length


@require_action(_SUPERVISE)
@require_POST
def walkway_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Save one walkway edit; bad input re-shows the form with the field named, and saves
    nothing."""
    school = _school(request.user, slug)
    form: dict[str, Any] = {name: request.POST.get(name, "") for name in _FIELDS}
    form["modes"] = request.POST.getlist("modes")
    try:
        edit = services.walkway_edit_save(
            actor=request.user,
            school=school,
            node_a=form["node_a"],
            node_b=form["node_b"],
            action=form["action"],
            # Only an addition or a change has a length: a stale one left in the form by a
            # removal must not refuse it.
            length_m=_length(form["length_m"]) if form["action"] in ("add", "change") else None,
            modes=form["modes"],
            note=form["note"],
        )
    except PatrolError as exc:
        flash_error(request, exc)
        return _page(request, school, form, error=exc, status=400)
    labels = {p.id: p.label for p in places_of(school)}
    messages.success(
        request,
        f"{edit.get_action_display()}: {pair_label(labels, edit.node_a, edit.node_b)}"
        " — saved. Shifts started from now on plan with it.",
    )
    return redirect("patrols:walkways", slug=school.slug)


@require_action(_SUPERVISE)
def walkway_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Undo an edit (asks first): the walkway is back as generated from the map."""
    school = _school(request.user, slug)
    edit = get_object_or_404(
        WalkwayEdit.objects.restrict(request.user, _SUPERVISE).filter(school=school), pk=pk
    )
    labels = {p.id: p.label for p in places_of(school)}
    label = pair_label(labels, edit.node_a, edit.node_b)
    if request.method == "POST":
        try:
            services.walkway_edit_delete(actor=request.user, edit=edit)
        except PatrolError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Undone: {label} is as generated from the map again.")
        return redirect("patrols:walkways", slug=school.slug)
    return render(
        request, "patrols/walkway_undo.html", {"school": school, "edit": edit, "label": label}
    )
