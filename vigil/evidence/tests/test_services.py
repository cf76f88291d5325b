from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import PIL
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.evidence import services
from vigil.evidence.models import CustodyEntry, EvidenceItem
from vigil.evidence.tests.helpers import MINIMAL_PDF, jpeg_bytes, stored_files, upload
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    user: User = User.objects.get(username="officer")
    return user


@pytest.fixture
def school() -> School:
    return School.objects.order_by("pk")[0]


def _ingest(officer: User, school: School, name: str, content: bytes, **kw: str) -> EvidenceItem:
    return services.evidence_ingest(
        actor=officer,
        school=school,
        uploaded_file=upload(name, content, kw.get("content_type", "")),
        title=kw.get("title", "Broken window, east stairwell"),
        reason=kw.get("reason", "Photographed at the scene"),
        ip="10.0.0.7",
    )


def test_ingest_stores_the_file_reads_exif_and_opens_the_custody_chain(
    officer: User, school: School, evidence_storage: Path
) -> None:
    content = jpeg_bytes(taken="2026:11:02 08:15:00", offset="-08:00", gps=True)
    item = _ingest(officer, school, "IMG_0042.JPG", content, content_type="image/jpeg")
    sha = hashlib.sha256(content).hexdigest()
    assert (item.sha256, item.size, item.media_type, item.kind) == (
        sha,
        len(content),
        "image/jpeg",
        "photo",
    )
    assert item.original_filename == "IMG_0042.JPG"
    assert item.storage_name == f"evidence/{sha[:2]}/{sha[2:4]}/{sha}"
    assert item.captured_at == datetime(2026, 11, 2, 16, 15, tzinfo=UTC)
    assert item.camera == "Acme PocketCam 2"
    assert item.gps_lat == pytest.approx(37.775)
    assert item.gps_lon == pytest.approx(-122.42)
    assert item.exif_note == ""
    assert item.uploaded_by == officer
    [entry] = CustodyEntry.objects.filter(item=item)
    assert (entry.seq, entry.action, entry.actor_label, entry.ip, entry.sha256) == (
        1,
        "ingest",
        "officer",
        "10.0.0.7",
        sha,
    )
    assert entry.reason == "Photographed at the scene"
    assert AuditEntry.objects.filter(
        action="create", object_type="evidence.evidenceitem", object_id=str(item.pk)
    ).exists()
    assert stored_files(evidence_storage) == [item.storage_name]


def test_a_capture_time_in_the_future_is_not_used_and_says_why(
    officer: User, school: School
) -> None:
    item = _ingest(officer, school, "p.jpg", jpeg_bytes(taken="2099:01:01 10:00:00"))
    assert item.captured_at is None
    assert item.exif_note.startswith("EXIF capture time 2099-01-01T10:00:00")
    assert item.exif_note.endswith("is in the future; not used")


def test_a_corrupt_image_is_refused_and_nothing_stored(
    officer: User, school: School, evidence_storage: Path
) -> None:
    truncated = jpeg_bytes()[:300]
    with pytest.raises(services.EvidenceError) as excinfo:
        _ingest(officer, school, "p.jpg", truncated)
    assert excinfo.value.field == "file"
    assert excinfo.value.message.startswith("p.jpg: the image is corrupt or truncated")
    assert stored_files(evidence_storage) == []
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize(
    ("title", "reason", "field"), [("  ", "At the scene", "title"), ("Window", "short", "reason")]
)
def test_bad_input_names_the_field(
    officer: User, school: School, evidence_storage: Path, title: str, reason: str, field: str
) -> None:
    with pytest.raises(services.EvidenceError) as excinfo:
        _ingest(officer, school, "r.pdf", MINIMAL_PDF, title=title, reason=reason)
    assert excinfo.value.field == field
    assert stored_files(evidence_storage) == []


def test_evidence_is_never_deleted_and_the_refusal_is_audited(
    officer: User, school: School
) -> None:
    item = _ingest(officer, school, "r.pdf", MINIMAL_PDF)
    with pytest.raises(PermissionError, match="evidence is never deleted"):
        item.delete()
    with pytest.raises(PermissionError, match="evidence is never deleted"):
        EvidenceItem.objects.filter(pk=item.pk).delete()
    denied = AuditEntry.objects.filter(action="denied", object_type="evidence.evidenceitem")
    assert denied.count() == 2
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_custody_entries_cannot_be_changed_or_deleted(officer: User, school: School) -> None:
    item = _ingest(officer, school, "r.pdf", MINIMAL_PDF)
    entry = CustodyEntry.objects.get(item=item)
    entry.reason = "something else"
    with pytest.raises(PermissionError, match="custody entries are append-only"):
        entry.save()
    with pytest.raises(PermissionError, match="custody entries are append-only"):
        entry.delete()
    assert (
        AuditEntry.objects.filter(action="denied", object_type="evidence.custodyentry").count() == 2
    )


def test_verify_passes_then_names_a_custody_row_altered_in_the_database(
    officer: User, school: School
) -> None:
    item = _ingest(officer, school, "r.pdf", MINIMAL_PDF)
    services.custody_record(
        actor=officer, item=item, action="view", reason="Reviewing for the report", ip="10.0.0.8"
    )
    services.custody_record(
        actor=officer, item=item, action="transfer", reason="Handed to Det. Ruiz", ip=""
    )
    assert services.verify() == (1, None)
    call_command("evidence", "verify")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_custodyentry SET reason = %s WHERE item_id = %s AND seq = 2",
            ["Nothing to see", item.pk],
        )
    checked, problem = services.verify()
    assert checked == 0
    assert str(problem) == (
        f"evidence #{item.pk} custody entry #2: "
        "contents do not match its hash (the row was altered)"
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("evidence", "verify")
    assert str(excinfo.value) == f"Evidence verification FAILED after 0 good items: {problem}"


def test_verify_names_a_deleted_last_entry(officer: User, school: School) -> None:
    item = _ingest(officer, school, "r.pdf", MINIMAL_PDF)
    services.custody_record(actor=officer, item=item, action="view", reason="Reviewing it")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM evidence_custodyentry WHERE item_id = %s AND seq = 2", [item.pk]
        )
    assert str(services.verify()[1]) == (
        f"evidence #{item.pk}: chain head says #2 but the last entry is #1"
    )


def test_verify_names_a_file_altered_on_disk(
    officer: User, school: School, evidence_storage: Path
) -> None:
    first = _ingest(officer, school, "r.pdf", MINIMAL_PDF)
    second = _ingest(officer, school, "p.jpg", jpeg_bytes())
    path = evidence_storage / second.storage_name
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x01
    path.write_bytes(bytes(data))
    checked, problem = services.verify()
    assert checked == 1  # the first item is fine
    assert first.pk < second.pk
    new_sha = hashlib.sha256(bytes(data)).hexdigest()
    assert str(problem) == (
        f"evidence #{second.pk}: file {second.storage_name} was altered on disk "
        f"(its SHA-256 is now {new_sha})"
    )


def test_a_thumbnail_is_a_new_upright_item_pointing_to_its_original(
    officer: User, school: School, evidence_storage: Path
) -> None:
    # 64×48 pixels stored sideways: orientation 6 says "rotate 90° clockwise to view".
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    original = _ingest(officer, school, "door.jpg", buffer.getvalue())
    thumb = services.evidence_derive_thumbnail(
        actor=officer, item=original, reason="Thumbnail for the report"
    )
    assert thumb.pk != original.pk
    assert thumb.derived_from == original
    assert thumb.derivation_tool == f"Pillow {PIL.__version__}: ImageOps.exif_transpose, thumbnail"
    assert thumb.derivation_settings == {"max_px": 640, "format": "JPEG", "quality": 85}
    assert (thumb.original_filename, thumb.media_type, thumb.kind) == (
        "door-thumbnail.jpg",
        "image/jpeg",
        "photo",
    )
    with Image.open(evidence_storage / thumb.storage_name) as stored:
        assert stored.size == (48, 64)  # upright
    assert [e.action for e in CustodyEntry.objects.filter(item=thumb)] == ["ingest"]
    assert services.verify() == (2, None)


def test_no_thumbnail_of_a_document(officer: User, school: School) -> None:
    item = _ingest(officer, school, "r.pdf", MINIMAL_PDF)
    with pytest.raises(services.EvidenceError, match="No thumbnail can be made of application/pdf"):
        services.evidence_derive_thumbnail(actor=officer, item=item, reason="Thumbnail please")
