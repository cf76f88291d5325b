"""Authorization cases of the court packet download (vigil/incidents/views_packet.py, issue
6): a report of the target school with one photo attached, written by an officer there."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from tests.matrix.base import Case, Ctx
from tests.matrix.evidence import photo_bytes
from vigil.accounts.models import User
from vigil.core.permissions import Action
from vigil.evidence import services as evidence
from vigil.evidence.models import CustodyEntry, CustodyHead, EvidenceItem
from vigil.incidents import services
from vigil.incidents.models import Attachment, Report, ReportVersion


def _report(ctx: Ctx) -> Report:
    found: Report | None = Report.objects.filter(
        school=ctx.school, title="Matrix packet report"
    ).first()
    if found is not None:
        return found
    author = User.objects.get(
        username="officer" if ctx.school.slug == "cedar-hollow-hs" else "officer2"
    )
    report = services.report_create(
        actor=author,
        school=ctx.school,
        draft=services.ReportDraft(
            title="Matrix packet report",
            location_text="Gym",
            occurred_start=timezone.now() - timedelta(hours=1),
            nibrs=("290",),
            narrative="The gym door glass was broken when I arrived at 07:10.",
        ),
    )
    item = evidence.evidence_ingest(
        actor=author,
        school=ctx.school,
        uploaded_file=SimpleUploadedFile("gym.jpg", photo_bytes(), content_type="image/jpeg"),
        title="Gym door",
        reason="Photographed at the scene",
    )
    services.report_attach(actor=author, report=report, item=item)
    # Submitted: a draft is its author's alone, so nobody else could export it.
    services.report_submit(actor=author, report=report)
    return report


CASES: tuple[Case, ...] = (
    Case(
        "incidents:packet",
        "get",
        lambda c: reverse("incidents:packet", args=[_report(c).pk]),
        Action.INCIDENTS_EXPORT,
        200,
    ),
    Case(
        "incidents:packet#post",
        "post",
        lambda c: reverse("incidents:packet", args=[_report(c).pk]),
        Action.INCIDENTS_EXPORT,
        200,
        data=lambda c: {"reason": "Subpoena from the district attorney"},
    ),
)

MODELS: list[type[Model]] = [
    Report,
    ReportVersion,
    EvidenceItem,
    CustodyEntry,
    CustodyHead,
    Attachment,
]
