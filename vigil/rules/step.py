"""The rules step of the ingest pipeline: between mapping and persisting a batch.

``before_persist`` is called by ``vigil.events.pipeline`` inside the batch's transaction, once
the batch's events are built (new ones unsaved, known ones updated in memory) and before they
are written. It loads what the rules need in a fixed number of queries per batch (never per
message), asks the pure functions of ``vigil.rules.engine``, and changes the batch in place:

1. drills: a new event arriving during a declared drill of its school is stored resolved,
   disposition "drill", and marked ``data["rules"]["suppressed"]``;
2. severity: a rule for its type, place and schedule sets a new event's severity;
3. flood control: new events of a noisy device are not created; they update one open flood
   event instead (their raw messages point at it, so nothing is lost);
4. correlation: a first-type event and a second-type event from the camera nearest to it
   within the window become one alarm (source "rules") holding both; the members still open
   are resolved as duplicates of it.

Queries: none when no rule or drill is enabled beyond the four that find that out; otherwise
at most a dozen whatever the batch size (pinned in tests/test_step.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from vigil.events import fanout
from vigil.events.choices import Disposition, EventStatus
from vigil.events.models import Event
from vigil.patrols.kinds import OccurrenceKind
from vigil.patrols.models import CalendarOccurrence
from vigil.rules import engine
from vigil.rules.models import (
    CorrelationMember,
    CorrelationRule,
    Drill,
    FloodRule,
    FloodWindow,
    SeverityRule,
)
from vigil.sites.choices import AssetKind
from vigil.sites.models import Asset, School

RULES_SOURCE = "rules"
# Kinds of calendar occurrence that make a day a school day (a bell schedule, not a game).
SCHOOL_DAY_KINDS = (
    OccurrenceKind.PERIOD,
    OccurrenceKind.PASSING,
    OccurrenceKind.LUNCH,
    OccurrenceKind.DISMISSAL,
)

Key = tuple[str, str]


def note(event: Event, **values: Any) -> None:
    """Add to the rules' note in an event's data (what a rule did to it, and why)."""
    data = dict(event.data or {})
    data["rules"] = {**dict(data.get("rules") or {}), **values}
    event.data = data


def severity_specs() -> list[engine.SeveritySpec]:
    return [
        engine.SeveritySpec(
            r.pk,
            r.school_id,
            r.event_type,
            r.area_id,
            frozenset(int(d) for d in r.weekdays),
            r.start_time,
            r.end_time,
            r.school_days_only,
            r.when == SeverityRule.When.OUTSIDE,
            r.severity,
        )
        for r in SeverityRule.objects.filter(enabled=True).order_by("pk")
    ]


def clock_for(school_ids: set[int], days_needed: bool, moments: Iterable[datetime]) -> engine.Clock:
    """The schools' time zones, and their school days around ``moments`` when asked."""
    zones = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "district__time_zone"))
    school_days: frozenset[tuple[int, Any]] = frozenset()
    times = list(moments)
    if days_needed and school_ids and times:
        starts = CalendarOccurrence.objects.filter(
            school_id__in=school_ids,
            kind__in=SCHOOL_DAY_KINDS,
            all_day=False,
            start__gte=min(times) - timedelta(days=2),
            start__lte=max(times) + timedelta(days=2),
        ).values_list("school_id", "start")
        clock = engine.Clock(zones, settings.TIME_ZONE)
        school_days = frozenset((sid, clock.local(sid, start).date()) for sid, start in starts)
    return engine.Clock(zones, settings.TIME_ZONE, school_days)


def facts_of(ref: int, event: Event) -> engine.Facts:
    return engine.Facts(
        ref,
        event.source,
        event.device,
        event.event_type,
        event.school_id,
        event.area_id,
        event.asset_id,
        event.occurred_at,
        event.received_at,
    )


def before_persist(
    new: MutableMapping[Key, Event],
    changed: MutableMapping[int, Event],
    outcome: MutableMapping[int, tuple[Event, bool]],
) -> None:
    """Apply the enabled rules to a batch about to be written (see the module's docstring)."""
    if not new and not changed:
        return
    events = list(new.values())
    facts = [facts_of(i, e) for i, e in enumerate(events)]
    arrived = [e.received_at for e in [*events, *changed.values()]]
    drills = [
        engine.DrillSpec(d.pk, d.school_id, frozenset(d.event_types), d.starts_at, d.ends_at)
        for d in Drill.objects.filter(
            enabled=True, starts_at__lte=max(arrived), ends_at__gt=min(arrived)
        )
    ]
    severities = severity_specs()
    floods = [
        engine.FloodSpec(f.pk, f.school_id, f.source, f.max_events, f.per_seconds)
        for f in FloodRule.objects.filter(enabled=True).order_by("pk")
    ]
    correlation_rules = list(CorrelationRule.objects.filter(enabled=True).order_by("pk"))
    correlations = [
        engine.CorrelationSpec(
            c.pk, c.school_id, c.first_type, c.second_type, c.window_seconds, c.severity
        )
        for c in correlation_rules
    ]

    suppressed: set[int] = set()
    for f in facts:
        drill = engine.drill_for(drills, f)
        if drill is not None:
            event = events[f.ref]
            event.status = EventStatus.RESOLVED
            event.disposition = Disposition.DRILL
            event.resolved_at = event.received_at
            note(event, suppressed="drill", drill=drill)
            suppressed.add(f.ref)
    live = [f for f in facts if f.ref not in suppressed]

    _apply_severity(severities, live, events, changed)
    folded = _fold_floods(floods, live, events, new, changed, outcome)
    names = {c.pk: c.name for c in correlation_rules}
    _correlate(correlations, names, [f for f in live if f.ref not in folded], events, new)


def _apply_severity(
    specs: list[engine.SeveritySpec],
    live: list[engine.Facts],
    events: list[Event],
    changed: MutableMapping[int, Event],
) -> None:
    if not specs:
        return
    # Known events a rule placed keep that rule's verdict when their source updates them.
    updated = [
        (facts_of(-1 - n, e), e)
        for n, e in enumerate(changed.values())
        if (e.data or {}).get("rules", {}).get("severity_rule")
    ]
    candidates = [(f, events[f.ref]) for f in live] + updated
    fitting = [(f, e, engine.severity_candidates(specs, f)) for f, e in candidates]
    fitting = [(f, e, c) for f, e, c in fitting if c]
    if not fitting:
        return
    schools = {f.school_id for f, _, _ in fitting if f.school_id is not None}
    clock = clock_for(
        schools,
        any(s.school_days_only for _, _, c in fitting for s in c),
        (f.occurred_at for f, _, _ in fitting),
    )
    for f, event, candidates_ in fitting:
        verdict = engine.severity_for(candidates_, f, clock)
        if verdict is None:
            continue
        rule_id, severity = verdict
        escalated = int((event.data or {}).get("rules", {}).get("escalated_to") or 0)
        event.severity = max(severity, escalated)
        note(event, severity_rule=rule_id)


def _fold_floods(
    specs: list[engine.FloodSpec],
    live: list[engine.Facts],
    events: list[Event],
    new: MutableMapping[Key, Event],
    changed: MutableMapping[int, Event],
    outcome: MutableMapping[int, tuple[Event, bool]],
) -> set[int]:
    watched = [f for f in live if engine.flood_rule_for(specs, f) is not None]
    if not watched:
        return set()
    devices: dict[str, set[str]] = defaultdict(set)
    for f in watched:
        devices[f.source].add(f.device)
    window_query = Q()
    for source, names in devices.items():
        window_query |= Q(source=source, device__in=sorted(names))
    rows = {
        (w.source, w.device): w
        for w in FloodWindow.objects.select_for_update().filter(window_query)
    }
    flood_ids = sorted(w.flood_event_id for w in rows.values() if w.flood_event_id)
    floods_by_id = (
        {
            e.source_event_id: e
            for e in Event.objects.select_for_update().filter(
                source=RULES_SOURCE, source_event_id__in=flood_ids
            )
        }
        if flood_ids
        else {}
    )
    open_events: dict[Key, Event] = {}
    states: dict[Key, engine.DeviceWindow] = {}
    for key, w in rows.items():
        flood = floods_by_id.get(w.flood_event_id)
        open_now = flood is not None and flood.ended_at is None
        if open_now and flood is not None:
            open_events[key] = flood
        states[key] = engine.DeviceWindow(
            w.window_start, w.count, flood.updated_at if open_now and flood else None
        )
    decision, after = engine.fold_floods(specs, watched, states)
    for key in decision.closed:
        flood = open_events[key]
        flood.ended_at = flood.updated_at
        changed[id(flood)] = flood
    positions: dict[int, list[int]] = defaultdict(list)
    for i, (event, _) in outcome.items():
        positions[id(event)].append(i)
    sids = {key: e.source_event_id for key, e in open_events.items()}
    for fold in decision.folds:
        members = [events[ref] for ref in fold.refs]
        first = members[0]
        if fold.continues_open:
            flood = open_events[(fold.source, fold.device)]
            created = False
            changed[id(flood)] = flood
        else:
            flood = Event(
                source=RULES_SOURCE,
                source_event_id=f"flood:{fold.source}:{fold.first_at.timestamp():.6f}:"
                f"{fold.device}"[:200],
                event_type=first.event_type,
                severity=first.severity,
                status=EventStatus.OPEN,
                school_id=first.school_id,
                area_id=first.area_id,
                asset_id=first.asset_id,
                device=fold.device,
                occurred_at=first.occurred_at,
                received_at=fold.first_at,
                updated_at=fold.first_at,
                data={},
            )
            created = True
            new[(RULES_SOURCE, flood.source_event_id)] = flood
        info = dict(flood.data.get("rules", {}).get("flood", {}))
        total = int(info.get("count", 0)) + len(members)
        info.update(
            source=fold.source,
            rule=fold.rule_id,
            per_seconds=fold.per_seconds,
            count=total,
            first_at=info.get("first_at") or fold.first_at.isoformat(),
            last_at=fold.last_at.isoformat(),
            last_title=members[-1].title,
        )
        note(flood, flood=info)
        flood.title = f"Flood: {total} more events from {fold.device}"[:300]
        flood.severity = max([flood.severity, *(m.severity for m in members)])
        flood.updated_at = fold.last_at
        if fold.ended:
            flood.ended_at = fold.last_at
        sids[(fold.source, fold.device)] = flood.source_event_id
        for member in members:
            new.pop((member.source, member.source_event_id), None)
            for i in sorted(positions.get(id(member), ())):
                outcome[i] = (flood, created)
                created = False
    FloodWindow.objects.bulk_create(
        [
            FloodWindow(
                source=source,
                device=device,
                window_start=state.window_start,
                count=state.count,
                flood_event_id=sids.get((source, device), "") if state.flood_last_at else "",
            )
            for (source, device), state in sorted(after.items())
        ],
        update_conflicts=True,
        unique_fields=["source", "device"],
        update_fields=["window_start", "count", "flood_event_id"],
    )
    return set(decision.folded)


def _correlate(
    specs: list[engine.CorrelationSpec],
    names: dict[int, str],
    live: list[engine.Facts],
    events: list[Event],
    new: MutableMapping[Key, Event],
) -> None:
    types = {s.first_type for s in specs} | {s.second_type for s in specs}
    batch = [f for f in live if f.event_type in types and f.school_id is not None]
    if not specs or not batch:
        return
    window = timedelta(seconds=max(s.window_seconds for s in specs))
    schools = sorted({f.school_id for f in batch if f.school_id is not None})
    first_types = sorted({s.first_type for s in specs})
    second_types = sorted({s.second_type for s in specs})
    nearby = (
        Event.objects.filter(
            school_id__in=schools,
            occurred_at__gte=min(f.occurred_at for f in batch) - window,
            occurred_at__lte=max(f.occurred_at for f in batch) + window,
            asset_id__isnull=False,
        )
        .exclude(source=RULES_SOURCE)
        .exclude(disposition=Disposition.DRILL)
    )
    columns = ("pk", "event_type", "school_id", "asset_id", "occurred_at")
    # Stored first-type events (doors forced: rare) near this batch in time.
    stored = {
        row[0]: row for row in nearby.filter(event_type__in=first_types).values_list(*columns)
    }
    happenings = [
        engine.Happening(("new", f.ref), f.event_type, f.school_id, f.asset_id, f.occurred_at)
        for f in batch
    ]
    door_assets = {h.asset_id for h in happenings if h.event_type in first_types and h.asset_id} | {
        row[3] for row in stored.values()
    }
    if not door_assets:
        return
    devices: dict[int, engine.Position] = {}
    cameras: list[engine.Position] = []
    for pk, school_id, kind, location in Asset.objects.filter(
        Q(pk__in=sorted(door_assets)) | Q(school_id__in=schools, kind=AssetKind.CAMERA)
    ).values_list("pk", "school_id", "kind", "location"):
        point = _point(location)
        if point is None:
            continue
        where = engine.Position(pk, school_id, point[0], point[1])
        if pk in door_assets:
            devices[pk] = where
        if kind == AssetKind.CAMERA:
            cameras.append(where)
    camera_of = engine.nearest_cameras(devices, cameras)
    # Stored second-type events only from the cameras nearest to this batch's new doors:
    # a stream of people on other cameras is never read.
    watched = sorted(
        {
            camera_of[f.asset_id]
            for f in batch
            if f.event_type in first_types and f.asset_id in camera_of
        }
    )
    if watched:
        stored |= {
            row[0]: row
            for row in nearby.filter(event_type__in=second_types, asset_id__in=watched).values_list(
                *columns
            )
        }
    happenings += [engine.Happening(("pk", pk), t, s, a, at) for pk, t, s, a, at in stored.values()]
    found = engine.correlate(specs, happenings, camera_of)
    if not found:
        return

    # Members new in this batch are written now, so the alarm can hold them by key.
    involved = sorted({ref for c in found for kind, ref in c.members if kind == "new"})
    fresh = [events[ref] for ref in involved]
    for event in fresh:
        new.pop((event.source, event.source_event_id), None)
    Event.objects.bulk_create(fresh)
    stored_pks = sorted({ref for c in found for kind, ref in c.members if kind == "pk"})
    known = Event.objects.in_bulk(stored_pks) if stored_pks else {}

    def resolve(ref: tuple[str, int]) -> Event:
        return events[ref[1]] if ref[0] == "new" else known[ref[1]]

    sids = {(c.rule_id, c.anchor): f"correlation:{c.rule_id}:{resolve(c.anchor).pk}" for c in found}
    alarms = {
        e.source_event_id: e
        for e in Event.objects.select_for_update().filter(
            source=RULES_SOURCE, source_event_id__in=sorted(sids.values())
        )
    }
    now = timezone.now()
    to_create: list[Event] = []
    to_update: list[Event] = []
    for c in found:
        members = [resolve(ref) for ref in c.members]
        anchor = members[0]
        sid = sids[(c.rule_id, c.anchor)]
        alarm = alarms.get(sid)
        held = sorted(
            {
                *(alarm.data.get("rules", {}).get("members", []) if alarm else []),
                *(m.pk for m in members),
            }
        )
        latest = max(m.received_at for m in members)
        if alarm is None:
            alarm = Event(
                source=RULES_SOURCE,
                source_event_id=sid,
                event_type=anchor.event_type,
                severity=c.severity,
                status=EventStatus.OPEN,
                title=f"{names.get(c.rule_id, 'Correlated alarm')}: "
                f"{' + '.join(m.title for m in members[:3])}"[:300],
                school_id=anchor.school_id,
                area_id=anchor.area_id,
                asset_id=anchor.asset_id,
                device=anchor.device,
                occurred_at=min(m.occurred_at for m in members),
                received_at=latest,
                updated_at=latest,
                data={},
            )
            alarms[sid] = alarm
            to_create.append(alarm)
        else:
            alarm.severity = max(alarm.severity, c.severity)
            alarm.updated_at = max(alarm.updated_at, latest)
            if alarm not in to_create:
                to_update.append(alarm)
        note(alarm, correlation=c.rule_id, members=held)
    Event.objects.bulk_create(to_create)
    if to_update:
        Event.objects.bulk_update(to_update, ["severity", "updated_at", "data"])
    links = [
        CorrelationMember(
            correlated=alarms[sids[(c.rule_id, c.anchor)]], member=resolve(ref), rule_id=c.rule_id
        )
        for c in found
        for ref in c.members
    ]
    CorrelationMember.objects.bulk_create(links, ignore_conflicts=True)
    # The alarm holds them now: members nobody has taken on leave the active console.
    member_pks = sorted({link.member.pk for link in links})
    Event.objects.filter(pk__in=member_pks, status=EventStatus.OPEN).update(
        status=EventStatus.RESOLVED, disposition=Disposition.DUPLICATE, resolved_at=now
    )
    for event in fresh:
        event.status, event.disposition, event.resolved_at = (
            EventStatus.RESOLVED,
            Disposition.DUPLICATE,
            now,
        )
    fanout.events_changed([*member_pks, *(a.pk for a in alarms.values())])


def _point(location: Any) -> tuple[float, float] | None:
    """(longitude, latitude) of a GeoJSON Point, or None."""
    if not isinstance(location, dict) or location.get("type") != "Point":
        return None
    coordinates = location.get("coordinates")
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(v, int | float) for v in coordinates[:2])
    ):
        return float(coordinates[0]), float(coordinates[1])
    return None
