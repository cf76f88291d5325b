"""Checks shared by every import: what a problem is, and what an uploaded file really is.

Geometry checks live in ``vigil.sites.geometry``, shared with the editing forms.

Pure functions, no database. A ``Problem`` always names the file, the feature (or CSV line) and
the field, so a person can find and fix it without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass

# File signatures of things people upload by mistake, so a refusal can say what the file is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


@dataclass(frozen=True, order=True)
class Problem:
    """One reason an import is refused."""

    file: str
    feature: str  # feature id, CSV line ("line 4") or "" when the whole file is wrong
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.file, self.feature and f"{self.feature}") if p)
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def sniff(data: bytes) -> str | None:
    """What a file really is, by its first bytes; None when it is none of the known binaries."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if b"\x00" in data[:4096]:
        return "a binary file"
    return None


def is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is allowed); raises ValueError naming what the file is."""
    what = sniff(data)
    if what is not None:
        raise ValueError(f"this is {what}, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start} cannot be read)") from exc
