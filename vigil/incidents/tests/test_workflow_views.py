"""The report pages: writing, the workflow through the views, who may do each step, refusals
(audited, nothing changed), drafts hidden from everyone but their author, people revealed only
with a logged reason, photos, versions and the templates page."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import sign_in
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.events.models import Event
from vigil.evidence.models import CustodyEntry, EvidenceItem
from vigil.incidents import services
from vigil.incidents.choices import ReportStatus
from vigil.incidents.models import Addendum, Report, ReportTemplate, ReportVersion
from vigil.incidents.services import PersonInput, ReportDraft
from vigil.sites.models import Area, Asset, School

# Uploads are stored under each test's own folder (media_root).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

LOCAL = "%Y-%m-%dT%H:%M"


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _school(slug: str = "cedar-hollow-hs") -> School:
    return School.objects.get(slug=slug)


def _area(school: School) -> Area:
    area = Area.objects.filter(building__school=school).order_by("pk").first()
    assert area is not None
    return area


def _local(value: Any) -> str:
    return str(timezone.localtime(value).strftime(LOCAL))


def _jpeg(color: tuple[int, int, int] = (200, 40, 40), name: str = "photo.jpg") -> Any:
    image = Image.new("RGB", (80, 60), color)
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme PocketCam 2"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _draft(school: School, **changes: Any) -> ReportDraft:
    values: dict[str, Any] = {
        "title": "Fight in the east stairwell",
        "area_id": _area(school).pk,
        "occurred_start": timezone.now() - timedelta(hours=2),
        "narrative": "At 10:42 I saw two students exchange punches on the landing.",
        "nibrs": ("13B",),
        "categories": ("fight",),
        "people": (
            PersonInput(role="offender", kind="student", name="Jordan Pell", juvenile=True),
        ),
    }
    values.update(changes)
    return ReportDraft(**values)


def _report(author: str = "officer", slug: str = "cedar-hollow-hs", **changes: Any) -> Report:
    school = _school(slug)
    return services.report_create(
        actor=_user(author), school=school, draft=_draft(school, **changes)
    )


def _submitted(author: str = "officer", slug: str = "cedar-hollow-hs") -> Report:
    report = _report(author, slug)
    return services.report_submit(actor=_user(author), report=report)


def _form_data(school: School, **changes: Any) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {
        "school": str(school.pk),
        "title": "Vape in the B-wing restroom",
        "nibrs": ["35A"],
        "categories": ["vaping"],
        "area": str(_area(school).pk),
        "asset": "",
        "location_text": "Second stall",
        "occurred_start": _local(now - timedelta(hours=1)),
        "occurred_end": _local(now - timedelta(minutes=50)),
        "discovered_at": _local(now - timedelta(minutes=50)),
        "reported_at": _local(now - timedelta(minutes=45)),
        "narrative": "At 09:10 I found a student holding a vape device.",
        "actions_taken": "Device confiscated and logged.",
        "links": "",
        "people-0-role": "offender",
        "people-0-kind": "student",
        "people-0-name": "Casey Ord",
        "people-0-juvenile": "on",
        "people-3-role": "witness",
        "people-3-kind": "staff",
        "people-3-name": "",
        "people-3-description": "Custodian on duty",
        "people-7-role": "",  # a row added and left blank: ignored
        "people-7-kind": "",
        "notifications-0-kind": "guardian",
        "notifications-0-party": "Parent of Casey Ord",
        "notifications-0-notified_at": _local(now - timedelta(minutes=30)),
        "notifications-0-notified_by": "Officer",
        "notifications-0-case_number": "",
    }
    data.update(changes)
    return data


def _denials() -> int:
    return AuditEntry.objects.filter(action="denied").count()


def _state(report: Report) -> tuple[Any, ...]:
    report.refresh_from_db()
    return (
        report.status,
        report.title,
        report.version,
        ReportVersion.objects.filter(report=report).count(),
        list(report.people.values_list("name", flat=True)),
    )


# --- writing ------------------------------------------------------------------------------------


def test_new_report_page_offers_every_section_and_school_codes_first(client: Client) -> None:
    sign_in(client, "officer")
    response = client.get(reverse("incidents:new"))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("What", "Where", "When", "Who", "Narrative", "Actions taken", "Notifications"):
        assert f">{heading} " in page or f">{heading}<" in page
    common = page.index('id="nibrs-common"')
    everything = page.index('id="nibrs-all"')
    assert common < page.index("13B Simple Assault") < everything
    assert page.index("09A Murder") > everything
    assert 'type="datetime-local"' in page
    assert "set when you submit" in page


def test_report_from_a_console_event_is_prefilled_and_linked(client: Client) -> None:
    school = _school()
    asset = Asset.objects.filter(school=school).order_by("pk").first()
    occurred = timezone.now() - timedelta(minutes=20)
    event = Event.objects.create(
        source="test",
        source_event_id="views-1",
        event_type="door_forced",
        severity=4,
        title="Door forced: gym exit",
        school=school,
        asset=asset,
        occurred_at=occurred,
        received_at=occurred,
        updated_at=occurred,
    )
    sign_in(client, "officer")
    response = client.get(reverse("incidents:new") + f"?event={event.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Door forced: gym exit"' in page
    assert f'value="{_local(occurred)}"' in page
    assert f'value="event:{event.pk}"' in page
    data = _form_data(school, links=f"event:{event.pk}", title="Door forced: gym exit")
    response = client.post(reverse("incidents:new"), data)
    assert response.status_code == 302
    report = Report.objects.get(title="Door forced: gym exit")
    assert [(link.kind, link.target_id) for link in report.links.all()] == [("event", event.pk)]
    # An event at a school the officer does not serve is not theirs to start a report from.
    other = Event.objects.create(
        source="test",
        source_event_id="views-2",
        event_type="door_forced",
        severity=4,
        title="Elsewhere",
        school=_school("juniper-ridge-ms"),
        occurred_at=occurred,
        received_at=occurred,
        updated_at=occurred,
    )
    assert client.get(reverse("incidents:new") + f"?event={other.pk}").status_code == 404


def test_officer_saves_a_draft_with_people_and_notifications(client: Client) -> None:
    school = _school()
    sign_in(client, "officer")
    response = client.post(reverse("incidents:new"), _form_data(school))
    report = Report.objects.get(title="Vape in the B-wing restroom")
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[report.pk])
    assert report.status == ReportStatus.DRAFT
    assert report.author.username == "officer"
    assert [(p.role, p.name, p.description, p.juvenile) for p in report.people.all()] == [
        ("offender", "Casey Ord", "", True),
        ("witness", "", "Custodian on duty", False),
    ]
    assert [(n.kind, n.party) for n in report.notifications.all()] == [
        ("guardian", "Parent of Casey Ord")
    ]
    assert sorted((c.scheme, c.code) for c in report.classifications.all()) == [
        ("nibrs", "35A"),
        ("school", "vaping"),
    ]
    assert report.location_text == "Second stall"
    assert report.written_at is not None
    assert report.submitted_at is None


@pytest.mark.parametrize(
    ("changes", "field_label", "message"),
    [
        ({"title": "  "}, "Title", "This field is required."),
        ({"occurred_start": "yesterday"}, "Occurred from", "Enter a valid date/time."),
        ({"nibrs": ["99Z"]}, "NIBRS offences", "Select a valid choice. 99Z is not one"),
        ({"categories": ["weather"]}, "School categories", "Select a valid choice. weather is not"),
        ({"people-0-role": "ringleader"}, "Role", "Select a valid choice. ringleader is not"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    client: Client, changes: dict[str, Any], field_label: str, message: str
) -> None:
    sign_in(client, "officer")
    before = Report.objects.count()
    response = client.post(reverse("incidents:new"), _form_data(_school(), **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<span class="error" role="alert">{field_label}: {message}' in page
    assert Report.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field_label", "message"),
    [
        (
            {"occurred_start": "2999-01-01T10:00", "occurred_end": "", "discovered_at": ""},
            "Occurred from",
            "That time is in the future.",
        ),
        ({"occurred_end": "2020-01-01T10:00"}, "Occurred until", "It cannot end before"),
        (
            {"notifications-0-kind": "law_enforcement"},
            "Case number",
            "Notification 1: give the agency&#x27;s case number",
        ),
        ({"people-3-description": ""}, "Name", "Person 2: give a name or"),
    ],
)
def test_service_refusals_come_back_at_the_named_field(
    client: Client, changes: dict[str, Any], field_label: str, message: str
) -> None:
    sign_in(client, "officer")
    before = (Report.objects.count(), ReportVersion.objects.count())
    response = client.post(reverse("incidents:new"), _form_data(_school(), **changes))
    assert response.status_code == 400
    assert f'<span class="error" role="alert">{field_label}: {message}' in response.content.decode()
    assert (Report.objects.count(), ReportVersion.objects.count()) == before


def test_an_area_of_another_school_is_refused_at_the_area(client: Client) -> None:
    sign_in(client, "supervisor")  # writes at two schools: both schools' areas are offered
    other_area = _area(_school("juniper-ridge-ms"))
    response = client.post(reverse("incidents:new"), _form_data(_school(), area=str(other_area.pk)))
    assert response.status_code == 400
    assert "Area: Choose an area of this school." in response.content.decode()


def test_a_school_outside_the_write_scope_is_refused(client: Client) -> None:
    sign_in(client, "officer")
    response = client.post(reverse("incidents:new"), _form_data(_school("juniper-ridge-ms")))
    assert response.status_code == 400
    assert "School: Select a valid choice." in response.content.decode()
    assert not Report.objects.filter(title="Vape in the B-wing restroom").exists()


def test_author_edits_a_draft_and_every_save_is_a_version(client: Client) -> None:
    report = _report()
    sign_in(client, "officer")
    page = client.get(reverse("incidents:edit", args=[report.pk])).content.decode()
    assert 'value="Fight in the east stairwell"' in page
    assert 'value="Jordan Pell"' in page
    data = _form_data(report.school, title="Fight in the east stairwell (corrected)")
    del data["school"]  # fixed on edit: the disabled field keeps the report's school
    response = client.post(reverse("incidents:edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "Fight in the east stairwell (corrected)"
    assert list(report.versions.values_list("change", flat=True)) == ["created", "edited"]


def test_related_reports_are_linked_by_number_when_the_writer_may_see_them(
    client: Client,
) -> None:
    earlier = _submitted()
    hidden = _report(author="supervisor")  # a draft of someone else: not the officer's to see
    school = earlier.school
    sign_in(client, "officer")
    response = client.post(reverse("incidents:new"), _form_data(school, related=hidden.number))
    assert response.status_code == 400
    assert f"Related reports: {hidden.number} is not another report of" in (
        response.content.decode()
    )
    response = client.post(
        reverse("incidents:new"), _form_data(school, related=earlier.number.lower())
    )
    assert response.status_code == 302
    report = Report.objects.get(title="Vape in the B-wing restroom")
    assert [(link.kind, link.target_id) for link in report.links.all()] == [("report", earlier.pk)]
    page = client.get(reverse("incidents:edit", args=[report.pk])).content.decode()
    assert f'value="{earlier.number}"' in page
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert reverse("incidents:detail", args=[earlier.pk]) in page


# --- who sees what ------------------------------------------------------------------------------


def test_drafts_are_invisible_to_everyone_but_their_author(client: Client) -> None:
    report = _report()
    for reader in ("supervisor", "director", "principal"):
        sign_in(client, reader)
        assert client.get(reverse("incidents:detail", args=[report.pk])).status_code == 404
        version = reverse("incidents:version", args=[report.pk, 1])
        assert client.get(version).status_code == 404
    sign_in(client, "officer")
    assert client.get(reverse("incidents:detail", args=[report.pk])).status_code == 200
    services.report_submit(actor=_user("officer"), report=report)
    for reader in ("supervisor", "director", "principal"):
        sign_in(client, reader)
        assert client.get(reverse("incidents:detail", args=[report.pk])).status_code == 200


def test_people_are_shown_to_the_author_and_to_others_only_after_a_logged_reason(
    client: Client,
) -> None:
    report = _submitted()
    sign_in(client, "officer")
    assert (
        "Jordan Pell" in client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    )
    sign_in(client, "principal")
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert "Jordan Pell" not in page
    assert "Show people involved" in page
    version = client.get(reverse("incidents:version", args=[report.pk, 2])).content.decode()
    assert "Jordan Pell" not in version
    reveals = AuditEntry.objects.filter(action="sensitive_read")
    before = reveals.count()
    url = reverse("incidents:people", args=[report.pk])
    short = client.post(url, {"reason": "why"})
    assert short.status_code == 400
    assert "Jordan Pell" not in short.content.decode()
    assert "Reason: Ensure this value has at least 8 characters" in short.content.decode()
    assert reveals.count() == before
    response = client.post(url, {"reason": "Guardian meeting this afternoon"})
    assert response.status_code == 200
    assert "Jordan Pell" in response.content.decode()
    entry = reveals.latest("seq")
    assert reveals.count() == before + 1
    assert entry.actor_label == "principal"
    assert entry.object_id == str(report.pk)
    assert entry.reason == "people involved: Guardian meeting this afternoon"


def test_people_reveal_needs_the_permission(client: Client) -> None:
    report = _submitted()
    sign_in(client, "frontdesk")
    url = reverse("incidents:people", args=[report.pk])
    assert client.post(url, {"reason": "Just curious about it"}).status_code == 403


# --- the workflow -------------------------------------------------------------------------------


def test_submit_names_the_missing_sections_and_changes_nothing(client: Client) -> None:
    report = _report(area_id=None, narrative="", nibrs=(), categories=())
    sign_in(client, "officer")
    before = _state(report)
    response = client.post(reverse("incidents:submit", args=[report.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "these sections are still empty — Classification, Where, Narrative." in page
    assert "<strong>Narrative</strong>: Write the narrative." in page
    assert _state(report) == before


def test_the_whole_workflow_through_the_pages(client: Client) -> None:
    report = _report()
    sign_in(client, "officer")
    response = client.post(reverse("incidents:submit", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_at is not None

    sign_in(client, "supervisor")
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert "Return to author" in page
    assert "Approve" in page
    short = client.post(reverse("incidents:return", args=[report.pk]), {"comment": "no"})
    assert short.status_code == 400
    assert "What should the author fix?: Ensure this value has at least 5" in (
        short.content.decode()
    )
    comment = "Say which landing: east stairwell has three."
    response = client.post(reverse("incidents:return", args=[report.pk]), {"comment": comment})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    sign_in(client, "officer")
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert comment in page
    assert comment in client.get(reverse("incidents:edit", args=[report.pk])).content.decode()
    data = _form_data(report.school, title="Fight on the east stairwell, second landing")
    del data["school"]
    assert client.post(reverse("incidents:edit", args=[report.pk]), data).status_code == 302
    assert client.post(reverse("incidents:submit", args=[report.pk])).status_code == 302

    sign_in(client, "supervisor")
    response = client.post(reverse("incidents:approve", args=[report.pk]), {"comment": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.reviewer == _user("supervisor")
    assert list(report.versions.values_list("change", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "approved",
    ]
    # After approval: addenda, by the author or a reviewer; never anyone else.
    sign_in(client, "officer")
    response = client.post(
        reverse("incidents:addendum", args=[report.pk]), {"text": "The guardian called back."}
    )
    assert response.status_code == 302
    sign_in(client, "director")
    response = client.post(
        reverse("incidents:addendum", args=[report.pk]), {"text": "District follow-up done."}
    )
    assert response.status_code == 302
    assert list(Addendum.objects.filter(report=report).values_list("number", "author_label")) == [
        (1, "officer"),
        (2, "director"),
    ]
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert "Addendum 1" in page
    assert "Addendum 2" in page
    assert "The guardian called back." in page


def test_editing_a_submitted_report_is_refused_audited_and_changes_nothing(
    client: Client,
) -> None:
    report = _submitted()
    sign_in(client, "officer")
    page = client.get(reverse("incidents:edit", args=[report.pk]), follow=True)
    assert "only its author may change it, and only while it is a draft" in page.content.decode()
    before, denials = _state(report), _denials()
    data = _form_data(report.school, title="Quietly changed")
    response = client.post(reverse("incidents:edit", args=[report.pk]), data, follow=True)
    assert "it can no longer be changed" in response.content.decode()
    assert _state(report) == before
    assert _denials() == denials + 1
    denial = AuditEntry.objects.filter(action="denied").latest("seq")
    assert denial.actor_label == "officer"
    assert denial.object_id == str(report.pk)
    # Photos cannot be added either: refused before anything is stored.
    items = EvidenceItem.objects.count()
    response = client.post(reverse("incidents:photos", args=[report.pk]), {"photos": _jpeg()})
    assert response.status_code == 302
    assert EvidenceItem.objects.count() == items
    assert _denials() == denials + 2


def test_nobody_approves_their_own_report(client: Client) -> None:
    report = _submitted(author="supervisor")
    sign_in(client, "supervisor")
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert ">Approve</button>" not in page  # the button is not offered
    before, denials = _state(report), _denials()
    response = client.post(reverse("incidents:approve", args=[report.pk]), follow=True)
    assert "Nobody may approve their own report." in response.content.decode()
    assert _state(report) == before
    assert _denials() == denials + 1


def test_an_officer_may_not_approve_or_return(client: Client) -> None:
    report = _submitted(author="supervisor")
    sign_in(client, "officer")
    before, denials = _state(report), _denials()
    assert client.post(reverse("incidents:approve", args=[report.pk])).status_code == 403
    response = client.post(reverse("incidents:return", args=[report.pk]), {"comment": "Fix it"})
    assert response.status_code == 403
    assert _state(report) == before
    assert _denials() == denials + 2


def test_a_draft_cannot_be_approved_or_submitted_by_someone_else(client: Client) -> None:
    report = _submitted()
    sign_in(client, "supervisor")
    # Approving twice: the second is refused (not submitted any more) and audited.
    assert client.post(reverse("incidents:approve", args=[report.pk])).status_code == 302
    denials = _denials()
    response = client.post(reverse("incidents:approve", args=[report.pk]), follow=True)
    assert "approved, not submitted" in response.content.decode()
    assert _denials() == denials + 1
    draft = _report(author="supervisor")
    sign_in(client, "officer")  # at the same school, but not the author: it does not exist
    assert client.post(reverse("incidents:submit", args=[draft.pk])).status_code == 404


def test_a_school_admin_may_read_but_not_add_an_addendum(client: Client) -> None:
    report = _submitted()
    services.report_approve(actor=_user("supervisor"), report=report)
    sign_in(client, "principal")
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert "Add addendum" not in page
    denials = _denials()
    response = client.post(
        reverse("incidents:addendum", args=[report.pk]), {"text": "Added by the principal."}
    )
    assert response.status_code == 302
    assert not Addendum.objects.filter(report=report).exists()
    assert _denials() == denials + 1


def test_photos_after_approval_come_with_an_addendum(client: Client) -> None:
    report = _submitted()
    services.report_approve(actor=_user("supervisor"), report=report)
    approved = report.versions.get(change="approved")
    sign_in(client, "principal")  # may read, may not add: nothing is stored for them
    items = EvidenceItem.objects.count()
    url = reverse("incidents:addendum", args=[report.pk])
    response = client.post(url, {"text": "A photo from the hallway camera.", "photos": _jpeg()})
    assert response.status_code == 302
    assert EvidenceItem.objects.count() == items
    sign_in(client, "officer")
    response = client.post(url, {"text": "A photo from the hallway camera.", "photos": _jpeg()})
    assert response.status_code == 302
    (attachment,) = report.attachments.select_related("item")
    assert EvidenceItem.objects.filter(derived_from=attachment.item).exists()
    addendum = Addendum.objects.get(report=report)
    assert addendum.version_sha256 == approved.sha256
    newest = report.versions.order_by("-number").first()
    assert newest is not None
    assert newest.change == "addendum 1: evidence attached"
    assert report.versions.get(pk=approved.pk).content == approved.content
    fake = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    response = client.post(url, {"text": "Another one.", "photos": fake})
    assert response.status_code == 400
    assert "Photos with it (optional): x.jpg" in response.content.decode()
    assert Addendum.objects.filter(report=report).count() == 1


# --- photos and versions ------------------------------------------------------------------------


def test_photos_are_stored_attached_and_shown_as_thumbnails(client: Client) -> None:
    report = _report()
    sign_in(client, "officer")
    url = reverse("incidents:photos", args=[report.pk])
    response = client.post(url, {"photos": [_jpeg(name="a.jpg"), _jpeg((20, 90, 200), "b.jpg")]})
    assert response.status_code == 302
    attachments = list(report.attachments.select_related("item").order_by("pk"))
    assert [a.item.original_filename for a in attachments] == ["a.jpg", "b.jpg"]
    assert attachments[0].item.camera.startswith("Acme")
    page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    for attachment in attachments:
        assert attachment.item.sha256 in page
        assert reverse("incidents:photo", args=[report.pk, attachment.item_id]) in page
    thumb_url = reverse("incidents:photo", args=[report.pk, attachments[0].item_id])
    response = client.get(thumb_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # type: ignore[attr-defined]
    thumbnail = EvidenceItem.objects.get(derived_from=attachments[0].item)
    assert CustodyEntry.objects.filter(item=thumbnail, action="view").count() == 1
    # A file that is not what it claims is refused at the field; nothing is attached.
    fake = SimpleUploadedFile("c.jpg", b"this is not a photo", content_type="image/jpeg")
    response = client.post(url, {"photos": fake})
    assert response.status_code == 400
    assert '<span class="error" role="alert">Add photos: c.jpg' in response.content.decode()
    assert report.attachments.count() == 2


def test_a_version_page_shows_the_stored_snapshot_and_its_hash(client: Client) -> None:
    report = _submitted()
    sign_in(client, "director")
    version = report.versions.get(number=2)
    response = client.get(reverse("incidents:version", args=[report.pk, 2]))
    page = response.content.decode()
    assert response.status_code == 200
    assert version.sha256 in page
    assert "The stored content matches its hash" in page
    assert "Fight in the east stairwell" in page
    assert client.get(reverse("incidents:version", args=[report.pk, 9])).status_code == 404


def test_the_report_page_query_count_does_not_grow_with_the_report(client: Client) -> None:
    sign_in(client, "officer")
    small = _report()
    people = tuple(
        PersonInput(role="witness", kind="student", name=f"Witness {i}") for i in range(6)
    )
    large = _report(people=people)
    for color in ((1, 2, 3), (4, 5, 6), (7, 8, 9)):
        client.post(reverse("incidents:photos", args=[large.pk]), {"photos": _jpeg(color)})
    client.post(reverse("incidents:photos", args=[small.pk]), {"photos": _jpeg((9, 9, 9))})
    client.get(reverse("incidents:detail", args=[small.pk]))  # shows (and clears) the messages
    counts = []
    for report in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("incidents:detail", args=[report.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] == 19, counts


# --- templates ----------------------------------------------------------------------------------


def test_district_reviewer_publishes_a_template_version(client: Client) -> None:
    services.default_template()
    sign_in(client, "director")
    response = client.get(reverse("incidents:templates"))
    assert response.status_code == 200
    data = {
        "name": "Incident report",
        "required_sections": ["classification", "location", "times", "narrative", "people"],
        "categories": ["fight", "vaping", "other"],
        "narrative_guidance": "Facts only.",
    }
    assert client.post(reverse("incidents:templates"), data).status_code == 302
    newest = ReportTemplate.objects.get(active=True)
    assert newest.version == 2
    assert "people" in newest.required_sections
    assert newest.categories == ["fight", "vaping", "other"]
    # New reports use it; an older report keeps the version it was written under.
    sign_in(client, "officer")
    page = client.get(reverse("incidents:new")).content.decode()
    assert "Incident report v2" in page
    assert "Bullying / harassment" not in page
    bad = client.post(reverse("incidents:templates"), {**data, "categories": []})
    assert bad.status_code == 403  # an officer is no reviewer at all
    sign_in(client, "director")
    bad = client.post(reverse("incidents:templates"), {**data, "categories": []})
    assert bad.status_code == 400
    assert "Categories offered: This field is required." in bad.content.decode()
    assert ReportTemplate.objects.count() == 2


def test_a_school_level_reviewer_sees_templates_but_may_not_publish(client: Client) -> None:
    services.default_template()
    sign_in(client, "supervisor")
    page = client.get(reverse("incidents:templates")).content.decode()
    assert "Only a district-wide reviewer may publish" in page
    data = {"name": "Incident report", "categories": ["fight"], "narrative_guidance": ""}
    assert client.post(reverse("incidents:templates"), data).status_code == 403
    assert ReportTemplate.objects.count() == 1
