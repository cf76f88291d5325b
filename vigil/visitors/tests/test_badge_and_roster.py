"""The badge PDF (both sizes, rendered to PNG), its QR sign-out, the roster and purge."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zxingcpp
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.sites.models import School
from vigil.visitors import services
from vigil.visitors.choices import IdSource
from vigil.visitors.models import Visit
from vigil.visitors.tests.helpers import NOON, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOON)


def _visit(school: str = "willow-creek-es", when: Any = NOON, photo: bool = True) -> Visit:
    return services.visit_check_in(
        actor=User.objects.get(username="frontdesk"),
        school=School.objects.get(slug=school),
        identity=services.Identity("PENNYWHISTLE", "BRIELLE", date(1987, 1, 15), IdSource.SCAN),
        details=services.VisitDetails("Book fair", "Library", 90),
        now=when,
        photo=photo_upload(colour="#c33") if photo else None,
    ).visit


def _png(pdf: bytes, tmp_path: Path) -> Image.Image:
    source = tmp_path / "badge.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(source),
         str(tmp_path / "badge")],
        check=True,
    )  # fmt: skip
    return Image.open(tmp_path / "badge.png").convert("RGB")


@pytest.mark.parametrize(("size", "pixels"), [("label", (400, 225)), ("a7", (414, 292))])
def test_the_badge_renders_with_photo_and_a_qr_that_signs_out(
    login: Any, tmp_path: Path, size: str, pixels: tuple[int, int]
) -> None:
    client = login("frontdesk")
    visit = _visit()
    response = client.get(reverse("visitors:badge", args=[visit.pk]) + f"?size={size}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    image = _png(response.content, tmp_path)
    assert image.size == pixels
    array = np.asarray(image).astype(int)
    dark = int((array.sum(axis=2) < 200).sum())
    assert dark > 2000, "the badge is blank"
    red_photo = int(((array[:, :, 0] > 180) & (array[:, :, 1] < 80) & (array[:, :, 2] < 80)).sum())
    assert red_photo > 500, "the visitor's photo is missing"
    [qr] = zxingcpp.read_barcodes(image, formats=zxingcpp.barcode_formats_from_str("QRCode"))
    assert qr.text.startswith("http://testserver/visitors/out/")
    path = qr.text.removeprefix("http://testserver")
    assert str(visit.pk) not in path.split("/")[-2].split(":")[1:]  # signed, not a bare id
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    visit.refresh_from_db()
    assert (visit.status, visit.signed_out_at) == ("signed_out", NOON)


def test_a_forged_or_out_of_scope_badge_code_is_refused(login: Any) -> None:
    from vigil.visitors.badge import sign_out_token

    visit = _visit()
    token = sign_out_token(visit)
    client = login("frontdesk")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("visitors:sign_out_qr", args=[forged])).status_code == 404
    officer = login("officer")  # high school only: the elementary visit does not exist for them
    assert officer.post(reverse("visitors:sign_out_qr", args=[token])).status_code == 404
    visit.refresh_from_db()
    assert visit.signed_out_at is None


def test_who_is_on_campus_and_who_never_signed_out(login: Any) -> None:
    yesterday = _visit(when=NOON - timedelta(days=1), photo=False)
    today = _visit(photo=False)
    client = login("frontdesk")
    now_page = client.get(reverse("visitors:on_campus", args=["willow-creek-es"]))
    on_campus = list(now_page.context["visits"])
    assert yesterday in on_campus
    assert today in on_campus
    still = client.get(reverse("visitors:still_in", args=["willow-creek-es"]))
    left = list(still.context["visits"])
    assert yesterday in left
    assert today not in left
    response = client.post(
        reverse("visitors:sign_out", args=[yesterday.pk]), {"note": "left by the gym door"}
    )
    assert response.status_code == 302
    yesterday.refresh_from_db()
    assert (yesterday.status, yesterday.sign_out_note) == ("signed_out", "left by the gym door")
    found = client.get(reverse("visitors:desk", args=["willow-creek-es"]) + "?q=penny libr")
    assert list(found.context["visits"]) == [today]


def test_id_details_need_a_reason_and_are_logged(login: Any) -> None:
    visit = _visit(photo=False)
    client = login("frontdesk")
    url = reverse("visitors:visit_id", args=[visit.pk])
    refused = client.post(url, {"reason": "x"})
    assert refused.status_code == 400
    assert not AuditEntry.objects.filter(action="sensitive_read", object_id=str(visit.pk)).exists()
    shown = client.post(url, {"reason": "caller asked to confirm age"})
    assert "15 Jan 1987" in shown.content.decode()
    read = AuditEntry.objects.get(action="sensitive_read", object_id=str(visit.pk))
    assert read.reason == "caller asked to confirm age"
    # Officers see the visit, not the ID.
    assert login("officer2").post(url, {"reason": "caller asked to confirm age"}).status_code == 403


def test_purge_deletes_old_visits_except_those_on_legal_hold(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VIGIL_VISITOR_RETENTION_DAYS = 30
    old = _visit(when=NOON - timedelta(days=40))
    held = _visit(when=NOON - timedelta(days=41), photo=False)
    held.legal_hold = True
    held.save()
    recent = _visit(when=NOON - timedelta(days=5), photo=False)
    photo = str(old.photo.name)
    demo_old = Visit.objects.filter(checked_in_at__lt=NOON - timedelta(days=30)).count() - 2
    out = io.StringIO()
    call_command("visitors", "purge", "--dry-run", stdout=out)
    assert out.getvalue().startswith(f"would delete {1 + demo_old} visit(s)")
    assert Visit.objects.filter(pk=old.pk).exists()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("visitors", "purge", stdout=out)
    assert f"deleted {1 + demo_old} visit(s)" in out.getvalue()
    assert out.getvalue().endswith("kept 1 on legal hold\n")
    assert not Visit.objects.filter(pk=old.pk).exists()
    assert Visit.objects.filter(pk__in=[held.pk, recent.pk]).count() == 2
    entry = AuditEntry.objects.filter(object_repr="retention purge").get()
    assert entry.changes["visits"] == 1 + demo_old
    assert entry.changes["kept_on_legal_hold"] == 1
    assert entry.changes["retention_days"] == 30
    from django.core.files.storage import default_storage

    assert not default_storage.exists(photo)
