"""The officer's patrol pages (phone first): start a shift, the next stop, check in by tag,
the stop's checklist, called away, end; the offline queue's sync; printable tag sheets."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action, has_action, scope_for
from vigil.patrols import activity_pdf, checklist, selectors, services, tag_sheet, tags
from vigil.patrols.models import Finding, PatrolMode, Scan, Shift, WorkOrder
from vigil.patrols.services import PatrolError
from vigil.sites.models import Building, School


def _walk_schools(user: Any) -> list[School]:
    return list(School.objects.restrict(user, Action.PATROLS_WALK).order_by("name"))


def flash_error(request: HttpRequest, exc: PatrolError) -> None:
    """Show a refused step's message, prefixed by the form field it names."""
    prefix = f"{exc.field}: " if exc.field else ""
    messages.error(request, f"{prefix}{exc.message}")


@require_action(Action.PATROLS_WALK)
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """The next stop while on shift; otherwise the start-of-shift form."""
    shift = services.active_shift(request.user)
    if shift is None:
        schools = _walk_schools(request.user)
        buildings = Building.objects.filter(school__in=schools).order_by("school__name", "name")
        return render(
            request,
            "patrols/start.html",
            {
                "schools": schools,
                "buildings": buildings,
                "modes": PatrolMode.choices,
                "hours": services.SHIFT_HOURS,
            },
        )
    stop = services.next_stop(shift)
    last_scan = shift.scans.order_by("-occurred_at", "-pk").first()
    return render(
        request,
        "patrols/next_stop.html",
        {
            "shift": shift,
            "stop": stop,
            "checks": checklist.items_for(stop.kind, has_camera=services.has_camera(stop.node)),
            "scans": shift.scans.count(),
            "last_scan": last_scan,
            "manual_token": tags.sign(shift.school_id, stop.node),
            "video": shift.mode == PatrolMode.VIDEO,
            "client_id": uuid.uuid4().hex,
            "now": timezone.now(),
            "route": services.walking_route(shift, last_scan, request.user),
            "tile_url": settings.VIGIL_TILE_URL,
        },
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_action(Action.PATROLS_WALK)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    school = (
        School.objects.restrict(request.user, Action.PATROLS_WALK)
        .filter(pk=_int(request.POST.get("school")) or 0)
        .first()
    )
    if school is None:
        messages.error(request, "school: choose a school you patrol.")
        return redirect("patrols:home")
    building_id = _int(request.POST.get("building"))
    building = Building.objects.filter(pk=building_id).first() if building_id else None
    try:
        services.shift_start(
            actor=request.user,
            school=school,
            building=building,
            mode=request.POST.get("mode", ""),
            hours=_int(request.POST.get("hours")) or 0,
        )
    except PatrolError as exc:
        flash_error(request, exc)
    return redirect("patrols:home")


def _my_shift(request: HttpRequest) -> Shift:
    shift = services.active_shift(request.user)
    if shift is None:
        raise Http404("You are not on a shift.")
    return shift


@require_action(Action.PATROLS_WALK)
@require_POST
def away(request: HttpRequest) -> HttpResponse:
    services.called_away(actor=request.user, shift=_my_shift(request))
    messages.info(request, "Called away: your next stop is planned from where you check in next.")
    return redirect("patrols:home")


@require_action(Action.PATROLS_WALK)
@require_POST
def end(request: HttpRequest) -> HttpResponse:
    services.shift_end(actor=request.user, shift=_my_shift(request))
    messages.success(request, "Shift ended.")
    return redirect("patrols:home")


@require_action(Action.PATROLS_WALK)
@never_cache
def tag(request: HttpRequest, token: str) -> HttpResponse:
    """What a checkpoint's QR code or NFC tag opens: a check-in the phone confirms with its
    own time, id and (when allowed) position. GET changes nothing."""
    try:
        school_id, node = tags.read(token)
    except tags.TagError as exc:
        return render(request, "patrols/tag_invalid.html", {"message": str(exc)}, status=400)
    if not scope_for(request.user, Action.PATROLS_WALK).allows_school(school_id):
        raise Http404("No such checkpoint.")
    shift = services.active_shift(request.user)
    label = ""
    if shift is not None:
        label = services.stop_labels(shift).get(node, "")
    return render(
        request,
        "patrols/tag.html",
        {
            "token": token,
            "shift": shift,
            "label": label,
            "method": request.GET.get("via")
            if request.GET.get("via") in ("nfc", "manual")
            else "qr",
            "client_id": uuid.uuid4().hex,
            "now": timezone.now(),
        },
    )


def _when(value: Any, field: str) -> datetime:
    parsed = parse_datetime(str(value or ""))
    if parsed is None:
        raise PatrolError("The phone's time is missing or not a time.", field=field)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _record(user: Any, data: Any) -> services.ScanOutcome:
    return services.scan_record(
        actor=user,
        token=str(data.get("token", "")),
        client_id=str(data.get("client_id", "")),
        occurred_at=_when(data.get("occurred_at"), "occurred_at"),
        method=str(data.get("method") or "qr"),
        latitude=_float(data.get("latitude")),
        longitude=_float(data.get("longitude")),
        accuracy_m=_float(data.get("accuracy_m")),
    )


@require_action(Action.PATROLS_WALK)
@require_POST
def checkin(request: HttpRequest) -> HttpResponse:
    try:
        outcome = _record(request.user, request.POST)
    except PatrolError as exc:
        flash_error(request, exc)
        return redirect("patrols:home")
    scan = outcome.scan
    messages.success(
        request, f"Checked in at {scan.label} at {timezone.localtime(scan.occurred_at):%H:%M}."
    )
    return redirect("patrols:check", node=scan.node)


@require_action(Action.PATROLS_WALK)
@never_cache
def check(request: HttpRequest, node: str) -> HttpResponse:
    """The checklist of the stop just checked in at; failures become findings."""
    shift = _my_shift(request)
    label = services.stop_labels(shift).get(node)
    if label is None:
        raise Http404("Not a stop of this shift.")
    kind = services.stop_kind(node)
    items = checklist.items_for(kind, has_camera=services.has_camera(node))
    if request.method == "POST":
        answers = {item.key: request.POST.get(item.key, "") for item in items}
        try:
            outcome = services.checklist_submit(
                actor=request.user,
                shift=shift,
                node=node,
                answers=answers,
                client_id=request.POST.get("client_id", ""),
                occurred_at=_when(request.POST.get("occurred_at"), "occurred_at"),
                note=request.POST.get("note", ""),
                photo=request.FILES.get("photo"),
            )
        except PatrolError as exc:
            flash_error(request, exc)
        else:
            record = messages.warning if outcome.findings else messages.success
            record(request, _checklist_message(label, outcome))
            return redirect("patrols:home")
    return render(
        request,
        "patrols/check.html",
        {
            "shift": shift,
            "node": node,
            "label": label,
            "items": items,
            "client_id": uuid.uuid4().hex,
            "now": timezone.now(),
        },
    )


def _checklist_message(label: str, outcome: services.ChecklistOutcome) -> str:
    if outcome.findings:
        found = len(outcome.findings)
        return f"{label}: {found} finding(s) recorded; facilities get a work order."
    return f"{label}: all in order."


def _answers(raw: str | None) -> dict[str, str]:
    try:
        answers = json.loads(raw or "")
    except ValueError:
        answers = None
    if not isinstance(answers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
    ):
        raise PatrolError("The answers are missing or not readable.", field="answers")
    return answers


def _refused(client_id: str, exc: PatrolError, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"client_id": client_id, "status": "refused", "field": exc.field, "message": exc.message},
        status=status,
    )


@require_action(Action.PATROLS_WALK)
@require_POST
def sync_checklist(request: HttpRequest) -> JsonResponse:
    """One stop's checklist from the phone (multipart: the answers as JSON, the note, the
    photo, the shift and stop, the phone's id and time of it), sent as it is saved or later
    from the phone's offline queue. The answer says whether it was stored or was stored before
    (either way the phone drops it) or, naming the field, why it was refused."""
    client_id = str(request.POST.get("client_id", ""))
    # Only the officer's own shifts, and only at schools they still patrol.
    shift = (
        Shift.objects.restrict(request.user, Action.PATROLS_WALK)
        .filter(pk=_int(request.POST.get("shift")) or 0, officer_id=request.user.pk)
        .select_related("school")
        .first()
    )
    if shift is None:
        return _refused(client_id, PatrolError("Not a shift of yours.", field="shift"), 404)
    node = str(request.POST.get("node", ""))
    try:
        outcome = services.checklist_submit(
            actor=request.user,
            shift=shift,
            node=node,
            answers=_answers(request.POST.get("answers")),
            client_id=client_id,
            occurred_at=_when(request.POST.get("occurred_at"), "occurred_at"),
            note=str(request.POST.get("note", "")),
            photo=request.FILES.get("photo"),
        )
    except PatrolError as exc:
        return _refused(client_id, exc)
    label = services.stop_labels(shift).get(node, node)
    return JsonResponse(
        {
            "client_id": client_id,
            "status": "duplicate" if outcome.duplicate else "stored",
            "findings": len(outcome.findings),
            "message": _checklist_message(label, outcome),
        }
    )


@require_action(Action.PATROLS_WALK)
@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """Replay of the phone's offline queue: each check-in with its own id and time; the answer
    says, per item, whether it was stored, was a duplicate, or why it was refused."""
    try:
        items = json.loads(request.body or b"[]")
    except ValueError:
        return JsonResponse(
            {"error": {"code": "bad_json", "message": "Not JSON.", "field": None}}, status=400
        )
    if not isinstance(items, list) or len(items) > 500:
        return JsonResponse(
            {
                "error": {
                    "code": "bad_queue",
                    "message": "Send a list of at most 500 check-ins.",
                    "field": None,
                }
            },
            status=400,
        )
    results: list[dict[str, Any]] = []
    # Replayed in the order they happened, whatever order the phone sent them in.
    ordered = sorted(
        (i for i in items if isinstance(i, dict)), key=lambda i: str(i.get("occurred_at", ""))
    )
    for item in ordered:
        try:
            outcome = _record(request.user, item)
        except PatrolError as exc:
            results.append(
                {
                    "client_id": item.get("client_id"),
                    "status": "refused",
                    "field": exc.field,
                    "message": exc.message,
                }
            )
        else:
            results.append(
                {
                    "client_id": item.get("client_id"),
                    "status": "duplicate" if outcome.duplicate else "stored",
                }
            )
    return JsonResponse({"results": results})


@require_action(Action.PATROLS_SUPERVISE)
def tag_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable QR tags of one building's checkpoints (areas and exterior doors)."""
    building = get_object_or_404(
        Building.objects.restrict(request.user, Action.PATROLS_SUPERVISE).select_related("school"),
        pk=pk,
    )
    pdf = tag_sheet.render(building, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="tags-{building.school.slug}-{building.code}.pdf"'
    )
    return response


@require_action(Action.PATROLS_WALK)
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows with no signal; it queues a tag's check-in on the
    phone. Static: it holds no data of the user, so caching it is harmless."""
    return render(request, "patrols/offline.html")


def service_worker(request: HttpRequest) -> HttpResponse:
    """The offline worker, served from /patrol/ so its scope covers the patrol pages."""
    from django.contrib.staticfiles import finders

    path = finders.find("patrols/sw.js")
    if not path:
        raise Http404("no service worker")
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# --- the supervisor's pages ----------------------------------------------------------------


def _school(user: Any, action: Action, slug: str) -> School:
    school: School = get_object_or_404(School.objects.restrict(user, action), slug=slug)
    return school


@require_action(Action.PATROLS_SUPERVISE)
@never_cache
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers on shift (last check-in; next stop hidden unless asked for), open findings and
    work orders of one school."""
    school = _school(request.user, Action.PATROLS_SUPERVISE, slug)
    shifts = list(selectors.active_shifts(request.user, school))
    last = {
        scan.shift_id: scan
        for scan in Scan.objects.filter(shift__in=shifts).order_by("occurred_at", "pk")
    }
    revealed = request.session.pop("patrol_revealed", None)
    return render(
        request,
        "patrols/board.html",
        {
            "school": school,
            "rows": [(shift, last.get(shift.pk)) for shift in shifts],
            "revealed": revealed,
            "findings": selectors.open_findings(request.user, school)[:50],
            "work_orders": selectors.open_work_orders(request.user, school)[:50]
            if has_action(request.user, Action.WORK_ORDERS_MANAGE)
            else [],
        },
    )


@require_action(Action.PATROLS_SUPERVISE)
@require_POST
def reveal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show one officer's next stop to a supervisor who states why (audited): the stop is
    hidden by default because a plan that is seen can leak."""
    school = _school(request.user, Action.PATROLS_SUPERVISE, slug)
    shift = get_object_or_404(selectors.active_shifts(request.user, school), pk=pk)
    reason = request.POST.get("reason", "").strip()
    if len(reason) < 8:
        messages.error(request, "reason: say why you need to see the next stop (8+ characters).")
        return redirect("patrols:board", slug=slug)
    audit.record(
        audit.AuditAction.SENSITIVE_READ,
        obj=shift,
        reason=f"next stop revealed: {reason}"[:500],
    )
    stop = services.next_stop(shift)
    request.session["patrol_revealed"] = {"shift": shift.pk, "label": stop.label}
    return redirect("patrols:board", slug=slug)


@require_action(Action.PATROLS_SUPERVISE)
def coverage(request: HttpRequest, slug: str) -> HttpResponse:
    """Every stop's worst wait between visits against its deadline, on one day."""
    school = _school(request.user, Action.PATROLS_SUPERVISE, slug)
    day = timezone.localdate()
    if request.GET.get("day"):
        try:
            day = datetime.strptime(request.GET["day"], "%Y-%m-%d").date()
        except ValueError:
            messages.error(request, "day: give a date as YYYY-MM-DD.")
    rows = selectors.coverage(request.user, school, day)
    return render(
        request,
        "patrols/coverage.html",
        {
            "school": school,
            "day": day,
            "rows": rows,
            "missed": [row for row in rows if row.missed],
            "map_data": selectors.coverage_map(request.user, school, rows),
            "tile_url": settings.VIGIL_TILE_URL,
        },
    )


@require_action(Action.WORK_ORDERS_MANAGE)
@require_POST
def work_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        WorkOrder.objects.restrict(request.user, Action.WORK_ORDERS_MANAGE).select_related(
            "school"
        ),
        pk=pk,
    )
    try:
        services.work_order_advance(
            actor=request.user,
            order=order,
            to=request.POST.get("to", ""),
            assigned_to=request.POST.get("assigned_to", ""),
        )
    except PatrolError as exc:
        flash_error(request, exc)
    target = "patrols:board" if has_action(request.user, Action.PATROLS_SUPERVISE) else None
    if target:
        return redirect(target, slug=order.school.slug)
    return redirect("patrols:findings", slug=order.school.slug)


@require_action(Action.FINDINGS_VIEW)
def findings(request: HttpRequest, slug: str) -> HttpResponse:
    """A school's open findings and their work orders (school administrators, facilities)."""
    school = _school(request.user, Action.FINDINGS_VIEW, slug)
    return render(
        request,
        "patrols/findings.html",
        {
            "school": school,
            "findings": selectors.open_findings(request.user, school)[:200],
            "can_manage": scope_for(request.user, Action.WORK_ORDERS_MANAGE).allows_school(
                school.pk
            ),
        },
    )


@require_action(Action.FINDINGS_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    """The schools whose patrol pages the user may open: board, coverage, findings."""
    schools = School.objects.restrict(request.user, Action.FINDINGS_VIEW).order_by("name")
    supervise = scope_for(request.user, Action.PATROLS_SUPERVISE)
    return render(
        request,
        "patrols/overview.html",
        {"rows": [(school, supervise.allows_school(school.pk)) for school in schools]},
    )


def _week_start(request: HttpRequest) -> date:
    try:
        chosen = datetime.strptime(request.GET.get("week", ""), "%Y-%m-%d").date()
    except ValueError:
        chosen = timezone.localdate()
    return chosen - timedelta(days=chosen.weekday())  # weeks start on Monday


@require_action(Action.PATROLS_SUPERVISE)
def week(request: HttpRequest, slug: str) -> HttpResponse:
    """The week of one school: every stop's worst day on the map, how unpredictable the walked
    routes were, per officer, and the exterior-door sweep per building; each officer's daily
    activity reports."""
    school = _school(request.user, Action.PATROLS_SUPERVISE, slug)
    start = _week_start(request)
    coverage = selectors.week_coverage(request.user, school, start)
    officers = (
        Shift.objects.restrict(request.user, Action.PATROLS_SUPERVISE)
        .filter(
            school=school,
            started_at__date__gte=start,
            started_at__date__lt=start + timedelta(days=7),
        )
        .values_list("officer_id", "officer__first_name", "officer__last_name", "started_at__date")
        .distinct()
        .order_by("started_at__date", "officer__last_name")
    )
    return render(
        request,
        "patrols/week.html",
        {
            "school": school,
            "start": start,
            "end": start + timedelta(days=6),
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "rows": selectors.predictability(request.user, school, start),
            "sweep": selectors.door_sweep(school, start),
            "missed": [row for row in coverage if row.missed],
            "map_data": selectors.coverage_map(request.user, school, coverage),
            "tile_url": settings.VIGIL_TILE_URL,
            "habit_share": selectors.HABIT_SHARE,
            "reports": list(officers),
        },
    )


@require_action(Action.PATROLS_SUPERVISE)
def activity(request: HttpRequest, slug: str, officer: int, day: str) -> HttpResponse:
    """One officer's daily activity report (PDF)."""
    school = _school(request.user, Action.PATROLS_SUPERVISE, slug)
    try:
        chosen = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError as exc:
        raise Http404("Not a date.") from exc
    shifts = list(
        Shift.objects.restrict(request.user, Action.PATROLS_SUPERVISE)
        .filter(school=school, officer_id=officer, started_at__date=chosen)
        .select_related("officer", "building")
        .order_by("started_at")
    )
    if not shifts:
        raise Http404("No shift of this officer on that day.")
    pdf = activity_pdf.render(
        school=school.name,
        officer=str(shifts[0].officer),
        day=chosen.isoformat(),
        shifts=shifts,
        scans=list(Scan.objects.filter(shift__in=shifts).order_by("occurred_at", "pk")),
        findings=list(
            Finding.objects.filter(shift__in=shifts).select_related("photo").order_by("occurred_at")
        ),
        generated_by=str(request.user),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="activity-{slug}-{officer}-{day}.pdf"'
    return response


@require_action(Action.PATROLS_WALK)
@require_POST
def attest(request: HttpRequest) -> HttpResponse:
    """A camera view of a video patrol watched, with what was seen."""
    shift = _my_shift(request)
    try:
        outcome = services.camera_attest(
            actor=request.user,
            shift=shift,
            node=request.POST.get("node", ""),
            client_id=request.POST.get("client_id", ""),
            occurred_at=_when(request.POST.get("occurred_at"), "occurred_at"),
            observation=request.POST.get("observation", ""),
            raise_event=request.POST.get("raise_event") == "on",
        )
    except PatrolError as exc:
        flash_error(request, exc)
    else:
        if not outcome.duplicate:
            messages.success(request, f"View of {outcome.scan.label} recorded.")
    return redirect("patrols:home")


@require_action(Action.PATROLS_WALK)
def panic(request: HttpRequest) -> HttpResponse:
    """The phone's panic button: a confirmation page (GET) and the alarm itself (POST)."""
    shift = services.active_shift(request.user)
    schools = _walk_schools(request.user)
    if request.method == "POST":
        school = next(
            (s for s in schools if s.pk == _int(request.POST.get("school"))),
            shift.school if shift else None,
        )
        if school is None:
            messages.error(request, "school: choose the school you are at.")
            return redirect("patrols:panic")
        try:
            event_id = services.panic_raise(
                actor=request.user,
                school=school,
                client_id=request.POST.get("client_id", ""),
                latitude=_float(request.POST.get("latitude")),
                longitude=_float(request.POST.get("longitude")),
                accuracy_m=_float(request.POST.get("accuracy_m")),
            )
        except PatrolError as exc:
            flash_error(request, exc)
            return redirect("patrols:panic")
        messages.error(request, "Alarm raised: the console has it as critical. Help is coming.")
        return redirect("events:detail", pk=event_id)
    return render(
        request,
        "patrols/panic.html",
        {"schools": schools, "shift": shift, "client_id": uuid.uuid4().hex},
    )
