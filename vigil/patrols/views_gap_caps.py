"""The gap-cap page: a supervisor sees what each cap buys in the school's zones (measured in
the background, with progress) and chooses one, with a reason and an undo."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.patrols import gap_caps
from vigil.patrols.models import DEFAULT_GAP_CAP, GAP_CAPS, GapCapChoice, MeasureStatus
from vigil.patrols.services import PatrolError, current_gap_cap, latest_gap_cap_choice
from vigil.patrols.views import flash_error
from vigil.sites.models import School

_SUPERVISE = Action.PATROLS_SUPERVISE

# What each cap means to the person choosing it.
CAP_WORDS = {
    1.0: "The tightest round, every time: shortest waits, easiest to predict.",
    1.25: "The default: waits up to a quarter longer, room to vary the route.",
    1.5: "Waits up to half again as long; much harder to predict.",
    2.0: "Waits up to twice the tightest round; hardest to predict.",
}


def _school(user: Any, slug: str) -> School:
    school: School = get_object_or_404(School.objects.restrict(user, _SUPERVISE), slug=slug)
    return school


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:.0f} min" if minutes >= 10 else f"{minutes:.1f} min"


def _percent(share: float, digits: int) -> str:
    # A non-breaking space: "0.0 %" must not wrap in a narrow column.
    return f"{100 * share:.{digits}f}\u00a0%"


def _zone_rows(zone: dict[str, Any], current: float) -> dict[str, Any]:
    """One zone's table, in words and minutes."""
    if "error" in zone:
        return zone
    rows = []
    for point in zone["points"]:
        capture = point["capture"]
        entropy = point["entropy_h2"]
        rows.append(
            {
                "cap": point["cap"],
                "current": point["cap"] == current,
                "worst": _minutes(point["worst_gap_s"]),
                "missed": None
                if point["violation_rate"] is None
                else _percent(point["violation_rate"], 1),
                "capture": None if capture is None else _percent(capture, 0),
                "scored": f"{point['places_scored']} of {point['places_seen']}",
                "partial": point["places_scored"] < point["places_seen"],
                # e^H: the number of equally likely next stops with the same uncertainty.
                "choices": f"{math.exp(entropy):.1f}",
            }
        )
    days = sorted({point["days"] for point in zone["points"]})
    rates = [point["violation_rate"] for point in zone["points"]]
    return {
        **zone,
        # Deadlines are hard constraints, so the column is shown only when one was missed.
        "has_limits": any(rate is not None for rate in rates),
        "missed_any": any(rate for rate in rates),
        "days": f"{days[0]}" if len(days) == 1 else f"{days[0]}–{days[-1]}",
        "tour": _minutes(zone["tour_s"]),
        "attack": _minutes(zone["attack_s"]),
        "rows": rows,
    }


def _progress_context(school: School) -> dict[str, Any]:
    measurement = gap_caps.latest_measurement(school)
    stale_worker = measurement is not None and gap_caps.is_stale(measurement)
    return {
        "school": school,
        "measurement": measurement,
        "running": measurement is not None
        and measurement.status in (MeasureStatus.QUEUED, MeasureStatus.RUNNING)
        and not stale_worker,
        "stale_worker": stale_worker,
    }


def _page(
    request: HttpRequest,
    school: School,
    form: dict[str, str] | None = None,
    *,
    error: PatrolError | None = None,
    status: int = 200,
) -> HttpResponse:
    latest = latest_gap_cap_choice(school)
    current = current_gap_cap(school)
    context = _progress_context(school)
    measurement = context["measurement"]
    done = measurement is not None and measurement.status == MeasureStatus.DONE
    context.update(
        current=current,
        latest=latest,
        days=gap_caps.MEASURED_DAYS,
        caps=[(cap, f"{cap:g}", CAP_WORDS[cap]) for cap in GAP_CAPS],
        history=GapCapChoice.objects.restrict(request.user, _SUPERVISE)
        .filter(school=school)
        .select_related("author")[:20],
        zones=[_zone_rows(z, current) for z in measurement.zones] if done else [],
        # The map changed since the measurement (a walkway edit, a new place).
        outdated=done and measurement.fingerprint != gap_caps.fingerprint(gap_caps.zones(school)),
        form=form or {"gap_cap": f"{current:g}", "note": ""},
        error_field=error.field if error else None,
        error_message=error.message if error else "",
    )
    return render(request, "patrols/gap_cap.html", context, status=status)


@require_action(_SUPERVISE)
@never_cache
def gap_cap(request: HttpRequest, slug: str) -> HttpResponse:
    """The current cap, the choice form, the measured trade-off and the history."""
    return _page(request, _school(request.user, slug))


@require_action(_SUPERVISE)
@require_POST
def gap_cap_choose(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the choice; bad input re-shows the form with the field named and saves nothing."""
    school = _school(request.user, slug)
    form = {name: request.POST.get(name, "") for name in ("gap_cap", "note")}
    try:
        choice = gap_caps.choose(
            actor=request.user, school=school, gap_cap=form["gap_cap"], note=form["note"]
        )
    except PatrolError as exc:
        flash_error(request, exc)
        return _page(request, school, form, error=exc, status=400)
    messages.success(
        request, f"Saved: {choice.gap_cap:g} ×. Shifts started from now on plan with it."
    )
    return redirect("patrols:gap_cap", slug=school.slug)


@require_action(_SUPERVISE)
@require_POST
def gap_cap_measure(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue a measurement of every zone at every cap (the page shows its progress)."""
    school = _school(request.user, slug)
    try:
        gap_caps.request_measurement(actor=request.user, school=school)
    except PatrolError as exc:
        messages.error(request, exc.message)
    return redirect("patrols:gap_cap", slug=school.slug)


@require_action(_SUPERVISE)
@never_cache
def gap_cap_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """The measurement's progress (polled by htmx); when it has finished, a full-page reload
    shows the tables."""
    school = _school(request.user, slug)
    context = _progress_context(school)
    response = render(request, "patrols/_gap_cap_progress.html", context)
    if not context["running"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_action(_SUPERVISE)
def gap_cap_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Undo the latest choice (asks first): the cap before it applies again."""
    school = _school(request.user, slug)
    choice = get_object_or_404(
        GapCapChoice.objects.restrict(request.user, _SUPERVISE).filter(school=school), pk=pk
    )
    if request.method == "POST":
        try:
            cap = gap_caps.undo(actor=request.user, choice=choice)
        except PatrolError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Undone: shifts started from now on plan with {cap:g} ×.")
        return redirect("patrols:gap_cap", slug=school.slug)
    history = list(GapCapChoice.objects.filter(school=school).order_by("-created", "-pk")[:2])
    latest = bool(history) and history[0].pk == choice.pk
    before = history[1].gap_cap if latest and len(history) > 1 else DEFAULT_GAP_CAP
    return render(
        request,
        "patrols/gap_cap_undo.html",
        {"school": school, "choice": choice, "before": before, "latest": latest},
    )
