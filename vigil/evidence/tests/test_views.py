"""The evidence pages: upload (and what bad input gets), the item page, viewing as a custody
event, the thumbnail pass, download of the original with a reason, the legal hold, the list's
pinned query count, and refusals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from conftest import sign_in
from vigil.core.models import AuditEntry
from vigil.evidence.models import CustodyEntry, EvidenceItem
from vigil.evidence.tests.helpers import MINIMAL_PDF, jpeg_bytes, stored_files, upload
from vigil.evidence.tests.reports import rotated_photo, sample_report
from vigil.evidence.views import view_pass
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def school() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


def _post_upload(client: Client, school: School, name: str, content: bytes, **extra: str) -> Any:
    data: dict[str, Any] = {
        "school": str(school.pk),
        "report": "",
        "title": "Broken window, east stairwell",
        "reason": "Photographed at the scene",
        "file": upload(name, content, extra.pop("content_type", "")),
    }
    data.update(extra)
    return client.post(reverse("evidence:upload"), data)


def _errors(response: Any) -> dict[str, list[str]]:
    form = response.context["form"]
    return {key: [str(e) for e in value] for key, value in form.errors.items()}


def test_upload_stores_hashes_reads_exif_and_makes_an_upright_thumbnail(
    client: Client, school: School
) -> None:
    sign_in(client, "officer")
    response = _post_upload(
        client, school, "stairwell.jpg", rotated_photo(taken="2026:11:02 10:05:00")
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get(title="Broken window, east stairwell")
    assert response["Location"] == reverse("evidence:item", args=[item.pk])
    assert item.camera == "Acme PocketCam 2"
    assert item.gps_lat == pytest.approx(37.775)
    (thumbnail,) = item.derivatives.all()
    assert thumbnail.derivation_tool.startswith("Pillow")
    assert thumbnail.derivation_settings == {"max_px": 640, "format": "JPEG", "quality": 85}
    assert [e.action for e in CustodyEntry.objects.filter(item=item)] == ["ingest"]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Stored “Broken window, east stairwell”; its SHA-256 is below."
    ]


def test_upload_to_the_officers_draft_attaches_it(client: Client, school: School) -> None:
    sample = sample_report(approve=False)
    sample.report.status = "returned"  # the author may attach while it is returned
    sample.report.save()
    sign_in(client, "officer")
    response = _post_upload(
        client, school, "locker.jpg", jpeg_bytes(), report=sample.report.number.lower()
    )
    assert response.status_code == 302, _errors(response)
    item = EvidenceItem.objects.get(original_filename="locker.jpg")
    assert sample.report.attachments.filter(item=item).exists()


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("officer", "submitted", "is not your draft"),
        ("supervisor", "returned", "is not your draft"),
    ],
)
def test_upload_to_a_report_that_cannot_take_it_is_refused_and_stores_nothing(
    client: Client,
    school: School,
    evidence_storage: Path,
    who: str,
    status: str,
    message: str,
) -> None:
    sample = sample_report(approve=False)  # submitted
    if status == "returned":
        sample.report.status = "returned"
        sample.report.save()
    before = EvidenceItem.objects.count()
    files = stored_files(evidence_storage)
    sign_in(client, who)
    response = _post_upload(client, school, "x.jpg", jpeg_bytes(), report=sample.report.number)
    assert response.status_code == 400
    assert message in _errors(response)["report"][0]
    assert EvidenceItem.objects.count() == before
    assert stored_files(evidence_storage) == files


def test_bad_files_get_a_clear_message_and_nothing_is_stored(
    client: Client, school: School, evidence_storage: Path, settings: Any
) -> None:
    sign_in(client, "officer")
    before = EvidenceItem.objects.count()
    # A PNG named .pdf: the content decides.
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    response = _post_upload(client, school, "statement.pdf", png.getvalue())
    assert response.status_code == 400
    assert "statement.pdf" in _errors(response)["file"][0]
    # A truncated JPEG.
    response = _post_upload(client, school, "broken.jpg", jpeg_bytes()[:200])
    assert response.status_code == 400
    assert "corrupt or truncated" in _errors(response)["file"][0]
    # Over the size limit.
    settings.VIGIL_EVIDENCE_MAX_BYTES = 30
    response = _post_upload(client, school, "statement.pdf", MINIMAL_PDF)
    assert response.status_code == 400
    assert "larger than the limit of 30 bytes" in _errors(response)["file"][0]
    # A reason too short names its field.
    settings.VIGIL_EVIDENCE_MAX_BYTES = 10_000
    response = _post_upload(client, school, "statement.pdf", MINIMAL_PDF, reason="scene")
    assert response.status_code == 400
    assert set(_errors(response)) == {"reason"}
    assert EvidenceItem.objects.count() == before
    assert stored_files(evidence_storage) == []


def test_a_capture_time_in_the_future_is_named_and_not_used(client: Client, school: School) -> None:
    sign_in(client, "officer")
    response = _post_upload(client, school, "late.jpg", jpeg_bytes(taken="2099:01:01 09:00:00"))
    assert response.status_code == 302
    item = EvidenceItem.objects.get(original_filename="late.jpg")
    assert item.captured_at is None
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("EXIF capture time (DateTimeOriginal): EXIF capture time 2099-")
    assert "is in the future; not used" in warnings[0]
    page = client.get(reverse("evidence:item", args=[item.pk]))
    assert "EXIF not trusted:" in page.content.decode()


def test_viewing_is_one_custody_entry_per_session_and_needs_a_reason(
    client: Client, school: School
) -> None:
    sign_in(client, "officer")
    _post_upload(client, school, "window.jpg", rotated_photo())
    item = EvidenceItem.objects.get(original_filename="window.jpg")
    page = client.get(reverse("evidence:item", args=[item.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert item.sha256 in html
    assert "Acme PocketCam 2" in html
    assert "37.775000" in html
    assert reverse("evidence:thumbnail", args=[item.pk]) not in html  # no photo before a reason
    # No reason: refused, nothing recorded.
    refused = client.post(reverse("evidence:view", args=[item.pk]), {"reason": "look"})
    assert refused.status_code == 400
    assert CustodyEntry.objects.filter(item=item).count() == 1
    for _ in range(2):
        response = client.post(
            reverse("evidence:view", args=[item.pk]), {"reason": "Writing report CHHS-0042"}
        )
        assert response.status_code == 302
    entries = list(CustodyEntry.objects.filter(item=item).order_by("seq"))
    assert [(e.action, e.reason) for e in entries] == [
        ("ingest", "Photographed at the scene"),
        ("view", "Writing report CHHS-0042"),
    ]
    html = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert reverse("evidence:thumbnail", args=[item.pk]) + "?pass=" in html
    start = html.index(reverse("evidence:thumbnail", args=[item.pk]))
    url = html[start : html.index('"', start)].replace("&amp;", "&")
    thumbnail = client.get(url)
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as image:  # type: ignore[attr-defined]
        assert image.size == (48, 96)  # upright: the EXIF orientation was applied
    # The reason is offered again on the next item.
    _post_upload(client, school, "door.jpg", jpeg_bytes(color=(1, 2, 3)))
    other = EvidenceItem.objects.get(original_filename="door.jpg")
    assert (
        "Writing report CHHS-0042"
        in client.get(reverse("evidence:item", args=[other.pk])).content.decode()
    )


def test_the_thumbnail_needs_the_viewers_own_pass(client: Client, school: School) -> None:
    sign_in(client, "officer")
    _post_upload(client, school, "window.jpg", jpeg_bytes())
    item = EvidenceItem.objects.get(original_filename="window.jpg")
    url = reverse("evidence:thumbnail", args=[item.pk])
    assert client.get(url).status_code == 403
    assert client.get(url + "?pass=forged").status_code == 403
    someone_else = view_pass(999_999, item.pk, 2)
    assert client.get(url + f"?pass={someone_else}").status_code == 403
    sign_in(client, "officer2")  # no scope at Cedar Hollow: the item does not exist for them
    assert client.get(url + f"?pass={view_pass(0, item.pk, 2)}").status_code == 404


def test_download_needs_release_and_a_reason_and_is_a_custody_entry(
    client: Client, school: School
) -> None:
    content = jpeg_bytes(color=(9, 9, 9))
    sign_in(client, "officer")
    _post_upload(client, school, "window.jpg", content)
    item = EvidenceItem.objects.get(original_filename="window.jpg")
    url = reverse("evidence:download", args=[item.pk])
    assert client.post(url, {"download-reason": "Copy for court"}).status_code == 403
    sign_in(client, "supervisor")
    assert client.post(url, {"download-reason": "court"}).status_code == 400
    response = client.post(url, {"download-reason": "Copy for the district attorney"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="window.jpg"'
    assert response["X-Content-SHA256"] == item.sha256
    last = CustodyEntry.objects.filter(item=item).order_by("-seq").first()
    assert last is not None
    assert (last.action, last.actor_label, last.reason) == (
        "download",
        "supervisor",
        "Copy for the district attorney",
    )
    assert AuditEntry.objects.filter(
        action="export", object_id=str(item.pk), reason="Copy for the district attorney"
    ).exists()


def test_legal_hold_is_audited_and_nothing_deletes_evidence(client: Client, school: School) -> None:
    sign_in(client, "officer")
    _post_upload(client, school, "window.jpg", jpeg_bytes())
    item = EvidenceItem.objects.get(original_filename="window.jpg")
    url = reverse("evidence:hold", args=[item.pk])
    assert client.post(url, {"hold-hold": "1", "hold-reason": "Litigation"}).status_code == 403
    sign_in(client, "director")
    response = client.post(url, {"hold-hold": "1", "hold-reason": "Litigation hold from counsel"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.legal_hold is True
    rows = AuditEntry.objects.filter(object_type="evidence.evidenceitem", object_id=str(item.pk))
    assert rows.filter(action="update", changes={"legal_hold": ["False", "True"]}).exists()
    assert rows.filter(reason="legal hold placed: Litigation hold from counsel").exists()
    again = client.post(url, {"hold-hold": "1", "hold-reason": "Litigation hold from counsel"})
    assert again.status_code == 400
    assert "already under a legal hold" in str(again.context["hold_form"].errors["hold"])
    page = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "legal hold" in page
    assert "Delete" not in page
    with pytest.raises(PermissionError, match="evidence under legal hold is never deleted"):
        item.delete()
    assert AuditEntry.objects.filter(
        action="denied", reason="evidence under legal hold is never deleted"
    ).exists()


def test_the_list_shows_only_schools_in_scope(client: Client, school: School) -> None:
    sign_in(client, "officer")
    _post_upload(client, school, "window.jpg", jpeg_bytes())
    sign_in(client, "officer2")
    html = client.get(reverse("evidence:list")).content.decode()
    assert "Broken window, east stairwell" not in html
    sign_in(client, "principal")
    html = client.get(reverse("evidence:list")).content.decode()
    assert "Broken window, east stairwell" in html
    assert "Thumbnail of" not in html  # derivatives are listed on their original's page
    assert reverse("evidence:upload") not in html  # a principal does not upload


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_query_count_is_pinned_and_does_not_grow(client: Client, school: School) -> None:
    sample_report()  # two items attached to a report
    sign_in(client, "director")
    client.get("/")
    path = reverse("evidence:list")
    assert _queries(client, path) == 11
    sign_in(client, "officer")
    for n in range(4):
        _post_upload(client, school, f"w{n}.jpg", jpeg_bytes(color=(n, n, n)))
    sign_in(client, "director")
    client.get("/")
    assert _queries(client, path) == 11
