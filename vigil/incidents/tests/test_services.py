"""The report workflow: every transition, who may perform it, and what a refusal leaves behind."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.incidents import services, snapshot
from vigil.incidents.choices import ReportStatus, Section
from vigil.incidents.models import Addendum, Report, ReportTemplate, ReportVersion
from vigil.incidents.services import (
    NotificationInput,
    PersonInput,
    ReportDraft,
    ReportError,
    ReportLocked,
)
from vigil.sites.models import Area, School

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _school() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


def _draft(**changes: Any) -> ReportDraft:
    school = _school()
    area = Area.objects.filter(building__school=school).order_by("pk").first()
    assert area is not None
    values: dict[str, Any] = {
        "title": "Fight in the east stairwell",
        "area_id": area.pk,
        "occurred_start": timezone.now() - timedelta(hours=2),
        "narrative": "At 10:42 I saw two students exchange punches on the landing.",
        "nibrs": ("13B",),
        "categories": ("fight",),
        "people": (
            PersonInput(role="offender", kind="student", name="Student A", juvenile=True),
            PersonInput(role="witness", kind="staff", name="Ms. Rivera"),
        ),
    }
    values.update(changes)
    return ReportDraft(**values)


def _report(**changes: Any) -> Report:
    return services.report_create(actor=_user("officer"), school=_school(), draft=_draft(**changes))


def _denials() -> int:
    return AuditEntry.objects.filter(action="denied").count()


def test_create_makes_a_numbered_draft_with_its_parts_and_first_version() -> None:
    report = _report()
    year = timezone.localtime(report.written_at).year
    assert report.number.startswith(f"CHHS-{year}-")
    assert report.status == ReportStatus.DRAFT
    assert report.author.username == "officer"
    assert [(c.scheme, c.code) for c in report.classifications.all()] == [
        ("nibrs", "13B"),
        ("school", "fight"),
    ]
    assert [(p.role, p.name, p.juvenile) for p in report.people.all()] == [
        ("offender", "Student A", True),
        ("witness", "Ms. Rivera", False),
    ]
    version = report.versions.get()
    assert (version.number, version.change, version.prev_sha256) == (1, "created", "0" * 64)
    assert version.sha256 == snapshot.content_sha256(version.content)
    assert version.content["classification"][0]["label"] == "13B Simple Assault"


def test_numbers_count_up_per_school_and_year() -> None:
    first, second = _report(), _report()
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"nibrs": ("99Z",)}, "nibrs"),
        ({"categories": ("gossip",)}, "categories"),
        ({"occurred_start": timezone.now() + timedelta(days=1)}, "occurred_start"),
        (
            {
                "occurred_start": timezone.now() - timedelta(hours=1),
                "occurred_end": timezone.now() - timedelta(hours=2),
            },
            "occurred_end",
        ),
        ({"people": (PersonInput(role="witness", kind="student"),)}, "people[1].name"),
        ({"people": (PersonInput(role="judge", kind="student", name="X"),)}, "people[1].role"),
        (
            {
                "notifications": (
                    NotificationInput(
                        kind="law_enforcement",
                        party="County Sheriff",
                        notified_at=timezone.now() - timedelta(minutes=5),
                        notified_by="officer",
                    ),
                )
            },
            "notifications[1].case_number",
        ),
        ({"links": (("event", 987654321),)}, "links"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(changes: dict[str, Any], field: str) -> None:
    before = Report.objects.count()
    with pytest.raises(ReportError) as excinfo:
        _report(**changes)
    assert excinfo.value.field == field
    assert Report.objects.count() == before


def test_an_area_of_another_school_is_refused() -> None:
    elsewhere = Area.objects.exclude(school__slug="cedar-hollow-hs").order_by("pk").first()
    assert elsewhere is not None
    with pytest.raises(ReportError) as excinfo:
        _report(area_id=elsewhere.pk)
    assert excinfo.value.field == "area"


def test_officer_without_the_school_in_scope_cannot_write_there() -> None:
    denials = _denials()
    with pytest.raises(ReportLocked):
        services.report_create(
            actor=_user("officer"),
            school=School.objects.get(slug="juniper-ridge-ms"),
            draft=_draft(area_id=None),
        )
    assert _denials() == denials + 1


def test_the_author_edits_a_draft_and_each_edit_is_a_chained_version() -> None:
    report = _report()
    services.report_update(
        actor=_user("officer"), report=report, draft=_draft(title="Fight, east stairwell")
    )
    versions = list(report.versions.all())
    assert [v.change for v in versions] == ["created", "edited"]
    assert versions[1].prev_sha256 == versions[0].sha256
    assert versions[1].content["title"] == "Fight, east stairwell"
    assert versions[0].content["title"] == "Fight in the east stairwell"


def test_submit_requires_the_template_sections() -> None:
    report = _report(narrative="")
    with pytest.raises(ReportError) as excinfo:
        services.report_submit(actor=_user("officer"), report=report)
    assert excinfo.value.field == Section.NARRATIVE
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_full_workflow_submit_return_fix_resubmit_approve() -> None:
    officer, supervisor = _user("officer"), _user("supervisor")
    report = _report()
    services.report_submit(actor=officer, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at is not None

    with pytest.raises(ReportError) as excinfo:
        services.report_return(actor=supervisor, report=report, comment="")
    assert excinfo.value.field == "comment"
    services.report_return(actor=supervisor, report=report, comment="Add the time you arrived.")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    services.report_update(
        actor=officer,
        report=report,
        draft=_draft(narrative="I arrived at 10:44 and saw two students exchange punches."),
    )
    services.report_submit(actor=officer, report=report)
    services.report_approve(actor=supervisor, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.reviewer == supervisor
    assert report.approved_at is not None
    changes = list(report.versions.values_list("change", "status", "comment"))
    assert changes == [
        ("created", "draft", ""),
        ("submitted", "submitted", ""),
        ("returned", "returned", "Add the time you arrived."),
        ("edited", "returned", ""),
        ("submitted", "submitted", ""),
        ("approved", "approved", ""),
    ]
    chain = list(report.versions.all())
    for earlier, later in itertools.pairwise(chain):
        assert later.prev_sha256 == earlier.sha256


@pytest.mark.parametrize("actor", ["officer", "supervisor", "director", "principal"])
def test_nobody_edits_a_submitted_report_and_the_attempt_is_audited(actor: str) -> None:
    report = _report()
    services.report_submit(actor=_user("officer"), report=report)
    denials = _denials()
    with pytest.raises(ReportLocked):
        services.report_update(actor=_user(actor), report=report, draft=_draft(title="Changed"))
    report.refresh_from_db()
    assert report.title == "Fight in the east stairwell"
    assert report.versions.count() == 2
    assert _denials() == denials + 1
    latest = AuditEntry.objects.filter(action="denied").order_by("-seq").first()
    assert latest is not None
    assert latest.object_id == str(report.pk)


def test_nobody_approves_their_own_report() -> None:
    supervisor = _user("supervisor")
    report = services.report_create(actor=supervisor, school=_school(), draft=_draft())
    services.report_submit(actor=supervisor, report=report)
    with pytest.raises(ReportLocked, match="their own"):
        services.report_approve(actor=supervisor, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("actor", ["officer", "officer2", "principal", "frontdesk", "liaison"])
def test_only_reviewers_return_or_approve(actor: str) -> None:
    report = _report()
    services.report_submit(actor=_user("officer"), report=report)
    with pytest.raises(ReportLocked):
        services.report_approve(actor=_user(actor), report=report)
    with pytest.raises(ReportLocked):
        services.report_return(actor=_user(actor), report=report, comment="Not yours to return")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_draft_cannot_be_approved_nor_an_approved_report_returned() -> None:
    supervisor = _user("supervisor")
    report = _report()
    with pytest.raises(ReportLocked, match="not submitted"):
        services.report_approve(actor=supervisor, report=report)
    services.report_submit(actor=_user("officer"), report=report)
    services.report_approve(actor=supervisor, report=report)
    with pytest.raises(ReportLocked):
        services.report_return(actor=supervisor, report=report, comment="Too late for this")


def test_only_the_author_changes_a_draft() -> None:
    report = _report()
    with pytest.raises(ReportLocked, match="Only the author"):
        services.report_update(actor=_user("supervisor"), report=report, draft=_draft())


def test_addenda_are_numbered_signed_and_leave_the_approved_version_alone() -> None:
    officer, supervisor = _user("officer"), _user("supervisor")
    report = _report()
    with pytest.raises(ReportLocked):
        services.addendum_add(actor=officer, report=report, text="Too early")
    services.report_submit(actor=officer, report=report)
    services.report_approve(actor=supervisor, report=report)
    approved = report.versions.order_by("-number").first()
    assert approved is not None

    first = services.addendum_add(actor=officer, report=report, text="The parent called back.")
    second = services.addendum_add(actor=supervisor, report=report, text="Video reviewed.")
    assert (first.number, second.number) == (1, 2)
    assert first.version_sha256 == approved.sha256
    assert first.signature == services.addendum_signature(
        number=1,
        text="The parent called back.",
        author_label="officer",
        at=first.at,
        version_sha256=approved.sha256,
    )
    assert report.versions.order_by("-number").first() == approved  # text alone: no new version
    with pytest.raises(ReportLocked):
        services.addendum_add(actor=_user("officer2"), report=report, text="Not my school")
    with pytest.raises(ReportError) as excinfo:
        services.addendum_add(actor=officer, report=report, text="   ")
    assert excinfo.value.field == "text"


def test_versions_and_addenda_are_append_only() -> None:
    report = _report()
    version = report.versions.get()
    version.comment = "rewritten"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()
    with pytest.raises(PermissionError):
        ReportVersion.objects.filter(report=report).update(comment="x")
    services.report_submit(actor=_user("officer"), report=report)
    services.report_approve(actor=_user("supervisor"), report=report)
    addendum = services.addendum_add(actor=_user("officer"), report=report, text="Later fact.")
    addendum.text = "Another fact."
    with pytest.raises(PermissionError):
        addendum.save()
    with pytest.raises(PermissionError):
        Addendum.objects.get(pk=addendum.pk).delete()


def test_late_entry_is_flagged_not_refused() -> None:
    report = _report(occurred_start=timezone.now() - timedelta(days=3))
    assert report.is_late_entry
    assert report.versions.get().content["when"]["late_entry"] is True
    assert not _report().is_late_entry


def test_links_to_a_console_event_and_another_report() -> None:
    from vigil.events.models import Event

    now = timezone.now()
    event = Event.objects.create(
        source="test",
        source_event_id="link-1",
        event_type="door_forced",
        severity=4,
        title="Door 7 forced",
        school=_school(),
        occurred_at=now,
        received_at=now,
        updated_at=now,
    )
    other = _report()
    report = _report(links=(("event", event.pk), ("report", other.pk)))
    assert [(link.kind, link.target_id) for link in report.links.all()] == [
        ("event", event.pk),
        ("report", other.pk),
    ]
    with pytest.raises(ReportError):
        services.report_update(
            actor=_user("officer"), report=report, draft=_draft(links=(("report", report.pk),))
        )


def test_template_versions_keep_old_reports_on_theirs() -> None:
    report = _report()
    old = report.template
    new = services.template_publish(
        actor=_user("director"),
        name=old.name,
        required_sections=["classification", "narrative", "people"],
        categories=["fight", "theft"],
        narrative_guidance="Facts only.",
    )
    assert new.version == old.version + 1
    old.refresh_from_db()
    assert not old.active
    assert new.active
    report.refresh_from_db()
    assert report.template == old
    assert services.default_template() == new
    with pytest.raises(ReportLocked):
        services.template_publish(
            actor=_user("supervisor"),
            name=old.name,
            required_sections=[],
            categories=["fight"],
            narrative_guidance="",
        )
    with pytest.raises(ReportError) as excinfo:
        services.template_publish(
            actor=_user("director"),
            name=old.name,
            required_sections=["horoscope"],
            categories=["fight"],
            narrative_guidance="",
        )
    assert excinfo.value.field == "required_sections"
    assert ReportTemplate.objects.filter(name=old.name).count() == 2
