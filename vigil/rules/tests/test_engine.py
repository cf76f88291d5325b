"""The rules' decisions without a database: exact outcomes for each kind of rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from vigil.rules import engine

LA = "America/Los_Angeles"
SCHOOL = 7
# Wednesday 2026-11-25, 10:00 in Los Angeles (PST, UTC-8) and 02:00 the same day.
TEN_AM = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
TWO_AM = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
CLOCK = engine.Clock({SCHOOL: LA}, "UTC", frozenset({(SCHOOL, date(2026, 11, 25))}))


def facts(
    at: datetime,
    *,
    ref: int = 0,
    event_type: str = "door_held",
    school: int | None = SCHOOL,
    area: int | None = 3,
    asset: int | None = None,
    device: str = "door-7",
    source: str = "mqtt:doors",
    received: datetime | None = None,
) -> engine.Facts:
    return engine.Facts(ref, source, device, event_type, school, area, asset, at, received or at)


def severity(
    rule_id: int,
    level: int,
    *,
    outside: bool = False,
    school_days_only: bool = True,
    start: time = time(7, 30),
    end: time = time(15, 30),
    days: frozenset[int] = frozenset(range(5)),
    school: int | None = SCHOOL,
    area: int | None = None,
) -> engine.SeveritySpec:
    return engine.SeveritySpec(
        rule_id, school, "door_held", area, days, start, end, school_days_only, outside, level
    )


SCHOOL_HOURS = [severity(1, 1), severity(2, 5, outside=True)]


def test_door_held_during_school_hours_is_info_and_at_two_am_critical() -> None:
    assert engine.severity_for(SCHOOL_HOURS, facts(TEN_AM), CLOCK) == (1, 1)
    assert engine.severity_for(SCHOOL_HOURS, facts(TWO_AM), CLOCK) == (2, 5)


def test_the_window_is_read_in_the_school_time_zone() -> None:
    # 18:00 UTC is 18:00 in a UTC school: outside 07:30–15:30.
    utc_clock = engine.Clock({}, "UTC", frozenset({(SCHOOL, date(2026, 11, 25))}))
    assert engine.severity_for(SCHOOL_HOURS, facts(TEN_AM), utc_clock) == (2, 5)


def test_a_weekday_that_is_not_a_school_day_is_outside_school_hours() -> None:
    no_classes = engine.Clock({SCHOOL: LA}, "UTC", frozenset())
    assert engine.severity_for(SCHOOL_HOURS, facts(TEN_AM), no_classes) == (2, 5)
    saturday = TEN_AM + timedelta(days=3)
    assert engine.severity_for(SCHOOL_HOURS, facts(saturday), CLOCK) == (2, 5)


def test_a_window_past_midnight_belongs_to_the_day_it_started() -> None:
    def night(days: set[int], school_days_only: bool = False) -> engine.SeveritySpec:
        return severity(
            3,
            4,
            start=time(22, 0),
            end=time(6, 0),
            days=frozenset(days),
            school_days_only=school_days_only,
        )

    # Wednesday 02:00 is in Tuesday's night, not Wednesday's.
    assert engine.severity_for([night({1})], facts(TWO_AM), CLOCK) == (3, 4)
    assert engine.severity_for([night({2})], facts(TWO_AM), CLOCK) is None
    # School days only: Tuesday 24 November had no classes in this calendar.
    assert engine.severity_for([night({1}, school_days_only=True)], facts(TWO_AM), CLOCK) is None
    assert engine.severity_for([night({1})], facts(TEN_AM), CLOCK) is None


def test_the_most_specific_rule_wins_then_the_most_severe() -> None:
    district = severity(10, 2, school=None, school_days_only=False, outside=True)
    school = severity(11, 4, school_days_only=False, outside=True)
    area = severity(12, 3, area=3, school_days_only=False, outside=True)
    assert engine.severity_for([district, school, area], facts(TWO_AM), CLOCK) == (12, 3)
    assert engine.severity_for([district, school], facts(TWO_AM), CLOCK) == (11, 4)
    other_area = facts(TWO_AM, area=4)
    assert engine.severity_for([district, school, area], other_area, CLOCK) == (11, 4)
    louder = severity(13, 5, school_days_only=False, outside=True)
    assert engine.severity_for([school, louder], facts(TWO_AM), CLOCK) == (13, 5)
    assert engine.severity_for([school], facts(TWO_AM, event_type="door_forced"), CLOCK) is None


def test_drill_matches_school_types_and_arrival_time() -> None:
    drill = engine.DrillSpec(5, SCHOOL, frozenset({"fire"}), TWO_AM, TEN_AM)
    assert engine.drill_for([drill], facts(TWO_AM, event_type="fire")) == 5
    assert engine.drill_for([drill], facts(TEN_AM, event_type="fire")) is None  # end excluded
    assert engine.drill_for([drill], facts(TWO_AM, event_type="panic")) is None
    assert engine.drill_for([drill], facts(TWO_AM, event_type="fire", school=8)) is None
    every = engine.DrillSpec(6, SCHOOL, frozenset(), TWO_AM, TEN_AM)
    assert engine.drill_for([every], facts(TWO_AM, event_type="panic")) == 6


FLOOD = engine.FloodSpec(1, None, "", 3, 60)
KEY = ("mqtt:doors", "door-7")


def _burst(n: int, start: datetime, step: float = 1.0, first_ref: int = 0) -> list[engine.Facts]:
    return [
        facts(start + timedelta(seconds=i * step), ref=first_ref + i, event_type="vape")
        for i in range(n)
    ]


def fold(
    events: list[engine.Facts],
    windows: dict[tuple[str, str], engine.DeviceWindow] | None = None,
    specs: list[engine.FloodSpec] | None = None,
) -> tuple[engine.FloodDecision, dict[tuple[str, str], engine.DeviceWindow]]:
    return engine.fold_floods(specs or [FLOOD], events, windows or {})


def test_flood_folds_events_after_the_limit_into_one_episode() -> None:
    decision, after = fold(_burst(6, TWO_AM))
    assert decision.folded == {3, 4, 5}
    (episode,) = decision.folds
    assert (episode.refs, episode.first_at, episode.last_at, episode.continues_open) == (
        (3, 4, 5),
        TWO_AM + timedelta(seconds=3),
        TWO_AM + timedelta(seconds=5),
        False,
    )
    assert episode.ended is False
    assert after == {KEY: engine.DeviceWindow(TWO_AM, 4, TWO_AM + timedelta(seconds=5))}


def test_flood_counts_the_window_kept_between_batches_and_continues_an_open_flood() -> None:
    earlier = {KEY: engine.DeviceWindow(TWO_AM - timedelta(seconds=10), 2, None)}
    assert fold(_burst(2, TWO_AM), earlier)[0].folded == {1}
    # The window is over a period after it started: counting starts again.
    assert fold(_burst(3, TWO_AM + timedelta(seconds=50)), earlier)[0].folded == frozenset()
    feeding = {KEY: engine.DeviceWindow(TWO_AM - timedelta(seconds=90), 4, TWO_AM)}
    decision, after = fold(_burst(1, TWO_AM + timedelta(seconds=59)), feeding)
    assert (decision.folded, decision.folds[0].continues_open) == (frozenset({0}), True)
    assert after[KEY].flood_last_at == TWO_AM + timedelta(seconds=59)


def test_a_quiet_device_ends_its_flood_and_starts_afresh() -> None:
    quiet = {KEY: engine.DeviceWindow(TWO_AM - timedelta(seconds=90), 4, TWO_AM)}
    decision, after = fold(_burst(1, TWO_AM + timedelta(seconds=60)), quiet)
    assert (decision.folded, decision.closed) == (frozenset(), frozenset({KEY}))
    assert after[KEY] == engine.DeviceWindow(TWO_AM + timedelta(seconds=60), 1, None)
    # Folded, then quiet for a period inside the batch, then noisy again: two episodes.
    events = _burst(5, TWO_AM) + _burst(5, TWO_AM + timedelta(seconds=200), first_ref=5)
    first, second = fold(events)[0].folds
    assert (first.refs, first.ended, second.refs, second.ended) == ((3, 4), True, (8, 9), False)


def test_flood_rules_skip_other_sources_schools_and_deviceless_events() -> None:
    only_frigate = engine.FloodSpec(2, None, "mqtt:frigate", 1, 60)
    assert fold(_burst(4, TWO_AM), specs=[only_frigate]) == (
        engine.FloodDecision((), frozenset()),
        {},
    )
    other_school = engine.FloodSpec(3, 99, "", 1, 60)
    assert fold(_burst(4, TWO_AM), specs=[other_school])[0].folded == frozenset()
    nameless = [facts(TWO_AM, ref=i, device="") for i in range(4)]
    assert fold(nameless)[0].folded == frozenset()


DOOR = engine.Position(100, SCHOOL, -122.0, 37.0)
NEAR_CAM = engine.Position(200, SCHOOL, -122.0001, 37.0)  # ~9 m west
FAR_CAM = engine.Position(201, SCHOOL, -122.001, 37.0)  # ~89 m west
OTHER_SCHOOL_CAM = engine.Position(202, 8, -122.0, 37.00001)
CORR = engine.CorrelationSpec(1, None, "door_forced", "person", 60, 5)


def test_nearest_camera_is_of_the_same_school() -> None:
    assert engine.nearest_cameras({100: DOOR}, [FAR_CAM, OTHER_SCHOOL_CAM, NEAR_CAM]) == {100: 200}
    assert round(engine.distance_m(DOOR, NEAR_CAM), 1) == 8.9
    assert engine.nearest_cameras({100: DOOR}, [OTHER_SCHOOL_CAM]) == {}


def _h(ref: tuple[str, int], kind: str, asset: int, at: datetime) -> engine.Happening:
    return engine.Happening(ref, kind, SCHOOL, asset, at)


def test_door_forced_and_person_on_the_nearest_camera_within_60_s_in_either_order() -> None:
    door = _h(("new", 0), "door_forced", 100, TWO_AM)
    person_after = _h(("new", 1), "person", 200, TWO_AM + timedelta(seconds=60))
    person_before = _h(("pk", 9), "person", 200, TWO_AM - timedelta(seconds=30))
    too_late = _h(("new", 2), "person", 200, TWO_AM + timedelta(seconds=61))
    far = _h(("new", 3), "person", 201, TWO_AM)
    found = engine.correlate([CORR], [door, person_after, person_before, too_late, far], {100: 200})
    assert found == [engine.Correlation(1, 5, ("new", 0), (("new", 0), ("pk", 9), ("new", 1)))]


def test_pairs_already_stored_are_not_correlated_again() -> None:
    door = _h(("pk", 1), "door_forced", 100, TWO_AM)
    person = _h(("pk", 2), "person", 200, TWO_AM)
    assert engine.correlate([CORR], [door, person], {100: 200}) == []
    assert engine.correlate([CORR], [door, _h(("new", 0), "person", 200, TWO_AM)], {100: 200})


def test_escalation_is_due_once_per_rule_and_only_after_the_delay() -> None:
    rule = engine.EscalationSpec(1, None, "", 3, 120, 5)
    now = TWO_AM + timedelta(seconds=120)
    waiting = [
        engine.Waiting(1, "door_held", SCHOOL, 3, TWO_AM, frozenset()),
        engine.Waiting(2, "door_held", SCHOOL, 3, TWO_AM + timedelta(seconds=1), frozenset()),
        engine.Waiting(3, "door_held", SCHOOL, 3, TWO_AM, frozenset({1})),
        engine.Waiting(4, "person", SCHOOL, 2, TWO_AM, frozenset()),
    ]
    assert engine.due_escalations([rule], waiting, now) == [(1, 1, 3, 5)]
    high = engine.EscalationSpec(2, SCHOOL, "door_held", 3, 60, 4)
    assert engine.due_escalations([rule, high], waiting[:1], now) == [(1, 2, 3, 4), (1, 1, 4, 5)]
