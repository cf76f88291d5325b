"""The court packet download: GET shows what the packet holds and asks why; POST with a
reason builds it and returns the ZIP (which holds the PDF, the original files, the manifest,
the CASE/UCO record and verify.py). Needs ``incidents.export`` at the report's school; every
attached item's custody chain gets an ``export`` entry with the reason."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.evidence.services import REASON_MIN_LENGTH, EvidenceError
from vigil.incidents.models import Report
from vigil.incidents.packet import PacketError, build_packet
from vigil.incidents.views import visible_reports


class PacketForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        min_length=REASON_MIN_LENGTH,
        max_length=300,
        help_text="Who asked for it and why (e.g. the subpoena or case number). It is written "
        "to every item's chain of custody and to the audit log.",
    )


def _page(
    request: HttpRequest, report: Report, form: PacketForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "incidents/packet.html",
        {
            "report": report,
            "form": form,
            "items": report.attachments.select_related("item").order_by("attached_at", "pk"),
            "versions": report.versions.count(),
            "addenda": report.addenda.count(),
        },
        status=status,
    )


@never_cache
@require_action(Action.INCIDENTS_EXPORT)
def report_packet(request: HttpRequest, pk: int) -> HttpResponse:
    # Another officer's draft is nobody else's to export, as it is nobody else's to read.
    report = get_object_or_404(
        visible_reports(request.user, Action.INCIDENTS_EXPORT).select_related("school"),
        pk=pk,
    )
    if request.method != "POST":
        return _page(request, report, PacketForm())
    form = PacketForm(request.POST)
    if not form.is_valid():
        return _page(request, report, form, status=400)
    # The ZIP is written to a temporary folder that lives as long as the open file: on POSIX
    # the unlinked file stays readable while the response streams it.
    with tempfile.TemporaryDirectory(prefix="vigil-packet-") as folder:
        try:
            result = build_packet(
                actor=request.user,
                report=report,
                out_dir=Path(folder),
                reason=form.cleaned_data["reason"],
            )
        except (PacketError, EvidenceError) as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
            return _page(request, report, form, status=400)
        handle = result.zip_path.open("rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=result.zip_path.name,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Manifest-SHA256"] = result.manifest_sha256
    return cast(HttpResponse, response)
