"""Workflows of visitor management: check in, decide a screening, sign out, approve a
pre-registration, acknowledge an alert, import a registry, purge old visits.

Each runs in one transaction and leaves its audit trail: the records are AuditedModels (their
saves are logged, with the ID fields redacted) and bulk operations write their own rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac

from vigil.core import audit
from vigil.events import pipeline
from vigil.events.choices import EventType
from vigil.sites.models import School
from vigil.visitors import screening
from vigil.visitors.choices import Decision, IdSource, VisitFlag, VisitorKind, VisitStatus
from vigil.visitors.matching import Visitor
from vigil.visitors.models import (
    PreRegistration,
    RegistryList,
    RegistryPerson,
    ScreeningCandidate,
    ScreeningDismissal,
    Visit,
    VisitorAlert,
    age_on,
)
from vigil.visitors.names import family_keys, fold

REASON_MIN_LENGTH = 8
DEFAULT_RETENTION_DAYS = 365
DEFAULT_MINIMUM_AGE = 18
# The hours a visitor without a pre-registration is expected at a school (local time).
DEFAULT_VISITING_HOURS = (time(7, 0), time(17, 0))


class VisitorError(Exception):
    """A workflow refused; ``field`` names the form field at fault (None: not one field)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def retention_days() -> int:
    return int(getattr(settings, "VIGIL_VISITOR_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def minimum_age() -> int:
    return int(getattr(settings, "VIGIL_VISITOR_MINIMUM_AGE", DEFAULT_MINIMUM_AGE))


def local(school: School, moment: datetime) -> datetime:
    """``moment`` on the clock of the school's district."""
    return moment.astimezone(ZoneInfo(school.district.time_zone))


def visitor_key(family: str, given: str, date_of_birth: date) -> str:
    """A keyed hash of who the visitor is, for remembering "not a match" without the name."""
    identity = f"{fold(family)}|{fold(given)}|{date_of_birth.isoformat()}"
    return salted_hmac("vigil.visitors.visitor_key", identity).hexdigest()


@dataclass(frozen=True)
class Identity:
    """What a visit keeps from an ID (scanned, photographed or typed)."""

    family_name: str
    given_names: str
    date_of_birth: date
    source: IdSource
    id_last4: str = ""
    id_expiry: date | None = None
    id_jurisdiction: str = ""


@dataclass(frozen=True)
class VisitDetails:
    purpose: str
    destination: str
    expected_minutes: int
    kind: VisitorKind = VisitorKind.VISITOR


@dataclass(frozen=True)
class CheckInResult:
    visit: Visit
    candidates: list[ScreeningCandidate] = field(default_factory=list)
    suppressed: int = 0  # candidates not shown again: remembered as "not a match"


def _flags(
    school: School,
    identity: Identity,
    preregistration: PreRegistration | None,
    here: datetime,
) -> list[str]:
    today = here.date()
    flags: list[str] = []
    if identity.id_expiry is not None and identity.id_expiry < today:
        flags.append(VisitFlag.ID_EXPIRED)
    if age_on(identity.date_of_birth, today) < minimum_age():
        flags.append(VisitFlag.UNDER_AGE)
    if preregistration is None:
        start, end = DEFAULT_VISITING_HOURS
        in_hours = start <= here.time() < end
    else:
        in_hours = (
            preregistration.valid_from <= today <= preregistration.valid_until
            and preregistration.hours_from <= here.time() < preregistration.hours_until
        )
        if not preregistration.approved:
            flags.append(VisitFlag.NOT_APPROVED)
        if not preregistration.schools.filter(pk=school.pk).exists():
            flags.append(VisitFlag.WRONG_SCHOOL)
        expires = preregistration.background_check_expires
        if preregistration.kind != VisitorKind.VISITOR and (expires is None or expires < today):
            flags.append(VisitFlag.BACKGROUND_CHECK)
    if not in_hours:
        flags.append(VisitFlag.OUTSIDE_HOURS)
    return flags


def visit_check_in(
    *,
    actor: Any,
    school: School,
    identity: Identity,
    details: VisitDetails,
    now: datetime,
    photo: File[Any] | None = None,
    preregistration: PreRegistration | None = None,
) -> CheckInResult:
    """Record the visit, flag what staff must know and screen the visitor against the lists.

    Candidates the same visitor was already cleared of ("not a match", same entry content)
    are not raised again. With candidates left, the visit waits for a staff decision; without,
    the visitor is admitted and the badge can be printed.
    """
    if identity.date_of_birth > now.date():
        raise VisitorError("Date of birth is in the future.", field="date_of_birth")
    here = local(school, now)
    key = visitor_key(identity.family_name, identity.given_names, identity.date_of_birth)
    found = screening.screen(
        school,
        Visitor(identity.family_name, identity.given_names, identity.date_of_birth),
        here.date(),
    )
    dismissed = set(
        ScreeningDismissal.objects.filter(
            visitor_key=key, fingerprint__in=[f.listed.fingerprint for f in found]
        ).values_list("fingerprint", flat=True)
    )
    raised = [f for f in found if f.listed.fingerprint not in dismissed]
    with transaction.atomic():
        visit = Visit(
            school=school,
            kind=details.kind,
            family_name=identity.family_name,
            given_names=identity.given_names,
            date_of_birth=identity.date_of_birth,
            id_last4=identity.id_last4,
            id_expiry=identity.id_expiry,
            id_jurisdiction=identity.id_jurisdiction,
            id_source=identity.source,
            purpose=details.purpose,
            destination=details.destination,
            expected_minutes=details.expected_minutes,
            preregistration=preregistration,
            status=VisitStatus.REVIEW if raised else VisitStatus.ADMITTED,
            flags=_flags(school, identity, preregistration, here),
            visitor_key=key,
            checked_in_at=now,
            checked_in_by=actor,
            badge_expires_at=now + timedelta(minutes=details.expected_minutes),
        )
        if photo is not None:
            visit.photo.save(photo.name or "photo.jpg", photo, save=False)
        visit.save()
        candidates = [
            ScreeningCandidate.objects.create(
                visit=visit,
                watch_entry_id=f.listed.watch_entry_id,
                registry_person_id=f.listed.registry_person_id,
                fingerprint=f.listed.fingerprint,
                list_label=f.listed.list_label,
                entry_name=f"{f.listed.entry.given} {f.listed.entry.family}",
                entry_aliases=[f"{a.given} {a.family}".strip() for a in f.listed.entry.aliases],
                entry_date_of_birth=f.listed.entry.date_of_birth,
                entry_jurisdiction=f.listed.entry.jurisdiction or "",
                entry_detail=f.listed.detail[:300],
                score=f.candidate.score,
                reasons=list(f.candidate.reasons),
            )
            for f in raised
        ]
    return CheckInResult(visit, candidates, len(found) - len(raised))


def screening_decide(
    *,
    actor: Any,
    candidate: ScreeningCandidate,
    decision: Decision,
    reason: str,
    now: datetime,
) -> ScreeningCandidate:
    """Decide one candidate.

    "Not a match" needs a reason and is remembered for this visitor and this entry content.
    "Match" holds the visit and raises a silent, high-priority alert for the school's
    officers; nothing changes on the visitor's side of the desk.
    """
    reason = reason.strip()
    if decision == Decision.PENDING:
        raise VisitorError("Choose “match” or “not a match”.", field="decision")
    if decision == Decision.NOT_MATCH and len(reason) < REASON_MIN_LENGTH:
        raise VisitorError(
            f"Say why this is not the same person (at least {REASON_MIN_LENGTH} characters).",
            field="reason",
        )
    with transaction.atomic():
        candidate = ScreeningCandidate.objects.select_for_update().get(pk=candidate.pk)
        visit = (
            Visit.objects.select_for_update().select_related("school").get(pk=candidate.visit_id)
        )
        if candidate.decision != Decision.PENDING:
            raise VisitorError("This candidate was already decided.", field="decision")
        if visit.status == VisitStatus.SIGNED_OUT:
            raise VisitorError("The visitor has signed out.", field="decision")
        candidate.decision = decision
        candidate.decision_reason = reason
        candidate.decided_by = actor
        candidate.decided_at = now
        candidate.save()
        if decision == Decision.NOT_MATCH:
            ScreeningDismissal.objects.get_or_create(
                visitor_key=visit.visitor_key,
                fingerprint=candidate.fingerprint,
                defaults={
                    "school": visit.school,
                    "reason": reason,
                    "decided_by": actor,
                    "decided_at": now,
                },
            )
        else:
            alert = VisitorAlert.objects.create(
                school=visit.school,
                visit=visit,
                candidate=candidate,
                destination=visit.destination,
                summary=f"Matches {candidate.entry_name.title()}: {candidate.entry_detail}"[:300],
                created_at=now,
                raised_by=actor,
            )
            _alert_to_console(alert, visit, now)
            visit.status = VisitStatus.HELD
        if (
            visit.status == VisitStatus.REVIEW
            and not visit.candidates.filter(decision=Decision.PENDING).exists()
        ):
            visit.status = VisitStatus.ADMITTED
        visit.save()
    return candidate


def _alert_to_console(alert: VisitorAlert, visit: Visit, now: datetime) -> None:
    """Put the alert on the unified console, in the same transaction as the decision.

    Silent at the desk: it goes only to the console of the school's officers. The title names
    the place, not the person; the visit page (which needs a reason to show the ID) has the rest.
    """
    title = f"Visitor screening match at {visit.school.name}: {visit.destination or 'on campus'}"

    def as_event(message: pipeline.Inbound) -> pipeline.Normalized:
        return pipeline.Normalized(
            source_event_id=f"visitor-alert-{alert.pk}",
            event_type=EventType.VISITOR_MATCH,
            title=title[:300],
            occurred_at=now,
            data={
                "visit": reverse("visitors:visit", args=[visit.pk]),
                "alert": reverse("visitors:alerts"),
                "destination": visit.destination,
            },
        )

    pipeline.ingest(
        pipeline.Inbound(
            source="visitors",
            payload=f"visitor-alert:{alert.pk}".encode(),
            received_at=now,
            dedupe_key=f"visitor-alert-{alert.pk}",
            school_id=visit.school_id,
        ),
        as_event,
    )


def visit_sign_out(*, actor: Any, visit: Visit, now: datetime, note: str = "") -> Visit:
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.signed_out_at is not None:
            raise VisitorError("This visitor has already signed out.")
        visit.status = VisitStatus.SIGNED_OUT
        visit.signed_out_at = now
        visit.signed_out_by = actor
        visit.sign_out_note = note.strip()[:200]
        visit.save()
    return visit


def alert_acknowledge(*, actor: Any, alert: VisitorAlert, now: datetime) -> VisitorAlert:
    with transaction.atomic():
        alert = VisitorAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.acknowledged_at is None:
            alert.acknowledged_at = now
            alert.acknowledged_by = actor
            alert.save()
    return alert


def preregistration_approve(
    *, actor: Any, preregistration: PreRegistration, now: datetime
) -> PreRegistration:
    with transaction.atomic():
        preregistration = PreRegistration.objects.select_for_update().get(pk=preregistration.pk)
        if preregistration.approved_at is None:
            preregistration.approved_at = now
            preregistration.approved_by = actor
            preregistration.save()
    return preregistration


@dataclass(frozen=True)
class RegistryRow:
    """One valid line of a registry CSV (see registry_csv.py)."""

    line: int
    family_name: str
    given_names: str
    date_of_birth: date
    aliases: tuple[tuple[str, str], ...] = ()
    jurisdiction: str = ""
    photo_url: str = ""
    photo: File[Any] | None = None


def registry_import(
    *, actor: Any, registry: RegistryList, rows: Sequence[RegistryRow], now: datetime
) -> RegistryList:
    """Replace the list's entries with ``rows`` (already validated, all of them) at once."""
    with transaction.atomic():
        registry = RegistryList.objects.select_for_update().get(pk=registry.pk)
        RegistryPerson.objects.filter(registry=registry).delete()
        people = []
        for row in rows:
            person = RegistryPerson(
                registry=registry,
                line=row.line,
                family_name=row.family_name,
                given_names=row.given_names,
                family_key=(family_keys(row.family_name) or ("",))[0][:100],
                aliases=[{"family": f, "given": g} for f, g in row.aliases],
                date_of_birth=row.date_of_birth,
                jurisdiction=row.jurisdiction,
                photo_url=row.photo_url,
            )
            if row.photo is not None:
                person.photo.save(row.photo.name or "photo.jpg", row.photo, save=False)
            people.append(person)
        RegistryPerson.objects.bulk_create(people, batch_size=2000)
        registry.version += 1
        registry.entry_count = len(people)
        registry.imported_at = now
        registry.imported_by = actor
        registry.save()
    return registry


def _delete_files(names: list[str]) -> None:
    storage = Visit._meta.get_field("photo").storage
    for name in names:
        storage.delete(name)


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    visits: int
    kept_on_hold: int
    photos: int


def visits_purge(*, actor: Any, now: datetime, days: int, dry_run: bool) -> PurgeReport:
    """Delete visits (with their ID fields, photos, screening rows and alerts) older than
    ``days``, except those on legal hold. One audit row records the purge (also a dry run)."""
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        old = Visit.objects.filter(checked_in_at__lt=cutoff)
        kept = old.filter(legal_hold=True).count()
        doomed = list(old.filter(legal_hold=False).only("pk", "photo"))
        photos = [str(v.photo.name) for v in doomed if v.photo]
        if not dry_run:
            # A bulk delete: a row per visit in the audit log would keep what we purge.
            Visit.objects.filter(pk__in=[v.pk for v in doomed]).delete()
        audit.record(
            audit.AuditAction.DELETE,
            object_type="visitors.visit",
            object_repr=f"retention purge{' (dry run)' if dry_run else ''}",
            changes={
                "cutoff": cutoff.isoformat(),
                "retention_days": days,
                "visits": len(doomed),
                "kept_on_legal_hold": kept,
                "dry_run": dry_run,
            },
            reason=f"visits older than {days} days",
            actor=actor,
        )
        if not dry_run and photos:
            transaction.on_commit(lambda: _delete_files(photos))
    return PurgeReport(cutoff, len(doomed), kept, len(photos))
