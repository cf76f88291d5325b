"""A ZIP bundle of evidence anyone can verify without Vigil.

The bundle holds the original files (``files/<item id>-<original name>``), ``manifest.json``
(each item's hash and facts, its complete custody chain and chain head) and ``verify.py``, a
standard-library-only checker (``vigil.evidence.bundle_verify``). Making the bundle is itself a
custody event: an ``export`` entry is appended to each item's chain first, so the manifest ends
with the export that produced it.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from vigil.evidence import custody, services, storage
from vigil.evidence.choices import CustodyAction
from vigil.evidence.models import CustodyEntry, EvidenceItem

FORMAT = "vigil-evidence-bundle/1"
VERIFY_SOURCE = Path(__file__).with_name("bundle_verify.py")


@dataclass(frozen=True)
class BundleResult:
    path: Path
    manifest_sha256: str
    items: int


def safe_name(name: str) -> str:
    """A file name safe in a ZIP on every system: letters, digits, '.', '_' and '-'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"


def file_path(item: EvidenceItem) -> str:
    """Where an item's original file sits inside a bundle."""
    return f"files/{item.pk}-{safe_name(item.original_filename)}"


def item_document(item: EvidenceItem, path: str) -> dict[str, Any]:
    """An item's manifest entry: its facts, its complete custody chain and chain head."""
    entries = list(CustodyEntry.objects.filter(item=item).order_by("seq"))
    return {
        "id": item.pk,
        "title": item.title,
        "kind": item.kind,
        "media_type": item.media_type,
        "size": item.size,
        "sha256": item.sha256,
        "original_filename": item.original_filename,
        "path": path,
        "school": item.school.name,
        "uploaded_at": custody.format_at(item.uploaded_at),
        "uploaded_by": item.uploaded_by.get_username() if item.uploaded_by else "",
        "captured_at": custody.format_at(item.captured_at) if item.captured_at else None,
        "camera": item.camera,
        "gps": [item.gps_lat, item.gps_lon] if item.gps_lat is not None else None,
        "exif_note": item.exif_note,
        "derived_from": item.derived_from_id,
        "derivation_tool": item.derivation_tool,
        "derivation_settings": item.derivation_settings,
        "custody": [{**custody.document(e), "hash": e.hash} for e in entries],
        "chain_head": {"seq": entries[-1].seq, "hash": entries[-1].hash} if entries else None,
    }


def record_exports(*, actor: Any, items: Sequence[EvidenceItem], reason: str, ip: str = "") -> None:
    """An ``export`` custody entry for every item (before its manifest entry is written)."""
    for item in items:
        services.custody_record(
            actor=actor, item=item, action=CustodyAction.EXPORT, reason=reason, ip=ip
        )


def write_files(archive: zipfile.ZipFile, items: Sequence[EvidenceItem]) -> None:
    """Stream each item's original file into the archive at ``file_path(item)``."""
    now = time.localtime()[:6]
    for item in items:
        # Stored, not deflated: photos, video and audio are compressed already, and deflating
        # a large video would cost far more time than it saves. force_zip64: it may pass 2 GiB.
        info = zipfile.ZipInfo(file_path(item), date_time=now)
        info.compress_type = zipfile.ZIP_STORED
        with archive.open(info, "w", force_zip64=True) as target:
            for chunk in storage.iter_chunks(item.storage_name):
                target.write(chunk)


def build(
    *, actor: Any, items: Sequence[EvidenceItem], out_dir: Path, reason: str, ip: str = ""
) -> BundleResult:
    if not items:
        raise services.EvidenceError("Name at least one evidence item.", field="items")
    record_exports(actor=actor, items=items, reason=reason, ip=ip)
    documents = [item_document(item, file_path(item)) for item in items]
    now = timezone.now()
    manifest = {
        "format": FORMAT,
        "created_at": custody.format_at(now),
        "hash_algorithm": "sha256",
        "entry_hash": (
            "SHA-256 of the JSON object of the entry's fields except 'hash', keys sorted, "
            "separators ',' and ':', UTF-8, non-ASCII characters unescaped"
        ),
        "items": documents,
    }
    raw = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"evidence-bundle-{now:%Y%m%d-%H%M%S}-{items[0].pk}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        write_files(archive, items)
        archive.writestr("manifest.json", raw)
        archive.writestr("verify.py", VERIFY_SOURCE.read_bytes())
    return BundleResult(
        path=path, manifest_sha256=hashlib.sha256(raw).hexdigest(), items=len(items)
    )
