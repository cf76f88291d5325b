"""Build a court packet for one incident report: a PDF and a ZIP anyone can verify.

Steps, in this order (each depends on the one before):

1. refuse unless the actor holds ``incidents.export`` at the report's school (the refusal is
   audited), and unless a reason is given;
2. append an ``export`` custody entry, with the reason, to every attached evidence item, so
   each chain in the packet ends with the export that produced it; write an ``export`` row to
   the audit log;
3. write ``manifest.json``: each item's hashes, facts, complete custody chain and chain head
   (``vigil.evidence.bundle.item_document``), the report's version chain and its signed
   addenda — its SHA-256 goes on the PDF's certification page;
4. render the PDF (``vigil.incidents.packet.pdf``);
5. write the CASE/UCO provenance record (``vigil.incidents.packet.caseuco``), naming the PDF
   and the manifest by hash;
6. zip: the original files, each report version as canonical JSON, the manifest, the
   provenance record, the PDF, ``verify.py`` (standard library only), a README and
   ``SHA256SUMS`` over everything else.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from vigil.core import audit
from vigil.core.permissions import Action, scope_for
from vigil.evidence import bundle as evidence_bundle
from vigil.evidence import custody, images, storage
from vigil.evidence.models import EvidenceItem
from vigil.evidence.services import REASON_MIN_LENGTH
from vigil.incidents.models import Report
from vigil.incidents.packet import caseuco, pdf
from vigil.incidents.snapshot import canonical_json

FORMAT = "vigil-court-packet/1"
THUMBNAIL_PX = 480


class PacketError(Exception):
    """The packet was refused; ``field`` names the form field at fault (None: not one field)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PacketResult:
    pdf_path: Path
    zip_path: Path
    manifest_sha256: str
    items: int
    versions: int


def _label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return "system (command line)"


def version_path(number: int) -> str:
    return f"report/version-{number:03d}.json"


def _report_document(report: Report) -> dict[str, Any]:
    versions = [
        {
            "number": v.number,
            "status": v.status,
            "change": v.change,
            "at": custody.format_at(v.at),
            "actor": v.actor_label,
            "comment": v.comment,
            "sha256": v.sha256,
            "prev_sha256": v.prev_sha256,
            "path": version_path(v.number),
        }
        for v in report.versions.order_by("number")
    ]
    addenda = [
        {
            "number": a.number,
            # Exactly the text the signature covers (vigil.incidents.services.addendum_signature).
            "at": a.at.astimezone(UTC).isoformat(),
            "author": a.author_label,
            "text": a.text,
            "version_sha256": a.version_sha256,
            "signature": a.signature,
        }
        for a in report.addenda.order_by("number")
    ]
    return {
        "id": report.pk,
        "number": report.number,
        "school": report.school.name,
        "district": report.school.district.name,
        "title": report.title,
        "status": report.status,
        "versions": versions,
        "addenda": addenda,
    }


def thumbnail_jpeg(item: EvidenceItem, max_px: int = THUMBNAIL_PX) -> bytes | None:
    """An upright (EXIF orientation applied) JPEG thumbnail of a photo, None for other files."""
    if item.media_type not in images.DECODABLE:
        return None
    try:
        with storage.storage().open(item.storage_name, "rb") as handle, Image.open(handle) as im:
            im.draft("RGB", (max_px * 2, max_px * 2))  # JPEG: decode at a reduced scale
            upright = ImageOps.exif_transpose(im)
            upright.thumbnail((max_px, max_px))
            buffer = io.BytesIO()
            upright.convert("RGB").save(buffer, "JPEG", quality=80)
    except OSError:
        return None  # verify.py and `vigil evidence verify` name a missing file; the PDF goes on
    return buffer.getvalue()


def _require(actor: Any, report: Report, reason: str) -> str:
    if actor is not None and not scope_for(actor, Action.INCIDENTS_EXPORT).allows_school(
        report.school_id
    ):
        message = f"You may not export report {report.number}."
        audit.record(audit.AuditAction.DENIED, obj=report, reason=message, actor=actor)
        raise PacketError(message)
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise PacketError(
            f"Give a reason of at least {REASON_MIN_LENGTH} characters.", field="reason"
        )
    return reason


def _sums(files: dict[str, bytes], hashes: dict[str, str]) -> bytes:
    lines = [
        f"{hashes.get(name) or hashlib.sha256(files[name]).hexdigest()}  {name}" for name in files
    ]
    return ("\n".join(lines) + "\n").encode()


README = """Court packet for incident report {number} ({school})
Made {created_at} by {created_by}. Reason: {reason}

{pdf_name}   the report, all versions and addenda, timeline, photos, custody history
                 and the certification page
files/           the original evidence files, exactly as received
report/          every version of the report as canonical JSON
manifest.json    hashes and sizes of the files, each item's custody chain and chain head,
                 the report's version chain and its signed addenda
provenance.jsonld  the same provenance in CASE/UCO JSON-LD (caseontology.org)
SHA256SUMS       SHA-256 of every other file (sha256sum -c SHA256SUMS)
verify.py        checks all of the above with nothing but Python 3's standard library

To verify:   python3 verify.py                (in the unpacked folder)
             python3 verify.py PACKET.zip     (without unpacking)
             python3 verify.py --manifest-sha256 {manifest_sha256}
             (the manifest digest printed on the signed certification page)
"""


def build_packet(
    *, actor: Any, report: Report, out_dir: Path, reason: str, ip: str = ""
) -> PacketResult:
    """Write ``<number>-court-packet.pdf`` and ``<number>-court-packet.zip`` into ``out_dir``."""
    report = Report.objects.select_related("school", "school__district").get(pk=report.pk)
    reason = _require(actor, report, reason)
    items = [
        a.item
        for a in report.attachments.select_related(
            "item", "item__school", "item__uploaded_by"
        ).order_by("attached_at", "pk")
    ]
    with transaction.atomic():
        evidence_bundle.record_exports(actor=actor, items=items, reason=reason, ip=ip)
        audit.record(
            audit.AuditAction.EXPORT,
            obj=report,
            reason=reason,
            changes={"court_packet": [it.pk for it in items]},
            actor=actor,
        )
    now = timezone.now()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": custody.format_at(now),
        "created_by": _label(actor),
        "reason": reason,
        "hash_algorithm": "sha256",
        "entry_hash": (
            "SHA-256 of the JSON object of the entry's fields except 'hash', keys sorted, "
            "separators ',' and ':', UTF-8, non-ASCII characters unescaped"
        ),
        "version_hash": (
            "SHA-256 of the version's content as JSON, keys sorted, separators ',' and ':', "
            "UTF-8, non-ASCII characters unescaped; prev_sha256 is the version before's "
            "(64 zeros for the first)"
        ),
        "addendum_signature": (
            "SHA-256 of number, author, at (as given: ISO 8601, UTC), version_sha256 and text "
            "joined by newlines, UTF-8"
        ),
        "report": _report_document(report),
        "items": [
            evidence_bundle.item_document(item, evidence_bundle.file_path(item)) for item in items
        ],
    }
    manifest_raw = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    manifest_sha256 = hashlib.sha256(manifest_raw).hexdigest()
    contents = {v.number: v.content for v in report.versions.order_by("number")}
    pdf_bytes = pdf.render(
        manifest,
        contents=contents,
        thumbnails={item.pk: thumbnail_jpeg(item) for item in items},
        manifest_sha256=manifest_sha256,
    )
    stem = f"{evidence_bundle.safe_name(report.number)}-court-packet"
    pdf_name = f"{stem}.pdf"
    pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    record = caseuco.provenance(
        manifest,
        packet_files=[
            (pdf_name, pdf_sha256, len(pdf_bytes), "application/pdf"),
            ("manifest.json", manifest_sha256, len(manifest_raw), "application/json"),
        ],
        tool_version=_tool_version(),
    )
    small: dict[str, bytes] = {
        version_path(number): canonical_json(content) for number, content in contents.items()
    }
    small["manifest.json"] = manifest_raw
    small["provenance.jsonld"] = json.dumps(record, indent=2, ensure_ascii=False).encode()
    small[pdf_name] = pdf_bytes
    small["verify.py"] = evidence_bundle.VERIFY_SOURCE.read_bytes()
    small["README.txt"] = README.format(
        number=report.number,
        school=report.school.name,
        created_at=manifest["created_at"],
        created_by=manifest["created_by"],
        reason=reason,
        pdf_name=pdf_name.ljust(16),
        manifest_sha256=manifest_sha256,
    ).encode()
    hashes = {evidence_bundle.file_path(item): item.sha256 for item in items}
    out_dir.mkdir(parents=True, exist_ok=True)
    zip_path = out_dir / f"{stem}.zip"
    pdf_path = out_dir / pdf_name
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        evidence_bundle.write_files(archive, items)
        for name, data in small.items():
            archive.writestr(name, data)
        listed = {name: b"" for name in hashes} | small
        archive.writestr("SHA256SUMS", _sums(listed, hashes))
    pdf_path.write_bytes(pdf_bytes)
    return PacketResult(
        pdf_path=pdf_path,
        zip_path=zip_path,
        manifest_sha256=manifest_sha256,
        items=len(items),
        versions=len(contents),
    )


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vigil")
    except PackageNotFoundError:
        return "unknown"
