"""The packet PDF from a manifest alone (no database): with the system's DejaVu fonts, and
without them (core Helvetica, text folded to Latin-1), and with nothing attached."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from vigil.incidents.packet import pdf

DIGEST = "ab" * 32


def _manifest() -> dict[str, Any]:
    return {
        "created_at": "2026-11-03T17:00:00.000000Z",
        "created_by": "director",
        "reason": "Hearing officer’s request — “copy for the file”",
        "report": {
            "number": "CHHS-2026-0007",
            "school": "Cedar Hollow High School",
            "district": "Cedar Hollow Unified School District",
            "title": "Vape found in the restroom",
            "status": "submitted",
            "versions": [
                {
                    "number": 1,
                    "status": "draft",
                    "change": "created",
                    "at": "2026-11-03T16:00:00.000000Z",
                    "actor": "officer",
                    "comment": "",
                    "sha256": "cd" * 32,
                    "prev_sha256": "0" * 64,
                    "path": "report/version-001.json",
                }
            ],
            "addenda": [],
        },
        "items": [],
    }


def _content() -> dict[str, Any]:
    return {
        "author": "officer",
        "reviewer": None,
        "template": "Incident report v1",
        "where": {"area": None, "point": None, "text": "Restroom B, 2nd floor"},
        "when": {
            "occurred_start": "2026-11-01T16:00:00Z",
            "written": "2026-11-03T16:00:00Z",
            "late_entry": True,
        },
        "classification": [{"scheme": "school", "code": "vaping", "label": "Vaping / tobacco"}],
        "people": [],
        "narrative": "Found a vape pen behind the sink — Zoë reported it.",
        "actions_taken": "",
        "notifications": [],
        "links": [],
        "evidence": [],
    }


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("fonts", ["dejavu", "core"])
def test_renders_with_and_without_unicode_fonts(
    fonts: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fonts == "core":
        monkeypatch.setattr(pdf, "FONT_DIR", tmp_path / "no-fonts")
    elif not (pdf.FONT_DIR / "DejaVuSans.ttf").exists():
        pytest.skip("DejaVu fonts are not installed")
    data = pdf.render(_manifest(), contents={1: _content()}, thumbnails={}, manifest_sha256=DIGEST)
    assert data.startswith(b"%PDF-")
    text = _text(data, tmp_path)
    dash = "—" if fonts == "dejavu" else "-"
    assert f"Submitted for review {dash} NOT APPROVED" in text
    assert f"YES {dash} written more than 24 hours after the incident began" in text
    assert "No evidence is attached to this report." in text
    assert "No addenda." in text
    assert DIGEST in text
    if fonts == "dejavu":
        assert "Zoë reported it" in text
        assert "Hearing officer’s request — “copy for the file”" in text
    else:
        assert "Zoë reported it" in text  # ë is Latin-1
        assert 'Hearing officer\'s request - "copy for the file"' in text
