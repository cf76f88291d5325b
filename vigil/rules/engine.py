"""The decisions of the console rules, as pure functions over frozen dataclasses.

No Django import: the pipeline step (``vigil.rules.step``) loads what a batch needs in a fixed
number of queries, turns it into these values, asks the functions below, and writes the
answers. Every function is deterministic, so the rules are tested here without a database.

- ``severity_for``: the severity a rule sets for an event of a type, at a place, at a time in
  the school's local time zone (inside or outside a weekly window, optionally school days
  only).
- ``drill_for``: the declared drill an arriving event belongs to, if any.
- ``fold_floods``: which new events of a noisy device are folded into one flood event.
- ``nearest_cameras`` and ``correlate``: which events become one alarm holding both.
- ``due_escalations``: which unacknowledged events a rule raises now.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The same spherical-Earth constant as vigil/sites/geometry.py, kept here so this module
# imports nothing heavier than the standard library.
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Facts:
    """What the rules read of one event."""

    ref: int  # the caller's handle for it (its position in the batch)
    source: str
    device: str
    event_type: str
    school_id: int | None
    area_id: int | None
    asset_id: int | None
    occurred_at: datetime
    received_at: datetime


# --- severity by type, place and schedule ------------------------------------------------


@dataclass(frozen=True)
class SeveritySpec:
    id: int
    school_id: int | None  # None: every school
    event_type: str
    area_id: int | None  # None: any area
    weekdays: frozenset[int]  # 0 = Monday
    start: time
    end: time  # == start: the whole day; < start: runs past midnight
    school_days_only: bool
    outside: bool  # the rule applies outside the window instead of during it
    severity: int


@dataclass(frozen=True)
class Clock:
    """How to read an event's time as the school's: its time zone and its school days."""

    time_zones: Mapping[int, str] = field(default_factory=dict)  # school id → IANA zone
    default_zone: str = "UTC"
    school_days: frozenset[tuple[int, date]] = frozenset()

    def local(self, school_id: int | None, at: datetime) -> datetime:
        name = self.time_zones.get(school_id, self.default_zone) if school_id else None
        return at.astimezone(ZoneInfo(name or self.default_zone))


def window_day(spec: SeveritySpec, local: datetime) -> date | None:
    """The date whose window ``local`` falls in (the previous day past midnight), or None."""
    moment = local.time().replace(tzinfo=None)
    if spec.start == spec.end:
        day = local.date()
    elif spec.start < spec.end:
        if not spec.start <= moment < spec.end:
            return None
        day = local.date()
    elif moment >= spec.start:
        day = local.date()
    elif moment < spec.end:
        day = local.date() - timedelta(days=1)
    else:
        return None
    return day if day.weekday() in spec.weekdays else None


def in_window(spec: SeveritySpec, facts: Facts, clock: Clock) -> bool:
    day = window_day(spec, clock.local(facts.school_id, facts.occurred_at))
    if day is None:
        return False
    if spec.school_days_only:
        return facts.school_id is not None and (facts.school_id, day) in clock.school_days
    return True


def severity_candidates(specs: Iterable[SeveritySpec], facts: Facts) -> list[SeveritySpec]:
    """The rules whose type and place fit the event (before looking at the clock)."""
    return [
        s
        for s in specs
        if s.event_type == facts.event_type
        and (s.school_id is None or s.school_id == facts.school_id)
        and (s.area_id is None or s.area_id == facts.area_id)
    ]


def severity_for(
    specs: Iterable[SeveritySpec], facts: Facts, clock: Clock
) -> tuple[int, int] | None:
    """(rule id, severity) of the most specific rule that applies now, or None.

    An area rule beats a school rule, which beats a district rule; between equally specific
    rules the more severe wins (a rule never hides another one's alarm by accident).
    """
    applying = [
        s for s in severity_candidates(specs, facts) if in_window(s, facts, clock) != s.outside
    ]
    if not applying:
        return None
    best = max(
        applying,
        key=lambda s: (s.area_id is not None, s.school_id is not None, s.severity, -s.id),
    )
    return best.id, best.severity


# --- drills ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrillSpec:
    id: int
    school_id: int
    event_types: frozenset[str]  # empty: every type
    starts_at: datetime
    ends_at: datetime


def drill_for(drills: Iterable[DrillSpec], facts: Facts) -> int | None:
    """The drill (earliest declared first) an event arriving now belongs to."""
    for drill in sorted(drills, key=lambda d: (d.starts_at, d.id)):
        if (
            drill.school_id == facts.school_id
            and (not drill.event_types or facts.event_type in drill.event_types)
            and drill.starts_at <= facts.received_at < drill.ends_at
        ):
            return drill.id
    return None


# --- flood control -----------------------------------------------------------------------


@dataclass(frozen=True)
class FloodSpec:
    id: int
    school_id: int | None
    source: str  # "": any source
    max_events: int
    per_seconds: int


@dataclass(frozen=True)
class Fold:
    """New events of one device folded into one flood episode."""

    source: str
    device: str
    rule_id: int
    per_seconds: int
    refs: tuple[int, ...]
    first_at: datetime
    last_at: datetime
    continues_open: bool  # True: into the flood event already open for the device
    ended: bool = False  # the device went quiet after these: the flood is over


@dataclass(frozen=True)
class FloodDecision:
    folds: tuple[Fold, ...]
    closed: frozenset[tuple[str, str]]  # devices whose open flood went quiet (end it)

    @property
    def folded(self) -> frozenset[int]:
        return frozenset(ref for fold in self.folds for ref in fold.refs)


def flood_rule_for(specs: Iterable[FloodSpec], facts: Facts) -> FloodSpec | None:
    fitting = [
        s
        for s in specs
        if (s.school_id is None or s.school_id == facts.school_id)
        and (not s.source or s.source == facts.source)
    ]
    if not fitting or not facts.device:
        return None
    return max(fitting, key=lambda s: (s.school_id is not None, bool(s.source), -s.id))


@dataclass
class _Episode:
    rule: FloodSpec | None
    events: list[Facts]
    continues_open: bool
    last_at: datetime | None

    def fold(self, key: tuple[str, str], ended: bool) -> Fold | None:
        if not self.events or self.rule is None:
            return None
        return Fold(
            key[0],
            key[1],
            self.rule.id,
            self.rule.per_seconds,
            tuple(f.ref for f in self.events),
            self.events[0].received_at,
            self.events[-1].received_at,
            self.continues_open,
            ended,
        )


@dataclass(frozen=True)
class DeviceWindow:
    """What flood control remembers of one device between batches."""

    window_start: datetime | None = None  # the current counting window began then
    count: int = 0  # events created in it
    flood_last_at: datetime | None = None  # the open flood event was last fed then


def fold_floods(
    specs: Sequence[FloodSpec],
    new: Sequence[Facts],
    windows: Mapping[tuple[str, str], DeviceWindow],
) -> tuple[FloodDecision, dict[tuple[str, str], DeviceWindow]]:
    """Decide, in arrival order, which new events are folded; return the devices' new state.

    Each device counts its events in windows of the rule's period starting at the first event
    after the last window ended. An event is folded when its device has an open flood fed less
    than a period ago, or when it is the (max_events + 1)th of its window. A device quiet for
    a whole period ends its flood. The state is one small row per device, so a batch reads
    and writes it in one query each, however many events are stored.
    """
    folds: list[Fold] = []
    closed: set[tuple[str, str]] = set()
    states: dict[tuple[str, str], DeviceWindow] = {}
    by_device: dict[tuple[str, str], list[Facts]] = defaultdict(list)
    for facts in sorted(new, key=lambda f: (f.received_at, f.ref)):
        if facts.device:
            by_device[(facts.source, facts.device)].append(facts)
    for key, events in by_device.items():
        state = windows.get(key, DeviceWindow())
        start, count, last = state.window_start, state.count, state.flood_last_at
        episode = _Episode(None, [], last is not None, last)
        touched = False
        for facts in events:
            rule = flood_rule_for(specs, facts)
            if rule is None:
                continue
            touched = True
            window = timedelta(seconds=rule.per_seconds)
            if episode.last_at is not None:
                if facts.received_at - episode.last_at < window:
                    episode.events.append(facts)
                    episode.rule = episode.rule or rule
                    episode.last_at = facts.received_at
                    continue
                # Quiet for a whole period: that flood is over.
                done = episode.fold(key, ended=True)
                if done is not None:
                    folds.append(done)
                elif episode.continues_open:
                    closed.add(key)
                episode = _Episode(None, [], False, None)
            if start is None or facts.received_at - start >= window:
                start, count = facts.received_at, 0
            count += 1
            if count > rule.max_events:
                episode = _Episode(rule, [facts], False, facts.received_at)
        done = episode.fold(key, ended=False)
        if done is not None:
            folds.append(done)
        if touched:
            states[key] = DeviceWindow(start, count, episode.last_at)
    return FloodDecision(tuple(folds), frozenset(closed)), states


# --- correlation -------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrelationSpec:
    id: int
    school_id: int | None
    first_type: str
    second_type: str
    window_seconds: int
    severity: int


@dataclass(frozen=True)
class Happening:
    """An event that may take part in a correlation: new in this batch or already stored."""

    ref: tuple[str, int]  # ("new", batch ref) or ("pk", primary key)
    event_type: str
    school_id: int | None
    asset_id: int | None
    occurred_at: datetime


@dataclass(frozen=True)
class Position:
    asset_id: int
    school_id: int
    longitude: float
    latitude: float


@dataclass(frozen=True)
class Correlation:
    rule_id: int
    severity: int
    anchor: tuple[str, int]  # the first-type event: one alarm per anchor and rule
    members: tuple[tuple[str, int], ...]  # the anchor first, then the others by time


def distance_m(a: Position, b: Position) -> float:
    scale = METRES_PER_DEGREE * math.cos(math.radians((a.latitude + b.latitude) / 2))
    return math.hypot(
        (a.longitude - b.longitude) * scale, (a.latitude - b.latitude) * METRES_PER_DEGREE
    )


def nearest_cameras(devices: Mapping[int, Position], cameras: Sequence[Position]) -> dict[int, int]:
    """For each device asset, the camera of the same school nearest to it (ties: lower id)."""
    nearest: dict[int, int] = {}
    for asset_id, where in devices.items():
        same_school = [c for c in cameras if c.school_id == where.school_id]
        if same_school:
            best = min(same_school, key=lambda c: (distance_m(where, c), c.asset_id))
            nearest[asset_id] = best.asset_id
    return nearest


def correlate(
    specs: Sequence[CorrelationSpec],
    happenings: Sequence[Happening],
    camera_of: Mapping[int, int],
) -> list[Correlation]:
    """Alarms to create or extend: a first-type event with a second-type event from the camera
    nearest to it within the window (either order); at least one of the two must be new."""
    found: dict[tuple[int, tuple[str, int]], set[tuple[str, int]]] = defaultdict(set)
    when = {h.ref: h.occurred_at for h in happenings}
    specs_by_id = {s.id: s for s in specs}
    for spec in specs:
        window = timedelta(seconds=spec.window_seconds)
        firsts = [
            h
            for h in happenings
            if h.event_type == spec.first_type
            and h.asset_id is not None
            and h.asset_id in camera_of
            and (spec.school_id is None or h.school_id == spec.school_id)
        ]
        seconds = [h for h in happenings if h.event_type == spec.second_type]
        for first in firsts:
            camera = camera_of[first.asset_id]  # type: ignore[index]
            for second in seconds:
                if (
                    second.ref != first.ref
                    and second.asset_id == camera
                    and second.school_id == first.school_id
                    and abs(second.occurred_at - first.occurred_at) <= window
                    and "new" in (first.ref[0], second.ref[0])
                ):
                    found[(spec.id, first.ref)].add(second.ref)
    result = []
    for (rule_id, anchor), others in sorted(found.items()):
        ordered = sorted(others, key=lambda r: (when[r], r))
        result.append(
            Correlation(rule_id, specs_by_id[rule_id].severity, anchor, (anchor, *ordered))
        )
    return result


# --- escalation --------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationSpec:
    id: int
    school_id: int | None
    event_type: str  # "": any type
    min_severity: int
    after_seconds: int
    raise_to: int


@dataclass(frozen=True)
class Waiting:
    """An open event nobody has acknowledged."""

    pk: int
    event_type: str
    school_id: int | None
    severity: int
    received_at: datetime
    escalated_by: frozenset[int]  # rules that already escalated it


def due_escalations(
    specs: Sequence[EscalationSpec], waiting: Sequence[Waiting], now: datetime
) -> list[tuple[int, int, int, int]]:
    """(event pk, rule id, from severity, to severity) for each escalation due now.

    Each rule escalates an event at most once; when several rules are due for the same event,
    each is recorded and the event ends at the highest severity.
    """
    due = []
    for event in sorted(waiting, key=lambda w: w.pk):
        severity = event.severity
        for spec in sorted(specs, key=lambda s: (s.after_seconds, s.id)):
            if (
                spec.id not in event.escalated_by
                and (spec.school_id is None or spec.school_id == event.school_id)
                and (not spec.event_type or spec.event_type == event.event_type)
                and event.severity >= spec.min_severity
                and severity < spec.raise_to
                and now - event.received_at >= timedelta(seconds=spec.after_seconds)
            ):
                due.append((event.pk, spec.id, severity, spec.raise_to))
                severity = spec.raise_to
    return due
