"""Screening at check-in, the staff decision, and what a decision is remembered against."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.events.models import Event
from vigil.sites.models import School
from vigil.visitors import services
from vigil.visitors.choices import Decision, IdSource
from vigil.visitors.models import (
    RegistryList,
    ScreeningCandidate,
    ScreeningDismissal,
    Visit,
    VisitorAlert,
    WatchEntry,
)
from vigil.visitors.tests.helpers import NOON

pytestmark = pytest.mark.django_db

# The demo's district-wide ban: GARRICK THORNBURY, born 1979-04-12, alias Gary Thornberry.
SWAPPED = date(1979, 12, 4)  # day and month swapped on the card as typed


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOON)


def _check_in(school: str, born: date, given: str = "GARRICK", family: str = "THORNBURY") -> Any:
    return services.visit_check_in(
        actor=User.objects.get(username="frontdesk"),
        school=School.objects.get(slug=school),
        identity=services.Identity(family, given, born, IdSource.MANUAL),
        details=services.VisitDetails("Meeting", "Room 4", 30),
        now=NOON,
    )


def _decide(client: Any, candidate: ScreeningCandidate, decision: str, reason: str) -> Any:
    return client.post(
        reverse("visitors:decide", args=[candidate.pk]),
        {f"c{candidate.pk}-decision": decision, f"c{candidate.pk}-reason": reason},
    )


def test_a_listed_person_with_a_typed_birth_date_is_held_for_review() -> None:
    result = _check_in("willow-creek-es", SWAPPED)
    assert result.visit.status == "review"
    [candidate] = result.candidates
    assert candidate.list_label == "Banned from campus"
    assert candidate.entry_name == "GARRICK THORNBURY"
    assert candidate.entry_date_of_birth == date(1979, 4, 12)
    assert candidate.reasons == [
        "family name 'THORNBURY' matches 'THORNBURY'",
        "given names 'GARRICK' match 'GARRICK'",
        "date of birth day and month swapped (1979-12-04 and 1979-04-12)",
    ]
    assert candidate.score == 0.98


def test_an_alias_matches_and_a_name_alone_does_not() -> None:
    alias = _check_in("willow-creek-es", date(1979, 4, 12), given="GARY", family="THORNBERRY")
    assert [c.reasons[0] for c in alias.candidates] == ["alias 'Gary Thornberry' on the entry"]
    namesake = _check_in("willow-creek-es", date(1990, 7, 7))
    assert namesake.candidates == []
    assert namesake.visit.status == "admitted"


def test_review_shows_the_candidate_beside_the_visitor_and_logs_the_read(login: Any) -> None:
    visit = _check_in("willow-creek-es", SWAPPED).visit
    page = login("frontdesk").get(reverse("visitors:review", args=[visit.pk])).content.decode()
    for text in (
        "Garrick Thornbury",
        "4 Dec 1979",  # the visitor
        "12 Apr 1979",  # the entry
        "date of birth day and month swapped (1979-12-04 and 1979-04-12)",
    ):
        assert text in page
    read = AuditEntry.objects.filter(action="sensitive_read", object_id=str(visit.pk)).get()
    assert read.reason == "screening review (1 candidate(s))"


def test_not_a_match_needs_a_reason_and_changes_nothing_without_one(login: Any) -> None:
    candidate = _check_in("willow-creek-es", SWAPPED).candidates[0]
    response = _decide(login("frontdesk"), candidate, "not_match", "no")
    assert response.status_code == 400
    form = response.context["rows"][0]["form"]
    assert form.errors["reason"] == ["Say why this is not the same person (at least 8 characters)."]
    candidate.refresh_from_db()
    assert candidate.decision == "pending"
    assert not ScreeningDismissal.objects.exists()


def test_not_a_match_is_remembered_until_the_birth_date_or_the_entry_changes(login: Any) -> None:
    client = login("frontdesk")
    first = _check_in("willow-creek-es", SWAPPED)
    response = _decide(client, first.candidates[0], "not_match", "photo and height differ")
    assert response.status_code == 302
    first.visit.refresh_from_db()
    assert first.visit.status == "admitted"

    # Next week: the same person is not flagged again.
    again = _check_in("willow-creek-es", SWAPPED)
    assert (again.visit.status, again.candidates, again.suppressed) == ("admitted", [], 1)

    # A different date of birth on the card is a different visitor: flagged.
    other_dob = _check_in("willow-creek-es", date(1979, 4, 21))
    assert [c.entry_name for c in other_dob.candidates] == ["GARRICK THORNBURY"]

    # The entry changes (a new alias): flagged again, for the same visitor.
    entry = WatchEntry.objects.get(family_name="THORNBURY")
    entry.aliases = [*entry.aliases, {"family": "Thorn", "given": "Rick"}]
    entry.save()
    changed = _check_in("willow-creek-es", SWAPPED)
    assert [c.entry_name for c in changed.candidates] == ["GARRICK THORNBURY"]


def test_a_new_registry_entry_flags_a_cleared_visitor_again(login: Any) -> None:
    client = login("frontdesk")
    first = _check_in("willow-creek-es", SWAPPED)
    _decide(client, first.candidates[0], "not_match", "photo and height differ")
    registry = RegistryList.objects.create(name="County feed")
    services.registry_import(
        actor=None,
        registry=registry,
        rows=[services.RegistryRow(2, "THORNBURY", "GARRICK", date(1979, 4, 12))],
        now=NOON,
    )
    again = _check_in("willow-creek-es", SWAPPED)
    assert [(c.list_label, c.entry_detail) for c in again.candidates] == [
        ("County feed", "County feed, line 2")
    ]


def test_a_match_alerts_the_school_officers_silently(login: Any) -> None:
    result = _check_in("willow-creek-es", SWAPPED)
    candidate = result.candidates[0]
    response = _decide(login("frontdesk"), candidate, "match", "")
    assert response.status_code == 302
    alert = VisitorAlert.objects.get()
    assert (alert.school.slug, alert.destination, alert.priority) == (
        "willow-creek-es",
        "Room 4",
        "high",
    )
    assert alert.summary == "Matches Garrick Thornbury: Banned from campus"
    # The same alert is on the unified console, naming the place and not the person.
    event = Event.objects.select_related("school").get(source="visitors")
    assert event.school is not None
    assert (event.event_type, event.severity, event.school.slug, event.status) == (
        "visitor_match",
        4,
        "willow-creek-es",
        "open",
    )
    assert event.title == "Visitor screening match at Willow Creek Elementary School: Room 4"
    assert "Thornbury" not in str(event.data)
    visit = Visit.objects.get(pk=result.visit.pk)
    assert visit.status == "held"
    # No badge for a held visitor; the desk page says what to do, not the visitor's kiosk.
    assert login("frontdesk").get(reverse("visitors:badge", args=[visit.pk])).status_code == 409


def test_officers_of_the_school_see_the_alert_and_no_one_else(client: Any) -> None:
    from conftest import sign_in

    candidate = _check_in("willow-creek-es", SWAPPED).candidates[0]
    services.screening_decide(
        actor=User.objects.get(username="frontdesk"),
        candidate=candidate,
        decision=Decision.MATCH,
        reason="",
        now=NOON,
    )
    alert = VisitorAlert.objects.get()
    feed = reverse("visitors:alerts_feed")
    sign_in(client, "officer2")  # middle + elementary
    assert "Garrick Thornbury" in client.get(feed).content.decode()
    sign_in(client, "officer")  # high school only
    assert "Garrick Thornbury" not in client.get(feed).content.decode()
    assert client.post(reverse("visitors:alert_ack", args=[alert.pk])).status_code == 404
    sign_in(client, "frontdesk")  # decides, but does not receive alerts
    assert client.get(feed).status_code == 403
    sign_in(client, "officer2")
    assert client.post(reverse("visitors:alert_ack", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == User.objects.get(username="officer2")


def test_expired_watch_entries_are_not_screened() -> None:
    entry = WatchEntry.objects.get(family_name="THORNBURY")
    entry.expires_on = NOON.date() - timedelta(days=1)
    entry.save()
    assert _check_in("willow-creek-es", SWAPPED).candidates == []


def test_a_school_entry_is_screened_only_at_its_school() -> None:
    # The demo's trespass warning belongs to the high school.
    at_high = _check_in("cedar-hollow-hs", date(1988, 11, 3), "PERRIN", "SALTMARSH")
    at_elementary = _check_in("willow-creek-es", date(1988, 11, 3), "PERRIN", "SALTMARSH")
    assert [c.list_label for c in at_high.candidates] == ["Trespass warning"]
    assert at_elementary.candidates == []


def test_deciding_twice_is_refused() -> None:
    candidate = _check_in("willow-creek-es", SWAPPED).candidates[0]
    actor = User.objects.get(username="frontdesk")
    services.screening_decide(
        actor=actor,
        candidate=candidate,
        decision=Decision.NOT_MATCH,
        reason="different person",
        now=NOON,
    )
    with pytest.raises(services.VisitorError, match="already decided"):
        services.screening_decide(
            actor=actor, candidate=candidate, decision=Decision.MATCH, reason="", now=NOON
        )


def test_the_audit_log_keeps_no_personal_detail_of_a_candidate() -> None:
    candidate = _check_in("willow-creek-es", SWAPPED).candidates[0]
    created = AuditEntry.objects.get(
        object_type="visitors.screeningcandidate", action="create", object_id=str(candidate.pk)
    )
    for name in ("reasons", "entry_name", "entry_date_of_birth"):
        assert created.changes[name] == ["[redacted]", "[redacted]"]
    assert "1979" not in str(created.changes)


def test_the_kiosk_tells_a_flagged_visitor_nothing_different(login: Any) -> None:
    client = login("frontdesk")
    url = reverse("visitors:check_in", args=["willow-creek-es"]) + "?kiosk=1"
    response = client.post(
        url,
        {
            "id_source": "manual",
            "family_name": "Thornbury",
            "given_names": "Garrick",
            "date_of_birth": SWAPPED.isoformat(),
            "kind": "visitor",
            "purpose": "Meeting",
            "destination": "Office",
            "expected_minutes": "30",
        },
    )
    visit = Visit.objects.order_by("-pk").first()
    assert visit is not None
    assert visit.status == "review"
    assert response["Location"] == reverse("visitors:kiosk_done", args=[visit.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Please collect your visitor badge at the front desk." in page
    for word in ("screen", "match", "alert", "Banned"):
        assert word not in page
