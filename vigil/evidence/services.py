"""Evidence workflows: ingest a file, record custody, verify files and chains.

``evidence_ingest`` stores the file first (content-addressed, so a blob no item names is
harmless and is reused by the next upload of the same content), then creates the item, its
custody head and its first custody entry in one transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import PIL
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from vigil.core import audit, context
from vigil.evidence import custody, images, storage
from vigil.evidence.choices import CustodyAction
from vigil.evidence.filetypes import kind_of
from vigil.evidence.models import CustodyEntry, CustodyHead, EvidenceItem
from vigil.sites.models import School

REASON_MIN_LENGTH = 8
THUMBNAIL_SETTINGS: dict[str, Any] = {"max_px": 640, "format": "JPEG", "quality": 85}


class EvidenceError(Exception):
    """A workflow refused; ``field`` names the form field at fault (None: not one field)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return int(actor.pk), str(actor.get_username())
    return None, "system (command line)"


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise EvidenceError(
            f"Give a reason of at least {REASON_MIN_LENGTH} characters.", field="reason"
        )
    return reason


def custody_record(
    *, actor: Any, item: EvidenceItem, action: CustodyAction | str, reason: str, ip: str = ""
) -> CustodyEntry:
    """Append one entry to ``item``'s custody chain (locking its head row)."""
    action = CustodyAction(action)
    reason = _check_reason(reason)
    actor_id, actor_label = _actor(actor)
    with transaction.atomic():
        head, _ = CustodyHead.objects.select_for_update().get_or_create(item=item)
        entry = CustodyEntry(
            item=item,
            seq=head.last_seq + 1,
            action=action.value,
            sha256=item.sha256,
            actor_id=actor_id,
            actor_label=actor_label,
            at=timezone.now(),
            reason=reason,
            ip=ip or context.current().ip,
            prev_hash=head.last_hash,
        )
        entry.hash = custody.entry_hash(entry)
        entry.save()
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def evidence_ingest(
    *,
    actor: Any,
    school: School,
    uploaded_file: IO[bytes] | Any,
    title: str,
    reason: str,
    ip: str = "",
) -> EvidenceItem:
    """Store an uploaded file as a new evidence item, its first custody entry an ``ingest``."""
    title = title.strip()
    if not title:
        raise EvidenceError("Give the evidence a title.", field="title")
    reason = _check_reason(reason)
    filename = str(getattr(uploaded_file, "name", "") or "").rsplit("/", 1)[-1]
    if not filename:
        raise EvidenceError("The file has no name.", field="file")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    try:
        blob = storage.store(
            uploaded_file,
            filename=filename,
            declared_type=str(getattr(uploaded_file, "content_type", "") or ""),
            check_content=images.check_image,
        )
    except storage.StorageError as exc:
        raise EvidenceError(f"{filename}: {exc}", field="file") from exc
    facts = images.read_exif(blob.name, blob.media_type)
    actor_id, _ = _actor(actor)
    with transaction.atomic():
        item = EvidenceItem(
            school=school,
            title=title[:200],
            kind=kind_of(blob.media_type).value,
            sha256=blob.sha256,
            size=blob.size,
            media_type=blob.media_type,
            original_filename=filename[:255],
            storage_name=blob.name,
            captured_at=facts.captured_at,
            camera=facts.camera,
            gps_lat=facts.gps_lat,
            gps_lon=facts.gps_lon,
            exif_note=facts.note,
            uploaded_at=timezone.now(),
            uploaded_by_id=actor_id,
        )
        item.save()
        custody_record(actor=actor, item=item, action=CustodyAction.INGEST, reason=reason, ip=ip)
    return item


def evidence_derive_thumbnail(
    *, actor: Any, item: EvidenceItem, reason: str, ip: str = ""
) -> EvidenceItem:
    """A thumbnail of a photo as a new item pointing to its original, with the tool and
    settings that made it. EXIF orientation is applied, so the thumbnail stands upright."""
    if item.media_type not in images.DECODABLE:
        raise EvidenceError(f"No thumbnail can be made of {item.media_type}.", field="item")
    max_px = int(THUMBNAIL_SETTINGS["max_px"])
    with storage.storage().open(item.storage_name, "rb") as handle, Image.open(handle) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((max_px, max_px))
        buffer = io.BytesIO()
        upright.convert("RGB").save(
            buffer, THUMBNAIL_SETTINGS["format"], quality=THUMBNAIL_SETTINGS["quality"]
        )
    name = f"{PurePosixPath(item.original_filename).stem}-thumbnail.jpg"
    with transaction.atomic():
        thumbnail = evidence_ingest(
            actor=actor,
            school=item.school,
            uploaded_file=ContentFile(buffer.getvalue(), name=name),
            title=f"Thumbnail of {item.title}"[:200],
            reason=reason,
            ip=ip,
        )
        # The thumbnail carries no EXIF (capture facts are the original's, found through
        # derived_from); what made it is recorded instead.
        thumbnail.derived_from = item
        thumbnail.derivation_tool = f"Pillow {PIL.__version__}: ImageOps.exif_transpose, thumbnail"
        thumbnail.derivation_settings = dict(THUMBNAIL_SETTINGS)
        thumbnail.save()
    return thumbnail


def thumbnail_of(item: EvidenceItem) -> EvidenceItem | None:
    """The thumbnail made of ``item`` earlier, if any."""
    found: EvidenceItem | None = (
        item.derivatives.filter(derivation_tool__contains="thumbnail").order_by("pk").first()
    )
    return found


def evidence_thumbnail(
    *, actor: Any, item: EvidenceItem, reason: str, ip: str = ""
) -> EvidenceItem:
    """The thumbnail of a photo, made once (on upload, or on first view of an older item)."""
    return thumbnail_of(item) or evidence_derive_thumbnail(
        actor=actor, item=item, reason=reason, ip=ip
    )


def evidence_set_legal_hold(
    *, actor: Any, item: EvidenceItem, hold: bool, reason: str
) -> EvidenceItem:
    """Place or release a legal hold, with the reason in the audit log. (Evidence is never
    deleted anyway; the hold records that a court or counsel asked for it to be kept.)"""
    reason = _check_reason(reason)
    with transaction.atomic():
        current: EvidenceItem = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        if current.legal_hold == hold:
            state = "under" if hold else "not under"
            raise EvidenceError(f"The item is already {state} a legal hold.", field="hold")
        current.legal_hold = hold
        current.save(update_fields=["legal_hold"])  # audited: legal_hold before and after
        audit.record(
            audit.AuditAction.UPDATE,
            obj=current,
            reason=f"legal hold {'placed' if hold else 'released'}: {reason}",
            actor=actor,
        )
    return current


@dataclass(frozen=True)
class Problem:
    item_id: int
    message: str
    seq: int | None = None  # the custody entry at fault, if it is one

    def __str__(self) -> str:
        where = f"evidence #{self.item_id}"
        if self.seq is not None:
            where += f" custody entry #{self.seq}"
        return f"{where}: {self.message}"


def _items() -> Iterator[EvidenceItem]:
    last = 0
    while True:
        batch = list(EvidenceItem.objects.filter(pk__gt=last).order_by("pk")[:500])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def verify_file(item: EvidenceItem) -> Problem | None:
    if item.storage_name != storage.blob_name(item.sha256):
        return Problem(item.pk, f"stored under {item.storage_name}, not its content address")
    try:
        sha256, size = storage.hash_stored(item.storage_name)
    except OSError as exc:
        return Problem(item.pk, f"file {item.storage_name} cannot be read ({exc})")
    if sha256 != item.sha256 or size != item.size:
        return Problem(
            item.pk, f"file {item.storage_name} was altered on disk (its SHA-256 is now {sha256})"
        )
    return None


def verify_chain(item: EvidenceItem) -> Problem | None:
    expected_prev = custody.GENESIS_HASH
    expected_seq = 1
    for entry in CustodyEntry.objects.filter(item=item).order_by("seq"):
        if entry.seq != expected_seq:
            return Problem(
                item.pk, f"missing; the next entry present is #{entry.seq}", expected_seq
            )
        if entry.prev_hash != expected_prev:
            return Problem(item.pk, "previous-hash link does not match the entry before", entry.seq)
        if custody.entry_hash(entry) != entry.hash:
            return Problem(
                item.pk, "contents do not match its hash (the row was altered)", entry.seq
            )
        if entry.sha256 != item.sha256:
            return Problem(item.pk, "names a different SHA-256 than the item", entry.seq)
        expected_prev = entry.hash
        expected_seq += 1
    head = CustodyHead.objects.filter(item=item).first()
    if head is None or expected_seq == 1:
        return Problem(item.pk, "has no custody chain")
    if head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        return Problem(
            item.pk,
            f"chain head says #{head.last_seq} but the last entry is #{expected_seq - 1}"
            if head.last_seq != expected_seq - 1
            else "chain head hash does not match the last entry",
        )
    return None


def verify() -> tuple[int, Problem | None]:
    """Re-hash every stored file and recompute every custody chain.

    Returns the number of items that passed before the first problem, and that problem.
    """
    checked = 0
    for item in _items():
        problem = verify_file(item) or verify_chain(item)
        if problem is not None:
            return checked, problem
        checked += 1
    return checked, None
