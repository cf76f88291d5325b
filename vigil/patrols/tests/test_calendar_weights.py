"""The school calendar raises stop weights by the share of the shift an occurrence covers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vigil.accounts.models import User
from vigil.patrols import services
from vigil.patrols.calendar_weights import Occurrence, Raised, raise_weights
from vigil.patrols.models import CalendarOccurrence, Shift
from vigil.sites.models import School

LA = ZoneInfo("America/Los_Angeles")
START = datetime(2026, 12, 1, 10, 0, tzinfo=LA)
END = START + timedelta(hours=4)


def test_a_lunch_raises_the_cafeteria_by_its_share_of_the_shift() -> None:
    lunch = Occurrence(
        "lunch",
        "Lunch",
        START + timedelta(hours=1, minutes=30),
        START + timedelta(hours=2, minutes=10),
    )
    raised = raise_weights(
        {"c": "cafeteria", "h": "hallway", "x": "classroom"}, [lunch], START, END
    )
    assert raised == {"c": Raised(factor=round(1 + 2 * 40 / 240, 3), because="lunch 11:30–12:10")}


def test_overlaps_add_up_and_only_the_part_inside_the_shift_counts() -> None:
    passing = [
        Occurrence(
            "passing",
            "Passing period",
            START + timedelta(minutes=m),
            START + timedelta(minutes=m + 6),
        )
        for m in (50, 110, 170)
    ]
    before = Occurrence(
        "passing", "Passing period", START - timedelta(minutes=3), START + timedelta(minutes=3)
    )
    raised = raise_weights({"h": "hallway"}, [*passing, before], START, END)
    assert raised["h"].factor == round(1 + (3 * 6 + 3) / 240, 3)
    assert raised["h"].because.startswith("passing period 10:50–10:56")
    assert raise_weights({"h": "hallway"}, passing, END, END) == {}


@pytest.mark.django_db
def test_a_shift_over_passing_periods_weighs_the_hallways_more() -> None:
    school = School.objects.get(slug="cedar-hollow-hs")
    day = CalendarOccurrence.objects.filter(school=school, kind="passing").order_by("start").first()
    assert day is not None, "the demo imports the high school's bell schedule"
    start = day.start - timedelta(minutes=30)
    shift = services.shift_start(
        actor=User.objects.get(username="officer"),
        school=school,
        building=school.buildings.get(name="Main Building"),
        mode="foot",
        hours=2,
        now=start,
    )
    calendar = shift.plan["calendar"]
    halls = [raw for raw in shift.graph["nodes"] if raw["id"] in calendar]
    assert halls, "a hallway of the main building is busier at passing periods"
    assert all(raw["risk"] > 2.0 for raw in halls if "hallway" in raw["label"].lower())
    assert any("passing" in calendar[raw["id"]] for raw in halls)
    # The phone's next stop says why a busier stop matters now (read without the whole plan).
    busy = halls[0]["id"]
    Shift.objects.filter(pk=shift.pk).update(next_node=busy)
    active = services.active_shift(shift.officer)
    assert active is not None
    assert services.next_stop(active).busy == calendar[busy]
