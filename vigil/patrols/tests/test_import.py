"""`vigil import ical`: idempotent upsert into the school calendar, bad events kept out."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from vigil.core.models import AuditEntry
from vigil.patrols.models import CalendarOccurrence, CalendarSource
from vigil.patrols.tests.helpers import FIXTURES, fixture
from vigil.sites.models import Area, School

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
WINDOW = ["--from", "2026-03-01", "--until", "2026-04-30"]


@pytest.fixture(autouse=True)
def _empty_calendar(db: None) -> None:
    """The demo imports its own bell schedule; these tests start from an empty calendar."""
    CalendarSource.objects.all().delete()


def _import(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import", "ical", str(path), "--school", "cedar-hollow-hs", *WINDOW, *extra, stdout=out
    )
    return out.getvalue()


def _rows() -> list[tuple[str, str, str, str]]:
    return [
        (o.uid, o.summary, o.start.astimezone(LA).isoformat(), o.end.astimezone(LA).isoformat())
        for o in CalendarOccurrence.objects.order_by("start", "uid")
    ]


def test_dry_run_prints_local_times_and_writes_nothing() -> None:
    audit_before = AuditEntry.objects.count()
    out = _import(FIXTURES / "bell_schedule.ics", "--dry-run")
    lines = out.splitlines()
    assert lines[0] == (
        "iCalendar import into Cedar Hollow High School: would create 22, would update 0, "
        "0 unchanged, would remove 0 (dry run: nothing was written)."
    )
    assert (
        "  create: Period 1 — Mon 2026-03-02 08:00–08:50 PST [period] (UID period-1@bell.test)"
        in lines
    )
    assert (
        "  create: Period 1 — Tue 2026-03-10 08:00–08:50 PDT [period] (UID period-1@bell.test)"
        in lines
    )
    assert (
        "  create: Lunch duty (late lunch: testing day) — Wed 2026-03-04 12:30–13:00 PST "
        "[lunch, area Cafeteria (A110), fixed post] (UID lunch-duty@bell.test)"
    ) in lines
    assert (
        "  create: Spring break — Mon 2026-03-30, all day (5 days) [other] "
        "(UID spring-break@bell.test)"
    ) in lines
    assert sum(line.startswith("  create: ") for line in lines) == 22
    assert CalendarOccurrence.objects.count() == 0
    assert CalendarSource.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_import_saves_occurrences_with_kinds_areas_and_fixed_posts() -> None:
    audit_before = AuditEntry.objects.count()
    _import(FIXTURES / "bell_schedule.ics")
    school = School.objects.get(slug="cedar-hollow-hs")
    source = CalendarSource.objects.get()
    assert (source.school, source.name, source.uid_namespace) == (
        school,
        "Bell schedule",
        "bell-schedule",
    )
    assert CalendarOccurrence.objects.filter(school=school).count() == 22
    moved = CalendarOccurrence.objects.get(
        uid="lunch-duty@bell.test", recurrence_id=datetime(2026, 3, 4, 12, tzinfo=LA)
    )
    assert moved.start == datetime(2026, 3, 4, 12, 30, tzinfo=LA)
    assert (moved.kind, moved.fixed_post) == ("lunch", True)
    assert moved.area == Area.objects.get(school=school, name="Cafeteria")
    game = CalendarOccurrence.objects.get(uid="basketball-0306@bell.test")
    assert (game.kind, game.area, game.fixed_post) == (
        "game",
        Area.objects.get(school=school, name="Main gym"),
        False,
    )
    spring_break = CalendarOccurrence.objects.get(uid="spring-break@bell.test")
    assert (spring_break.all_day, spring_break.area) == (True, None)
    # One audit row for the whole run, not one per occurrence.
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.object_type, entry.school_id, entry.reason) == (
        "patrols.calendarsource",
        school.pk,
        "iCalendar import of bell_schedule.ics",
    )
    assert entry.changes["created"] == 22


def test_reimport_changes_nothing_and_edits_update_and_remove(tmp_path: Path) -> None:
    _import(FIXTURES / "bell_schedule.ics")
    first = _rows()
    ids = set(CalendarOccurrence.objects.values_list("pk", flat=True))
    again = _import(FIXTURES / "bell_schedule.ics")
    assert again.splitlines()[0] == (
        "iCalendar import into Cedar Hollow High School: created 0, updated 0, "
        "22 unchanged, removed 0."
    )
    assert _rows() == first
    assert set(CalendarOccurrence.objects.values_list("pk", flat=True)) == ids

    text = fixture("bell_schedule.ics").decode()
    game_start = text.index("BEGIN:VEVENT\nUID:basketball-0306@bell.test")
    game_end = text.index("END:VEVENT\n", game_start) + len("END:VEVENT\n")
    edited = text[:game_start] + text[game_end:]
    edited = edited.replace("20260313T230000", "20260313T233000")  # the dance runs later
    path = tmp_path / "bell_schedule.ics"
    path.write_text(edited)
    out = _import(path).splitlines()
    assert out[0] == (
        "iCalendar import into Cedar Hollow High School: created 0, updated 1, "
        "20 unchanged, removed 1."
    )
    assert out[1:3] == [
        "  update: Spring dance — Fri 2026-03-13 20:00–23:30 PDT [dance, area Cafeteria (A110)] "
        "(UID spring-dance@bell.test) (end)",
        "  remove: Varsity basketball vs Pine Valley — Fri 2026-03-06 19:00–21:00 PST "
        "[game, area Main gym (G100)] (UID basketball-0306@bell.test)",
    ]
    assert not CalendarOccurrence.objects.filter(uid="basketball-0306@bell.test").exists()
    assert CalendarOccurrence.objects.count() == 21


def test_bad_events_are_kept_out_and_the_rest_saved() -> None:
    out = _import(FIXTURES / "broken.ics").splitlines()
    assert out[0] == (
        "iCalendar import into Cedar Hollow High School: created 1, updated 0, "
        "0 unchanged, removed 0; 3 event(s) kept out."
    )
    assert out[1:4] == [
        "  problem: broken.ics, event bad-rrule@broken.test “Period 2”, RRULE: broken "
        "recurrence rule: Expected frequency, got: FORTNIGHTLY",
        "  problem: broken.ics, event bad-tz@broken.test “Pep rally”, DTSTART: unknown "
        "time zone 'Mars/Olympus_Mons' (no VTIMEZONE defines it)",
        "  problem: broken.ics, event backwards@broken.test “Dismissal”, DTEND: ends "
        "(2026-03-06 14:30:00-08:00) before it starts (2026-03-06 15:00:00-08:00); "
        "DTEND precedes DTSTART",
    ]
    assert _rows() == [
        (
            "good-assembly@broken.test",
            "Assembly",
            "2026-03-05T10:00:00-08:00",
            "2026-03-05T11:00:00-08:00",
        )
    ]


def test_an_event_that_turns_bad_keeps_its_earlier_rows(tmp_path: Path) -> None:
    _import(FIXTURES / "bell_schedule.ics")
    text = fixture("bell_schedule.ics").decode()
    broken = text.replace(
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL", "FREQ=WEEKLIES;BYDAY=MO,TU,WE,TH,FR;UNTIL"
    )
    path = tmp_path / "bell_schedule.ics"
    path.write_text(broken)
    out = _import(path).splitlines()
    assert out[0] == (
        "iCalendar import into Cedar Hollow High School: created 0, updated 0, "
        "13 unchanged, removed 0; 1 event(s) kept out."
    )
    assert CalendarOccurrence.objects.filter(uid="period-1@bell.test").count() == 9


def test_a_file_that_is_not_icalendar_is_refused_and_changes_nothing() -> None:
    with pytest.raises(CommandError) as excinfo:
        _import(FIXTURES / "not_a_calendar.ics")
    assert str(excinfo.value).splitlines() == [
        "iCalendar import into Cedar Hollow High School: refused, 1 problem(s); "
        "nothing was changed.",
        "  problem: not_a_calendar.ics: not an iCalendar file: it does not begin with "
        "BEGIN:VCALENDAR",
    ]
    assert CalendarSource.objects.count() == 0


def test_bad_command_line_options_are_named() -> None:
    with pytest.raises(CommandError, match="--from: 'March' is not a date"):
        call_command(
            "import",
            "ical",
            str(FIXTURES / "bell_schedule.ics"),
            "--school",
            "cedar-hollow-hs",
            "--from",
            "March",
        )
    with pytest.raises(CommandError, match="--school: no school with the slug 'nowhere'"):
        call_command("import", "ical", str(FIXTURES / "bell_schedule.ics"), "--school", "nowhere")
