"""Reading iCalendar files into local time windows: pure, no database."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from vigil.patrols import ical
from vigil.patrols.kinds import OccurrenceKind, classify, is_fixed_post
from vigil.patrols.tests.helpers import fixture

LA = ZoneInfo("America/Los_Angeles")


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LA)


def _bell() -> ical.ParsedCalendar:
    return ical.parse(
        fixture("bell_schedule.ics"), zone=LA, first=date(2026, 3, 1), last=date(2026, 4, 30)
    )


def _local(parsed: ical.ParsedCalendar, uid: str) -> list[tuple[str, str]]:
    return [
        (o.start.astimezone(LA).isoformat(), o.end.astimezone(LA).isoformat())
        for o in parsed.occurrences
        if o.uid == uid
    ]


def test_weekly_rule_skips_the_holiday_and_keeps_local_time_across_dst() -> None:
    parsed = _bell()
    assert parsed.error is None
    assert parsed.problems == []
    assert parsed.name == "Bell schedule"
    starts = [s for s, _ in _local(parsed, "period-1@bell.test")]
    # Monday 9 March 2026 is the EXDATE holiday; DST began Sunday 8 March (PST -8 → PDT -7).
    assert starts == [
        "2026-03-02T08:00:00-08:00",
        "2026-03-03T08:00:00-08:00",
        "2026-03-04T08:00:00-08:00",
        "2026-03-05T08:00:00-08:00",
        "2026-03-06T08:00:00-08:00",
        "2026-03-10T08:00:00-07:00",
        "2026-03-11T08:00:00-07:00",
        "2026-03-12T08:00:00-07:00",
        "2026-03-13T08:00:00-07:00",
    ]
    friday, tuesday = (
        o for o in parsed.occurrences if o.start in (_at(2026, 3, 6, 8), _at(2026, 3, 10, 8))
    )
    # The same local 08:00 is a different UTC instant either side of the change.
    assert friday.start.astimezone(ZoneInfo("UTC")).hour == 16
    assert tuesday.start.astimezone(ZoneInfo("UTC")).hour == 15


def test_a_moved_instance_keeps_its_original_recurrence_id() -> None:
    lunches = [o for o in _bell().occurrences if o.uid == "lunch-duty@bell.test"]
    assert len(lunches) == 10
    moved = next(o for o in lunches if o.recurrence_id == _at(2026, 3, 4, 12))
    assert moved.summary == "Lunch duty (late lunch: testing day)"
    assert (moved.start, moved.end) == (_at(2026, 3, 4, 12, 30), _at(2026, 3, 4, 13))
    assert [o.start for o in lunches if o.start.date() == date(2026, 3, 4)] == [moved.start]


def test_all_day_events_are_local_midnights_and_end_exclusive() -> None:
    (spring_break,) = [o for o in _bell().occurrences if o.uid == "spring-break@bell.test"]
    assert spring_break.all_day is True
    assert spring_break.start == _at(2026, 3, 30)
    assert spring_break.end == _at(2026, 4, 4)
    assert spring_break.start.utcoffset() == _at(2026, 3, 30).utcoffset()


def test_floating_times_and_custom_vtimezones_are_school_local() -> None:
    parsed = _bell()
    assert _local(parsed, "basketball-0306@bell.test") == [
        ("2026-03-06T19:00:00-08:00", "2026-03-06T21:00:00-08:00")
    ]
    # TZID "Campus Local Time" is defined by a VTIMEZONE in the file.
    assert _local(parsed, "spring-dance@bell.test") == [
        ("2026-03-13T20:00:00-07:00", "2026-03-13T23:00:00-07:00")
    ]
    assert len(parsed.occurrences) == 22


def test_the_window_is_exactly_the_local_dates() -> None:
    parsed = ical.parse(
        fixture("window_edges.ics"), zone=LA, first=date(2026, 3, 2), last=date(2026, 3, 6)
    )
    # 07:59Z on 2 March is 23:59 on 1 March in Los Angeles (out); 08:00Z is midnight (in);
    # 07:30Z on 7 March is 23:30 on the 6th (in); 08:30Z is 00:30 on the 7th (out).
    assert [(o.uid, o.start.astimezone(LA).isoformat()) for o in parsed.occurrences] == [
        ("first-morning@window.test", "2026-03-02T00:00:00-08:00"),
        ("before-midnight@window.test", "2026-03-06T23:30:00-08:00"),
    ]


def test_bad_events_are_named_and_kept_out_while_good_ones_stay() -> None:
    parsed = ical.parse(
        fixture("broken.ics"), zone=LA, first=date(2026, 3, 1), last=date(2026, 3, 31)
    )
    assert parsed.error is None
    assert [str(p) for p in parsed.problems] == [
        "event bad-rrule@broken.test “Period 2”, RRULE: broken recurrence rule: "
        "Expected frequency, got: FORTNIGHTLY",
        "event bad-tz@broken.test “Pep rally”, DTSTART: unknown time zone "
        "'Mars/Olympus_Mons' (no VTIMEZONE defines it)",
        "event backwards@broken.test “Dismissal”, DTEND: ends (2026-03-06 14:30:00-08:00) "
        "before it starts (2026-03-06 15:00:00-08:00); DTEND precedes DTSTART",
    ]
    assert [o.uid for o in parsed.occurrences] == ["good-assembly@broken.test"]
    assert parsed.rejected_uids == {
        "bad-rrule@broken.test",
        "bad-tz@broken.test",
        "backwards@broken.test",
    }


def test_a_file_that_is_not_icalendar_is_refused_by_content() -> None:
    parsed = ical.parse(
        fixture("not_a_calendar.ics"), zone=LA, first=date(2026, 3, 1), last=date(2026, 3, 31)
    )
    assert str(parsed.error) == "not an iCalendar file: it does not begin with BEGIN:VCALENDAR"
    assert parsed.occurrences == []
    binary = ical.parse(
        b"\x89PNG\r\n\x1a\n\x00\x00", zone=LA, first=date(2026, 3, 1), last=date(2026, 3, 2)
    )
    assert str(binary.error) == "not an iCalendar file: it is binary"
    garbled = ical.parse(
        b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n",
        zone=LA,
        first=date(2026, 3, 1),
        last=date(2026, 3, 2),
    )
    assert garbled.error is not None
    assert str(garbled.error).startswith("unreadable iCalendar: ")


def test_school_year_runs_august_to_july() -> None:
    assert ical.school_year(date(2026, 11, 28)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert ical.school_year(date(2027, 7, 31)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert ical.school_year(date(2027, 8, 1)) == (date(2027, 8, 1), date(2028, 7, 31))


def test_kinds_and_fixed_posts_come_from_the_keyword_table() -> None:
    assert classify("Passing period 1–2") == OccurrenceKind.PASSING
    assert classify("Period 3") == OccurrenceKind.PERIOD
    assert classify("Lunch duty") == OccurrenceKind.LUNCH
    assert classify("Dismissal") == OccurrenceKind.DISMISSAL
    assert classify("Bus loop duty") == OccurrenceKind.DISMISSAL
    assert classify("Winter pep rally") == OccurrenceKind.ASSEMBLY
    assert classify("Homecoming dance") == OccurrenceKind.DANCE
    assert classify("Cedar Hollow vs. Pine Valley") == OccurrenceKind.GAME
    assert classify("Senior night", ["Athletics"]) == OccurrenceKind.GAME
    assert classify("Staff meeting") == OccurrenceKind.OTHER
    assert is_fixed_post("Bus loop duty") is True
    assert is_fixed_post("Lunch") is False
    assert is_fixed_post("Post-game cleanup") is False
