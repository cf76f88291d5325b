"""Evidence pages: a school's evidence list, upload, an item's page, its thumbnail, download of
the original, and the legal hold.

Viewing is a custody event. The item page itself shows only facts about the file (hashes,
EXIF, custody log), which are not the evidence. To see the photo, the viewer states why once:
that appends one ``view`` custody entry and gives the session a signed viewing pass for that
item (``VIEW_PASS_SECONDS``), carried in the thumbnail's URL; further visits in the same
session show the thumbnail without new entries. The reason is remembered for the session and
offered again on the next item. Downloading the original (``evidence.release``) asks for a
reason every time and appends a ``download`` entry. Nothing deletes evidence: there is no
delete button, and the model refuses (and audits) any attempt.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action, has_action, scope_for
from vigil.evidence import images, services, storage
from vigil.evidence.choices import CustodyAction
from vigil.evidence.forms import HoldForm, ReasonForm, UploadForm
from vigil.evidence.models import CustodyEntry, EvidenceItem
from vigil.incidents import services as incidents
from vigil.incidents.choices import EDITABLE_STATES
from vigil.incidents.models import Attachment, Report
from vigil.sites.models import School

PAGE_SIZE = 50
VIEW_PASS_SECONDS = 8 * 3600
_VIEW_PASS_SIGNING_SALT = "vigil.evidence.view-pass"  # noqa: S105 - a signing namespace, not a secret
_SESSION_PASSES = "evidence_view_passes"
_SESSION_REASON = "evidence_view_reason"


def _items(request: HttpRequest, action: Action) -> QuerySet[EvidenceItem]:
    return cast(
        QuerySet[EvidenceItem],
        EvidenceItem.objects.restrict(request.user, action).select_related(
            "school", "uploaded_by", "derived_from"
        ),
    )


def _item(request: HttpRequest, pk: int, action: Action) -> EvidenceItem:
    return get_object_or_404(_items(request, action), pk=pk)


def _allows(request: HttpRequest, action: Action, school_id: int) -> bool:
    return scope_for(request.user, action).allows_school(school_id)


def view_pass(user_id: int, item_id: int, seq: int) -> str:
    """A signed pass: ``user_id`` stated why they view ``item_id`` (custody entry ``seq``)."""
    return signing.dumps(
        {"u": user_id, "i": item_id, "e": seq}, salt=_VIEW_PASS_SIGNING_SALT, compress=True
    )


def _pass_valid(token: str, user_id: int, item_id: int) -> bool:
    try:
        data = signing.loads(token, salt=_VIEW_PASS_SIGNING_SALT, max_age=VIEW_PASS_SECONDS)
    except signing.BadSignature:
        return False
    return isinstance(data, dict) and data.get("u") == user_id and data.get("i") == item_id


def _session_pass(request: HttpRequest, item: EvidenceItem) -> str:
    token = str(request.session.get(_SESSION_PASSES, {}).get(str(item.pk), ""))
    return token if token and _pass_valid(token, int(request.user.pk or 0), item.pk) else ""


# --- the list -------------------------------------------------------------------------------


@require_action(Action.EVIDENCE_VIEW)
def evidence_list(request: HttpRequest) -> HttpResponse:
    schools = School.objects.restrict(request.user, Action.EVIDENCE_VIEW).order_by("name")
    items = _items(request, Action.EVIDENCE_VIEW).filter(derived_from__isnull=True)
    school = None
    slug = request.GET.get("school", "")
    if slug:
        school = get_object_or_404(schools, slug=slug)
        items = items.filter(school=school)
    items = items.prefetch_related(
        Prefetch(
            "attachments",
            queryset=Attachment.objects.select_related("report").order_by("pk"),
        )
    ).order_by("-uploaded_at", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/list.html",
        {
            "page": page,
            "schools": schools,
            "school": school,
            "can_upload": has_action(request.user, Action.EVIDENCE_UPLOAD),
        },
    )


# --- upload -----------------------------------------------------------------------------------


def _upload_report(request: HttpRequest, form: UploadForm) -> Report | None:
    """The report named on the form, if it can take this upload; else a form error."""
    number = form.cleaned_data["report"].strip()
    if not number:
        return None
    report = (
        Report.objects.restrict(request.user, Action.INCIDENTS_WRITE)
        .filter(number__iexact=number)
        .first()
    )
    if report is None:
        form.add_error("report", f"No report {number} that you may write to.")
        return None
    if report.author_id != request.user.pk or report.status not in EDITABLE_STATES:
        form.add_error(
            "report",
            f"Report {report.number} is not your draft: evidence can be attached only to a "
            "draft or returned report by its author (after approval, through an addendum).",
        )
        return None
    if report.school_id != form.cleaned_data["school"].pk:
        form.add_error("report", f"Report {report.number} is at {report.school}, not this school.")
        return None
    return report


@never_cache
@require_action(Action.EVIDENCE_UPLOAD)
def evidence_upload(request: HttpRequest) -> HttpResponse:
    schools = School.objects.restrict(request.user, Action.EVIDENCE_UPLOAD).order_by("name")
    if request.method != "POST":
        form = UploadForm(schools=schools, initial={"report": request.GET.get("report", "")})
        return render(request, "evidence/upload.html", {"form": form})
    form = UploadForm(request.POST, request.FILES, schools=schools)
    if form.is_valid():
        report = _upload_report(request, form)
        if not form.errors:
            try:
                with transaction.atomic():
                    item = services.evidence_ingest(
                        actor=request.user,
                        school=form.cleaned_data["school"],
                        uploaded_file=form.cleaned_data["file"],
                        title=form.cleaned_data["title"],
                        reason=form.cleaned_data["reason"],
                    )
                    if item.media_type in images.DECODABLE:
                        services.evidence_thumbnail(
                            actor=request.user, item=item, reason="Thumbnail made on upload"
                        )
                    if report is not None:
                        incidents.report_attach(actor=request.user, report=report, item=item)
            except services.EvidenceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except incidents.ReportError as exc:
                form.add_error("report", exc.message)
            else:
                attached = f" and attached to {report.number}" if report is not None else ""
                messages.success(request, f"Stored “{item.title}”{attached}; its SHA-256 is below.")
                if item.exif_note:
                    messages.warning(
                        request, f"EXIF capture time (DateTimeOriginal): {item.exif_note}."
                    )
                return redirect("evidence:item", pk=item.pk)
    return render(request, "evidence/upload.html", {"form": form}, status=400)


# --- one item ---------------------------------------------------------------------------------


def _render_item(
    request: HttpRequest,
    item: EvidenceItem,
    *,
    view_form: ReasonForm | None = None,
    download_form: ReasonForm | None = None,
    hold_form: HoldForm | None = None,
    status: int = 200,
) -> HttpResponse:
    token = _session_pass(request, item)
    reports = [
        a.report
        for a in Attachment.objects.filter(item=item).select_related("report").order_by("pk")
        if _allows(request, Action.INCIDENTS_VIEW, a.report.school_id)
    ]
    return render(
        request,
        "evidence/item.html",
        {
            "item": item,
            "custody": CustodyEntry.objects.filter(item=item).order_by("seq"),
            "derivatives": item.derivatives.order_by("pk"),
            "reports": reports,
            "is_image": item.media_type in images.DECODABLE,
            "view_pass": token,
            "view_form": view_form
            or ReasonForm(initial={"reason": request.session.get(_SESSION_REASON, "")}),
            "download_form": download_form or ReasonForm(prefix="download"),
            "hold_form": hold_form
            or HoldForm(prefix="hold", initial={"hold": "0" if item.legal_hold else "1"}),
            "can_release": _allows(request, Action.EVIDENCE_RELEASE, item.school_id),
        },
        status=status,
    )


@never_cache
@require_action(Action.EVIDENCE_VIEW)
def evidence_item(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_item(request, _item(request, pk, Action.EVIDENCE_VIEW))


@never_cache
@require_POST
@require_action(Action.EVIDENCE_VIEW)
def evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    """State why you view the item: one ``view`` custody entry, then a pass for the session."""
    item = _item(request, pk, Action.EVIDENCE_VIEW)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_item(request, item, view_form=form, status=400)
    if not _session_pass(request, item):
        entry = services.custody_record(
            actor=request.user,
            item=item,
            action=CustodyAction.VIEW,
            reason=form.cleaned_data["reason"],
        )
        passes = dict(request.session.get(_SESSION_PASSES, {}))
        passes[str(item.pk)] = view_pass(int(request.user.pk or 0), item.pk, entry.seq)
        request.session[_SESSION_PASSES] = passes
        request.session[_SESSION_REASON] = form.cleaned_data["reason"]
    return redirect("evidence:item", pk=item.pk)


@never_cache
@require_action(Action.EVIDENCE_VIEW)
def evidence_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """The upright thumbnail of a photo, for a viewer holding a pass (see the module doc)."""
    item = _item(request, pk, Action.EVIDENCE_VIEW)
    if not _pass_valid(request.GET.get("pass", ""), int(request.user.pk or 0), item.pk):
        return HttpResponse(
            "State why you are viewing this evidence on its page first.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    if item.media_type not in images.DECODABLE:
        raise Http404("This file has no thumbnail.")
    thumbnail = services.evidence_thumbnail(
        actor=request.user,
        item=item,
        reason=f"Thumbnail made to show evidence #{item.pk} to a viewer",
    )
    response = FileResponse(
        storage.storage().open(thumbnail.storage_name, "rb"), content_type="image/jpeg"
    )
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


@never_cache
@require_POST
@require_action(Action.EVIDENCE_RELEASE)
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The original file, exactly as stored, after a stated reason (a ``download`` entry)."""
    item = _item(request, pk, Action.EVIDENCE_RELEASE)
    form = ReasonForm(request.POST, prefix="download")
    if not form.is_valid():
        return _render_item(request, item, download_form=form, status=400)
    reason = form.cleaned_data["reason"]
    with transaction.atomic():
        services.custody_record(
            actor=request.user, item=item, action=CustodyAction.DOWNLOAD, reason=reason
        )
        audit.record(audit.AuditAction.EXPORT, obj=item, reason=reason)
    response = FileResponse(
        storage.storage().open(item.storage_name, "rb"),
        as_attachment=True,
        filename=item.original_filename,
        content_type=item.media_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = item.sha256
    return cast(HttpResponse, response)


@require_POST
@require_action(Action.EVIDENCE_RELEASE)
def evidence_hold(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, Action.EVIDENCE_RELEASE)
    form = HoldForm(request.POST, prefix="hold")
    if not form.is_valid():
        return _render_item(request, item, hold_form=form, status=400)
    try:
        services.evidence_set_legal_hold(
            actor=request.user,
            item=item,
            hold=form.cleaned_data["hold"],
            reason=form.cleaned_data["reason"],
        )
    except services.EvidenceError as exc:
        form.add_error("hold", exc.message)
        return _render_item(request, item, hold_form=form, status=400)
    messages.success(
        request,
        "Legal hold placed." if form.cleaned_data["hold"] else "Legal hold released.",
    )
    return redirect(reverse("evidence:item", args=[item.pk]))
