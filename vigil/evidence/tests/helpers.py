"""Evidence test files, made here so every byte is known."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_bytes(
    *,
    color: tuple[int, int, int] = (200, 40, 40),
    taken: str = "",
    offset: str = "",
    gps: bool = False,
) -> bytes:
    image = Image.new("RGB", (64, 48), color)
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme PocketCam 2"
    if taken:
        exif_ifd = exif.get_ifd(0x8769)
        exif_ifd[0x9003] = taken
        if offset:
            exif_ifd[0x9011] = offset
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (37.0, 46.0, 30.0)
        gps_ifd[3] = "W"
        gps_ifd[4] = (122.0, 25.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[str]:
    """Every file under the storage root, relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
