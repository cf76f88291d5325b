"""The demo district's incident reports: two months of history at the three schools.

A step of ``vigil.demo.builder.STEPS``. About forty reports over the last 60 days, in every
state: approved (one with an addendum), submitted and waiting for review, returned with the
supervisor's comment, and drafts (two of them with phrases the facts-only helper flags). Each
one is written through ``vigil.incidents.services`` — the same checks, versions and audit rows
as a real report — at the moment it would have been written: the services read the time from
``timezone.now()``, so the step runs them under a clock set to that moment (``_clock``).

Everything comes from the seed; only the dates move with the day the demo is built. Every
person named is invented.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from vigil.accounts.models import User
from vigil.demo.layout import BuildResult
from vigil.incidents import services
from vigil.incidents.choices import NotificationKind, PersonKind, PersonRole, SchoolCategory
from vigil.incidents.models import Report
from vigil.sites.choices import AreaType
from vigil.sites.models import Area, School

REPORTS = 40
DAYS = 60

_GIVEN = [
    "Ansel", "Bryony", "Cassius", "Dorothea", "Ezra", "Fern", "Gideon", "Hazel", "Ignatius",
    "Juniper", "Kit", "Lark", "Milo", "Nola", "Otis", "Posy", "Quentin", "Romy", "Silas", "Tilly",
]  # fmt: skip
_FAMILY = [
    "Applewhite", "Birchall", "Crowhurst", "Dovecote", "Everleigh", "Foxley", "Gladwin",
    "Hollowell", "Inchbald", "Jessop", "Kingsley", "Lovell", "Marwood", "Nettleship", "Orchard",
]  # fmt: skip


@dataclass(frozen=True)
class _Scene:
    title: str
    categories: tuple[str, ...]
    nibrs: tuple[str, ...]
    places: tuple[str, ...]  # area types, in order of preference
    narrative: str
    actions: str
    roles: tuple[tuple[str, str], ...]  # (role, kind) of each person involved
    notify: tuple[str, ...] = ()


C = SchoolCategory
R = PersonRole
K = PersonKind
N = NotificationKind

_SCENES: tuple[_Scene, ...] = (
    _Scene(
        "Fight in the cafeteria",
        (C.FIGHT,),
        ("13B",),
        (AreaType.CAFETERIA,),
        "At {time} I heard shouting near the serving line. I saw {a} push {b} with both hands; "
        "{b} fell against a table and got up. {a} swung a closed fist and struck {b} once on "
        "the left shoulder. I stepped between them and told both to stop; they stopped. No "
        "injury was visible; {b} said the shoulder hurt.",
        "Separated both students, escorted them to the assistant principal's office, asked the "
        "nurse to check the shoulder. Statements taken from two witnesses.",
        ((R.OFFENDER, K.STUDENT), (R.VICTIM, K.STUDENT), (R.WITNESS, K.STUDENT)),
        (N.GUARDIAN, N.ADMINISTRATOR),
    ),
    _Scene(
        "Vaping in the restroom",
        (C.VAPING, C.POLICY_VIOLATION),
        (),
        (AreaType.RESTROOM_STUDENT,),
        "The vape sensor alerted at {time}. I entered and saw vapour near the last stall and "
        "smelled a sweet odour. {a} was standing at the sink holding a blue vape device, which "
        "{a} handed to me when asked.",
        "Took the device into evidence, bagged and labelled. Referred to the assistant principal.",
        ((R.OFFENDER, K.STUDENT),),
        (N.GUARDIAN,),
    ),
    _Scene(
        "Trespasser on the field after hours",
        (C.TRESPASS,),
        ("90J",),
        (AreaType.PLAYING_FIELD, AreaType.PARKING_LOT),
        "At {time} the camera showed an adult walking along the fence line. I drove to the "
        "field and found an adult man, about 40, grey hoodie, sitting on the bleachers. He said "
        "he was waiting for a friend. I told him the campus is closed after 6 pm; he left "
        "through the north gate.",
        "Trespass warning given verbally and recorded. Checked the gate: the chain was cut; "
        "work order requested.",
        ((R.SUSPECT, K.UNKNOWN),),
        (N.ADMINISTRATOR,),
    ),
    _Scene(
        "Phone stolen from the locker room",
        (C.THEFT,),
        ("23D",),
        (AreaType.LOCKER_ROOM, AreaType.GYM),
        "{b} reported at {time} that a black phone in a green case was taken from an unlocked "
        "locker during PE. I checked the locker: no damage to the lock hasp. The locker room "
        "camera does not cover the lockers.",
        "Took the description and serial number. Checked the lost and found. Advised the family "
        "of how to report to police.",
        ((R.VICTIM, K.STUDENT), (R.REPORTING_PARTY, K.STAFF)),
        (N.GUARDIAN, N.LAW_ENFORCEMENT),
    ),
    _Scene(
        "Graffiti on the stairway wall",
        (C.VANDALISM,),
        ("290",),
        (AreaType.STAIRWAY, AreaType.HALLWAY),
        "During the {time} patrol I found black marker writing, about 60 by 40 cm, on the "
        "landing wall. It was not there on the morning patrol. Photographed it.",
        "Photographed, reported to custodial for removal, asked for the hallway camera footage.",
        ((R.REPORTING_PARTY, K.STAFF),),
    ),
    _Scene(
        "Student fainted in the gym",
        (C.MEDICAL,),
        (),
        (AreaType.GYM, AreaType.PLAYING_FIELD),
        "At {time} the PE teacher radioed that {a} had collapsed during laps. I arrived within "
        "two minutes; {a} was awake, sitting, pale, and said they had not eaten breakfast.",
        "Called the nurse, then 911 at the nurse's request. Ambulance arrived 12 minutes later; "
        "{a} was checked and released to a parent.",
        ((R.VICTIM, K.STUDENT), (R.REPORTING_PARTY, K.STAFF)),
        (N.FIRE_EMS, N.GUARDIAN),
    ),
    _Scene(
        "Fire alarm pulled without a fire",
        (C.FIRE_ALARM,),
        ("90Z",),
        (AreaType.HALLWAY,),
        "The fire alarm sounded at {time}. The panel showed pull station 3 in the main hallway. "
        "I checked the hallway: no smoke, no heat, the station's glass rod was broken. The "
        "building was evacuated in six minutes.",
        "Confirmed no fire with the fire department, reset the panel with the custodian, asked "
        "for the hallway camera footage.",
        ((R.REPORTING_PARTY, K.STAFF),),
        (N.FIRE_EMS, N.ADMINISTRATOR),
    ),
    _Scene(
        "Threat written on a desk",
        (C.THREAT,),
        ("13C",),
        (AreaType.CLASSROOM,),
        "The teacher showed me at {time} a desk with the words 'next week you will all see' "
        "scratched into it. The teacher said it was not there yesterday.",
        "Photographed the desk, informed the principal, started the threat assessment "
        "checklist, listed the students who sat at that desk today.",
        ((R.REPORTING_PARTY, K.STAFF),),
        (N.ADMINISTRATOR, N.LAW_ENFORCEMENT),
    ),
    _Scene(
        "Knife found in a backpack",
        (C.WEAPON,),
        ("520",),
        (AreaType.OFFICE, AreaType.CLASSROOM),
        "At {time} the assistant principal searched {a}'s backpack with me present. A folding "
        "knife with a 7 cm blade was in the front pocket. {a} said it was for opening boxes at "
        "work.",
        "Took the knife into evidence. The student stayed in the office until a parent came.",
        ((R.OFFENDER, K.STUDENT), (R.WITNESS, K.STAFF)),
        (N.GUARDIAN, N.ADMINISTRATOR, N.LAW_ENFORCEMENT),
    ),
    _Scene(
        "Bullying reported by a parent",
        (C.BULLYING,),
        (),
        (AreaType.HALLWAY, AreaType.COURTYARD),
        "A parent phoned at {time}: {b} has been called names and had lunch taken by {a} "
        "three times this week near the lockers. {b} confirmed this to me and named one "
        "witness.",
        "Spoke with the witness, informed the counsellor and the assistant principal, "
        "arranged a check-in with {b} tomorrow.",
        ((R.VICTIM, K.STUDENT), (R.OFFENDER, K.STUDENT), (R.REPORTING_PARTY, K.VISITOR)),
        (N.ADMINISTRATOR,),
    ),
    _Scene(
        "Car window broken in the staff lot",
        (C.VANDALISM, C.THEFT),
        ("290", "23F"),
        (AreaType.PARKING_LOT,),
        "A teacher reported at {time} that the rear window of her car was broken and a bag "
        "taken from the back seat. Glass was on the ground beside the car.",
        "Photographed the car, gave the teacher the police non-emergency number, asked for the "
        "lot camera footage.",
        ((R.VICTIM, K.STAFF),),
        (N.LAW_ENFORCEMENT,),
    ),
    _Scene(
        "Unknown adult at the side door",
        (C.SUSPICIOUS_PERSON,),
        (),
        (AreaType.HALLWAY, AreaType.COURTYARD),
        "At {time} a teacher reported an adult trying the handle of the east side door. I "
        "found a woman, about 30, red jacket, who said she was looking for the office to drop "
        "off medication.",
        "Walked her to the front office to sign in as a visitor. Checked the door: it was latched.",
        ((R.REPORTING_PARTY, K.STAFF), (R.BYSTANDER, K.VISITOR)),
    ),
)

# Drafts that show the facts-only helper at work.
_UNPOLISHED = (
    " He was obviously lying and I think he took it.",
    " The subj was acting aggressive, probably under the influence.",
)
_RETURN_COMMENTS = (
    "Add the time you arrived and the names of the two witnesses.",
    "Say who called 911 and when the ambulance arrived.",
    "The narrative says a camera covered it: attach the still or say why not.",
)


class _Clock(SimpleNamespace):
    """What ``services`` uses of ``django.utils.timezone``, with ``now()`` fixed."""


@contextmanager
def _clock(at: datetime) -> Iterator[None]:
    fixed = _Clock(now=lambda: at, localtime=timezone.localtime)
    with mock.patch.object(services, "timezone", fixed):
        yield


def _name(rng: random.Random, juvenile: bool) -> str:
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    return f"{given} {family[0]}." if juvenile else f"{given} {family}"


def _location_text(rng: random.Random, area: Area | None, scene: _Scene) -> str:
    if area is None:  # outdoors: said in words
        return str(AreaType(scene.places[0]).label).lower()
    return f"near the {area.name.lower()}" if rng.random() < 0.4 else ""


def _area(rng: random.Random, areas: list[Area], types: tuple[str, ...]) -> Area | None:
    for wanted in types:
        fitting = [a for a in areas if a.area_type == wanted]
        if fitting:
            return rng.choice(fitting)
    return None


@dataclass(frozen=True)
class _Plan:
    school: School
    author: User
    reviewer: User
    scene: _Scene
    occurred: datetime
    state: str  # draft | submitted | returned | approved | addendum


def _states(rng: random.Random) -> list[str]:
    states = ["approved"] * 25 + ["addendum"] + ["submitted"] * 5 + ["returned"] * 3 + ["draft"] * 6
    # The oldest are reviewed; the newest are still moving through review.
    done = [s for s in states if s in ("approved", "addendum")]
    moving = [s for s in states if s not in ("approved", "addendum")]
    rng.shuffle(done)
    rng.shuffle(moving)
    return done + moving


def _plans(seed: int, result: BuildResult, now: datetime) -> list[_Plan]:
    rng = random.Random(f"{seed}:incidents")
    users = result.users
    schools = [
        result.schools["cedar-hollow-hs"],
        result.schools["juniper-ridge-ms"],
        result.schools["willow-creek-es"],
    ]
    author = {
        "cedar-hollow-hs": users["officer"],
        "juniper-ridge-ms": users["officer2"],
        "willow-creek-es": users["officer2"],
    }
    reviewer = {
        "cedar-hollow-hs": users["supervisor"],
        "juniper-ridge-ms": users["supervisor"],
        "willow-creek-es": users["director"],
    }
    zone = ZoneInfo(result.district.time_zone)
    today = now.astimezone(zone).date()
    states = _states(rng)
    plans = []
    for n in range(REPORTS):
        # Spread over the period, oldest first, so numbers follow the calendar.
        days_ago = DAYS - (n * (DAYS - 1)) // REPORTS
        day = today - timedelta(days=days_ago)
        occurred = datetime.combine(
            day, time(rng.randint(7, 15), rng.choice((5, 20, 35, 50))), zone
        )
        school = schools[(0, 0, 1, 2)[rng.randrange(4)]]
        plans.append(
            _Plan(
                school=school,
                author=author[school.slug],
                reviewer=reviewer[school.slug],
                scene=_SCENES[rng.randrange(len(_SCENES))],
                occurred=occurred,
                state=states[n],
            )
        )
    return plans


def _draft(rng: random.Random, plan: _Plan, areas: list[Area]) -> services.ReportDraft:
    scene = plan.scene
    people = []
    names = []
    for role, kind in scene.roles:
        juvenile = kind == K.STUDENT
        name = _name(rng, juvenile)
        names.append(name)
        people.append(services.PersonInput(role=role, kind=kind, name=name, juvenile=juvenile))
    a, b = [*names, "the student", "the other student"][:2]
    clock = plan.occurred.strftime("%H:%M")
    narrative = scene.narrative.format(time=clock, a=a, b=b)
    if plan.state == "draft" and rng.random() < 0.5:
        narrative += rng.choice(_UNPOLISHED)
    area = _area(rng, areas, scene.places)
    notifications = []
    for offset, kind in enumerate(scene.notify, start=1):
        party = {
            N.GUARDIAN: f"Parent of {names[0] if names else 'the student'}",
            N.ADMINISTRATOR: "Assistant principal",
            N.LAW_ENFORCEMENT: "Cedar Hollow Police Department",
            N.FIRE_EMS: "Cedar Hollow Fire District",
        }[N(kind)]
        notifications.append(
            services.NotificationInput(
                kind=kind,
                party=party,
                notified_at=plan.occurred + timedelta(minutes=10 * offset + rng.randint(0, 9)),
                notified_by=plan.author.get_full_name() or plan.author.username,
                case_number=f"CHPD-{plan.occurred:%y}-{rng.randint(1000, 9999)}"
                if kind == N.LAW_ENFORCEMENT
                else "",
            )
        )
    minutes = rng.randint(5, 40)
    return services.ReportDraft(
        title=scene.title,
        area_id=area.pk if area else None,
        location_text=_location_text(rng, area, scene),
        occurred_start=plan.occurred,
        occurred_end=plan.occurred + timedelta(minutes=minutes),
        discovered_at=plan.occurred + timedelta(minutes=rng.randint(0, 4)),
        reported_at=plan.occurred + timedelta(minutes=rng.randint(2, 6)),
        narrative=narrative,
        actions_taken=scene.actions.format(a=a, b=b),
        nibrs=tuple(scene.nibrs),
        categories=tuple(str(c) for c in scene.categories),
        people=tuple(people),
        notifications=tuple(notifications),
    )


def step(seed: int, result: BuildResult) -> None:
    now = timezone.now()
    rng = random.Random(f"{seed}:incident-text")
    # Areas inside a building only: services._clean checks ``building__school``, which refuses
    # outdoor areas (fields, parking lots) — reported to the lead; free text covers them here.
    areas = {
        school.slug: list(Area.objects.filter(building__school=school).order_by("pk"))
        for school in result.schools.values()
    }
    # When each was written: most within hours, a few the next day or later (late entries).
    # Reports are created in that order, so their numbers follow the order they were written.
    timed: list[tuple[datetime, int, _Plan]] = []
    for n, plan in enumerate(_plans(seed, result, now)):
        late = n % 9 == 4
        delay = (
            timedelta(hours=rng.randint(26, 50))
            if late
            else timedelta(minutes=rng.randint(40, 180))
        )
        timed.append((min(plan.occurred + delay, now - timedelta(minutes=30)), n, plan))
    timed.sort(key=lambda item: (item[0], item[1]))
    previous: dict[str, Report] = {}
    returns = 0
    for written, _n, plan in timed:
        draft = _draft(rng, plan, areas[plan.school.slug])
        # Two reports of the same scene at one school belong together: link the later one.
        key = f"{plan.school.slug}:{plan.scene.title}"
        if key in previous and plan.state != "draft":
            draft = replace(draft, links=(("report", previous[key].pk),))
        with _clock(written):
            report = services.report_create(actor=plan.author, school=plan.school, draft=draft)
        previous[key] = report
        if plan.state == "draft":
            continue
        submitted = min(
            written + timedelta(minutes=rng.randint(10, 50)), now - timedelta(minutes=20)
        )
        with _clock(submitted):
            report = services.report_submit(actor=plan.author, report=report)
        if plan.state == "submitted":
            continue
        reviewed = min(submitted + timedelta(hours=rng.randint(2, 30)), now - timedelta(minutes=10))
        if plan.state == "returned":
            with _clock(reviewed):
                report = services.report_return(
                    actor=plan.reviewer,
                    report=report,
                    comment=_RETURN_COMMENTS[returns % len(_RETURN_COMMENTS)],
                )
            returns += 1
            continue
        with _clock(reviewed):
            report = services.report_approve(actor=plan.reviewer, report=report)
        if plan.state == "addendum":
            with _clock(min(reviewed + timedelta(days=2), now - timedelta(minutes=5))):
                services.addendum_add(
                    actor=plan.author,
                    report=report,
                    text="The parent called back on the next school day: the family has "
                    "filed a police report, case number CHPD-26-4471.",
                )
