"""Authorization cases of the incident report pages (vigil/incidents, issue 6): writing,
reading, the review workflow, addenda, people revealed with a reason, photos, versions and the
templates page.

A draft is its author's alone, so the reports these cases target are chosen per actor: a page
that only the author may use targets a draft written by the actor when the actor writes reports
at the target school (else by that school's officer, which the actor then cannot see: 404);
pages for readers and reviewers target a submitted report written by the school's officer.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.matrix.base import Case, Ctx
from vigil.accounts.models import User
from vigil.core.permissions import Action, scope_for
from vigil.evidence import services as evidence_services
from vigil.evidence.models import CustodyEntry, EvidenceItem
from vigil.incidents import services
from vigil.incidents.models import (
    Addendum,
    Attachment,
    Classification,
    InvolvedPerson,
    Link,
    Notification,
    Report,
    ReportTemplate,
    ReportVersion,
)
from vigil.incidents.services import PersonInput, ReportDraft
from vigil.sites.models import Area

# The officer who writes reports at each demo school.
WRITER = {
    "cedar-hollow-hs": "officer",
    "juniper-ridge-ms": "officer2",
    "willow-creek-es": "officer2",
}
LOCAL = "%Y-%m-%dT%H:%M"


def _area(ctx: Ctx) -> Area:
    area = Area.objects.filter(building__school=ctx.school).order_by("pk").first()
    assert area is not None
    return area


def _draft(ctx: Ctx) -> ReportDraft:
    return ReportDraft(
        title="Matrix: fight on the landing",
        area_id=_area(ctx).pk,
        occurred_start=timezone.now() - timedelta(hours=1),
        narrative="At 10:42 two students exchanged punches.",
        nibrs=("13B",),
        categories=("fight",),
        people=(PersonInput(role="offender", kind="student", name="Student A", juvenile=True),),
    )


def _writer(ctx: Ctx) -> User:
    writer: User = User.objects.get(username=WRITER[ctx.school.slug])
    return writer


def _own_or_writers(ctx: Ctx) -> User:
    """The actor when they write reports at the school, else the school's officer."""
    actor = ctx.actor
    if actor is not None and scope_for(actor, Action.INCIDENTS_WRITE).allows_school(ctx.school.pk):
        return actor
    return _writer(ctx)


def _new(author: User, ctx: Ctx) -> Report:
    return services.report_create(actor=author, school=ctx.school, draft=_draft(ctx))


def _own_draft(ctx: Ctx) -> Report:
    return _new(_own_or_writers(ctx), ctx)


def _submitted(ctx: Ctx) -> Report:
    author = _writer(ctx)
    return services.report_submit(actor=author, report=_new(author, ctx))


def _own_approved(ctx: Ctx) -> Report:
    author = _own_or_writers(ctx)
    report = services.report_submit(actor=author, report=_new(author, ctx))
    return services.report_approve(actor=User.objects.get(username="director"), report=report)


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (180, 60, 40)).save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("matrix.jpg", buffer.getvalue(), content_type="image/jpeg")


def _photo_path(ctx: Ctx) -> str:
    """A submitted report with one photo and its thumbnail."""
    author = _writer(ctx)
    report = _new(author, ctx)
    item = evidence_services.evidence_ingest(
        actor=author,
        school=ctx.school,
        uploaded_file=_jpeg(),
        title="Matrix photo",
        reason="Photo for the authorization matrix",
    )
    services.report_attach(actor=author, report=report, item=item)
    evidence_services.evidence_derive_thumbnail(
        actor=author, item=item, reason="Thumbnail for the authorization matrix"
    )
    services.report_submit(actor=author, report=report)
    return reverse("incidents:photo", args=[report.pk, item.pk])


def _form(ctx: Ctx, *, school: bool = True) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": "Matrix: vape in the restroom",
        "nibrs": ["35A"],
        "categories": ["vaping"],
        "area": str(_area(ctx).pk),
        "occurred_start": (now - timedelta(hours=1)).strftime(LOCAL),
        "narrative": "At 09:10 a student held a vape device.",
        "people-0-role": "offender",
        "people-0-kind": "student",
        "people-0-name": "Student B",
    }
    if school:
        data["school"] = str(ctx.school.pk)
    return data


def _at(name: str, target: Any, *extra: Any) -> Any:
    return lambda c: reverse(name, args=[target(c).pk, *extra])


_W, _V, _R = Action.INCIDENTS_WRITE, Action.INCIDENTS_VIEW, Action.INCIDENTS_REVIEW

CASES: tuple[Case, ...] = (
    Case("incidents:new", "get", lambda c: reverse("incidents:new"), _W, 200, scoped=False),
    Case(
        "incidents:new#post",
        "post",
        lambda c: reverse("incidents:new"),
        _W,
        302,
        data=_form,
        out_of_scope=400,  # the school is a choice of the form: refused at that field
    ),
    Case("incidents:detail", "get", _at("incidents:detail", _submitted), _V, 200),
    Case("incidents:version", "get", _at("incidents:version", _submitted, 1), _V, 200),
    Case("incidents:edit", "get", _at("incidents:edit", _own_draft), _W, 200),
    Case(
        "incidents:edit#post",
        "post",
        _at("incidents:edit", _own_draft),
        _W,
        302,
        data=lambda c: _form(c, school=False),
    ),
    Case("incidents:submit", "post", _at("incidents:submit", _own_draft), _W, 302),
    Case(
        "incidents:photos",
        "post",
        _at("incidents:photos", _own_draft),
        _W,
        302,
        data=lambda c: {"photos": _jpeg()},
    ),
    Case("incidents:photo", "get", _photo_path, _V, 200),
    Case(
        "incidents:return",
        "post",
        _at("incidents:return", _submitted),
        _R,
        302,
        data=lambda c: {"comment": "Say which landing it was."},
    ),
    Case("incidents:approve", "post", _at("incidents:approve", _submitted), _R, 302),
    Case(
        "incidents:addendum",
        "post",
        _at("incidents:addendum", _own_approved),
        _V,  # the author or a reviewer; anyone else is refused (audited) on the report page
        302,
        data=lambda c: {"text": "The guardian called back at 15:10."},
    ),
    Case(
        "incidents:people",
        "post",
        _at("incidents:people", _submitted),
        Action.INCIDENTS_VIEW_PEOPLE,
        200,
        data=lambda c: {"reason": "Guardian meeting this afternoon"},
    ),
    Case(
        "incidents:templates",
        "get",
        lambda c: reverse("incidents:templates"),
        _R,
        200,
        scoped=False,
    ),
    Case(
        "incidents:templates#post",
        "post",
        lambda c: reverse("incidents:templates"),
        _R,
        302,
        scoped=False,
        district_only=403,
        data=lambda c: {
            "name": "Incident report",
            "required_sections": ["classification", "location", "times", "narrative"],
            "categories": ["fight", "vaping", "other"],
            "narrative_guidance": "Facts only.",
        },
    ),
)

MODELS: list[Any] = [
    Report,
    ReportTemplate,
    ReportVersion,
    Classification,
    InvolvedPerson,
    Notification,
    Link,
    Attachment,
    Addendum,
    EvidenceItem,
    CustodyEntry,
]
