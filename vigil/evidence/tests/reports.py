"""A whole incident report with photos, built through the services, for packet and UI tests:
written by the officer, returned by the supervisor, fixed, approved, then given an addendum."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from PIL import Image

from vigil.accounts.models import User
from vigil.evidence import services as evidence
from vigil.evidence.models import EvidenceItem
from vigil.evidence.tests.helpers import MINIMAL_PDF, upload
from vigil.incidents import services
from vigil.incidents.models import Report
from vigil.sites.models import School

SCHOOL = "cedar-hollow-hs"


def rotated_photo(*, taken: str = "", gps: bool = True) -> bytes:
    """A 96×48 landscape JPEG whose EXIF says 'rotate 90° clockwise' (orientation 6), so an
    upright thumbnail is 48 wide and 96 tall. The left half is red, the right half blue."""
    image = Image.new("RGB", (96, 48), (220, 30, 30))
    image.paste((30, 30, 220), (48, 0, 96, 48))
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme PocketCam 2"
    exif[0x0112] = 6
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (37.0, 46.0, 30.0)
        gps_ifd[3] = "W"
        gps_ifd[4] = (122.0, 25.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=92)
    return buffer.getvalue()


@dataclass
class Sample:
    report: Report
    photo: EvidenceItem
    document: EvidenceItem
    officer: User
    supervisor: User
    school: School


def _draft(narrative: str) -> services.ReportDraft:
    now = timezone.now()
    return services.ReportDraft(
        title="Fight in the east hallway",
        location_text="East hallway by room 112",
        occurred_start=now - timedelta(hours=2),
        occurred_end=now - timedelta(minutes=110),
        discovered_at=now - timedelta(hours=2),
        reported_at=now - timedelta(minutes=115),
        narrative=narrative,
        actions_taken="Separated the two students and walked them to the office.",
        nibrs=("13B",),
        categories=("fight",),
        people=(
            services.PersonInput(role="offender", kind="student", name="Student A", juvenile=True),
            services.PersonInput(role="victim", kind="student", name="Student B", juvenile=True),
            services.PersonInput(role="witness", kind="staff", name="Ms. Rivera"),
        ),
        notifications=(
            services.NotificationInput(
                kind="law_enforcement",
                party="County Sheriff",
                notified_at=now - timedelta(minutes=100),
                notified_by="officer",
                case_number="SO-26-11873",
            ),
            services.NotificationInput(
                kind="guardian",
                party="Parent of Student B",
                notified_at=now - timedelta(minutes=90),
                notified_by="officer",
            ),
        ),
    )


def sample_report(*, approve: bool = True) -> Sample:
    officer = User.objects.get(username="officer")
    supervisor = User.objects.get(username="supervisor")
    school = School.objects.get(slug=SCHOOL)
    report = services.report_create(
        actor=officer,
        school=school,
        draft=_draft("At 10:02 I saw Student A push Student B against the lockers."),
    )
    photo = evidence.evidence_ingest(
        actor=officer,
        school=school,
        uploaded_file=upload("hallway.jpg", rotated_photo(taken="2026:11:02 10:05:00")),
        title="East hallway, lockers — “after”",
        reason="Photographed at the scene",
        ip="10.0.0.7",
    )
    document = evidence.evidence_ingest(
        actor=officer,
        school=school,
        uploaded_file=upload("statement.pdf", MINIMAL_PDF),
        title="Witness statement, Ms. Rivera",
        reason="Statement taken at the office",
        ip="10.0.0.7",
    )
    services.report_attach(actor=officer, report=report, item=photo)
    services.report_attach(actor=officer, report=report, item=document)
    services.report_submit(actor=officer, report=report)
    services.report_return(
        actor=supervisor, report=report, comment="Say how the fight ended and who separated them."
    )
    services.report_update(
        actor=officer,
        report=report,
        draft=_draft(
            "At 10:02 I saw Student A push Student B against the lockers. "
            "I said “Stop, step apart.” Both stepped apart when I stood between them."
        ),
    )
    services.report_submit(actor=officer, report=report)
    if approve:
        services.report_approve(actor=supervisor, report=report, comment="Clear and complete.")
        services.addendum_add(
            actor=officer,
            report=report,
            text="On 3 Nov the sheriff's deputy collected Ms. Rivera's written statement.",
        )
    report.refresh_from_db()
    return Sample(report, photo, document, officer, supervisor, school)
