"""Reads of the supervisor's patrol pages: who is on shift, open findings, coverage of deadlines,
the walkway editor's graph.

Coverage answers "was every place visited often enough?": for each stop of the shifts that
patrolled a school on a day, the longest wait between visits (counting from the start of the
first shift that covered it to the end of the last) against the stop's deadline from the
graph it was planned on. A wait longer than the deadline is a missed deadline, listed with its
cause (never visited, or the longest gap and when it began).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from patrolopt.metrics import conditional_entropy
from vigil.core.permissions import Action
from vigil.patrols.campus_graph import MODE_WORDS, pair_label, walkway_key
from vigil.patrols.graph_source import as_edit, build_zone, building_outlines, places_of
from vigil.patrols.models import (
    Finding,
    FindingStatus,
    Scan,
    Shift,
    ShiftStatus,
    WalkwayEdit,
    WorkOrder,
)
from vigil.sites.choices import AssetKind
from vigil.sites.geometry import from_local_metres
from vigil.sites.models import Asset, School


def active_shifts(user: Any, school: School) -> QuerySet[Shift]:
    return (
        Shift.objects.restrict(user, Action.PATROLS_SUPERVISE)
        .filter(school=school, status=ShiftStatus.ACTIVE)
        .select_related("officer", "building")
        .order_by("started_at")
    )


def open_findings(user: Any, school: School) -> QuerySet[Finding]:
    return (
        Finding.objects.restrict(user, Action.FINDINGS_VIEW)
        .filter(school=school, status=FindingStatus.OPEN)
        .select_related("reported_by", "photo", "work_order")
        .order_by("-severity", "-occurred_at")
    )


def open_work_orders(user: Any, school: School) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.restrict(user, Action.WORK_ORDERS_MANAGE)
        .filter(school=school)
        .exclude(status="verified")
        .select_related("finding")
        .order_by("opened_at")
    )


@dataclass(frozen=True)
class Coverage:
    node: str
    label: str
    risk: float
    deadline_s: float | None
    visits: int
    worst_gap_s: float
    worst_gap_from: datetime
    last_visit: datetime | None
    post: str = ""  # the fixed post an officer stood during the worst gap, if one did
    x: float = 0.0  # metres east of the school's reference point (the patrol graph's frame)
    y: float = 0.0  # metres north

    @property
    def heat(self) -> str:
        """The colour class of the row and its map marker."""
        if self.missed:
            return "missed"
        return "close" if self.share > 0.8 else "ok"

    @property
    def missed(self) -> bool:
        return self.deadline_s is not None and self.worst_gap_s > self.deadline_s

    @property
    def share(self) -> float:
        """Worst gap as a share of the deadline (1.0: exactly at the limit)."""
        return self.worst_gap_s / self.deadline_s if self.deadline_s else 0.0

    @property
    def cause(self) -> str:
        if not self.missed:
            return ""
        if self.visits == 0:
            return "never visited"
        minutes = self.worst_gap_s / 60
        since = timezone.localtime(self.worst_gap_from)
        during = f" (the officer stood the fixed post {self.post})" if self.post else ""
        return f"{minutes:.0f} min without a visit from {since:%H:%M}{during}"


def _longest_wait(times: list[datetime]) -> tuple[float, int]:
    """The longest wait between consecutive ``times`` (in order; the first and last are the
    window's ends), in seconds and never negative, and the index of the time it starts at."""
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    return max(gaps[worst], 0.0), worst


def coverage(user: Any, school: School, day: date) -> list[Coverage]:
    """Coverage of every stop patrolled at ``school`` on ``day``, worst first."""
    return coverage_of_days(user, school, day, 1)[0]


def coverage_of_days(user: Any, school: School, first: date, days: int) -> list[list[Coverage]]:
    """``coverage`` of each of ``days`` days from ``first``, from one read of their shifts and
    one of their scans. Each day is its own window (a night without patrols is no gap)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), time.min, tzinfo=zone)
    shifts = list(
        Shift.objects.restrict(user, Action.PATROLS_SUPERVISE)
        .filter(school=school, started_at__lt=end, planned_until__gt=start)
        .order_by("started_at")
    )
    scans: list[tuple[str, datetime]] = []
    if shifts:
        found = Scan.objects.filter(shift__in=shifts, occurred_at__gte=start, occurred_at__lt=end)
        scans = list(found.order_by("occurred_at").values_list("node", "occurred_at"))
    result = []
    for n in range(days):
        day_start = datetime.combine(first + timedelta(days=n), time.min, tzinfo=zone)
        day_end = datetime.combine(first + timedelta(days=n + 1), time.min, tzinfo=zone)
        on_day = [s for s in shifts if s.started_at < day_end and s.planned_until > day_start]
        visits = [(node, at) for node, at in scans if day_start <= at < day_end]
        result.append(_coverage_in(on_day, visits, day_start, day_end))
    return result


def _coverage_in(
    shifts: list[Shift], scans: list[tuple[str, datetime]], start: datetime, end: datetime
) -> list[Coverage]:
    """Every stop's longest wait within [start, end) under these shifts and their scans (in
    time order), worst first."""
    if not shifts:
        return []
    nodes: dict[str, dict[str, Any]] = {}
    window_start: dict[str, datetime] = {}
    window_end: dict[str, datetime] = {}
    now = timezone.now()
    for shift in shifts:
        until = min(shift.ended_at or shift.planned_until, now, end)
        since = max(shift.started_at, start)
        for raw in shift.graph["nodes"]:
            nodes.setdefault(raw["id"], raw)
            window_start[raw["id"]] = min(window_start.get(raw["id"], since), since)
            window_end[raw["id"]] = max(window_end.get(raw["id"], until), until)
    visits: dict[str, list[datetime]] = defaultdict(list)
    for node, at in scans:
        visits[node].append(at)
    posts = [
        (datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"]), str(p["summary"]))
        for shift in shifts
        for p in (shift.plan or {}).get("posts", [])
    ]
    result = []
    for node, raw in nodes.items():
        times = [window_start[node], *visits.get(node, []), window_end[node]]
        wait, worst = _longest_wait(times)
        stood = next(
            (what for a, b, what in posts if a < times[worst + 1] and b > times[worst]), ""
        )
        result.append(
            Coverage(
                node=node,
                label=str(raw["label"]),
                risk=float(raw.get("risk", 1.0)),
                deadline_s=raw.get("max_gap_s"),
                visits=len(visits.get(node, [])),
                worst_gap_s=wait,
                worst_gap_from=times[worst],
                last_visit=visits[node][-1] if visits.get(node) else None,
                post=stood,
                x=float(raw.get("x", 0.0)),
                y=float(raw.get("y", 0.0)),
            )
        )
    return _worst_first(result)


def _worst_first(rows: list[Coverage]) -> list[Coverage]:
    """Most of its deadline used first, then the riskier place, then by name."""
    return sorted(rows, key=lambda c: (-c.share, -c.risk, c.label))


def coverage_map(user: Any, school: School, rows: list[Coverage]) -> dict[str, Any] | None:
    """GeoJSON for the coverage map: the school's buildings (for those who may see its
    knowledge base) and one heat-coloured point per stop (its worst wait against its
    deadline). None when there is nothing to draw."""
    if not rows:
        return None
    features = building_outlines(user, school)
    for row in rows:
        lat, lng = from_local_metres(row.x, row.y, school.latitude, school.longitude)
        wait = f"{row.worst_gap_s / 60:.0f} min"
        limit = f" (limit {row.deadline_s / 60:.0f} min)" if row.deadline_s else ""
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "role": row.heat,
                    "label": f"{row.label}: longest wait {wait}{limit}, {row.visits} visits",
                    "risk": row.risk,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def week_coverage(user: Any, school: School, start: date) -> list[Coverage]:
    """Every stop's worst day of the seven from ``start``: that day's longest wait against its
    deadline, with the week's visits and last visit; worst first (for the week's map)."""
    worst: dict[str, Coverage] = {}
    visits: dict[str, int] = defaultdict(int)
    last: dict[str, datetime] = {}
    for rows in coverage_of_days(user, school, start, 7):
        for row in rows:
            visits[row.node] += row.visits
            if row.last_visit is not None:
                last[row.node] = max(last.get(row.node, row.last_visit), row.last_visit)
            if row.node not in worst or row.share > worst[row.node].share:
                worst[row.node] = row
    week = [
        replace(row, visits=visits[node], last_visit=last.get(node)) for node, row in worst.items()
    ]
    return _worst_first(week)


# --- the week: predictability of what was walked, and the exterior-door sweep ------------------

# Below this share of the planned route's unpredictability, a walked route is habitual.
HABIT_SHARE = 0.5
DOOR_SWEEP_DAYS = 7  # each exterior door checked at least once in this many days


@dataclass(frozen=True)
class Predictability:
    officer: str
    shifts: int
    check_ins: int
    walked_entropy: float  # H(next | current) of the walked route, nats
    planned_entropy: float  # the same of the routes the planner offered
    worst_gap_s: float

    @property
    def habitual(self) -> bool:
        return self.check_ins >= 10 and self.walked_entropy < HABIT_SHARE * self.planned_entropy


@dataclass(frozen=True)
class DoorSweep:
    building: str
    doors: int
    checked: int
    missing: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.checked / self.doors if self.doors else 1.0


def _entropy(sequences: list[list[str]]) -> float:
    names = sorted({n for seq in sequences for n in seq})
    index = {name: i for i, name in enumerate(names)}
    arrays = [np.array([index[n] for n in seq], dtype=np.int64) for seq in sequences]
    return conditional_entropy(arrays, len(names), 1) if names else 0.0


def _worst_gap(shift: Shift, visits: list[tuple[str, datetime]]) -> float:
    """The longest wait of any stop of ``shift`` between visits (from the start to the end)."""
    end = shift.ended_at or min(shift.planned_until, timezone.now())
    times: dict[str, list[datetime]] = defaultdict(list)
    for node, at in visits:
        times[node].append(at)
    return max(
        (
            _longest_wait([shift.started_at, *times[raw["id"]], end])[0]
            for raw in shift.graph["nodes"]
        ),
        default=0.0,
    )


def predictability(user: Any, school: School, start: date) -> list[Predictability]:
    """Per officer, over the week from ``start``: how unpredictable the walked routes were,
    against the routes the planner offered, and the worst wait of any stop of their shifts."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = since + timedelta(days=7)
    shifts = list(
        Shift.objects.restrict(user, Action.PATROLS_SUPERVISE)
        .filter(school=school, started_at__gte=since, started_at__lt=until)
        .select_related("officer")
        .order_by("started_at")
    )
    visits: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    scans = Scan.objects.filter(shift__in=shifts).order_by("occurred_at", "pk")
    for shift_id, node, at in scans.values_list("shift_id", "node", "occurred_at"):
        visits[shift_id].append((node, at))
    by_officer: dict[str, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_officer[str(shift.officer)].append(shift)
    rows = []
    for officer, own in sorted(by_officer.items()):
        planned = [[s["node"] for s in (shift.plan.get("officers") or [[]])[0]] for shift in own]
        routes = [[node for node, _ in visits[shift.pk]] for shift in own]
        worst = max(_worst_gap(shift, visits[shift.pk]) for shift in own)
        rows.append(
            Predictability(
                officer=officer,
                shifts=len(own),
                check_ins=sum(len(r) for r in routes),
                walked_entropy=_entropy(routes),
                planned_entropy=_entropy(planned),
                worst_gap_s=worst,
            )
        )
    return rows


def door_sweep(school: School, start: date) -> list[DoorSweep]:
    """Per building, which exterior doors a patrol checked in at during the week."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = since + timedelta(days=DOOR_SWEEP_DAYS)
    checked = set(
        Scan.objects.filter(
            school=school, node__startswith="door-", occurred_at__gte=since, occurred_at__lt=until
        ).values_list("node", flat=True)
    )
    rows = []
    doors = Asset.objects.filter(school=school, kind=AssetKind.EXTERIOR_DOOR).select_related(
        "building"
    )
    by_building: dict[str, list[Asset]] = defaultdict(list)
    for door in doors.order_by("building__name", "number", "pk"):
        by_building[door.building.name if door.building else "Grounds"].append(door)
    for building, own in by_building.items():
        missing = tuple(str(d) for d in own if f"door-{d.pk}" not in checked)
        rows.append(DoorSweep(building, len(own), len(own) - len(missing), missing))
    return rows


# --- walkways: the patrol graph as supervisors edited it ---------------------------------------


@dataclass(frozen=True)
class Walkway:
    a: str
    b: str
    label: str
    metres: float
    modes: tuple[str, ...]
    # generated, assumed (rule 5: to check), add, change, confirm (edited) or remove
    state: str

    @property
    def modes_text(self) -> str:
        return ", ".join(MODE_WORDS[m] for m in self.modes)


@dataclass(frozen=True)
class WalkwayEditRow:
    edit: WalkwayEdit
    label: str
    problem: str  # why the edit is not applied; "" when it is

    @property
    def detail(self) -> str:
        """What the edit says, e.g. "Change its length or modes: 40 m, on foot"."""
        parts = [f"{self.edit.length_m:g} m"] if self.edit.length_m is not None else []
        parts += [MODE_WORDS[m] for m in MODE_WORDS if m in self.edit.mode_set]
        what = self.edit.get_action_display()
        return f"{what}: {', '.join(parts)}" if parts else what


@dataclass(frozen=True)
class WalkwayMap:
    stops: list[tuple[str, str]]  # (node id, label), by label: the editor's choices
    walkways: list[Walkway]  # assumed first, then by label
    edits: list[WalkwayEditRow]  # newest first
    cuts: list[str]  # removals that left stops with no way between them, in words
    isolated: list[str]  # offsite points no walkway reaches
    features: dict[str, Any]  # GeoJSON for the map
    floors: list[tuple[int, str]]  # the floors with stops (0: ground), for the map's filter

    @property
    def assumed(self) -> list[Walkway]:
        return [w for w in self.walkways if w.state == "assumed"]

    @property
    def unapplied(self) -> list[WalkwayEditRow]:
        return [row for row in self.edits if row.problem]


def _floor_name(ordinal: int) -> str:
    if ordinal == 0:
        return "Ground floor"
    return f"{ordinal} floor{'s' if abs(ordinal) > 1 else ''} {'up' if ordinal > 0 else 'down'}"


def walkway_map(user: Any, school: School) -> WalkwayMap:
    """The school's patrol graph as shifts plan on it (generated from the map, with the
    supervisors' edits), its edits and what needs a person's attention, and the GeoJSON of it
    all over the buildings (drawn for those who may see the school's knowledge base)."""
    places = places_of(school)
    rows = list(
        WalkwayEdit.objects.restrict(user, Action.PATROLS_SUPERVISE)
        .filter(school=school)
        .select_related("author")
        .order_by("-created", "-pk")
    )
    graph, report = build_zone(places, [as_edit(r) for r in rows], name=school.name, whole=True)
    labels = {p.id: p.label for p in places}
    kinds = {p.id: p.kind for p in places}
    # The floor of each stop inside a building (0: ground); None outdoors. Stops of different
    # floors share a spot on the map, so the map shows one floor at a time when asked.
    floor = {p.id: p.level if p.building is not None else None for p in places}

    def lng_lat(x: float, y: float) -> list[float]:
        lat, lng = from_local_metres(x, y, school.latitude, school.longitude)
        return [round(lng, 7), round(lat, 7)]

    at = {n.id: lng_lat(n.x, n.y) for n in graph.nodes}
    for place in places:
        if place.id in report.isolated:
            at[place.id] = lng_lat(place.shape.centroid.x, place.shape.centroid.y)
    by_key = {(r.node_a, r.node_b): r for r in rows}
    assumed = set(report.assumed)
    walkways = [
        Walkway(
            a=key[0],
            b=key[1],
            label=pair_label(labels, *key),
            metres=edge.length_m,
            modes=tuple(m for m in MODE_WORDS if m in edge.travel_s),
            state=report.edited.get(key) or ("assumed" if key in assumed else "generated"),
        )
        for edge in graph.edges
        for key in [walkway_key(edge.u, edge.v)]
    ]
    walkways += [
        Walkway(a, b, pair_label(labels, a, b), 0.0, (), "remove")
        for a, b in report.removed
        if a in at and b in at
    ]
    walkways.sort(key=lambda w: (w.state != "assumed", w.label))
    features = building_outlines(user, school)
    for w in walkways:
        row = by_key.get((w.a, w.b))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [at[w.a], at[w.b]]},
                "properties": {
                    "role": w.state,
                    "a": w.a,
                    "b": w.b,
                    "label": w.label,
                    "metres": w.metres,
                    "modes": list(w.modes),
                    "note": row.note if row is not None else "",
                    "floors": [floor.get(w.a), floor.get(w.b)],
                },
            }
        )
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": position},
            "properties": {
                "role": "stop",
                "id": node,
                "label": labels.get(node, node),
                "offsite": kinds.get(node) == "offsite",
                "floor": floor.get(node),
            },
        }
        for node, position in at.items()
    ]
    skipped = {(s.a, s.b): s.reason for s in report.skipped}
    floors = sorted({level for node in at if (level := floor[node]) is not None})
    return WalkwayMap(
        stops=sorted(((node, labels.get(node, node)) for node in at), key=lambda s: s[1]),
        walkways=walkways,
        edits=[
            WalkwayEditRow(
                r, pair_label(labels, r.node_a, r.node_b), skipped.get((r.node_a, r.node_b), "")
            )
            for r in rows
        ],
        cuts=[
            f"{pair_label(labels, c.a, c.b)}: nothing else joins these two stops "
            + " or ".join(MODE_WORDS[m] for m in c.modes)
            for c in report.cuts
        ],
        isolated=[labels.get(node, node) for node in report.isolated],
        floors=[(f, _floor_name(f)) for f in floors],
        features={"type": "FeatureCollection", "features": features},
    )
