"""Shared pieces of the visitor tests: a scanned card for any person, a fixed clock."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vigil.visitors.tests.test_aamva import card

# 10:30 in California on a Tuesday: inside the default visiting hours.
NOON = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)


def scan_of(
    family: str,
    given: str,
    born: date,
    *,
    expiry: date = date(2029, 6, 1),
    number: str = "D1234567",
) -> str:
    """The AAMVA text a keyboard-wedge scanner types for a California licence (version 8)."""
    return card(
        "636014",
        8,
        [
            "DCAC",
            "DCBNONE",
            "DCDNONE",
            f"DBA{expiry:%m%d%Y}",
            f"DCS{family}",
            f"DAC{given}",
            "DADNONE",
            "DBD01012020",
            f"DBB{born:%m%d%Y}",
            "DBC1",
            "DAYBRO",
            "DAU070 IN",
            "DAG1 FICTION WAY",
            "DAIEXAMPLEVILLE",
            "DAJCA",
            "DAK950000000  ",
            f"DAQ{number}",
            "DCF00000000000",
            "DCGUSA",
            "DDEN",
            "DDFN",
            "DDGN",
        ],
        jurisdiction_version=1,
    )


def photo_upload(name: str = "face.png", colour: str = "#4a7") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
