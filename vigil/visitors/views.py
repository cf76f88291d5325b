"""Pages of visitor management: the desk, check-in, screening review, badge, sign-out,
the on-campus roster, alerts for officers, and the lists screened against."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action, has_action, scope_for
from vigil.sites.models import School
from vigil.visitors import badge, registry_csv, selectors, services
from vigil.visitors.choices import Decision, VisitorKind, VisitStatus
from vigil.visitors.forms import (
    CheckInForm,
    DecisionForm,
    PreRegistrationForm,
    ReasonForm,
    RegistryImportForm,
    SignOutForm,
    WatchEntryForm,
)
from vigil.visitors.models import (
    PreRegistration,
    RegistryList,
    ScreeningCandidate,
    Visit,
    WatchEntry,
)

# How often the officers' alert page asks for new alerts (htmx polling).
ALERT_POLL_SECONDS = 10


def _school(request: HttpRequest, slug: str, action: Action) -> School:
    return get_object_or_404(selectors.schools_for(request.user, action), slug=slug)


def _visit(request: HttpRequest, pk: int, action: Action) -> Visit:
    return get_object_or_404(selectors.visits_for(request.user, action), pk=pk)


def _allows(request: HttpRequest, action: Action, school_id: int) -> bool:
    return scope_for(request.user, action).allows_school(school_id)


def _section_links(request: HttpRequest) -> dict[str, bool]:
    return {
        "can_alerts": has_action(request.user, Action.VISITORS_ALERTS),
        "can_lists": has_action(request.user, Action.VISITORS_LISTS_MANAGE),
    }


def _file(field: Any, content_type: str | None = None) -> HttpResponse:
    if not field:
        raise Http404("No file.")
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    kind = content_type or mimetypes.guess_type(field.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


# --- the desk -------------------------------------------------------------------------------


@require_action(Action.VISITORS_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    schools = list(selectors.schools_for(request.user, Action.VISITORS_VIEW))
    return render(
        request,
        "visitors/home.html",
        {
            "schools": [(s, selectors.on_campus(request.user, s).count()) for s in schools],
        },
    )


@require_action(Action.VISITORS_VIEW)
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    school = _school(request, slug, Action.VISITORS_VIEW)
    query = request.GET.get("q", "").strip()
    today = services.local(school, timezone.now()).date()
    can_decide = _allows(request, Action.VISITORS_SCREENING_DECIDE, school.pk)
    return render(
        request,
        "visitors/desk.html",
        {
            "school": school,
            "query": query,
            "visits": selectors.search_on_campus(request.user, school, query)
            if query
            else selectors.on_campus(request.user, school),
            "reviews": selectors.pending_reviews(request.user, school) if can_decide else [],
            "expected": selectors.expected_today(request.user, school, today),
            "left_over": selectors.still_signed_in(
                request.user, school, selectors.start_of_day(school, today)
            ).count(),
            "can_check_in": _allows(request, Action.VISITORS_CHECKIN, school.pk),
            "can_decide": can_decide,
            "now": timezone.now(),
            **_section_links(request),
        },
    )


@never_cache
@require_action(Action.VISITORS_CHECKIN)
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    school = _school(request, slug, Action.VISITORS_CHECKIN)
    kiosk = request.GET.get("kiosk") == "1"
    now = timezone.now()
    today = services.local(school, now).date()
    pre: PreRegistration | None = None
    if request.GET.get("pre"):
        pre = get_object_or_404(
            selectors.expected_today(request.user, school, today), pk=request.GET["pre"]
        )
    initial: dict[str, Any] = {}
    if pre is not None:
        initial = {
            "id_source": "manual",
            "kind": pre.kind,
            "purpose": pre.purpose,
            "destination": pre.host,
            "family_name": pre.family_name,
            "given_names": pre.given_names,
            "date_of_birth": pre.date_of_birth,
        }
    form = CheckInForm(request.POST or None, request.FILES or None, today=today, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.identity is not None:
            data = form.cleaned_data
            photo = data.get("photo")
            try:
                result = services.visit_check_in(
                    actor=request.user,
                    school=school,
                    identity=form.identity,
                    details=services.VisitDetails(
                        purpose=data["purpose"],
                        destination=data["destination"],
                        expected_minutes=data["expected_minutes"],
                        kind=VisitorKind(data["kind"]),
                    ),
                    now=now,
                    photo=photo if isinstance(photo, UploadedFile) else None,
                    preregistration=pre,
                )
            except services.VisitorError as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                visit = result.visit
                if kiosk:  # the visitor is at the screen: nothing about their ID on it
                    return redirect(reverse("visitors:kiosk_done", args=[visit.pk]))
                for warning in form.warnings:
                    messages.warning(request, f"ID: {warning}.")
                if visit.status == VisitStatus.REVIEW and _allows(
                    request, Action.VISITORS_SCREENING_DECIDE, school.pk
                ):
                    return redirect("visitors:review", visit.pk)
                return redirect(visit)
    return render(
        request,
        "visitors/kiosk.html" if kiosk else "visitors/check_in.html",
        {"school": school, "form": form, "pre": pre, "kiosk": kiosk},
        status=status,
    )


@require_action(Action.VISITORS_CHECKIN)
def kiosk_done(request: HttpRequest, pk: int) -> HttpResponse:
    """What the visitor sees on the kiosk: the same calm words whatever screening found."""
    visit = _visit(request, pk, Action.VISITORS_CHECKIN)
    return render(
        request,
        "visitors/kiosk_done.html",
        {"visit": visit, "school": visit.school},
    )


@require_action(Action.VISITORS_VIEW)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, Action.VISITORS_VIEW)
    return _render_visit(request, visit)


def _render_visit(
    request: HttpRequest,
    visit: Visit,
    *,
    reason_form: ReasonForm | None = None,
    revealed: bool = False,
    status: int = 200,
) -> HttpResponse:
    school_id = visit.school_id
    return render(
        request,
        "visitors/visit.html",
        {
            "visit": visit,
            "school": visit.school,
            "candidates": visit.candidates.count(),
            "pending": visit.candidates.filter(decision=Decision.PENDING).count(),
            "can_check_in": _allows(request, Action.VISITORS_CHECKIN, school_id),
            "can_decide": _allows(request, Action.VISITORS_SCREENING_DECIDE, school_id),
            "can_view_id": _allows(request, Action.VISITORS_VIEW_ID, school_id),
            "reason_form": reason_form or ReasonForm(),
            "revealed": revealed,
            "now": timezone.now(),
        },
        status=status,
    )


@never_cache
@require_POST
@require_action(Action.VISITORS_VIEW_ID)
def visit_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The ID fields of a visit: a sensitive read, with a reason, logged."""
    visit = _visit(request, pk, Action.VISITORS_VIEW_ID)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, reason_form=form, status=400)
    audit.record(audit.AuditAction.SENSITIVE_READ, obj=visit, reason=form.cleaned_data["reason"])
    return _render_visit(request, visit, reason_form=form, revealed=True)


@require_action(Action.VISITORS_VIEW)
def visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(_visit(request, pk, Action.VISITORS_VIEW).photo)


# --- screening ------------------------------------------------------------------------------


@never_cache
@require_action(Action.VISITORS_SCREENING_DECIDE)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, Action.VISITORS_SCREENING_DECIDE)
    return _render_review(request, visit)


def _render_review(
    request: HttpRequest,
    visit: Visit,
    *,
    failed: tuple[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    candidates = list(selectors.candidates_for(request.user, visit))
    # The review shows the visitor's date of birth beside each entry's: a sensitive read.
    if request.method == "GET" and candidates:
        audit.record(
            audit.AuditAction.SENSITIVE_READ,
            obj=visit,
            reason=f"screening review ({len(candidates)} candidate(s))",
        )
    rows = [
        {
            "candidate": c,
            "form": failed[1] if failed and failed[0] == c.pk else DecisionForm(prefix=f"c{c.pk}"),
        }
        for c in candidates
    ]
    return render(
        request,
        "visitors/review.html",
        {"visit": visit, "school": visit.school, "rows": rows},
        status=status,
    )


@require_POST
@require_action(Action.VISITORS_SCREENING_DECIDE)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        ScreeningCandidate.objects.restrict(request.user, Action.VISITORS_SCREENING_DECIDE), pk=pk
    )
    visit = _visit(request, candidate.visit_id, Action.VISITORS_SCREENING_DECIDE)
    form = DecisionForm(request.POST, prefix=f"c{candidate.pk}")
    if form.is_valid():
        try:
            services.screening_decide(
                actor=request.user,
                candidate=candidate,
                decision=Decision(form.cleaned_data["decision"]),
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except services.VisitorError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            visit.refresh_from_db()
            if visit.status == VisitStatus.REVIEW:
                return redirect("visitors:review", visit.pk)
            if visit.status == VisitStatus.HELD:
                messages.warning(
                    request,
                    "Officers have been alerted silently. Keep the visitor waiting calmly; "
                    "do not issue a badge or confront them.",
                )
            else:
                messages.success(request, "Screening cleared. The badge can be printed.")
            return redirect(visit)
    return _render_review(request, visit, failed=(candidate.pk, form), status=400)


# --- badge and sign-out ---------------------------------------------------------------------


@require_action(Action.VISITORS_CHECKIN)
def visit_badge(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, Action.VISITORS_CHECKIN)
    if visit.status != VisitStatus.ADMITTED:
        return render(
            request,
            "visitors/no_badge.html",
            {"visit": visit, "school": visit.school},
            status=409,
        )
    size: badge.BadgeSize = "a7" if request.GET.get("size") == "a7" else "label"
    url = request.build_absolute_uri(
        reverse("visitors:sign_out_qr", args=[badge.sign_out_token(visit)])
    )
    pdf = badge.render(
        visit,
        school_name=visit.school.name,
        sign_out_url=url,
        checked_in_local=services.local(visit.school, visit.checked_in_at),
        expires_local=services.local(visit.school, visit.badge_expires_at),
        size=size,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badge-{visit.pk}-{size}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@require_action(Action.VISITORS_CHECKIN)
def sign_out(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, Action.VISITORS_CHECKIN)
    form = SignOutForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.visit_sign_out(actor=request.user, visit=visit, now=timezone.now(), note=note)
    except services.VisitorError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{visit.full_name.title()} signed out.")
    return redirect(request.POST.get("next") or reverse("visitors:desk", args=[visit.school.slug]))


@never_cache
@require_action(Action.VISITORS_CHECKIN)
def sign_out_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The URL in the badge's QR code: scanned at the desk, it signs the visitor out."""
    visit_pk = badge.visit_id_from_token(token)
    if visit_pk is None:
        raise Http404("This is not a Vigil badge code.")
    visit = _visit(request, visit_pk, Action.VISITORS_CHECKIN)
    done = False
    if request.method == "POST":
        if visit.signed_out_at is None:
            services.visit_sign_out(actor=request.user, visit=visit, now=timezone.now())
            visit.refresh_from_db()
        done = True
    return render(
        request,
        "visitors/sign_out_qr.html",
        {"visit": visit, "school": visit.school, "done": done},
    )


@require_action(Action.VISITORS_VIEW)
def on_campus(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is on campus now, printable for an evacuation roll call."""
    school = _school(request, slug, Action.VISITORS_VIEW)
    return render(
        request,
        "visitors/on_campus.html",
        {
            "school": school,
            "visits": selectors.on_campus(request.user, school),
            "now": timezone.now(),
        },
    )


@require_action(Action.VISITORS_VIEW)
def still_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Visitors from earlier days who never signed out: for follow-up."""
    school = _school(request, slug, Action.VISITORS_VIEW)
    today = services.local(school, timezone.now()).date()
    return render(
        request,
        "visitors/still_in.html",
        {
            "school": school,
            "visits": selectors.still_signed_in(
                request.user, school, selectors.start_of_day(school, today)
            ),
            "can_check_in": _allows(request, Action.VISITORS_CHECKIN, school.pk),
            "now": timezone.now(),
        },
    )


# --- alerts ---------------------------------------------------------------------------------


@require_action(Action.VISITORS_ALERTS)
def alerts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "visitors/alerts.html",
        {"alerts": selectors.alerts_for(request.user)[:50], "poll": ALERT_POLL_SECONDS},
    )


@require_action(Action.VISITORS_ALERTS)
def alerts_feed(request: HttpRequest) -> HttpResponse:
    return render(
        request, "visitors/_alerts.html", {"alerts": selectors.alerts_for(request.user)[:50]}
    )


@require_POST
@require_action(Action.VISITORS_ALERTS)
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(selectors.alerts_for(request.user), pk=pk)
    services.alert_acknowledge(actor=request.user, alert=alert, now=timezone.now())
    return redirect("visitors:alerts")


# --- lists ----------------------------------------------------------------------------------


@require_action(Action.VISITORS_LISTS_MANAGE)
def lists(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "visitors/lists.html",
        {
            "entries": selectors.watch_entries_for(request.user).order_by(
                "kind", "family_name", "given_names"
            ),
            "registries": selectors.registries_for(request.user).order_by("name"),
            "today": timezone.localdate(),
            "district_wide": scope_for(request.user, Action.VISITORS_LISTS_MANAGE).district,
        },
    )


def _watch_form(request: HttpRequest, instance: WatchEntry | None) -> WatchEntryForm:
    scope = scope_for(request.user, Action.VISITORS_LISTS_MANAGE)
    return WatchEntryForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        schools=selectors.schools_for(request.user, Action.VISITORS_LISTS_MANAGE),
        district_wide=scope.district,
        today=timezone.localdate(),
    )


def _watch_save(request: HttpRequest, instance: WatchEntry | None) -> HttpResponse:
    form = _watch_form(request, instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            entry = form.save(commit=False)
            if entry.created_by_id is None:
                entry.created_by = request.user
            entry.save()
            messages.success(request, f"{entry} saved.")
            return redirect("visitors:lists")
        status = 400
    return render(
        request, "visitors/watch_form.html", {"form": form, "entry": instance}, status=status
    )


@require_action(Action.VISITORS_LISTS_MANAGE)
def watch_new(request: HttpRequest) -> HttpResponse:
    return _watch_save(request, None)


@require_action(Action.VISITORS_LISTS_MANAGE)
def watch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.watch_entries_for(request.user), pk=pk)
    return _watch_save(request, entry)


@require_action(Action.VISITORS_LISTS_MANAGE)
def watch_notice(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.watch_entries_for(request.user), pk=pk)
    return _file(entry.notice)


@require_action(Action.VISITORS_LISTS_MANAGE)
def registry_import(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user, Action.VISITORS_LISTS_MANAGE)
    form = RegistryImportForm(
        request.POST or None,
        request.FILES or None,
        registries=selectors.registries_for(request.user),
        schools=selectors.schools_for(request.user, Action.VISITORS_LISTS_MANAGE),
        district_wide=scope.district,
    )
    errors: list[registry_csv.LineError] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            rows, errors = registry_csv.read(
                upload.read(), today=timezone.localdate(), photos=data["photos"]
            )
            if not errors:
                with transaction.atomic():
                    registry = data["registry"] or RegistryList.objects.create(
                        name=data["name"], school=data["school"], source=data["source"]
                    )
                    registry = services.registry_import(
                        actor=request.user, registry=registry, rows=rows, now=timezone.now()
                    )
                messages.success(
                    request,
                    f"{registry}: {registry.entry_count} entries imported "
                    f"(version {registry.version}).",
                )
                return redirect("visitors:lists")
    return render(
        request, "visitors/registry_import.html", {"form": form, "errors": errors}, status=status
    )


@require_action(Action.VISITORS_LISTS_MANAGE)
def preregistrations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "visitors/preregistrations.html",
        {"items": selectors.preregistrations_for(request.user), "today": timezone.localdate()},
    )


def _prereg_save(request: HttpRequest, instance: PreRegistration | None) -> HttpResponse:
    form = PreRegistrationForm(
        request.POST or None,
        instance=instance,
        schools=selectors.schools_for(request.user, Action.VISITORS_LISTS_MANAGE),
        today=timezone.localdate(),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            item = form.save()
            messages.success(request, f"{item} saved.")
            return redirect("visitors:preregistrations")
        status = 400
    return render(
        request, "visitors/prereg_form.html", {"form": form, "item": instance}, status=status
    )


@require_action(Action.VISITORS_LISTS_MANAGE)
def prereg_new(request: HttpRequest) -> HttpResponse:
    return _prereg_save(request, None)


@require_action(Action.VISITORS_LISTS_MANAGE)
def prereg_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.preregistrations_for(request.user), pk=pk)
    return _prereg_save(request, item)


@require_POST
@require_action(Action.VISITORS_LISTS_MANAGE)
def prereg_approve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.preregistrations_for(request.user), pk=pk)
    services.preregistration_approve(actor=request.user, preregistration=item, now=timezone.now())
    messages.success(request, f"{item} approved.")
    return redirect("visitors:preregistrations")
