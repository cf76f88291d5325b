"""Incident report workflows: write, submit, return, approve, add addenda, attach evidence.

Who may do what (docs/incidents.md has the table):
- the author (holding ``incidents.write`` at the school) creates a report and changes it while
  it is a draft or has been returned; nobody changes a submitted or approved report — every
  such attempt is refused with ``ReportLocked`` and written to the audit log;
- a reviewer (``incidents.review`` at the school, never the author) returns a submitted
  report with a comment or approves it, which locks it;
- after approval, the author or a reviewer adds numbered, signed addenda.

Each function is one transaction that locks the report row, writes a ``ReportVersion``
snapshot (hash-chained to the previous version) and appends an audit row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, NoReturn, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from vigil.core import audit
from vigil.core.permissions import Action, scope_for
from vigil.events.models import Event
from vigil.evidence.models import EvidenceItem
from vigil.incidents import search, snapshot
from vigil.incidents.choices import (
    EDITABLE_STATES,
    LinkKind,
    NotificationKind,
    PersonKind,
    PersonRole,
    ReportStatus,
    Scheme,
    SchoolCategory,
    Section,
)
from vigil.incidents.codes import nibrs
from vigil.incidents.models import (
    Addendum,
    Attachment,
    Classification,
    InvolvedPerson,
    Link,
    Notification,
    Report,
    ReportTemplate,
    ReportVersion,
)
from vigil.sites.models import Area, Asset, School
from vigil.visitors.models import Visit

TITLE_MAX = 200
NARRATIVE_MAX = 20_000
COMMENT_MIN = 5


class ReportError(Exception):
    """Bad input or a step that does not fit the report's state; ``field`` names the field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ReportLocked(ReportError):
    """A change to a report nobody may change now (submitted or approved), or by someone who
    may not make it. Always audited."""

    def __init__(
        self, message: str, *, field: str | None = None, actor: Any = None, report: Any = None
    ) -> None:
        super().__init__(message, field=field)
        self.actor = actor
        self.report = report


@dataclass(frozen=True)
class PersonInput:
    role: str
    kind: str
    name: str = ""
    juvenile: bool = False
    description: str = ""
    visit_id: int | None = None
    staff_user_id: int | None = None


@dataclass(frozen=True)
class NotificationInput:
    kind: str
    party: str
    notified_at: datetime
    notified_by: str
    case_number: str = ""


@dataclass(frozen=True)
class ReportDraft:
    """Everything the author writes, as one value: the form and the API both build it."""

    title: str
    area_id: int | None = None
    asset_id: int | None = None
    location_text: str = ""
    occurred_start: datetime | None = None
    occurred_end: datetime | None = None
    discovered_at: datetime | None = None
    reported_at: datetime | None = None
    narrative: str = ""
    actions_taken: str = ""
    nibrs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    people: tuple[PersonInput, ...] = ()
    notifications: tuple[NotificationInput, ...] = ()
    links: tuple[tuple[str, int], ...] = field(default=())


# --- permission and state checks -------------------------------------------------------------


def _refuse(
    actor: Any, report: Report | None, message: str, *, field: str | None = None
) -> NoReturn:
    raise ReportLocked(message, field=field, actor=actor, report=report)


_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _audits_refusals(function: _Fn) -> _Fn:
    """Write a refusal to the audit log after the refused transaction has rolled back (inside
    it, the audit row would roll back too)."""

    @wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ReportLocked as refusal:
            audit.record(
                audit.AuditAction.DENIED,
                obj=refusal.report,
                object_type="" if refusal.report else "incidents.report",
                reason=refusal.message,
                actor=refusal.actor,
            )
            raise

    return wrapped  # type: ignore[return-value]


def _holds(actor: Any, action: Action, school_id: int) -> bool:
    return scope_for(actor, action).allows_school(school_id)


def _locked(report: Report) -> Report:
    current: Report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("school", "template", "author", "reviewer", "area", "asset")
        .get(pk=report.pk)
    )
    return current


def _require_author(actor: Any, report: Report, what: str) -> None:
    if report.author_id != actor.pk or not _holds(actor, Action.INCIDENTS_WRITE, report.school_id):
        _refuse(actor, report, f"Only the author may {what} report {report.number}.")
    if report.status not in EDITABLE_STATES:
        _refuse(
            actor,
            report,
            f"Report {report.number} is {report.get_status_display().lower()}: it can no "
            "longer be changed. Add an addendum once it is approved.",
        )


def _require_reviewer(actor: Any, report: Report, what: str) -> None:
    if not _holds(actor, Action.INCIDENTS_REVIEW, report.school_id):
        _refuse(actor, report, f"Only a supervisor may {what} a report.")
    if report.author_id == actor.pk:
        _refuse(actor, report, f"Nobody may {what} their own report.")
    if report.status != ReportStatus.SUBMITTED:
        _refuse(
            actor,
            report,
            f"Report {report.number} is {report.get_status_display().lower()}, not submitted.",
        )


# --- validation of what the author writes -----------------------------------------------------


def _clean(school: School, draft: ReportDraft) -> ReportDraft:
    title = draft.title.strip()
    if not title:
        raise ReportError("Give the report a short title.", field="title")
    if len(title) > TITLE_MAX:
        raise ReportError(f"Keep the title under {TITLE_MAX} characters.", field="title")
    if len(draft.narrative) > NARRATIVE_MAX:
        raise ReportError(
            f"Keep the narrative under {NARRATIVE_MAX:,} characters.", field="narrative"
        )
    if (
        draft.area_id is not None
        and not Area.objects.filter(pk=draft.area_id, school=school).exists()
    ):
        raise ReportError("Choose an area of this school.", field="area")
    if (
        draft.asset_id is not None
        and not Asset.objects.filter(pk=draft.asset_id, school=school).exists()
    ):
        raise ReportError("Choose a door, camera or point of this school.", field="asset")
    now = timezone.now()
    for name in ("occurred_start", "occurred_end", "discovered_at", "reported_at"):
        value: datetime | None = getattr(draft, name)
        if value is not None and value > now + timedelta(minutes=5):
            raise ReportError("That time is in the future.", field=name)
    if draft.occurred_start and draft.occurred_end and draft.occurred_end < draft.occurred_start:
        raise ReportError("It cannot end before it started.", field="occurred_end")
    if draft.occurred_start and draft.discovered_at and draft.discovered_at < draft.occurred_start:
        raise ReportError("It cannot be discovered before it happened.", field="discovered_at")
    known = nibrs()
    for code in draft.nibrs:
        if code not in known:
            raise ReportError(f"{code} is not a NIBRS offence code.", field="nibrs")
    for code in draft.categories:
        if code not in SchoolCategory.values:
            raise ReportError(f"{code} is not a school category.", field="categories")
    for i, person in enumerate(draft.people, start=1):
        where = f"people[{i}]"
        if person.role not in PersonRole.values:
            raise ReportError(f"Person {i}: choose a role.", field=f"{where}.role")
        if person.kind not in PersonKind.values:
            raise ReportError(
                f"Person {i}: choose student, staff, visitor or unknown.", field=f"{where}.kind"
            )
        if not person.name.strip() and not person.description.strip():
            raise ReportError(
                f"Person {i}: give a name or, when unknown, a short description.",
                field=f"{where}.name",
            )
        if (
            person.visit_id is not None
            and not Visit.objects.filter(pk=person.visit_id, school=school).exists()
        ):
            raise ReportError(
                f"Person {i}: that visit is not at this school.", field=f"{where}.visit"
            )
    for i, note in enumerate(draft.notifications, start=1):
        where = f"notifications[{i}]"
        if note.kind not in NotificationKind.values:
            raise ReportError(f"Notification {i}: choose who was notified.", field=f"{where}.kind")
        if not note.party.strip():
            raise ReportError(f"Notification {i}: name who was notified.", field=f"{where}.party")
        if not note.notified_by.strip():
            raise ReportError(
                f"Notification {i}: say who notified them.", field=f"{where}.notified_by"
            )
        if note.notified_at > now + timedelta(minutes=5):
            raise ReportError(
                f"Notification {i}: that time is in the future.", field=f"{where}.notified_at"
            )
        if note.kind == NotificationKind.LAW_ENFORCEMENT and not note.case_number.strip():
            raise ReportError(
                f"Notification {i}: give the agency's case number (or 'none given').",
                field=f"{where}.case_number",
            )
    return draft


def _link_label(school: School, kind: str, target_id: int, own_pk: int | None) -> str:
    if kind == LinkKind.EVENT:
        event = Event.objects.filter(pk=target_id, school=school).first()
        if event is None:
            raise ReportError(f"Console event #{target_id} is not at this school.", field="links")
        return f"{event.title} ({event.occurred_at:%Y-%m-%d %H:%M})"
    if kind == LinkKind.REPORT:
        others = Report.objects.filter(pk=target_id, school=school)
        other = (others.exclude(pk=own_pk) if own_pk is not None else others).first()
        if other is None:
            raise ReportError(
                f"Report #{target_id} is not another report of this school.", field="links"
            )
        return str(other)
    raise ReportError(f"{kind} is not something a report can link to.", field="links")


def _write_parts(report: Report, draft: ReportDraft) -> None:
    """Replace the report's offences, categories, people, notifications and links."""
    labels = [
        (kind, target_id, _link_label(report.school, kind, target_id, report.pk))
        for kind, target_id in dict.fromkeys(draft.links)
    ]
    for part in (
        *report.classifications.all(),
        *report.people.all(),
        *report.notifications.all(),
        *report.links.all(),
    ):
        part.delete()
    for code in dict.fromkeys(draft.nibrs):
        Classification(report=report, scheme=Scheme.NIBRS, code=code).save()
    for code in dict.fromkeys(draft.categories):
        Classification(report=report, scheme=Scheme.SCHOOL, code=code).save()
    for position, person in enumerate(draft.people):
        InvolvedPerson(
            report=report,
            role=person.role,
            kind=person.kind,
            name=person.name.strip(),
            juvenile=person.juvenile,
            description=person.description.strip(),
            visit_id=person.visit_id,
            staff_user_id=person.staff_user_id,
            position=position,
        ).save()
    for note in draft.notifications:
        Notification(
            report=report,
            kind=note.kind,
            party=note.party.strip(),
            notified_at=note.notified_at,
            notified_by=note.notified_by.strip(),
            case_number=note.case_number.strip(),
        ).save()
    for kind, target_id, text in labels:
        Link(report=report, kind=kind, target_id=target_id, label=text[:300]).save()


def _apply(report: Report, draft: ReportDraft) -> None:
    report.title = draft.title.strip()
    report.area_id = draft.area_id
    report.asset_id = draft.asset_id
    report.location_text = draft.location_text.strip()
    report.occurred_start = draft.occurred_start
    report.occurred_end = draft.occurred_end
    report.discovered_at = draft.discovered_at
    report.reported_at = draft.reported_at
    report.narrative = draft.narrative.strip()
    report.actions_taken = draft.actions_taken.strip()
    # What _write_parts writes, as the search index's tokens (saved with the report).
    report.search_facets = search.facets_text(
        [(Scheme.NIBRS, code) for code in draft.nibrs]
        + [(Scheme.SCHOOL, code) for code in draft.categories],
        [person.role for person in draft.people],
    )


def _version(report: Report, *, actor: Any, change: str, comment: str = "") -> ReportVersion:
    previous = report.versions.order_by("-number").first()
    content = snapshot.snapshot(report)
    version = ReportVersion(
        report=report,
        number=(previous.number + 1) if previous else 1,
        status=report.status,
        change=change,
        at=timezone.now(),
        actor_id=actor.pk,
        actor_label=actor.get_username(),
        comment=comment,
        content=content,
        sha256=snapshot.content_sha256(content),
        prev_sha256=previous.sha256 if previous else "0" * 64,
    )
    version.save()
    report.version = version.number
    report.updated_at = version.at
    report.save(update_fields=["version", "updated_at"])
    return version


# --- the workflow --------------------------------------------------------------------------


def default_template() -> ReportTemplate:
    """The district's newest active template (made on first use if the district has none)."""
    template = ReportTemplate.objects.filter(active=True).order_by("name", "-version").first()
    if template is None:
        template = ReportTemplate(
            name="Incident report",
            version=1,
            required_sections=[
                Section.CLASSIFICATION,
                Section.LOCATION,
                Section.TIMES,
                Section.NARRATIVE,
            ],
            categories=list(SchoolCategory.values),
            narrative_guidance=(
                "Write what you saw, heard and did, in order, in plain words. Quote people "
                "exactly. Leave out opinions and conclusions."
            ),
            created_at=timezone.now(),
        )
        template.save()
    return template


@_audits_refusals
def template_publish(
    *,
    actor: Any,
    name: str,
    required_sections: Sequence[str],
    categories: Sequence[str],
    narrative_guidance: str,
) -> ReportTemplate:
    """A new version of a template; reports written under older versions keep theirs."""
    if not scope_for(actor, Action.INCIDENTS_REVIEW).district:
        _refuse(actor, None, "Only a district-wide reviewer may change report templates.")
    name = name.strip()
    if not name:
        raise ReportError("Name the template.", field="name")
    for section in required_sections:
        if section not in Section.values:
            raise ReportError(f"{section} is not a report section.", field="required_sections")
    for code in categories:
        if code not in SchoolCategory.values:
            raise ReportError(f"{code} is not a school category.", field="categories")
    if not categories:
        raise ReportError("Offer at least one category.", field="categories")
    with transaction.atomic():
        latest = ReportTemplate.objects.filter(name=name).order_by("-version").first()
        ReportTemplate.objects.filter(name=name, active=True).update(active=False)
        template = ReportTemplate(
            name=name,
            version=(latest.version + 1) if latest else 1,
            required_sections=list(dict.fromkeys(required_sections)),
            categories=list(dict.fromkeys(categories)),
            narrative_guidance=narrative_guidance.strip(),
            created_at=timezone.now(),
        )
        template.save()
    return template


def _initials(school: School) -> str:
    letters = "".join(word[0] for word in school.name.split() if word[:1].isalpha())
    return (letters or school.slug[:4]).upper()[:8]


def _next_number(school: School, year: int) -> str:
    prefix = f"{_initials(school)}-{year}-"
    taken = Report.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max(
        (int(n.removeprefix(prefix)) for n in taken if n.removeprefix(prefix).isdigit()), default=0
    )
    return f"{prefix}{highest + 1:04d}"


@_audits_refusals
def report_create(
    *,
    actor: Any,
    school: School,
    draft: ReportDraft,
    template: ReportTemplate | None = None,
) -> Report:
    """Start a draft report at ``school`` written by ``actor``."""
    if not _holds(actor, Action.INCIDENTS_WRITE, school.pk):
        _refuse(actor, None, f"You may not write reports at {school}.")
    draft = _clean(school, draft)
    template = template or default_template()
    now = timezone.now()
    for _attempt in range(3):  # two officers starting a report at once: take the next number
        try:
            with transaction.atomic():
                report = Report(
                    number=_next_number(school, timezone.localtime(now).year),
                    school=school,
                    template=template,
                    status=ReportStatus.DRAFT,
                    written_at=now,
                    updated_at=now,
                    author=actor,
                )
                _apply(report, draft)
                report.save()
                _write_parts(report, draft)
                _version(report, actor=actor, change="created")
                return report
        except IntegrityError:
            continue
    raise ReportError("Could not number the report; try again.", field=None)


@_audits_refusals
def report_update(*, actor: Any, report: Report, draft: ReportDraft) -> Report:
    with transaction.atomic():
        current = _locked(report)
        _require_author(actor, current, "change")
        draft = _clean(current.school, draft)
        _apply(current, draft)
        current.save()
        _write_parts(current, draft)
        _version(current, actor=actor, change="edited")
    return current


def missing_sections(report: Report) -> list[tuple[str, str]]:
    """The template's required sections this report leaves empty: (section, message)."""
    missing: list[tuple[str, str]] = []
    required = set(report.template.required_sections)
    checks = {
        Section.CLASSIFICATION: (
            report.classifications.exists(),
            "Choose at least one offence or category.",
        ),
        Section.LOCATION: (
            bool(report.area_id or report.asset_id or report.location_text),
            "Say where it happened.",
        ),
        Section.TIMES: (report.occurred_start is not None, "Say when it happened."),
        Section.PEOPLE: (report.people.exists(), "List the people involved."),
        Section.NARRATIVE: (bool(report.narrative.strip()), "Write the narrative."),
        Section.ACTIONS: (bool(report.actions_taken.strip()), "Say what actions were taken."),
        Section.NOTIFICATIONS: (report.notifications.exists(), "Record who was notified."),
        Section.EVIDENCE: (report.attachments.exists(), "Attach at least one photo or file."),
    }
    for section, (filled, message) in checks.items():
        if section in required and not filled:
            missing.append((str(section), message))
    return missing


@_audits_refusals
def report_submit(*, actor: Any, report: Report) -> Report:
    """Hand the report to review; the author can no longer change it."""
    with transaction.atomic():
        current = _locked(report)
        _require_author(actor, current, "submit")
        missing = missing_sections(current)
        if missing:
            section, message = missing[0]
            raise ReportError(message, field=section)
        before = current.status
        current.status = ReportStatus.SUBMITTED
        current.submitted_at = timezone.now()
        current.save()
        _version(current, actor=actor, change="submitted")
        audit.record(
            audit.AuditAction.UPDATE,
            obj=current,
            changes={"status": [str(before), "submitted"]},
            actor=actor,
        )
    return current


@_audits_refusals
def report_return(*, actor: Any, report: Report, comment: str) -> Report:
    """Send a submitted report back to its author with what to fix."""
    comment = comment.strip()
    with transaction.atomic():
        current = _locked(report)
        _require_reviewer(actor, current, "return")
        if len(comment) < COMMENT_MIN:
            raise ReportError("Say what the author should fix.", field="comment")
        current.status = ReportStatus.RETURNED
        current.reviewer = actor
        current.save()
        _version(current, actor=actor, change="returned", comment=comment)
    return current


@_audits_refusals
def report_approve(*, actor: Any, report: Report, comment: str = "") -> Report:
    """Approve a submitted report; from now on it is locked and only addenda add to it."""
    with transaction.atomic():
        current = _locked(report)
        _require_reviewer(actor, current, "approve")
        current.status = ReportStatus.APPROVED
        current.reviewer = actor
        current.approved_at = timezone.now()
        current.save()
        _version(current, actor=actor, change="approved", comment=comment.strip())
    return current


def addendum_signature(
    *, number: int, text: str, author_label: str, at: datetime, version_sha256: str
) -> str:
    # In UTC: the database gives the time back in UTC, whatever zone it was signed in.
    when = at.astimezone(UTC).isoformat()
    message = "\n".join([str(number), author_label, when, version_sha256, text]).encode()
    return hashlib.sha256(message).hexdigest()


@_audits_refusals
def addendum_add(
    *, actor: Any, report: Report, text: str, items: Sequence[EvidenceItem] = ()
) -> Addendum:
    """Add a later fact to an approved report (and, with it, any newly attached evidence)."""
    text = text.strip()
    with transaction.atomic():
        current = _locked(report)
        is_author = current.author_id == actor.pk and _holds(
            actor, Action.INCIDENTS_WRITE, current.school_id
        )
        if not (is_author or _holds(actor, Action.INCIDENTS_REVIEW, current.school_id)):
            _refuse(actor, current, "Only the author or a supervisor may add an addendum.")
        if current.status != ReportStatus.APPROVED:
            _refuse(
                actor, current, "Addenda are added to approved reports; edit the draft instead."
            )
        if not text:
            raise ReportError("Write the addendum.", field="text")
        for item in items:
            _attach(actor, current, item)
        latest = current.versions.order_by("-number").first()
        assert latest is not None  # every report has its first version
        number = current.addenda.count() + 1
        now = timezone.now()
        addendum = Addendum(
            report=current,
            number=number,
            text=text,
            author=actor,
            author_label=actor.get_username(),
            at=now,
            version_sha256=latest.sha256,
        )
        addendum.signature = addendum_signature(
            number=number,
            text=text,
            author_label=addendum.author_label,
            at=now,
            version_sha256=latest.sha256,
        )
        addendum.save()
        if items:
            _version(current, actor=actor, change=f"addendum {number}: evidence attached")
        audit.record(
            audit.AuditAction.CREATE, obj=addendum, school_id=current.school_id, actor=actor
        )
    return addendum


def _attach(actor: Any, report: Report, item: EvidenceItem) -> Attachment:
    if item.school_id != report.school_id:
        raise ReportError("That evidence belongs to another school.", field="item")
    attachment, _ = Attachment.objects.get_or_create(
        report=report,
        item=item,
        defaults={"attached_at": timezone.now(), "attached_by": actor},
    )
    return attachment


@_audits_refusals
def report_attach(*, actor: Any, report: Report, item: EvidenceItem) -> Attachment:
    """Attach an evidence item to a draft (after approval: through an addendum)."""
    with transaction.atomic():
        current = _locked(report)
        _require_author(actor, current, "attach evidence to")
        attachment = _attach(actor, current, item)
        _version(current, actor=actor, change="evidence attached")
    return attachment
