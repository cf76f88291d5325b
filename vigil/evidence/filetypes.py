"""What a file is, from its first bytes, and what its name and declared type claim it is.

Evidence is accepted only when the content (magic bytes) agrees with the file name's extension
and with the content type the browser declared, so a renamed executable or a mislabelled file
never becomes evidence.
"""

from __future__ import annotations

import codecs
from pathlib import PurePosixPath

from vigil.evidence.choices import EvidenceKind

HEAD_BYTES = 4096

# Extension -> the media type its content must have.
EXTENSIONS: dict[str, str] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heic",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".txt": "text/plain",
}

# Declared content types browsers and phones send, mapped to the names used here.
_DECLARED_ALIASES: dict[str, str] = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/heif": "image/heic",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
}
# Declared types that say nothing (the check then rests on the name and content).
_UNINFORMATIVE = {"", "application/octet-stream", "binary/octet-stream"}

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _iso_media(head: bytes) -> str | None:
    """ISO base media files (MP4, MOV, M4A, HEIC) name their brand in an ``ftyp`` box."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "image/heic"
        if brand in _M4A_BRANDS:
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if head[4:8] in _QUICKTIME_ATOMS:  # old QuickTime files start with an atom, no ftyp
        return "video/quicktime"
    return None


def _is_mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    # An MPEG audio frame header: 11 sync bits, then layer III (bits 01).
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE6) == 0xE2


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        # The head may end in the middle of a character: decode without insisting on the end.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t\n\r\f" for ch in text)


def sniff(head: bytes) -> str | None:
    """The media type the first bytes of a file show, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    iso = _iso_media(head)
    if iso is not None:
        return iso
    if _is_mp3(head):
        return "audio/mpeg"
    if _is_text(head):
        return "text/plain"
    return None


def kind_of(media_type: str) -> EvidenceKind:
    if media_type.startswith("image/"):
        return EvidenceKind.PHOTO
    if media_type.startswith("audio/"):
        return EvidenceKind.AUDIO
    if media_type.startswith("video/"):
        return EvidenceKind.VIDEO
    if media_type in {"application/pdf", "text/plain"}:
        return EvidenceKind.DOCUMENT
    return EvidenceKind.OTHER


class FileTypeError(ValueError):
    pass


def check(head: bytes, filename: str, declared_type: str) -> str:
    """The detected media type, if the content agrees with the name and the declared type."""
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    expected = EXTENSIONS.get(extension)
    if expected is None:
        accepted = ", ".join(sorted(EXTENSIONS))
        named = extension or "without an extension"
        raise FileTypeError(f"files named {named} are not accepted (accepted: {accepted})")
    detected = sniff(head)
    if detected is None:
        raise FileTypeError(f"the content of {filename} is not a type Vigil accepts as evidence")
    if detected != expected:
        raise FileTypeError(f"{filename} is named as {expected} but its content is {detected}")
    declared = declared_type.split(";")[0].strip().lower()
    declared = _DECLARED_ALIASES.get(declared, declared)
    if declared not in _UNINFORMATIVE and declared != detected:
        raise FileTypeError(f"{filename} was sent as {declared} but its content is {detected}")
    return detected
