"""The demo district's visitor management: watch lists, a small registry, pre-registrations and
yesterday's visits. Every person here is invented; names come from seeded random choices.

A step of ``vigil.demo.builder.STEPS``. Dates are relative to the day the demo is built (the
visits happened "yesterday"), everything else comes from the seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone
from fpdf import FPDF

from vigil.demo.layout import BuildResult
from vigil.visitors import services
from vigil.visitors.choices import IdSource, VisitorKind, WatchKind
from vigil.visitors.models import PreRegistration, RegistryList, WatchEntry

_GIVEN = [
    "Alden", "Brielle", "Corwin", "Delphine", "Emrys", "Fenna", "Garrick", "Hollis", "Isolde",
    "Jory", "Kestrel", "Linnea", "Merrick", "Nerys", "Orrin", "Perrin", "Quilla", "Rowan",
    "Soren", "Tamsin", "Ulric", "Vesna", "Wrenna", "Yarrow",
]  # fmt: skip
_FAMILY = [
    "Ashgrove", "Brackwater", "Coldbrook", "Dunmore", "Elderwood", "Fallowfield", "Greythorn",
    "Hartwell", "Ivybridge", "Juniperlane", "Kettleby", "Larchmont", "Mossfield", "Northcote",
    "Oakhurst", "Pennywhistle", "Quarrington", "Rookwood", "Saltmarsh", "Thornbury",
]  # fmt: skip
_PURPOSES = [
    ("Parent meeting", "Counseling office"),
    ("Delivering lunch", "Main office"),
    ("Early pick-up", "Main office"),
    ("Guest speaker", "Library"),
    ("IEP meeting", "Room 112"),
    ("Book fair volunteer", "Library"),
    ("Vendor: copier service", "Workroom"),
]


def _notice_pdf(name: str, issued: date) -> bytes:
    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "NOTICE OF TRESPASS WARNING (FICTIONAL DEMO)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(
        0,
        6,
        f"Issued {issued.isoformat()} to {name}. Cedar Hollow Unified School District is an "
        "invented district; this document exists only to demonstrate Vigil.",
    )
    return bytes(pdf.output())


def _person(rng: random.Random) -> tuple[str, str, date]:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    return rng.choice(_FAMILY).upper(), rng.choice(_GIVEN).upper(), born


def step(seed: int, result: BuildResult) -> None:
    rng = random.Random(f"{seed}:visitors")
    schools = result.schools
    high, middle, elementary = (
        schools["cedar-hollow-hs"],
        schools["juniper-ridge-ms"],
        schools["willow-creek-es"],
    )
    zone = ZoneInfo(result.district.time_zone)
    today = timezone.now().astimezone(zone).date()

    # Watch lists: a district-wide ban, a trespass warning with its notice, a custody order.
    WatchEntry.objects.create(
        kind=WatchKind.BANNED,
        family_name="THORNBURY",
        given_names="GARRICK",
        aliases=[{"family": "Thornberry", "given": "Gary"}],
        date_of_birth=date(1979, 4, 12),
        notes="Banned from all district property after repeated threats (fictional).",
    )
    warning = WatchEntry(
        school=high,
        kind=WatchKind.TRESPASS_WARNED,
        family_name="SALTMARSH",
        given_names="PERRIN",
        date_of_birth=date(1988, 11, 3),
        expires_on=today + timedelta(days=200),
        notes="Warned after entering the stadium without leave (fictional).",
    )
    warning.notice.save(
        "trespass-notice.pdf",
        ContentFile(_notice_pdf("Perrin Saltmarsh", today - timedelta(days=165))),
        save=False,
    )
    warning.save()
    WatchEntry.objects.create(
        school=elementary,
        kind=WatchKind.CUSTODY_ORDER,
        family_name="KETTLEBY",
        given_names="MERRICK",
        date_of_birth=date(1984, 7, 21),
        student_label="Grade 2, room 4 — L.K.",
        notes="May not pick up the student; call the mother on file (fictional).",
    )

    # A small registry, district-wide.
    registry = RegistryList.objects.create(
        name="Regional registry sample", source="fictional demo feed"
    )
    rows = []
    for line in range(2, 42):
        family, given, born = _person(rng)
        rows.append(
            services.RegistryRow(
                line=line,
                family_name=family,
                given_names=given,
                date_of_birth=born,
                jurisdiction=rng.choice(["CA", "NV", "OR"]),
            )
        )
    services.registry_import(actor=None, registry=registry, rows=rows, now=timezone.now())

    # Pre-registrations: an approved volunteer, an approved contractor, one awaiting approval.
    director = result.users.get("director")
    approved_at = timezone.now()
    volunteer = PreRegistration.objects.create(
        kind=VisitorKind.VOLUNTEER,
        family_name="LARCHMONT",
        given_names="FENNA",
        date_of_birth=date(1983, 2, 9),
        organisation="Willow Creek PTA",
        purpose="Reading volunteer",
        host="Library",
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=150),
        hours_from=time(8, 0),
        hours_until=time(12, 0),
        background_check_on=today - timedelta(days=60),
        background_check_expires=today + timedelta(days=305),
        approved_by=director,
        approved_at=approved_at,
    )
    volunteer.schools.set([elementary])
    contractor = PreRegistration.objects.create(
        kind=VisitorKind.CONTRACTOR,
        family_name="OAKHURST",
        given_names="SOREN",
        date_of_birth=date(1975, 9, 30),
        organisation="Valley Air HVAC (fictional)",
        purpose="Rooftop unit maintenance",
        host="Facilities",
        valid_from=today - timedelta(days=3),
        valid_until=today + timedelta(days=10),
        hours_from=time(6, 30),
        hours_until=time(16, 0),
        background_check_on=today - timedelta(days=400),
        background_check_expires=today + timedelta(days=330),
        approved_by=director,
        approved_at=approved_at,
    )
    contractor.schools.set([high, middle])
    pending = PreRegistration.objects.create(
        kind=VisitorKind.VISITOR,
        family_name="HARTWELL",
        given_names="TAMSIN",
        date_of_birth=date(1991, 5, 17),
        purpose="College fair table",
        host="Gym",
        valid_from=today + timedelta(days=7),
        valid_until=today + timedelta(days=7),
        hours_from=time(9, 0),
        hours_until=time(14, 0),
    )
    pending.schools.set([high])

    # Yesterday's visits at each school, all signed out but one (for the follow-up list).
    yesterday = today - timedelta(days=1)
    desk_user = {
        high.slug: result.users.get("principal"),
        middle.slug: result.users.get("supervisor"),
        elementary.slug: result.users.get("frontdesk"),
    }
    for school in (high, middle, elementary):
        for n in range(5):
            family, given, born = _person(rng)
            arrived = datetime.combine(yesterday, time(8 + n * 2, rng.randrange(0, 50)), zone)
            purpose, destination = rng.choice(_PURPOSES)
            outcome = services.visit_check_in(
                actor=desk_user[school.slug],
                school=school,
                identity=services.Identity(
                    family_name=family,
                    given_names=given,
                    date_of_birth=born,
                    source=IdSource.SCAN,
                    id_last4=f"{rng.randrange(0, 10_000):04d}",
                    id_expiry=today + timedelta(days=rng.randrange(100, 1500)),
                    id_jurisdiction="CA",
                ),
                details=services.VisitDetails(
                    purpose=purpose, destination=destination, expected_minutes=45
                ),
                now=arrived,
            )
            if not (school is elementary and n == 4):
                services.visit_sign_out(
                    actor=desk_user[school.slug],
                    visit=outcome.visit,
                    now=arrived + timedelta(minutes=rng.randrange(20, 70)),
                )
