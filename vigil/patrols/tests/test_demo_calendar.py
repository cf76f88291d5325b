"""The demo high school's bell schedule, as the demo builder imported it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from vigil.patrols.models import CalendarOccurrence, CalendarSource

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def test_the_demo_high_school_has_its_2026_27_bell_schedule() -> None:
    source = CalendarSource.objects.get(school__slug="cedar-hollow-hs")
    assert source.name == "Cedar Hollow High School bell schedule"
    kinds = dict(
        CalendarOccurrence.objects.filter(source=source)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    # 191 school days (12 Aug 2026 – 4 Jun 2027 without holidays) × the daily slots.
    assert kinds == {
        "period": 191 * 6,
        "passing": 191 * 4,
        "lunch": 191 * 2,  # lunch and lunch duty
        "dismissal": 191 * 2,  # dismissal and bus loop duty
        "game": 6,
        "assembly": 1,
        "dance": 1,
        "other": 1,
    }
    bus_duty = CalendarOccurrence.objects.get(
        source=source,
        summary="Bus loop duty",
        start=datetime(2026, 11, 2, 14, 0, tzinfo=LA),  # first Monday after DST ends
    )
    assert (bus_duty.fixed_post, str(bus_duty.area)) == (True, "Bus loop")
    assert (
        not CalendarOccurrence.objects.filter(
            source=source, start__date=datetime(2026, 11, 26).date()
        )
        .exclude(all_day=True)
        .exists()
    )
