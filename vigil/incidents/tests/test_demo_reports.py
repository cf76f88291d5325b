"""The demo district's report history (vigil/incidents/demo.py), as the test database holds it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.incidents import demo, facts, snapshot
from vigil.incidents.models import Addendum, Report, ReportVersion

pytestmark = pytest.mark.django_db


def test_forty_reports_in_every_state_at_every_school() -> None:
    reports = list(Report.objects.select_related("school").order_by("written_at", "pk"))
    assert len(reports) == demo.REPORTS
    assert Counter(r.status for r in reports) == {
        "approved": 26,
        "submitted": 5,
        "returned": 3,
        "draft": 6,
    }
    assert {r.school.slug for r in reports} == {
        "cedar-hollow-hs",
        "juniper-ridge-ms",
        "willow-creek-es",
    }


def test_written_over_the_last_sixty_days_and_numbered_in_order() -> None:
    now = timezone.now()
    reports = list(Report.objects.select_related("school").order_by("written_at", "pk"))
    for r in reports:
        assert r.occurred_start is not None
        assert now - timedelta(days=demo.DAYS + 1) < r.occurred_start < now
        assert r.occurred_start < r.written_at < now
    by_school: dict[str, list[str]] = {}
    for r in reports:
        by_school.setdefault(r.school.slug, []).append(r.number)
    for numbers in by_school.values():
        assert numbers == sorted(numbers)  # the calendar order is the numbering order
    assert sum(r.is_late_entry for r in reports) == 4


def test_reviews_addenda_people_and_notifications() -> None:
    returned = ReportVersion.objects.filter(change="returned")
    assert returned.count() == 3
    assert all(len(v.comment) > 10 for v in returned)
    approved = Report.objects.filter(status="approved")
    assert all(r.reviewer_id is not None and r.approved_at is not None for r in approved)
    assert all(r.reviewer_id != r.author_id for r in approved)
    addenda = list(Addendum.objects.all())
    assert len(addenda) == 1
    assert addenda[0].report.status == "approved"
    assert addenda[0].number == 1
    assert all(r.people.exists() for r in Report.objects.all())
    assert Report.objects.filter(notifications__kind="law_enforcement").exists()
    assert not Report.objects.filter(
        notifications__kind="law_enforcement", notifications__case_number=""
    ).exists()
    assert Report.objects.filter(links__kind="report").exists()


def test_every_version_hash_matches_its_content() -> None:
    for version in ReportVersion.objects.all():
        assert snapshot.content_sha256(version.content) == version.sha256


def test_some_drafts_show_the_facts_helper_at_work() -> None:
    flagged = [r for r in Report.objects.filter(status="draft") if facts.check(r.narrative)]
    assert flagged
    # The reviewed reports were written as facts.
    assert not [
        r.number for r in Report.objects.exclude(status="draft") if facts.check(r.narrative)
    ]
