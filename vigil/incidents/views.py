"""Incident report pages: write a report, read it, review it, add addenda, read its versions.

Every page reads through ``Report.objects.restrict`` (404 outside the user's schools) and a
draft is its author's alone: to anyone else it does not exist. Changes go through
``vigil.incidents.services``; a refusal there (``ReportLocked``) is already audited and comes
back to the report page as a message, bad input (``ReportError``) at the field it names.
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit
from vigil.core.access import deny, require_action
from vigil.core.permissions import Action, has_action, scope_for
from vigil.events.models import Event
from vigil.evidence import services as evidence_services
from vigil.evidence import storage as evidence_storage
from vigil.evidence.choices import CustodyAction
from vigil.evidence.models import EvidenceItem
from vigil.incidents import codes, services
from vigil.incidents.choices import EDITABLE_STATES, LinkKind, ReportStatus, Section
from vigil.incidents.forms import (
    AddendumForm,
    ApproveForm,
    PeopleReasonForm,
    PhotoForm,
    ReportForm,
    ReturnForm,
    TemplateForm,
    blank_row,
    build_draft,
    initial_rows,
    place_error,
    rows,
)
from vigil.incidents.models import Report, ReportTemplate, ReportVersion
from vigil.sites.models import School
from vigil.web.context_processors import CURRENT_SCHOOL_KEY

PHOTO_REASON = "Photo taken for incident report {number}"
THUMBNAIL_REASON = "Thumbnail for incident report {number}"
THUMBNAIL_VIEW_REASON = "Thumbnail shown on incident report {number}"


# --- reading ---------------------------------------------------------------------------------


def visible_reports(user: Any, action: Action = Action.INCIDENTS_VIEW) -> QuerySet[Report]:
    """The reports ``user`` may open with ``action``: their schools', drafts only their own."""
    reports: QuerySet[Report] = Report.objects.restrict(user, action)
    return reports.exclude(Q(status=ReportStatus.DRAFT) & ~Q(author_id=user.pk))


def _report(request: HttpRequest, pk: int, action: Action = Action.INCIDENTS_VIEW) -> Report:
    report: Report = get_object_or_404(
        visible_reports(request.user, action).select_related(
            "school", "template", "author", "reviewer", "area", "asset"
        ),
        pk=pk,
    )
    return report


def _allows(request: HttpRequest, action: Action, school_id: int) -> bool:
    return scope_for(request.user, action).allows_school(school_id)


def _url_exists(name: str, *args: Any) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


def _thumbnail(item: EvidenceItem) -> EvidenceItem | None:
    derived: EvidenceItem | None = (
        EvidenceItem.objects.filter(derived_from=item).order_by("pk").first()
    )
    return derived


def _detail_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    user = request.user
    is_author = report.author_id == user.pk
    editable = report.status in EDITABLE_STATES
    can_write = (
        is_author and editable and _allows(request, Action.INCIDENTS_WRITE, report.school_id)
    )
    can_review = (
        not is_author
        and report.status == ReportStatus.SUBMITTED
        and _allows(request, Action.INCIDENTS_REVIEW, report.school_id)
    )
    can_addendum = report.status == ReportStatus.APPROVED and (
        (is_author and _allows(request, Action.INCIDENTS_WRITE, report.school_id))
        or _allows(request, Action.INCIDENTS_REVIEW, report.school_id)
    )
    attachments = list(report.attachments.select_related("item", "attached_by"))
    thumbnails = {
        thumb.derived_from_id: thumb
        for thumb in EvidenceItem.objects.filter(
            derived_from_id__in=[a.item_id for a in attachments]
        ).order_by("-pk")
    }
    classifications = [
        (c.get_scheme_display(), codes.label(c.scheme, c.code))
        for c in report.classifications.all()
    ]
    versions = list(report.versions.order_by("number"))
    comments = [v for v in versions if v.comment]
    packet = (
        _url_exists("incidents:packet", report.pk)
        and _allows(request, Action.INCIDENTS_EXPORT, report.school_id)
        and report.status == ReportStatus.APPROVED
    )
    return {
        "report": report,
        "is_author": is_author,
        "can_write": can_write,
        "can_upload": can_write and _allows(request, Action.EVIDENCE_UPLOAD, report.school_id),
        "can_review": can_review,
        "can_addendum": can_addendum,
        "can_view_people": is_author
        or _allows(request, Action.INCIDENTS_VIEW_PEOPLE, report.school_id),
        "people_shown": is_author,
        "people_count": report.people.count(),
        "people": report.people.select_related("visit", "staff_user") if is_author else (),
        "classifications": classifications,
        "notifications": report.notifications.all(),
        "links": [(link, _link_url(link)) for link in report.links.all()],
        "attachments": [(a, thumbnails.get(a.item_id)) for a in attachments],
        "addenda": report.addenda.select_related("author"),
        "versions": versions,
        "comments": comments,
        "missing": _missing(report) if can_write else [],
        "return_form": ReturnForm(),
        "approve_form": ApproveForm(),
        "addendum_form": AddendumForm(),
        "reason_form": PeopleReasonForm(),
        "photo_form": PhotoForm(),
        "show_packet": packet,
        "can_see_templates": has_action(user, Action.INCIDENTS_REVIEW),
        "can_upload_evidence": _allows(request, Action.EVIDENCE_UPLOAD, report.school_id),
        "evidence_pages": _url_exists("evidence:item", 1),
        "list_url": _list_url(),
    }


def _missing(report: Report) -> list[tuple[str, str]]:
    """The required sections still empty, by their names on the page."""
    names = dict(Section.choices)
    return [(str(names.get(s, s)), message) for s, message in services.missing_sections(report)]


def _link_url(link: Any) -> str:
    if link.kind == LinkKind.EVENT:
        return reverse("events:detail", args=[link.target_id])
    return reverse("incidents:detail", args=[link.target_id])


def _list_url() -> str:
    try:
        return reverse("incidents:list")
    except NoReverseMatch:
        return ""


def _render_detail(
    request: HttpRequest, report: Report, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _detail_context(request, report)
    context.update(extra)
    return render(request, "incidents/detail.html", context, status=status)


@require_action(Action.INCIDENTS_VIEW)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _report(request, pk))


@never_cache
@require_POST
@require_action(Action.INCIDENTS_VIEW_PEOPLE)
def report_people(request: HttpRequest, pk: int) -> HttpResponse:
    """The people involved, for a reader who states why: a sensitive read, logged."""
    report = _report(request, pk, Action.INCIDENTS_VIEW_PEOPLE)
    form = PeopleReasonForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, status=400, reason_form=form)
    audit.record(
        audit.AuditAction.SENSITIVE_READ,
        obj=report,
        reason=f"people involved: {form.cleaned_data['reason']}",
    )
    return _render_detail(
        request,
        report,
        reason_form=form,
        people_shown=True,
        people=report.people.select_related("visit", "staff_user"),
        revealed_reason=form.cleaned_data["reason"],
    )


@require_action(Action.INCIDENTS_VIEW)
def report_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One stored version exactly as it was kept, with its hash."""
    report = _report(request, pk)
    version: ReportVersion = get_object_or_404(report.versions, number=number)
    content: dict[str, Any] = version.content
    return render(
        request,
        "incidents/version.html",
        {
            "report": report,
            "version": version,
            "content": content,
            "people_shown": report.author_id == request.user.pk,
            "recomputed": _sha256_of(content),
            "list_url": _list_url(),
        },
    )


def _sha256_of(content: Any) -> str:
    from vigil.incidents import snapshot

    return snapshot.content_sha256(content)


@require_action(Action.INCIDENTS_VIEW)
def report_photo(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The thumbnail of a photo attached to the report (a view: a custody entry)."""
    report = _report(request, pk)
    if not _allows(request, Action.EVIDENCE_VIEW, report.school_id):
        deny(request, Action.EVIDENCE_VIEW)
    attachment = get_object_or_404(report.attachments.select_related("item"), item_id=item_pk)
    thumbnail = _thumbnail(attachment.item)
    if thumbnail is None:
        raise Http404("This item has no thumbnail.")
    try:
        handle = evidence_storage.storage().open(thumbnail.storage_name, "rb")
    except FileNotFoundError as missing:
        raise Http404("The thumbnail file is missing (run `vigil evidence verify`).") from missing
    evidence_services.custody_record(
        actor=request.user,
        item=thumbnail,
        action=CustodyAction.VIEW,
        reason=THUMBNAIL_VIEW_REASON.format(number=report.number),
    )
    response = FileResponse(handle, content_type=thumbnail.media_type)
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


# --- writing ---------------------------------------------------------------------------------


def _write_schools(request: HttpRequest) -> QuerySet[School]:
    schools: QuerySet[School] = School.objects.restrict(
        request.user, Action.INCIDENTS_WRITE
    ).order_by("name")
    return schools


def _event_initial(request: HttpRequest, schools: QuerySet[School]) -> dict[str, Any]:
    """What a console event already says, for a report written from it."""
    raw = request.GET.get("event", "")
    if not raw:
        return {}
    if not raw.isdigit():
        raise Http404("No such event.")
    event: Event = get_object_or_404(
        Event.objects.restrict(request.user, Action.EVENTS_VIEW).filter(school__in=schools),
        pk=int(raw),
    )
    return {
        "school": event.school_id,
        "title": event.title[:200],
        "occurred_start": event.occurred_at,
        "occurred_end": event.ended_at,
        "area": event.area_id,
        "asset": event.asset_id,
        "links": f"{LinkKind.EVENT}:{event.pk}",
        "_event": event,
    }


def _form_page(
    request: HttpRequest,
    *,
    form: ReportForm,
    people: list[forms.Form],
    notifications: list[forms.Form],
    template: ReportTemplate,
    report: Report | None,
    status: int = 200,
    event: Event | None = None,
) -> HttpResponse:
    nibrs_first, nibrs_rest = form.nibrs_groups()
    return render(
        request,
        "incidents/form.html",
        {
            "form": form,
            "people": people,
            "notifications": notifications,
            "person_blank": blank_row("people"),
            "notification_blank": blank_row("notifications"),
            "template": template,
            "required": set(template.required_sections),
            "sections": dict(Section.choices),
            "report": report,
            "nibrs_first": nibrs_first,
            "nibrs_rest": nibrs_rest,
            "event": event,
            "facts_url": _facts_url(),
            "list_url": _list_url(),
            "now": timezone.now(),
        },
        status=status,
    )


def _facts_url() -> str:
    try:
        return reverse("incidents:facts")
    except NoReverseMatch:
        return ""


def _save(
    request: HttpRequest,
    form: ReportForm,
    people: list[forms.Form],
    notifications: list[forms.Form],
    report: Report | None,
) -> Report | None:
    """Hand a valid page to the service; put its refusal at the field it names."""
    school = report.school if report is not None else form.cleaned_data["school"]
    related: list[tuple[str, int]] = []
    for number in form.cleaned_data["related"]:
        candidates = visible_reports(request.user).filter(number=number, school=school)
        if report is not None:
            candidates = candidates.exclude(pk=report.pk)
        other = candidates.first()
        if other is None:
            form.add_error("related", f"{number} is not another report of {school} you can see.")
            return None
        related.append((str(LinkKind.REPORT), other.pk))
    draft = build_draft(form, people, notifications, tuple(related))
    try:
        if report is None:
            return services.report_create(
                actor=request.user, school=form.cleaned_data["school"], draft=draft
            )
        return services.report_update(actor=request.user, report=report, draft=draft)
    except services.ReportLocked:
        raise
    except services.ReportError as error:
        place_error(error, form, people, notifications)
        return None


@require_action(Action.INCIDENTS_WRITE)
def report_new(request: HttpRequest) -> HttpResponse:
    schools = _write_schools(request)
    template = services.default_template()
    kwargs: dict[str, Any] = {"schools": schools, "category_codes": list(template.categories)}
    if request.method == "POST":
        form = ReportForm(request.POST, **kwargs)
        people = rows("people", request.POST)
        notifications = rows("notifications", request.POST)
        valid = all([form.is_valid(), *(row.is_valid() for row in (*people, *notifications))])
        if valid:
            try:
                report = _save(request, form, people, notifications, None)
            except services.ReportLocked as refusal:
                messages.error(request, refusal.message)
                return redirect("web:home")
            if report is not None:
                messages.success(request, f"Draft {report.number} saved.")
                return redirect("incidents:detail", pk=report.pk)
        return _form_page(
            request,
            form=form,
            people=people,
            notifications=notifications,
            template=template,
            report=None,
            status=400,
        )
    initial = _event_initial(request, schools)
    event = initial.pop("_event", None)
    if "school" not in initial:
        wanted = request.session.get(CURRENT_SCHOOL_KEY)
        chosen = next((s for s in schools if s.pk == wanted), None)
        if chosen is not None:
            initial["school"] = chosen.pk
    form = ReportForm(initial=initial, **kwargs)
    return _form_page(
        request,
        form=form,
        people=[],
        notifications=[],
        template=template,
        report=None,
        event=event,
    )


def _report_initial(report: Report) -> dict[str, Any]:
    return {
        "school": report.school_id,
        "title": report.title,
        "nibrs": [c.code for c in report.classifications.all() if c.scheme == "nibrs"],
        "categories": [c.code for c in report.classifications.all() if c.scheme == "school"],
        "area": report.area_id,
        "asset": report.asset_id,
        "location_text": report.location_text,
        "occurred_start": report.occurred_start,
        "occurred_end": report.occurred_end,
        "discovered_at": report.discovered_at,
        "reported_at": report.reported_at,
        "narrative": report.narrative,
        "actions_taken": report.actions_taken,
        "links": " ".join(
            f"{link.kind}:{link.target_id}"
            for link in report.links.all()
            if link.kind != LinkKind.REPORT
        ),
        "related": ", ".join(
            Report.objects.filter(
                pk__in=[
                    link.target_id for link in report.links.all() if link.kind == LinkKind.REPORT
                ]
            ).values_list("number", flat=True)
        ),
    }


@require_action(Action.INCIDENTS_WRITE)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.INCIDENTS_WRITE)
    template = report.template
    kwargs: dict[str, Any] = {
        "schools": _write_schools(request),
        "category_codes": list(template.categories),
        "fixed_school": report.school,
    }
    if report.author_id != request.user.pk or report.status not in EDITABLE_STATES:
        # Refused by the service (and audited there) the moment anything would be written;
        # the form is not even offered.
        if request.method == "POST":
            try:
                services.report_update(
                    actor=request.user,
                    report=report,
                    draft=services.ReportDraft(title=report.title),
                )
            except services.ReportError as refusal:
                messages.error(request, refusal.message)
        else:
            messages.error(
                request,
                f"Report {report.number} is {report.get_status_display().lower()}: "
                "only its author may change it, and only while it is a draft or returned.",
            )
        return redirect("incidents:detail", pk=report.pk)
    if request.method == "POST":
        form = ReportForm(request.POST, **kwargs)
        people = rows("people", request.POST)
        notifications = rows("notifications", request.POST)
        valid = all([form.is_valid(), *(row.is_valid() for row in (*people, *notifications))])
        if valid:
            try:
                saved = _save(request, form, people, notifications, report)
            except services.ReportLocked as refusal:
                messages.error(request, refusal.message)
                return redirect("incidents:detail", pk=report.pk)
            if saved is not None:
                messages.success(request, f"Report {saved.number} saved.")
                return redirect("incidents:detail", pk=saved.pk)
        return _form_page(
            request,
            form=form,
            people=people,
            notifications=notifications,
            template=template,
            report=report,
            status=400,
        )
    form = ReportForm(initial=_report_initial(report), **kwargs)
    people = initial_rows(
        "people",
        [
            {
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "description": p.description,
                "juvenile": p.juvenile,
            }
            for p in report.people.all()
        ],
    )
    notifications = initial_rows(
        "notifications",
        [
            {
                "kind": n.kind,
                "party": n.party,
                "notified_at": n.notified_at,
                "notified_by": n.notified_by,
                "case_number": n.case_number,
            }
            for n in report.notifications.all()
        ],
    )
    return _form_page(
        request,
        form=form,
        people=people,
        notifications=notifications,
        template=template,
        report=report,
    )


@require_POST
@require_action(Action.INCIDENTS_WRITE)
def report_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """Photos taken for the report: each stored as evidence (hashed, write-once), attached,
    and given an upright thumbnail."""
    report = _report(request, pk, Action.INCIDENTS_WRITE)
    if not _allows(request, Action.EVIDENCE_UPLOAD, report.school_id):
        deny(request, Action.EVIDENCE_UPLOAD)
    if report.author_id != request.user.pk or report.status not in EDITABLE_STATES:
        # Checked before anything is stored; the service would refuse the attachment anyway.
        message = (
            f"Only the author may add photos to report {report.number}, and only while it is a "
            "draft or returned. After approval, add them with an addendum."
        )
        audit.record(audit.AuditAction.DENIED, obj=report, reason=message)
        messages.error(request, message)
        return redirect("incidents:detail", pk=report.pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, report, status=400, photo_form=form)
    added = 0
    for upload in form.cleaned_data["photos"]:
        try:
            item = evidence_services.evidence_ingest(
                actor=request.user,
                school=report.school,
                uploaded_file=upload,
                title=f"{report.number} photo: {upload.name}"[:200],
                reason=PHOTO_REASON.format(number=report.number),
            )
            services.report_attach(actor=request.user, report=report, item=item)
        except (evidence_services.EvidenceError, services.ReportError) as error:
            form.add_error("photos", error.message)
            if added:
                messages.success(request, f"{added} photo(s) added before the problem.")
            return _render_detail(request, report, status=400, photo_form=form)
        # Not a decodable image: it stays attached and is listed without a thumbnail.
        with contextlib.suppress(evidence_services.EvidenceError):
            evidence_services.evidence_derive_thumbnail(
                actor=request.user,
                item=item,
                reason=THUMBNAIL_REASON.format(number=report.number),
            )
        added += 1
    messages.success(request, f"{added} photo{'s' if added != 1 else ''} added.")
    return redirect(reverse("incidents:detail", args=[report.pk]) + "#evidence")


# --- the workflow ----------------------------------------------------------------------------


@require_POST
@require_action(Action.INCIDENTS_WRITE)
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.INCIDENTS_WRITE)
    try:
        services.report_submit(actor=request.user, report=report)
    except services.ReportLocked as refusal:
        messages.error(request, refusal.message)
    except services.ReportError:
        missing = _missing(report)
        names = ", ".join(name for name, _ in missing)
        messages.error(request, f"Not submitted: these sections are still empty — {names}.")
        return _render_detail(request, report, status=400)
    else:
        messages.success(request, f"Report {report.number} submitted for review.")
    return redirect("incidents:detail", pk=report.pk)


@require_POST
@require_action(Action.INCIDENTS_REVIEW)
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.INCIDENTS_REVIEW)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, status=400, return_form=form)
    try:
        services.report_return(
            actor=request.user, report=report, comment=form.cleaned_data["comment"]
        )
    except services.ReportLocked as refusal:
        messages.error(request, refusal.message)
    except services.ReportError as error:
        form.add_error("comment", error.message)
        return _render_detail(request, report, status=400, return_form=form)
    else:
        messages.success(request, f"Report {report.number} returned to its author.")
    return redirect("incidents:detail", pk=report.pk)


@require_POST
@require_action(Action.INCIDENTS_REVIEW)
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, Action.INCIDENTS_REVIEW)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, status=400, approve_form=form)
    try:
        services.report_approve(
            actor=request.user, report=report, comment=form.cleaned_data["comment"]
        )
    except services.ReportError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Report {report.number} approved and locked.")
    return redirect("incidents:detail", pk=report.pk)


@require_POST
@require_action(Action.INCIDENTS_VIEW)
def report_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    """A later fact, by the author or a reviewer (the service decides and audits a refusal),
    optionally with photos that are attached to the report with it."""
    report = _report(request, pk)
    form = AddendumForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, report, status=400, addendum_form=form)
    uploads = form.cleaned_data["photos"]
    items: list[EvidenceItem] = []
    if uploads and _detail_context(request, report)["can_addendum"]:
        # Stored only for someone who may add the addendum; anyone else is refused below.
        if not _allows(request, Action.EVIDENCE_UPLOAD, report.school_id):
            form.add_error("photos", "You may not upload evidence at this school.")
            return _render_detail(request, report, status=400, addendum_form=form)
        try:
            items = [
                evidence_services.evidence_ingest(
                    actor=request.user,
                    school=report.school,
                    uploaded_file=upload,
                    title=f"{report.number} photo: {upload.name}"[:200],
                    reason=PHOTO_REASON.format(number=report.number),
                )
                for upload in uploads
            ]
        except evidence_services.EvidenceError as error:
            form.add_error("photos", error.message)
            return _render_detail(request, report, status=400, addendum_form=form)
    try:
        addendum = services.addendum_add(
            actor=request.user, report=report, text=form.cleaned_data["text"], items=items
        )
    except services.ReportLocked as refusal:
        messages.error(request, refusal.message)
    except services.ReportError as error:
        form.add_error("text" if error.field == "text" else "photos", error.message)
        return _render_detail(request, report, status=400, addendum_form=form)
    else:
        for item in items:
            with contextlib.suppress(evidence_services.EvidenceError):
                evidence_services.evidence_derive_thumbnail(
                    actor=request.user,
                    item=item,
                    reason=THUMBNAIL_REASON.format(number=report.number),
                )
        messages.success(request, f"Addendum {addendum.number} added to {report.number}.")
    return redirect("incidents:detail", pk=report.pk)


# --- templates -------------------------------------------------------------------------------


@require_action(Action.INCIDENTS_REVIEW)
def templates_admin(request: HttpRequest) -> HttpResponse:
    """The district's report templates: publish a new version (district reviewers); every
    version stays, with the reports written under it."""
    district = scope_for(request.user, Action.INCIDENTS_REVIEW).district
    if request.method == "POST" and not district:
        deny(request, Action.INCIDENTS_REVIEW, "incidents.reporttemplate")
    current = services.default_template()
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.template_publish(actor=request.user, **form.cleaned_data)
            except services.ReportError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"{template} published.")
                return redirect("incidents:templates")
        status = 400
    else:
        form = TemplateForm(
            initial={
                "name": current.name,
                "required_sections": current.required_sections,
                "categories": current.categories,
                "narrative_guidance": current.narrative_guidance,
            }
        )
        status = 200
    sections = dict(Section.choices)
    templates = [
        (t, [sections.get(s, s) for s in t.required_sections], t.report_count)
        for t in ReportTemplate.objects.order_by("name", "-version").annotate(
            report_count=Count("reports")
        )
    ]
    return render(
        request,
        "incidents/templates.html",
        {"form": form, "can_publish": district, "templates": templates, "current": current},
        status=status,
    )
