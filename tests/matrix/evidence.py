"""Authorization cases of the evidence pages (vigil/evidence/views.py, issue 6): the list,
upload, an item's page, stating why you view it, its thumbnail, download of the original and
the legal hold. The item is a photo uploaded by an officer of the target school."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from PIL import Image

from tests.matrix.base import Case, Ctx
from vigil.accounts.models import User
from vigil.core.permissions import Action
from vigil.evidence import services
from vigil.evidence.models import CustodyEntry, CustodyHead, EvidenceItem
from vigil.evidence.views import view_pass
from vigil.incidents.models import Attachment

_AUTHOR = {"cedar-hollow-hs": "officer"}  # officer2 covers the other two schools


def photo_bytes(color: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _item(ctx: Ctx) -> EvidenceItem:
    """The target school's matrix photo (uploaded once per test)."""
    found: EvidenceItem | None = EvidenceItem.objects.filter(
        school=ctx.school, title="Matrix photo"
    ).first()
    if found is not None:
        return found
    officer = User.objects.get(username=_AUTHOR.get(ctx.school.slug, "officer2"))
    return services.evidence_ingest(
        actor=officer,
        school=ctx.school,
        uploaded_file=SimpleUploadedFile("matrix.jpg", photo_bytes(), content_type="image/jpeg"),
        title="Matrix photo",
        reason="Photographed for the authorization matrix",
    )


def _thumbnail_url(ctx: Ctx) -> str:
    item = _item(ctx)
    holder = ctx.actor.pk if ctx.actor is not None else 0
    return reverse("evidence:thumbnail", args=[item.pk]) + f"?pass={view_pass(holder, item.pk, 1)}"


def _upload(ctx: Ctx) -> dict[str, Any]:
    return {
        "school": str(ctx.school.pk),
        "report": "",
        "title": "Scratched car door",
        "reason": "Photographed in the staff lot",
        "file": SimpleUploadedFile(
            "door.jpg", photo_bytes((200, 60, 60)), content_type="image/jpeg"
        ),
    }


CASES: tuple[Case, ...] = (
    Case(
        "evidence:list",
        "get",
        lambda c: reverse("evidence:list"),
        Action.EVIDENCE_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "evidence:upload",
        "get",
        lambda c: reverse("evidence:upload"),
        Action.EVIDENCE_UPLOAD,
        200,
        scoped=False,
    ),
    # A school outside the uploader's scope is not among the form's choices: 400, nothing stored.
    Case(
        "evidence:upload#post",
        "post",
        lambda c: reverse("evidence:upload"),
        Action.EVIDENCE_UPLOAD,
        302,
        data=_upload,
        out_of_scope=400,
    ),
    Case(
        "evidence:item",
        "get",
        lambda c: reverse("evidence:item", args=[_item(c).pk]),
        Action.EVIDENCE_VIEW,
        200,
    ),
    Case(
        "evidence:view",
        "post",
        lambda c: reverse("evidence:view", args=[_item(c).pk]),
        Action.EVIDENCE_VIEW,
        302,
        data=lambda c: {"reason": "Reviewing the incident photos"},
    ),
    Case("evidence:thumbnail", "get", _thumbnail_url, Action.EVIDENCE_VIEW, 200),
    Case(
        "evidence:download",
        "post",
        lambda c: reverse("evidence:download", args=[_item(c).pk]),
        Action.EVIDENCE_RELEASE,
        200,
        data=lambda c: {"download-reason": "Copy for the district attorney"},
    ),
    Case(
        "evidence:hold",
        "post",
        lambda c: reverse("evidence:hold", args=[_item(c).pk]),
        Action.EVIDENCE_RELEASE,
        302,
        data=lambda c: {"hold-hold": "1", "hold-reason": "Litigation hold from counsel"},
    ),
)

MODELS: list[type[Model]] = [EvidenceItem, CustodyEntry, CustodyHead, Attachment]
