"""Photos: refuse a corrupt image, and read what its EXIF says about capture time, camera and
place. EXIF is the camera's claim, not a fact: a capture time in the future is not used and
the item says why (``ExifFacts.note``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from vigil.evidence.storage import StorageError, storage

# Pillow decodes these; HEIC needs a plugin Vigil does not ship, so its EXIF is not read.
DECODABLE = {"image/jpeg", "image/png", "image/webp"}
# Cameras' clocks drift; a few minutes ahead is not a lie.
CLOCK_SLACK = timedelta(minutes=10)

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_MAKE, _MODEL = 0x010F, 0x0110
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011


@dataclass(frozen=True)
class ExifFacts:
    captured_at: datetime | None = None
    camera: str = ""
    gps_lat: float | None = None
    gps_lon: float | None = None
    note: str = ""


def check_image(name: str, media_type: str) -> None:
    """Refuse an image Pillow cannot decode (``storage.store``'s ``check_content``)."""
    if media_type not in DECODABLE:
        return
    try:
        with storage().open(name, "rb") as handle, Image.open(handle) as image:
            image.verify()
        with storage().open(name, "rb") as handle, Image.open(handle) as image:
            image.load()  # verify() misses truncated pixel data
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise StorageError(f"the image is corrupt or truncated ({exc})") from exc


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1.0 if str(ref).upper() in {"S", "W"} else 1.0
    return sign * (d + m / 60 + s / 3600)


def _captured_at(exif_ifd: dict[int, Any]) -> datetime | None:
    raw = str(exif_ifd.get(_DATETIME_ORIGINAL, "")).strip("\x00 ")
    if not raw:
        return None
    try:
        naive = datetime.strptime(raw, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = str(exif_ifd.get(_OFFSET_TIME_ORIGINAL, "")).strip("\x00 ")
    if offset:
        try:
            return datetime.strptime(f"{raw} {offset}", "%Y:%m:%d %H:%M:%S %z")
        except ValueError:
            pass
    # No offset recorded: the camera's local time, taken as the district's time zone.
    return timezone.make_aware(naive)


def read_exif(name: str, media_type: str) -> ExifFacts:
    if media_type not in DECODABLE:
        return ExifFacts()
    with storage().open(name, "rb") as handle, Image.open(handle) as image:
        exif = image.getexif()
        exif_ifd = dict(exif.get_ifd(_EXIF_IFD))
        gps = dict(exif.get_ifd(_GPS_IFD))
        make = str(exif.get(_MAKE, "")).strip("\x00 ")
        model = str(exif.get(_MODEL, "")).strip("\x00 ")
    camera = model if model.startswith(make) else f"{make} {model}".strip()
    lat = _degrees(gps.get(2), gps.get(1)) if 2 in gps else None
    lon = _degrees(gps.get(4), gps.get(3)) if 4 in gps else None
    captured = _captured_at(exif_ifd)
    note = ""
    if captured is not None and captured > timezone.now() + CLOCK_SLACK:
        note = f"EXIF capture time {captured.isoformat()} is in the future; not used"
        captured = None
    return ExifFacts(captured_at=captured, camera=camera[:200], gps_lat=lat, gps_lon=lon, note=note)
