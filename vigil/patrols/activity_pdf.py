"""The daily activity report of one officer: shifts, every check-in in order, findings."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from fpdf import FPDF

from vigil.patrols.models import Finding, Scan, Shift


def _text(value: str) -> str:
    plain = value.replace("–", "-").replace("—", "-").replace("’", "'").replace("±", "+/-")
    return plain.encode("latin-1", "replace").decode("latin-1")


def render(
    *,
    school: str,
    officer: str,
    day: str,
    shifts: Sequence[Shift],
    scans: Sequence[Scan],
    findings: Sequence[Finding],
    generated_by: str,
) -> bytes:
    pdf = FPDF(format="letter", unit="mm")
    pdf.set_title(_text(f"Daily activity report - {officer} - {day}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, _text("Daily activity report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _text(f"{officer} - {school} - {day}"), new_x="LMARGIN", new_y="NEXT")
    generated = timezone.localtime()
    pdf.cell(
        0,
        6,
        _text(f"Generated {generated:%Y-%m-%d %H:%M} by {generated_by} from Vigil's records."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    def heading(text: str) -> None:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9.5)

    heading(f"Shifts ({len(shifts)})")
    for shift in shifts:
        ended = timezone.localtime(shift.ended_at).strftime("%H:%M") if shift.ended_at else "open"
        zone = shift.building.name if shift.building else "whole campus"
        line = (
            f"{timezone.localtime(shift.started_at):%H:%M}-{ended}  {shift.get_mode_display()}, "
            f"{zone}; called away {shift.replans} time(s)"
        )
        pdf.cell(0, 5.5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    heading(f"Check-ins ({len(scans)})")
    for scan in scans:
        late = (scan.received_at - scan.occurred_at).total_seconds()
        extra = f"  (sent {late / 60:.0f} min later, offline)" if late > 120 else ""
        gps = f"  {scan.distance_m:.0f} m from tag" if scan.distance_m is not None else ""
        line = (
            f"{timezone.localtime(scan.occurred_at):%H:%M:%S}  {scan.label}  "
            f"[{scan.get_method_display()}]{gps}{extra}"
        )
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    if not scans:
        pdf.cell(0, 5, "No check-ins.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    heading(f"Findings ({len(findings)})")
    for finding in findings:
        line = (
            f"{timezone.localtime(finding.occurred_at):%H:%M}  {finding.label}: {finding.item} "
            f"{finding.result.replace('_', ' ')} ({finding.get_severity_display()})"
        )
        pdf.multi_cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
        if finding.note:
            pdf.multi_cell(0, 5, _text(f"    {finding.note}"), new_x="LMARGIN", new_y="NEXT")
        if finding.photo is not None:
            pdf.multi_cell(
                0,
                5,
                _text(f"    photo: evidence #{finding.photo_id}, SHA-256 {finding.photo.sha256}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    if not findings:
        pdf.cell(0, 5, "No findings.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
