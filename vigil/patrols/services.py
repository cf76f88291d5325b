"""Patrol workflows: start a shift, choose the next stop, check in, record findings, repair.

The phone shows one stop at a time. ``shift_start`` builds the zone's patrol graph from the
knowledge base and plans the shift with ``patrolopt.solve`` (the seed is stored, never shown);
after every check-in ``next_stop`` asks ``patrolopt.online.next_stop`` for the next move from
where the officer really is and when each place was really last visited, so a plan survives an
officer being called away. The chosen stop is stored on the shift so that reloading the page
cannot reshuffle it (an officer must not be able to shop for an easier stop).

Check-ins arrive live or replayed from an offline queue: each carries the device's own id and
time; a replay of the same id is recognised and counted once, and the next stop is chosen from
the scans in the order they happened, not the order they arrived.
"""

from __future__ import annotations

import math
import secrets
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models.fields.json import KT
from django.utils import timezone

from patrolopt.errors import GraphError, InfeasibleError
from patrolopt.graph import PatrolGraph
from patrolopt.io import graph_from_json, graph_to_json
from patrolopt.model import Params, PatrolModel, prepare
from patrolopt.online import OfficerPosition, OnlineState
from patrolopt.online import next_stop as online_next_stop
from patrolopt.problem import FixedPost, Officer, Problem
from patrolopt.solver import solve
from vigil.core import audit
from vigil.core.permissions import Action, scope_for
from vigil.events import pipeline
from vigil.events.choices import EventType
from vigil.patrols import calendar_weights, checklist, tags
from vigil.patrols.campus_graph import (
    MODE_WORDS,
    BuildReport,
    Edit,
    Place,
    pair_label,
    walkway_key,
)
from vigil.patrols.graph_source import (
    as_edit,
    build_zone,
    building_outlines,
    camera_graph,
    campus_graph,
    places_of,
    zone_places,
)
from vigil.patrols.models import (
    DEFAULT_GAP_CAP,
    CalendarOccurrence,
    Finding,
    FindingStatus,
    GapCapChoice,
    PatrolMode,
    Scan,
    ScanMethod,
    Shift,
    ShiftStatus,
    WalkwayAction,
    WalkwayEdit,
    WorkOrder,
    WorkOrderStatus,
)
from vigil.sites.geometry import METRES_PER_DEGREE, from_local_metres
from vigil.sites.models import Area, Asset, Building, School

SHIFT_HOURS = (1, 2, 4, 6, 8, 10, 12)
# A phone's clock may drift; more than this ahead of the server and the scan is refused.
CLOCK_AHEAD_TOLERANCE = timedelta(minutes=2)
# An offline queue may hold scans this long before the shift started (a scan queued just
# before "start shift" synced) — never more.
BEFORE_SHIFT_TOLERANCE = timedelta(minutes=5)
# GPS: a scan farther than this from the checkpoint, beyond the reported accuracy, is refused;
# fixes less accurate than GPS_USABLE_M are kept but not judged.
FAR_FROM_CHECKPOINT_M = 75.0
GPS_USABLE_M = 50.0


class PatrolError(Exception):
    """Bad input or a step that does not fit; ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def require_scope(
    actor: Any,
    action: Action,
    school: School,
    what: str,
    message: str,
    *,
    field: str | None = "school",
) -> None:
    """Refuse ``what`` at ``school`` unless ``actor``'s scope for ``action`` reaches it; a
    refusal is audited (DENIED, "<what> outside scope") before it is raised."""
    if scope_for(actor, action).allows_school(school.pk):
        return
    audit.record(audit.AuditAction.DENIED, obj=school, reason=f"{what} outside scope", actor=actor)
    raise PatrolError(message, field=field)


# Patrol-graph node prefixes → the campus map's feature keys (vigil/sites/static/sites/map.js).
MAP_KEYS = {"area": "area", "door": "asset", "offsite": "surrounding", "camera": "asset"}


@dataclass(frozen=True)
class NextStop:
    busy: str  # the calendar occurrences that raise this stop's weight in the shift, if any
    node: str
    label: str
    reason: str
    kind: str
    latitude: float | None
    longitude: float | None

    @property
    def map_key(self) -> str:
        """The stop's key on the campus map (``?focus=``)."""
        prefix, _, pk = self.node.partition("-")
        return f"{MAP_KEYS.get(prefix, prefix)}-{pk}"


@dataclass(frozen=True)
class ScanOutcome:
    scan: Scan
    duplicate: bool


@dataclass(frozen=True)
class ChecklistOutcome:
    findings: list[Finding]
    duplicate: bool  # the same submission (client id) was stored before: nothing new stored


# --- the patrol model of a shift, prepared once per process --------------------------------

# Keyed by shift id and seed: a recycled id (a test database, a restored backup) never picks
# up another shift's model.
_MODELS: OrderedDict[tuple[int, int], PatrolModel] = OrderedDict()
_MODELS_KEPT = 64


def _problem(shift: Shift, graph: PatrolGraph) -> Problem:
    hours = (shift.planned_until - shift.started_at).total_seconds()
    # A video patrol "walks" between camera views: patrolopt models it as foot travel.
    mode = "foot" if shift.mode == PatrolMode.VIDEO else shift.mode
    return Problem(graph=graph, officers=(Officer("officer", mode=mode),), horizon_s=hours)


def too_often(graph: PatrolGraph, exc: InfeasibleError) -> str:
    """Why one officer cannot patrol ``graph``, naming the stop the planner could not serve."""
    where = next((node.label for node in graph.nodes if node.id == exc.node), "A place")
    return f"{where} needs a visit more often than one officer can manage in this zone"


def latest_gap_cap_choice(school: School) -> GapCapChoice | None:
    """The supervisor's latest gap-cap choice at ``school`` (see :mod:`vigil.patrols.gap_caps`)."""
    choice: GapCapChoice | None = (
        GapCapChoice.objects.filter(school=school).order_by("-created", "-pk").first()
    )
    return choice


def current_gap_cap(school: School) -> float:
    """The gap cap shifts started now plan with: the latest choice, or the default."""
    latest = latest_gap_cap_choice(school)
    return latest.gap_cap if latest is not None else DEFAULT_GAP_CAP


def _model(shift: Shift) -> PatrolModel:
    key = (shift.pk, shift.seed)
    model = _MODELS.get(key)
    if model is None:
        # The cap the shift was planned with (the school's choice then), not today's.
        params = Params(gap_cap=float(shift.plan.get("gap_cap", DEFAULT_GAP_CAP)))
        model = prepare(_problem(shift, graph_from_json(shift.graph)), params)
        _MODELS[key] = model
        while len(_MODELS) > _MODELS_KEPT:
            _MODELS.popitem(last=False)
    _MODELS.move_to_end(key)
    return model


# --- shifts ---------------------------------------------------------------------------------


def _zone_graph(school: School, building: Building | None, mode: str) -> PatrolGraph:
    if mode == PatrolMode.VIDEO:
        cameras = camera_graph(school)
        if len(cameras.nodes) < 2:
            raise PatrolError("This school has fewer than two mapped cameras.", field="mode")
        return cameras
    graph, _ = campus_graph(school, building=building, offsite=mode != PatrolMode.FOOT)
    if mode == PatrolMode.FOOT:
        return graph
    # Bicycles and vehicles patrol the grounds and offsite points: drop what they cannot reach.
    reachable = {e.u for e in graph.edges if mode in e.travel_s} | {
        e.v for e in graph.edges if mode in e.travel_s
    }
    # The grounds' deadlines are the foot patrol's to keep: a car that also drives past the
    # offsite points cannot hold a 20-minute lot deadline, so its plan spreads visits by risk
    # under the planner's gap cap instead.
    nodes = tuple(replace(n, max_gap_s=None) for n in graph.nodes if n.id in reachable)
    edges = tuple(e for e in graph.edges if e.u in reachable and e.v in reachable)
    if len(nodes) < 2:
        raise PatrolError(
            f"There is nothing to patrol by {mode} in this zone; choose another mode or zone.",
            field="mode",
        )
    return PatrolGraph(nodes=nodes, edges=edges, name=graph.name)


def shift_start(
    *,
    actor: Any,
    school: School,
    building: Building | None,
    mode: str,
    hours: int,
    now: datetime | None = None,
) -> Shift:
    """Start ``actor``'s shift: plan the zone with a fresh seed and choose the first stop."""
    require_scope(
        actor, Action.PATROLS_WALK, school, "patrol shift", f"You do not patrol at {school}."
    )
    if mode not in PatrolMode.values:
        raise PatrolError("Choose on foot, bicycle or vehicle.", field="mode")
    if hours not in SHIFT_HOURS:
        raise PatrolError("Choose a shift length from the list.", field="hours")
    if building is not None and building.school_id != school.pk:
        raise PatrolError("Choose a building of this school.", field="building")
    if Shift.objects.filter(officer=actor, status=ShiftStatus.ACTIVE).exists():
        raise PatrolError("You are already on a shift; end it first.", field=None)
    graph = _zone_graph(school, building, mode)
    now = now or timezone.now()
    seed = secrets.randbits(62)
    shift = Shift(
        officer=actor,
        school=school,
        building=building,
        mode=mode,
        started_at=now,
        planned_until=now + timedelta(hours=hours),
        seed=seed,
        graph=graph_to_json(graph),
        plan={},
    )
    graph, raised = _with_calendar(school, graph, now, shift.planned_until)
    shift.graph = graph_to_json(graph)
    problem = _problem(shift, graph)
    try:
        plan = solve(problem, seed=seed, params=Params(gap_cap=current_gap_cap(school)))
    except InfeasibleError as exc:
        raise PatrolError(
            f"{too_often(graph, exc)}; "
            "choose a smaller zone (one building or wing) or share it between officers.",
            field="building",
        ) from exc
    except GraphError as exc:
        raise PatrolError(f"The patrol graph of this zone is not usable: {exc}") from exc
    shift.plan = {**plan.to_json(), "calendar": raised, "posts": _posts_for(shift, graph)}
    first = plan.officers[0][0]
    shift.next_node = first.node
    shift.next_reason = first.reason[:300]
    shift.next_set_at = now
    with transaction.atomic():
        shift.save()
        # A post starting now comes before any patrol stop. Only with posts: preparing the
        # shift's model here (solve prepared its own) is otherwise left to the first check-in.
        if shift.plan["posts"] and _post_due(shift, _model(shift), now) is not None:
            _choose_next(shift, now)
    return shift


def _posts_for(shift: Shift, graph: PatrolGraph) -> list[dict[str, Any]]:
    """The school calendar's fixed posts (lunch duty, bus loop) this shift stands.

    A post is a duty occurrence with an area in this shift's zone, overlapping the shift, and
    not already taken by another officer's active shift: one officer stands it, the first whose
    shift covers it.
    """
    taken = {
        int(post["occurrence"])
        for plan in Shift.objects.filter(school=shift.school, status=ShiftStatus.ACTIVE)
        .exclude(pk=shift.pk)
        .values_list("plan", flat=True)
        for post in (plan or {}).get("posts", [])
    }
    nodes = {n.id: n.label for n in graph.nodes}
    posts = []
    for o in CalendarOccurrence.objects.filter(
        school=shift.school,
        fixed_post=True,
        all_day=False,
        area__isnull=False,
        start__lt=shift.planned_until,
        end__gt=shift.started_at,
    ).order_by("start", "pk"):
        node = f"area-{o.area_id}"
        if node not in nodes or o.pk in taken:
            continue
        posts.append(
            {
                "occurrence": o.pk,
                "node": node,
                "label": nodes[node],
                "summary": o.summary,
                "start": o.start.isoformat(),
                "end": o.end.isoformat(),
            }
        )
    return posts


def _post_due(shift: Shift, model: PatrolModel, now: datetime) -> dict[str, Any] | None:
    """The fixed post the officer must head for or stand now, if any.

    Due from the moment an officer anywhere in the zone must stop patrolling to make it in
    time (patrolopt's ``post_entry``: the longest walk to it plus the longest stay) until it
    ends. One officer patrols a shift, so patrolopt cannot plan around the post (nobody would
    be left on patrol); the post is kept here instead, and the online planner resumes from
    the post when it ends, as after being called away.
    """
    elapsed = (now - shift.started_at).total_seconds()
    for post in (shift.plan or {}).get("posts", []):
        start = (datetime.fromisoformat(post["start"]) - shift.started_at).total_seconds()
        end = (datetime.fromisoformat(post["end"]) - shift.started_at).total_seconds()
        if elapsed >= end or post["node"] not in model.problem.graph.index:
            continue
        entry = model.post_entry(FixedPost("officer", post["node"], max(start, 0.0), end))
        if elapsed >= entry:
            return dict(post)
        return None  # posts are in order: a later one is not due before this one
    return None


def _with_calendar(
    school: School, graph: PatrolGraph, start: datetime, end: datetime
) -> tuple[PatrolGraph, dict[str, str]]:
    """The graph with stop weights raised by the school calendar during the shift
    (``calendar_weights``), and for each raised stop the occurrences why."""
    zone = timezone.get_current_timezone()
    occurrences = [
        calendar_weights.Occurrence(
            kind=o.kind,
            summary=o.summary,
            start=o.start.astimezone(zone),
            end=o.end.astimezone(zone),
        )
        for o in CalendarOccurrence.objects.filter(
            school=school, all_day=False, start__lt=end, end__gt=start
        )
    ]
    if not occurrences:
        return graph, {}
    area_ids = [int(n.id.split("-", 1)[1]) for n in graph.nodes if n.id.startswith("area-")]
    types = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "area_type"))
    kinds = {f"area-{pk}": str(kind) for pk, kind in types.items()}
    raised = calendar_weights.raise_weights(kinds, occurrences, start, end)
    nodes = tuple(
        replace(n, risk=n.risk * raised[n.id].factor) if n.id in raised else n for n in graph.nodes
    )
    because = {node: r.because for node, r in raised.items()}
    return PatrolGraph(nodes=nodes, edges=graph.edges, name=graph.name), because


def shift_end(*, actor: Any, shift: Shift, now: datetime | None = None) -> Shift:
    with transaction.atomic():
        current = Shift.objects.select_for_update().get(pk=shift.pk)
        if current.officer_id != actor.pk:
            raise PatrolError("Only the officer on the shift may end it.")
        if current.status == ShiftStatus.ENDED:
            raise PatrolError("This shift has already ended.")
        current.status = ShiftStatus.ENDED
        current.ended_at = now or timezone.now()
        current.next_node = ""
        current.next_reason = ""
        current.save()
    _MODELS.pop((current.pk, current.seed), None)
    return current


def stop_labels(shift: Shift) -> dict[str, str]:
    """The stops of a shift's planned graph, by node id, with the names people read."""
    return {str(raw["id"]): str(raw["label"]) for raw in shift.graph["nodes"]}


def active_shift(user: Any) -> Shift | None:
    shift: Shift | None = (
        Shift.objects.filter(officer=user, status=ShiftStatus.ACTIVE)
        .select_related("school", "building")
        .defer("plan")  # loaded when a check-in needs it (its fixed posts), not for every page
        .first()
    )
    return shift


# --- where next ------------------------------------------------------------------------------


def _node_position(shift: Shift, node: str) -> tuple[float | None, float | None]:
    raw = next((n for n in shift.graph["nodes"] if n["id"] == node), None)
    if raw is None:
        return None, None
    return from_local_metres(
        float(raw["x"]), float(raw["y"]), shift.school.latitude, shift.school.longitude
    )


def stop_kind(node: str) -> str:
    """The checklist kind of a node id (area-12, door-3, offsite-4)."""
    prefix, _, pk = node.partition("-")
    if prefix == "door":
        return "exterior_door"
    if prefix == "camera":
        return "camera"
    if prefix == "offsite":
        return "offsite"
    area = Area.objects.filter(pk=int(pk)).values_list("area_type", flat=True).first()
    return str(area or "other")


def has_camera(node: str) -> bool:
    prefix, _, pk = node.partition("-")
    return prefix == "area" and Asset.objects.filter(area_id=int(pk), kind="camera").exists()


def next_stop(shift: Shift) -> NextStop:
    """The stop the phone shows now (chosen at the last check-in)."""
    labels = stop_labels(shift)
    lat, lng = _node_position(shift, shift.next_node)
    # The calendar's note on this one stop, read without loading the whole stored plan (tens
    # of kilobytes of JSON, which the phone's page never needs).
    busy = (
        Shift.objects.filter(pk=shift.pk)
        .values_list(KT(f"plan__calendar__{shift.next_node}"), flat=True)
        .first()
    )
    return NextStop(
        busy=str(busy or ""),
        node=shift.next_node,
        label=labels.get(shift.next_node, shift.next_node),
        reason=shift.next_reason,
        kind=stop_kind(shift.next_node) if shift.next_node else "",
        latitude=lat,
        longitude=lng,
    )


def walking_route(shift: Shift, last_scan: Scan | None, viewer: Any) -> dict[str, Any] | None:
    """GeoJSON of the walk from the officer's last check-in to the next stop, along the
    campus walkways (the shortest way patrolopt knows): that leg only, never the rest of the
    plan; the zone's buildings as context when ``viewer`` may see the school's map. None
    before the first check-in, at the stop already, or on a video patrol."""
    if shift.mode == PatrolMode.VIDEO or not shift.next_node or last_scan is None:
        return None
    here = last_scan.node
    model = _model(shift)
    index = model.problem.graph.index
    if here == shift.next_node or here not in index:
        return None
    if shift.next_node not in index:
        return None
    target = index[shift.next_node]
    hops = [index[here]]
    while hops[-1] != target:
        hops.append(model.next_hop(hops[-1], target))
    nodes = model.problem.graph.nodes
    labels = stop_labels(shift)
    points = [_node_position(shift, nodes[i].id) for i in hops]
    line = [[lng, lat] for lat, lng in points if lat is not None and lng is not None]

    def point(role: str, node: str, at: list[float]) -> dict[str, Any]:
        what = "You checked in at" if role == "here" else "Next stop:"
        label = f"{what} {labels.get(node, node)}"
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": at},
            "properties": {"role": role, "label": label},
        }

    zone = [shift.building] if shift.building is not None else None
    outlines = building_outlines(viewer, shift.school, zone)
    return {
        "type": "FeatureCollection",
        "features": [
            *outlines,
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {"role": "route", "label": f"{len(hops) - 1} walkway(s)"},
            },
            point("here", here, line[0]),
            point("next", shift.next_node, line[-1]),
        ],
    }


def _choose_next(shift: Shift, now: datetime) -> None:
    """Choose the next stop from the real visits, with a seed derived from the shift's."""
    scans = list(shift.scans.order_by("occurred_at", "pk").values_list("node", "occurred_at"))
    start = shift.started_at
    last_visit = {node: (at - start).total_seconds() for node, at in scans}
    here = scans[-1][0] if scans else shift.next_node
    model = _model(shift)
    if here not in model.problem.graph.index:
        here = model.problem.graph.nodes[0].id
    elapsed = max(0.0, (now - start).total_seconds())
    post = _post_due(shift, model, now)
    if post is not None:
        node, reason = post["node"], _post_reason(post)
    else:
        state = OnlineState(
            model=model,
            positions=(OfficerPosition(node=here, free_at_s=elapsed),),
            last_visit_s=last_visit,
            officer=0,
        )
        step = online_next_stop(state, seed=(shift.seed + len(scans) + shift.replans) % 2**63)
        node, reason = step.node, step.reason
    # Bookkeeping, not a change a person made: no audit row per check-in (the scan is the log).
    Shift.objects.filter(pk=shift.pk).update(
        next_node=node, next_reason=reason[:300], next_set_at=now
    )
    shift.next_node, shift.next_reason, shift.next_set_at = node, reason[:300], now


def _post_reason(post: dict[str, Any]) -> str:
    zone = timezone.get_current_timezone()
    start = datetime.fromisoformat(post["start"]).astimezone(zone)
    end = datetime.fromisoformat(post["end"]).astimezone(zone)
    return (
        f"Fixed post: {post['summary']} at {post['label']}, {start:%H:%M}–{end:%H:%M}. "
        "Stand here until it ends, then check in again for your next stop."
    )


def called_away(*, actor: Any, shift: Shift, now: datetime | None = None) -> Shift:
    """The officer was called away: when they are back, plan on from where they are then."""
    if shift.officer_id != actor.pk or shift.status != ShiftStatus.ACTIVE:
        raise PatrolError("This is not your active shift.")
    now = now or timezone.now()
    with transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(replans=shift.replans + 1)
        shift.replans += 1
        audit.record(
            audit.AuditAction.UPDATE,
            obj=shift,
            changes={"called_away": [None, str(now)]},
            actor=actor,
        )
        _choose_next(shift, now)
    return shift


# --- check-ins -----------------------------------------------------------------------------


def _distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    dy = (lat2 - lat1) * METRES_PER_DEGREE
    dx = (lng2 - lng1) * METRES_PER_DEGREE * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _check_device_time(
    shift: Shift,
    occurred_at: datetime,
    now: datetime,
    *,
    what: str = "check-in",
    retry: str = "scan again",
) -> None:
    """Refuse a phone's time the server cannot believe: ahead of the server by more than a
    phone's clock drifts, before the shift began, or after it ended. An older time within the
    shift is normal: an offline queue sends things late, each with the time it happened."""
    if occurred_at > now + CLOCK_AHEAD_TOLERANCE:
        ahead = int((occurred_at - now).total_seconds() // 60)
        raise PatrolError(
            f"This phone's clock is {ahead} min ahead of the server; set it right and {retry}.",
            field="occurred_at",
        )
    if occurred_at < shift.started_at - BEFORE_SHIFT_TOLERANCE:
        raise PatrolError(
            f"This {what} is from before the shift started (is the phone's clock right?).",
            field="occurred_at",
        )
    # The same drift allowance after the end: a phone a minute fast that saved a checklist
    # just before its officer ended the shift.
    if shift.ended_at is not None and occurred_at > shift.ended_at + CLOCK_AHEAD_TOLERANCE:
        raise PatrolError(
            f"This {what} is from after the shift ended (is the phone's clock right?).",
            field="occurred_at",
        )


def scan_record(
    *,
    actor: Any,
    token: str,
    client_id: str,
    occurred_at: datetime,
    method: str = ScanMethod.QR,
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy_m: float | None = None,
    observation: str = "",
    now: datetime | None = None,
) -> ScanOutcome:
    """Record a check-in at the checkpoint a tag names (see the module docstring)."""
    now = now or timezone.now()
    try:
        school_id, node = tags.read(token)
    except tags.TagError as exc:
        raise PatrolError(str(exc), field="tag") from exc
    shift = active_shift(actor)
    if shift is None:
        raise PatrolError("Start a shift before checking in.", field="tag")
    if school_id != shift.school_id:
        raise PatrolError("This tag belongs to another school.", field="tag")
    labels = stop_labels(shift)
    if node not in labels:
        raise PatrolError("This checkpoint is not in your patrol zone.", field="tag")
    client_id = client_id.strip()[:64]
    if not client_id:
        raise PatrolError("The scan has no id; scan again.", field="client_id")
    if method not in ScanMethod.values or method == ScanMethod.CAMERA:
        raise PatrolError("Unknown check-in method.", field="method")
    _check_device_time(shift, occurred_at, now)
    existing = Scan.objects.filter(shift=shift, client_id=client_id).first()
    if existing is not None:
        return ScanOutcome(existing, duplicate=True)
    distance = None
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise PatrolError("The position is not a valid GPS fix.", field="latitude")
        node_lat, node_lng = _node_position(shift, node)
        if node_lat is not None and node_lng is not None:
            distance = _distance_m(latitude, longitude, node_lat, node_lng)
            usable = accuracy_m is not None and 0 <= accuracy_m <= GPS_USABLE_M
            if usable and accuracy_m is not None and distance - accuracy_m > FAR_FROM_CHECKPOINT_M:
                raise PatrolError(
                    f"You are {distance:.0f} m from {labels[node]} (GPS ±{accuracy_m:.0f} m); "
                    "check in at the checkpoint itself.",
                    field="latitude",
                )
    try:
        with transaction.atomic():
            scan = Scan(
                shift=shift,
                school_id=shift.school_id,
                node=node,
                label=labels[node][:200],
                method=method,
                occurred_at=occurred_at,
                received_at=now,
                client_id=client_id,
                latitude=latitude,
                longitude=longitude,
                accuracy_m=accuracy_m,
                distance_m=distance,
                observation=observation.strip()[:500],
            )
            scan.save()
            _choose_next(shift, max(now, occurred_at))
    except IntegrityError:  # the same queued scan arriving twice at once
        return ScanOutcome(Scan.objects.get(shift=shift, client_id=client_id), duplicate=True)
    return ScanOutcome(scan, duplicate=False)


# --- findings and work orders ------------------------------------------------------------


def _raise_event(finding: Finding, now: datetime) -> None:
    """Put a serious finding on the console (the internal "patrol" source)."""
    event_type = EventType.DOOR_HELD if finding.result == "propped" else EventType.OTHER

    def as_event(message: pipeline.Inbound) -> pipeline.Normalized:
        return pipeline.Normalized(
            source_event_id=f"finding-{finding.pk}",
            event_type=event_type,
            title=f"Patrol finding: {finding.label} – {finding.result.replace('_', ' ')}"[:300],
            occurred_at=finding.occurred_at,
            severity=4 if finding.severity >= 3 else 3,
            data={"finding": finding.pk, "node": finding.node},
        )

    result = pipeline.ingest(
        pipeline.Inbound(
            source="patrol",
            payload=f"finding:{finding.pk}".encode(),
            received_at=now,
            dedupe_key=f"finding-{finding.pk}",
            school_id=finding.school_id,
        ),
        as_event,
    )
    if result.event_id:
        Finding.objects.filter(pk=finding.pk).update(event_id=result.event_id)
        finding.event_id = result.event_id


def _verify_repairs(
    shift: Shift, node: str, item: str, scan: Scan | None, seen_at: datetime, now: datetime
) -> None:
    """A later patrol found ``item`` at ``node`` working: its fixed work orders are verified.

    Only repairs marked fixed before the officer saw the item working: a checklist queued
    offline can arrive after a repair it predates, and must not vouch for it."""
    orders = WorkOrder.objects.filter(
        school_id=shift.school_id,
        finding__node=node,
        finding__item=item,
        status=WorkOrderStatus.FIXED,
        fixed_at__lte=seen_at,
    )
    for order in orders.select_related("finding"):
        order.status = WorkOrderStatus.VERIFIED
        order.verified_at = now
        order.verified_by = scan
        order.save()
        order.finding.status = FindingStatus.CLOSED
        order.finding.save()


def checklist_submit(
    *,
    actor: Any,
    shift: Shift,
    node: str,
    answers: dict[str, str],
    client_id: str,
    occurred_at: datetime,
    note: str = "",
    photo: IO[bytes] | None = None,
    now: datetime | None = None,
) -> ChecklistOutcome:
    """Record the checklist of one stop; every bad answer becomes a finding (with the photo),
    a serious one goes to the console, and each finding opens a work order for facilities.

    Sent live or replayed from the phone's offline queue: ``occurred_at`` is the phone's time
    (checked like a check-in's), the server's time is kept as received; a replay of the same
    ``client_id`` stores nothing new. A shift that has ended since still takes a checklist
    from while it ran (the phone may have been offline until after the end)."""
    from vigil.evidence.services import EvidenceError, evidence_ingest

    now = now or timezone.now()
    if shift.officer_id != actor.pk:
        raise PatrolError("This is not your shift.", field="shift")
    labels = stop_labels(shift)
    if node not in labels:
        raise PatrolError("This checkpoint is not in your patrol zone.", field="node")
    items = {i.key: i for i in checklist.items_for(stop_kind(node), has_camera=has_camera(node))}
    chosen: list[tuple[checklist.Item, checklist.Answer]] = []
    for key, value in answers.items():
        item = items.get(key)
        if item is None:
            raise PatrolError(f"{key} is not on this stop's checklist.", field=key)
        answer = item.answer(value)
        if answer is None:
            raise PatrolError(f"Choose one of the answers for {item.question}.", field=key)
        chosen.append((item, answer))
    _check_device_time(shift, occurred_at, now, what="checklist", retry="save it again")
    bad = [(item, answer) for item, answer in chosen if answer.severity]
    if photo is not None and not bad:
        raise PatrolError("A photo goes with a finding; nothing was found wrong.", field="photo")
    client_id = client_id.strip()[:56]
    if not client_id:
        raise PatrolError("The checklist has no id; send it again.", field="client_id")
    already = _findings_of(shift, client_id)
    if already:
        return ChecklistOutcome(already, duplicate=True)  # a replayed offline submission
    prefix, _, pk = node.partition("-")
    findings: list[Finding] = []
    try:
        # The photo's evidence rows are in the same transaction: a submission arriving twice
        # at once (two syncs racing) leaves one finding and one evidence item.
        with transaction.atomic():
            evidence = None
            if photo is not None:
                try:
                    evidence = evidence_ingest(
                        actor=actor,
                        school=shift.school,
                        uploaded_file=photo,
                        title=f"Patrol finding at {labels[node]}"[:200],
                        reason="Photo taken with a patrol finding",
                    )
                except EvidenceError as exc:
                    raise PatrolError(exc.message, field="photo") from exc
            for item, answer in chosen:
                if not answer.severity:
                    last_scan = shift.scans.filter(node=node).last()
                    _verify_repairs(shift, node, item.key, last_scan, occurred_at, now)
                    continue
                finding = Finding(
                    school_id=shift.school_id,
                    shift=shift,
                    node=node,
                    label=labels[node][:200],
                    area_id=int(pk) if prefix == "area" else None,
                    asset_id=int(pk) if prefix == "door" else None,
                    item=item.key,
                    result=answer.value,
                    severity=answer.severity,
                    note=note.strip(),
                    photo=evidence,
                    occurred_at=occurred_at,
                    received_at=now,
                    client_id=f"{client_id}:{item.key}",
                    reported_by=actor,
                )
                finding.save()
                WorkOrder(finding=finding, school_id=shift.school_id, opened_at=now).save()
                findings.append(finding)
            for finding in findings:
                if finding.severity >= 3:
                    _raise_event(finding, now)
    except IntegrityError as exc:
        already = _findings_of(shift, client_id)
        if already:
            return ChecklistOutcome(already, duplicate=True)
        # The id is taken by a finding of another shift: not a replay of this one.
        raise PatrolError(
            "This checklist's id is already used; save it again.", field="client_id"
        ) from exc
    return ChecklistOutcome(findings, duplicate=False)


def _findings_of(shift: Shift, client_id: str) -> list[Finding]:
    """The findings one checklist submission (the phone's id of it) stored in ``shift``."""
    return list(
        Finding.objects.filter(shift=shift, client_id__startswith=f"{client_id}:").order_by("pk")
    )


_WORK_ORDER_STEPS = {
    WorkOrderStatus.ASSIGNED: (WorkOrderStatus.OPEN,),
    WorkOrderStatus.FIXED: (WorkOrderStatus.OPEN, WorkOrderStatus.ASSIGNED),
}


def work_order_advance(
    *, actor: Any, order: WorkOrder, to: str, assigned_to: str = "", now: datetime | None = None
) -> WorkOrder:
    """Assign a work order or mark it fixed; only a later patrol verifies it."""
    if not scope_for(actor, Action.WORK_ORDERS_MANAGE).allows_school(order.school_id):
        raise PatrolError("You may not manage work orders at this school.")
    now = now or timezone.now()
    with transaction.atomic():
        current = WorkOrder.objects.select_for_update().get(pk=order.pk)
        allowed_from = (
            _WORK_ORDER_STEPS.get(WorkOrderStatus(to)) if to in WorkOrderStatus.values else None
        )
        if allowed_from is None:
            raise PatrolError("A work order is verified by a patrol, not by hand.", field="status")
        if current.status not in allowed_from:
            raise PatrolError(
                f"The work order is {current.get_status_display().lower()}.", field="status"
            )
        if to == WorkOrderStatus.ASSIGNED:
            if not assigned_to.strip():
                raise PatrolError("Say who does the repair.", field="assigned_to")
            current.assigned_to = assigned_to.strip()[:200]
            current.assigned_at = now
        else:
            current.fixed_at = now
        current.status = to
        current.save()
    return current


def camera_attest(
    *,
    actor: Any,
    shift: Shift,
    node: str,
    client_id: str,
    occurred_at: datetime,
    observation: str,
    raise_event: bool = False,
    now: datetime | None = None,
) -> ScanOutcome:
    """Record that the officer watched one camera view of a video patrol, and what they saw;
    the log of these is the record that the video patrol happened."""
    now = now or timezone.now()
    if shift.officer_id != actor.pk or shift.status != ShiftStatus.ACTIVE:
        raise PatrolError("This is not your active shift.")
    if shift.mode != PatrolMode.VIDEO:
        raise PatrolError("Camera views are attested on a video patrol.", field="node")
    labels = stop_labels(shift)
    if node not in labels:
        raise PatrolError("This camera is not on your tour.", field="node")
    observation = observation.strip()
    if not observation:
        raise PatrolError("Say what you saw (or 'nothing unusual').", field="observation")
    if occurred_at > now + CLOCK_AHEAD_TOLERANCE:
        raise PatrolError("This device's clock is ahead of the server.", field="occurred_at")
    client_id = client_id.strip()[:64]
    if not client_id:
        raise PatrolError("The view has no id; send it again.", field="client_id")
    existing = Scan.objects.filter(shift=shift, client_id=client_id).first()
    if existing is not None:
        return ScanOutcome(existing, duplicate=True)
    with transaction.atomic():
        scan = Scan(
            shift=shift,
            school_id=shift.school_id,
            node=node,
            label=labels[node][:200],
            method=ScanMethod.CAMERA,
            occurred_at=occurred_at,
            received_at=now,
            client_id=client_id,
            observation=observation[:500],
        )
        scan.save()
        if raise_event:
            _video_event(scan, now)
        _choose_next(shift, max(now, occurred_at))
    return ScanOutcome(scan, duplicate=False)


def _video_event(scan: Scan, now: datetime) -> None:
    def as_event(message: pipeline.Inbound) -> pipeline.Normalized:
        return pipeline.Normalized(
            source_event_id=f"video-{scan.pk}",
            event_type=EventType.OTHER,
            title=f"Video patrol: {scan.label}: {scan.observation}"[:300],
            occurred_at=scan.occurred_at,
            severity=3,
            data={"scan": scan.pk, "node": scan.node},
        )

    pipeline.ingest(
        pipeline.Inbound(
            source="patrol",
            payload=f"video:{scan.pk}".encode(),
            received_at=now,
            dedupe_key=f"video-{scan.pk}",
            school_id=scan.school_id,
        ),
        as_event,
    )


def panic_raise(
    *,
    actor: Any,
    school: School,
    client_id: str,
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy_m: float | None = None,
    now: datetime | None = None,
) -> int:
    """An officer's phone panic button: a critical console event at the officer's school with
    where they last checked in and, when the phone gave one, their GPS fix. The phone's id of
    the press makes a repeated press (or a replay) the same event. Returns the event id."""
    now = now or timezone.now()
    if not scope_for(actor, Action.PATROLS_WALK).allows_school(school.pk):
        raise PatrolError(f"You do not patrol at {school}.", field="school")
    client_id = client_id.strip()[:64]
    if not client_id:
        raise PatrolError("The alarm has no id; press again.", field="client_id")
    shift = active_shift(actor)
    last = (
        shift.scans.order_by("-occurred_at").first()
        if shift and shift.school_id == school.pk
        else None
    )
    where = (
        f"last check-in {last.label} at {timezone.localtime(last.occurred_at):%H:%M}"
        if last
        else ""
    )
    name = actor.get_full_name() or actor.get_username()

    def as_event(message: pipeline.Inbound) -> pipeline.Normalized:
        data: dict[str, Any] = {"officer": actor.get_username()}
        if latitude is not None and longitude is not None:
            data.update(latitude=latitude, longitude=longitude, accuracy_m=accuracy_m)
        if last is not None:
            data["last_check_in"] = last.label
        return pipeline.Normalized(
            source_event_id=f"panic-{actor.pk}-{client_id}",
            event_type=EventType.PANIC,
            title=f"PANIC: officer {name} needs help" + (f" ({where})" if where else ""),
            occurred_at=now,
            device=f"phone:{actor.get_username()}",
            data=data,
        )

    result = pipeline.ingest(
        pipeline.Inbound(
            source="phone",
            payload=f"panic:{actor.pk}:{client_id}".encode(),
            received_at=now,
            dedupe_key=f"panic-{actor.pk}-{client_id}",
            school_id=school.pk,
        ),
        as_event,
    )
    if result.event_id is None:  # the same press again: find the event it made
        from vigil.events.models import Event

        event_id = (
            Event.objects.filter(source="phone", source_event_id=f"panic-{actor.pk}-{client_id}")
            .values_list("pk", flat=True)
            .first()
        )
        if event_id is None:
            raise PatrolError("The alarm could not be raised; call on the radio.")
        return int(event_id)
    return result.event_id


# --- walkway edits --------------------------------------------------------------------------

# Longer than any walk on a campus or by road to its offsite points: a typo, not a walkway.
MAX_WALKWAY_M = 3000.0


def _new_cuts(
    places: list[Place],
    before: list[Edit],
    after: list[Edit],
    pair: tuple[str, str],
    campus_before: BuildReport | None = None,
) -> list[str]:
    """What ``after`` cuts apart that ``before`` did not, in words: checked on the graphs a
    shift can plan on that the pair belongs to (the whole campus with and without its offsite
    points, and the pair's building when both stops are in one). ``campus_before``: the
    whole campus's report under ``before``, when the caller has built it already."""
    labels = {p.id: p.label for p in places}
    zones = [
        (places, True, "the campus"),
        ([p for p in places if p.kind != "offsite"], False, "the campus on foot"),
    ]
    buildings = {p.building for p in places if p.id in pair}
    if len(buildings) == 1 and None not in buildings:
        building = Building.objects.get(pk=int(str(next(iter(buildings)))))
        zones.append((zone_places(places, building), False, building.name))
    problems: list[str] = []
    for zone, whole, where in zones:
        if zone is places and campus_before is not None:
            old = campus_before
        else:
            _, old = build_zone(zone, before, name=where, whole=whole)
        _, new = build_zone(zone, after, name=where, whole=whole)
        for cut in new.cuts:
            if cut not in old.cuts:
                ways = " or ".join(MODE_WORDS[m] for m in cut.modes)
                problems.append(
                    f"without the walkway {pair_label(labels, cut.a, cut.b)} nothing else "
                    f"joins its two stops {ways} in {where}; add another way between them first"
                )
    return problems


def _check_length(length_m: float | None) -> None:
    if length_m is None:
        return
    if not math.isfinite(length_m) or length_m <= 0:
        raise PatrolError("Give the walk's length in metres, above 0.", field="length_m")
    if length_m > MAX_WALKWAY_M:
        raise PatrolError(
            f"{length_m:.0f} m is longer than any walkway (at most {MAX_WALKWAY_M:.0f} m); "
            "check the number.",
            field="length_m",
        )


def walkway_edit_save(
    *,
    actor: Any,
    school: School,
    node_a: str,
    node_b: str,
    action: str,
    length_m: float | None = None,
    modes: Collection[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> WalkwayEdit:
    """Add, remove, change or confirm the walkway between two stops of ``school``'s patrol
    graph, replacing an earlier edit of the same pair. Refused (changing nothing) when the
    input is bad or the edit would leave two stops with no way between them: the planner
    needs one connected graph."""
    require_scope(
        actor,
        Action.PATROLS_SUPERVISE,
        school,
        "walkway edit",
        f"You do not supervise patrols at {school}.",
    )
    if action not in WalkwayAction.values:
        raise PatrolError("Choose add, remove, change or confirm.", field="action")
    node_a, node_b = node_a.strip(), node_b.strip()
    if not node_a:
        raise PatrolError("Choose the first stop.", field="node_a")
    if not node_b:
        raise PatrolError("Choose the second stop.", field="node_b")
    if node_a == node_b:
        raise PatrolError("Choose two different stops.", field="node_b")
    wanted = frozenset(modes)
    if wanted - set(MODE_WORDS):
        raise PatrolError(
            f"Unknown mode {sorted(wanted - set(MODE_WORDS))[0]!r}: choose foot, bicycle or "
            "vehicle.",
            field="modes",
        )
    if action in (WalkwayAction.ADD, WalkwayAction.CHANGE):
        _check_length(length_m)
        if not wanted:
            raise PatrolError(
                "Choose at least one way to travel it (to close it to all, remove it).",
                field="modes",
            )
    else:
        length_m, wanted = None, frozenset()
    note = note.strip()
    if not note:
        raise PatrolError("Say why (e.g. “fence gate locked after 15:00”).", field="note")
    if len(note) > 300:
        raise PatrolError("Keep the note under 300 characters.", field="note")
    key = walkway_key(node_a, node_b)
    edit = Edit(key[0], key[1], action, length_m, wanted or None)
    with transaction.atomic():
        # One school's walkway edits one at a time: each is checked against the others.
        School.objects.select_for_update().filter(pk=school.pk).first()
        rows = list(WalkwayEdit.objects.filter(school=school).order_by("pk"))
        before = [as_edit(row) for row in rows]
        places = places_of(school)
        graph, report = build_zone(places, before, name=school.name, whole=True)
        labels = {n.id: n.label for n in graph.nodes}
        stops = set(labels) | set(report.isolated)
        for node, field in ((node_a, "node_a"), (node_b, "node_b")):
            if node not in stops:
                raise PatrolError(f"There is no stop {node} at {school}.", field=field)
        walkways = {walkway_key(e.u, e.v) for e in graph.edges}
        named = pair_label(labels, *key)
        if action == WalkwayAction.ADD and key in walkways:
            raise PatrolError(
                f"{named} are already joined by a walkway; change that one instead.",
                field="node_b",
            )
        if action != WalkwayAction.ADD and key not in walkways:
            raise PatrolError(f"There is no walkway {named}; add one instead.", field="node_b")
        if action == WalkwayAction.CONFIRM and key not in report.assumed:
            raise PatrolError(f"The walkway {named} is not an assumed one.", field="action")
        after = [e for e in before if e.key != key] + [edit]
        problems = _new_cuts(places, before, after, key, campus_before=report)
        if problems:
            raise PatrolError(
                f"Refused: {problems[0]}.",
                field="modes" if action == WalkwayAction.CHANGE else "action",
            )
        row = next((r for r in rows if (r.node_a, r.node_b) == key), None)
        if row is None:
            row = WalkwayEdit(school=school, node_a=key[0], node_b=key[1])
        row.action = action
        row.length_m = length_m
        row.modes = ",".join(m for m in MODE_WORDS if m in wanted)
        row.note = note
        row.author = actor
        row.created = now or timezone.now()
        try:
            row.save()
        except IntegrityError as exc:  # the same pair saved meanwhile (SQLite locks no row)
            raise PatrolError(
                f"The walkway {named} was edited meanwhile; look at it again.", field="node_b"
            ) from exc
    return row


def walkway_edit_delete(*, actor: Any, edit: WalkwayEdit) -> None:
    """Undo an edit: the generated walkway is back. Refused when another edit then cuts two
    stops apart (a removal that relied on the walkway this edit added)."""
    require_scope(
        actor,
        Action.PATROLS_SUPERVISE,
        edit.school,
        "walkway undo",
        "You do not supervise patrols at this school.",
        field=None,
    )
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=edit.school_id)
        rows = list(WalkwayEdit.objects.filter(school=school).order_by("pk"))
        before = [as_edit(row) for row in rows]
        after = [as_edit(row) for row in rows if row.pk != edit.pk]
        problems = _new_cuts(places_of(school), before, after, (edit.node_a, edit.node_b))
        if problems:
            raise PatrolError(f"Undo refused: {problems[0]}.")
        edit.delete()
