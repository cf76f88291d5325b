"""Import and export page of a school: upload, dry-run preview, confirm; downloads.

An upload is checked by its content (a ZIP for IMDF, UTF-8 text for GeoJSON and CSV), kept in a
private staging folder under the data directory (never under media), dry-run imported to show
the report, and applied only when the person confirms. The staged file is bound to the person's
session and the school, and deleted once applied.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.permissions import Action, scope_for
from vigil.sites import csv_io, exporters, geojson_io, imdf, importers
from vigil.sites.importers import ImportReport
from vigil.sites.models import School
from vigil.sites.validation import Problem, decode_text, is_zip, sniff

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_SESSION_KEY = "vigil_staged_imports"


@dataclass(frozen=True)
class Upload:
    label: str
    accept: str
    binary: bool  # a ZIP archive rather than UTF-8 text


UPLOADS: dict[str, Upload] = {
    "imdf": Upload("IMDF archive (.zip)", ".zip,application/zip", True),
    "geojson": Upload("Surroundings (.geojson)", ".geojson,.json,application/geo+json", False),
    "contacts": Upload("Contacts (.csv)", ".csv,text/csv", False),
    "assets": Upload("Assets (.csv)", ".csv,text/csv", False),
}
EXPORTS: dict[str, tuple[str, str]] = {  # format → (file suffix, content type)
    "imdf": ("imdf.zip", "application/zip"),
    "geojson": ("surroundings.geojson", "application/geo+json"),
    "contacts": ("contacts.csv", "text/csv; charset=utf-8"),
    "assets": ("assets.csv", "text/csv; charset=utf-8"),
}


def _school(request: HttpRequest, slug: str) -> School:
    return get_object_or_404(School.objects.restrict(request.user, Action.SITES_CHANGE), slug=slug)


STAGED_FOR_SECONDS = 24 * 3600


def _staging() -> Path:
    """The private folder of uploads awaiting confirmation; abandoned ones go after a day."""
    path = Path(settings.DATA_DIR) / "staged-imports"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_FOR_SECONDS
    for stale in path.iterdir():
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return path


def _run(
    request: HttpRequest, school: School, fmt: str, data: bytes, name: str, *, dry_run: bool
) -> ImportReport:
    if fmt == "imdf":
        read = imdf.read(data, name=name)
        if read.archive is None:
            report = ImportReport(f"IMDF import into {school.name}", dry_run=dry_run)
            report.problems = read.problems
        else:
            report = importers.import_imdf(read.archive, school=school, dry_run=dry_run)
        report.notes[:0] = read.notes
        return report
    if fmt == "geojson":
        return geojson_io.import_surroundings(data, school=school, filename=name, dry_run=dry_run)
    if fmt == "contacts":
        return csv_io.import_contacts(
            data,
            filename=name,
            school=school,
            allow_district=scope_for(request.user, Action.SITES_CHANGE).district,
            dry_run=dry_run,
        )
    return csv_io.import_assets(data, filename=name, school=school, dry_run=dry_run)


def _content_problem(fmt: str, data: bytes, name: str) -> Problem | None:
    """Check the upload is what the chosen format needs, by its bytes, not its name."""
    if not data:
        return Problem(name, "", "file", "the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        return Problem(name, "", "file", "the file is larger than 50 MB")
    if UPLOADS[fmt].binary:
        if not is_zip(data):
            what = sniff(data)
            return Problem(name, "", "file", f"this is {what or 'not a ZIP archive'}, not a ZIP")
        return None
    try:
        decode_text(data)
    except ValueError as exc:
        return Problem(name, "", "file", str(exc))
    return None


@require_GET
@require_action(Action.SITES_CHANGE)
def transfer(request: HttpRequest, slug: str) -> HttpResponse:
    school = _school(request, slug)
    return render(
        request,
        "sites/transfer/transfer.html",
        {"school": school, "uploads": UPLOADS, "exports": EXPORTS},
    )


@require_POST
@require_action(Action.SITES_CHANGE)
def transfer_upload(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    school = _school(request, slug)
    if fmt not in UPLOADS:
        raise Http404("No such import format.")
    upload = request.FILES.get("file")
    context: dict[str, Any] = {"school": school, "fmt": fmt, "upload": UPLOADS[fmt]}
    if upload is None:
        context["error"] = "File: choose a file to upload."
        return render(request, "sites/transfer/transfer.html", _page(school, context), status=400)
    name = Path(upload.name or fmt).name[:100]
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    problem = _content_problem(fmt, data, name)
    if problem is not None:
        context["error"] = f"File: {problem.message}."
        return render(request, "sites/transfer/transfer.html", _page(school, context), status=400)
    report = _run(request, school, fmt, data, name, dry_run=True)
    context["report"] = report
    if not report.refused:
        token = secrets.token_urlsafe(16)
        (_staging() / token).write_bytes(data)
        staged = request.session.get(_SESSION_KEY, {})
        staged[token] = {
            "school": school.pk,
            "format": fmt,
            "name": name,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        request.session[_SESSION_KEY] = staged
        context["token"] = token
    context["name"] = name
    return render(request, "sites/transfer/preview.html", context)


def _page(school: School, context: dict[str, Any]) -> dict[str, Any]:
    return {"uploads": UPLOADS, "exports": EXPORTS, **context, "school": school}


@require_POST
@require_action(Action.SITES_CHANGE)
def transfer_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    school = _school(request, slug)
    staged = request.session.get(_SESSION_KEY, {})
    entry = staged.get(token)
    path = _staging() / token if token.replace("-", "").replace("_", "").isalnum() else None
    if entry is None or entry["school"] != school.pk or path is None or not path.is_file():
        messages.error(request, "That upload is no longer waiting; upload the file again.")
        return redirect("sites:transfer", slug=school.slug)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        messages.error(request, "The staged file changed after the preview; upload it again.")
        return redirect("sites:transfer", slug=school.slug)
    report = _run(request, school, entry["format"], data, entry["name"], dry_run=False)
    path.unlink(missing_ok=True)
    del staged[token]
    request.session[_SESSION_KEY] = staged
    if report.refused:
        # The data changed between the preview and the confirmation.
        return render(
            request,
            "sites/transfer/preview.html",
            {"school": school, "fmt": entry["format"], "report": report, "name": entry["name"]},
        )
    messages.success(request, report.summary())
    return redirect("sites:transfer", slug=school.slug)


@require_GET
@require_action(Action.SITES_CHANGE)
def transfer_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    school = _school(request, slug)
    if fmt not in EXPORTS:
        raise Http404("No such export format.")
    if fmt == "imdf":
        try:
            result = exporters.export_imdf(
                school, created=timezone.now().isoformat(timespec="seconds")
            )
        except exporters.ExportError as exc:
            messages.error(request, str(exc))
            return redirect("sites:transfer", slug=school.slug)
        content: bytes = imdf.write(result.archive)
    elif fmt == "geojson":
        content = geojson_io.export_surroundings(school).encode()
    elif fmt == "contacts":
        content = csv_io.export_contacts(school).encode()
    else:
        content = csv_io.export_assets(school).encode()
    audit.record(audit.AuditAction.EXPORT, obj=school, reason=f"{fmt} export (web)")
    suffix, content_type = EXPORTS[fmt]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{school.slug}-{suffix}"'
    return response
