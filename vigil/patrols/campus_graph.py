"""A patrol graph from the knowledge base: areas and exterior doors become nodes, walkways edges.

Pure: it takes plain shapes in local metres (``Place``) and returns a ``patrolopt`` graph, so it
is tested without a database; ``vigil.patrols.graph_source`` reads the knowledge base into it.

How walkways are found, in order:
1. Indoors, two areas on the same level whose outlines touch (within ``TOUCH_M``) are joined;
   the walk goes from one area's centre through the middle of the shared edge to the other's.
2. Areas officers walk through but do not patrol (classrooms, offices) are passages, not
   nodes: a walkway between two patrolled areas may run through them (contracted away).
3. Stairways of one building on consecutive levels that overlap in plan are joined, costing
   ``FLOOR_CLIMB_M`` of walking per floor.
4. Each exterior door joins the nearest ground-floor area inside and the nearest outdoor areas
   (parking lots, fields, courtyards...) outside; doors of a building are joined around it.
5. Whatever is still in separate pieces is joined at the closest pair of nodes with a straight
   walk ``ASSUMED_DETOUR`` times longer, and the edge is marked as assumed so a supervisor
   checks it on the map.
6. Offsite points (off-campus parking, stores, fast food, hangouts) join the nearest outdoor
   node by road (straight line × ``ROAD_FACTOR``), by vehicle and bicycle only.
7. A supervisor's edits (``Edit``, stored as ``WalkwayEdit``) apply to what rules 1-4 and 6
   found, before rule 5 joins what is still apart: a removed walkway is gone and rule 5 never
   joins its two ends again; an added or changed one takes the length and modes given; a
   confirmed assumed walkway is kept as a walkway that exists. An edit naming a stop that no
   longer exists is skipped and reported. A removal that leaves its two ends with no other
   way between them is reported as a cut (the editor refuses such removals; a cut can still
   appear when the map changes later, and then rule 5 joins the pieces elsewhere).

Risk weights and deadlines come from the area's risk class; dwell (inspection) times from its
type. Both are defaults that the calendar and supervisors adjust.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from patrolopt.graph import MODES, Edge, Node, PatrolGraph

WALK_MPS = 1.3  # a patrol walk, checking as one goes
BICYCLE_MPS = 4.0
VEHICLE_MPS = 8.0  # on campus roads and lots, ~30 km/h
TOUCH_M = 1.5
FLOOR_CLIMB_M = 15.0
OUTDOOR_LINK_M = 120.0
ASSUMED_DETOUR = 1.4
ROAD_FACTOR = 1.4

# Area types an officer patrols; the others are passed through on the way.
PATROLLED_TYPES = frozenset(
    {
        "hallway",
        "stairway",
        "restroom_student",
        "restroom_staff",
        "locker_room",
        "storage",
        "custodial",
        "gym",
        "pool",
        "theater",
        "cafeteria",
        "courtyard",
        "parking_lot",
        "playing_field",
        "portable",
        "outbuilding",
        "other",
    }
)
OUTDOOR_TYPES = frozenset({"courtyard", "parking_lot", "playing_field", "portable", "outbuilding"})
VEHICLE_TYPES = frozenset({"parking_lot"})
OFFSITE_KINDS = frozenset({"offsite_parking", "store", "shop", "fast_food", "gathering_area"})

# Risk class → (weight, longest allowed gap between visits in seconds).
RISK_DEFAULTS: dict[str, tuple[float, float]] = {
    "high": (3.0, 20 * 60.0),
    "medium": (2.0, 45 * 60.0),
    "low": (1.0, 90 * 60.0),
}
# Seconds spent checking an area of a type (doors: try the handle, look at the frame).
DWELL_S: dict[str, float] = {
    "restroom_student": 60.0,
    "restroom_staff": 30.0,
    "locker_room": 90.0,
    "stairway": 20.0,
    "hallway": 20.0,
    "parking_lot": 120.0,
    "playing_field": 90.0,
    "portable": 60.0,
    "outbuilding": 60.0,
    "exterior_door": 15.0,
    "offsite": 180.0,
}
DEFAULT_DWELL_S = 30.0


@dataclass(frozen=True)
class Place:
    """An area, exterior door or offsite point, in metres east/north of the campus origin."""

    id: str
    label: str
    kind: str  # an area type, "exterior_door" or "offsite"
    shape: BaseGeometry
    risk: str = "low"
    building: str | None = None  # None: outdoors
    level: int | None = None


SPEED_MPS: dict[str, float] = {"foot": WALK_MPS, "bicycle": BICYCLE_MPS, "vehicle": VEHICLE_MPS}
MODE_WORDS: dict[str, str] = {"foot": "on foot", "bicycle": "by bicycle", "vehicle": "by vehicle"}
EDIT_ACTIONS = ("add", "remove", "change", "confirm")


def walkway_key(a: str, b: str) -> tuple[str, str]:
    """A walkway's two stops in the one order it is stored and reported in."""
    return (a, b) if a <= b else (b, a)


def pair_label(labels: dict[str, str], a: str, b: str) -> str:
    """A walkway as people read it: "Hallway ↔ Restroom" (a stop without a label by its id)."""
    return f"{labels.get(a, a)} ↔ {labels.get(b, b)}"


@dataclass(frozen=True)
class Edit:
    """A supervisor's edit of one walkway between stops ``a`` and ``b``.

    ``add``: a walkway exists here; ``remove``: it does not; ``change``: it exists with this
    length and/or these modes; ``confirm``: the assumed walkway exists as assumed. ``metres``
    None: the straight line between the centres (add) or unchanged (change); ``modes`` None:
    on foot (add) or unchanged (change).
    """

    a: str
    b: str
    action: str
    metres: float | None = None
    modes: frozenset[str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return walkway_key(self.a, self.b)


@dataclass(frozen=True)
class SkippedEdit:
    """An edit that could not be applied, and why (a stop of it no longer exists...)."""

    a: str
    b: str
    action: str
    reason: str


@dataclass(frozen=True)
class Cut:
    """A walkway removed, or closed to ``modes``, that was the only way between its two ends
    by those modes."""

    a: str
    b: str
    modes: tuple[str, ...]


@dataclass
class BuildReport:
    """What the builder decided that a person should check."""

    assumed: list[tuple[str, str]] = field(default_factory=list)
    isolated: list[str] = field(default_factory=list)
    # Walkways as a supervisor edited them: key → "add", "change" or "confirm".
    edited: dict[tuple[str, str], str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[SkippedEdit] = field(default_factory=list)
    cuts: list[Cut] = field(default_factory=list)


@dataclass(frozen=True)
class _Walk:
    a: str
    b: str
    metres: float
    outdoor: bool
    vehicle: bool = False


def _centre(place: Place) -> Point:
    """The centroid, or a point inside when the centroid falls outside (an L-shaped hall)."""
    centroid: Point = place.shape.centroid
    if place.shape.covers(centroid):
        return centroid
    inside: Point = place.shape.representative_point()
    return inside


def _via(a: Place, b: Place) -> float:
    """Centre of ``a`` → middle of the shared boundary → centre of ``b``."""
    shared = a.shape.buffer(TOUCH_M).intersection(b.shape.buffer(TOUCH_M))
    middle: Point = shared.centroid
    return float(_centre(a).distance(middle) + middle.distance(_centre(b)))


def _indoor_walks(places: Sequence[Place]) -> list[_Walk]:
    walks: list[_Walk] = []
    by_level: dict[tuple[str, int | None], list[Place]] = {}
    for place in places:
        if place.building is not None and place.kind != "exterior_door":
            by_level.setdefault((place.building, place.level), []).append(place)
    for level_places in by_level.values():
        for i, a in enumerate(level_places):
            for b in level_places[i + 1 :]:
                if a.shape.distance(b.shape) <= TOUCH_M:
                    walks.append(_Walk(a.id, b.id, _via(a, b), outdoor=False))
    stairs = [p for p in places if p.kind == "stairway" and p.level is not None]
    for a in stairs:
        for b in stairs:
            if (
                a.building == b.building
                and a.level is not None
                and b.level == a.level + 1
                and a.shape.intersects(b.shape)
            ):
                walks.append(_Walk(a.id, b.id, FLOOR_CLIMB_M, outdoor=False))
    return walks


def _door_walks(places: Sequence[Place]) -> list[_Walk]:
    walks: list[_Walk] = []
    doors = [p for p in places if p.kind == "exterior_door"]
    inside = [p for p in places if p.building is not None and p.kind != "exterior_door"]
    outside = [p for p in places if p.building is None and p.kind in OUTDOOR_TYPES]
    for door in doors:
        ground = [p for p in inside if p.building == door.building and (p.level or 0) == 0]
        if ground:
            room = min(ground, key=lambda p: p.shape.distance(door.shape))
            walks.append(_Walk(door.id, room.id, _centre(room).distance(door.shape), outdoor=False))
        near = sorted(outside, key=lambda p: p.shape.distance(door.shape))[:2]
        for area in near:
            if area.shape.distance(door.shape) <= OUTDOOR_LINK_M:
                walks.append(
                    _Walk(door.id, area.id, _centre(area).distance(door.shape), outdoor=True)
                )
    by_building: dict[str | None, list[Place]] = {}
    for door in doors:
        by_building.setdefault(door.building, []).append(door)
    for ring in by_building.values():
        # Around the building: each door to its nearest neighbour on either side of the ring.
        for door in ring:
            others = sorted(
                (d for d in ring if d.id != door.id), key=lambda d: d.shape.distance(door.shape)
            )
            for other in others[:2]:
                walks.append(
                    _Walk(door.id, other.id, door.shape.distance(other.shape), outdoor=True)
                )
    for i, a in enumerate(outside):
        for b in outside[i + 1 :]:
            gap = a.shape.distance(b.shape)
            if gap <= OUTDOOR_LINK_M:
                vehicle = a.kind in VEHICLE_TYPES and b.kind in VEHICLE_TYPES
                metres = _centre(a).distance(_centre(b))
                walks.append(_Walk(a.id, b.id, metres, outdoor=True, vehicle=vehicle))
    return walks


def _contract(walks: Iterable[_Walk], patrolled: set[str]) -> dict[tuple[str, str], _Walk]:
    """Shortest walks between patrolled places whose inner stops are all passages."""
    adjacency: dict[str, list[_Walk]] = {}
    for walk in walks:
        adjacency.setdefault(walk.a, []).append(walk)
        back = _Walk(walk.b, walk.a, walk.metres, walk.outdoor, walk.vehicle)
        adjacency.setdefault(walk.b, []).append(back)
    best: dict[tuple[str, str], _Walk] = {}
    for source in sorted(patrolled & adjacency.keys()):
        distance = {source: 0.0}
        outdoor = {source: True}
        vehicle = {source: True}
        queue = [(0.0, source)]
        while queue:
            d, here = heapq.heappop(queue)
            if d > distance[here]:
                continue
            if here != source and here in patrolled:
                key = (min(source, here), max(source, here))
                if key not in best or d < best[key].metres:
                    best[key] = _Walk(key[0], key[1], d, outdoor[here], vehicle[here])
                continue  # a patrolled place ends the walk: it is a node of its own
            for walk in adjacency.get(here, []):
                nd = d + walk.metres
                if nd < distance.get(walk.b, math.inf):
                    distance[walk.b] = nd
                    outdoor[walk.b] = outdoor[here] and walk.outdoor
                    vehicle[walk.b] = vehicle[here] and walk.vehicle
                    heapq.heappush(queue, (nd, walk.b))
    return best


def _components(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    parent = {n: n for n in nodes}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for n in nodes:
        groups.setdefault(find(n), set()).add(n)
    return sorted(groups.values(), key=lambda g: (-len(g), min(g)))


@dataclass(frozen=True)
class _Link:
    """A walkway as it goes into the graph: its length and the modes it is open to."""

    metres: float
    modes: frozenset[str]


def _modes(walk: _Walk) -> frozenset[str]:
    return frozenset(
        {"foot"}
        | ({"bicycle"} if walk.outdoor else set())
        | ({"vehicle"} if walk.vehicle else set())
    )


def _travel(link: _Link) -> dict[str, float]:
    return {mode: max(link.metres, 1.0) / SPEED_MPS[mode] for mode in MODES if mode in link.modes}


def _assumed(a: Place, b: Place) -> _Link:
    """Rule 5's walk between two places: the straight gap, longer by the usual detour."""
    return _Link(a.shape.distance(b.shape) * ASSUMED_DETOUR + 1.0, frozenset({"foot", "bicycle"}))


def _node(place: Place) -> Node:
    weight, gap = RISK_DEFAULTS.get(place.risk, RISK_DEFAULTS["low"])
    centre = _centre(place)
    return Node(
        id=place.id,
        label=place.label,
        risk=weight,
        max_gap_s=gap,
        dwell_s=DWELL_S.get(place.kind, DEFAULT_DWELL_S),
        x=round(centre.x, 2),
        y=round(centre.y, 2),
    )


def _skip_reason(edit: Edit, stops: set[str], by_id: dict[str, Place]) -> str:
    if edit.action not in EDIT_ACTIONS:
        return f"unknown action {edit.action!r}"
    if edit.a == edit.b:
        return "both ends are the same stop"
    for node in edit.key:
        if node in by_id and node not in stops:
            return f"{by_id[node].label} is walked through, not a stop"
        if node not in stops:
            return f"there is no stop {node} on the map any more"
    return ""


def _apply(
    edits: Iterable[Edit],
    links: dict[tuple[str, str], _Link],
    stops: set[str],
    by_id: dict[str, Place],
    report: BuildReport,
) -> set[tuple[str, str]]:
    """Apply ``edits`` to ``links`` in place; the pairs removed, which rule 5 must not join."""
    removed: set[tuple[str, str]] = set()
    for edit in sorted(edits, key=lambda e: e.key):
        key = edit.key
        reason = _skip_reason(edit, stops, by_id)
        if reason:
            report.skipped.append(SkippedEdit(key[0], key[1], edit.action, reason))
            continue
        if edit.action == "remove":
            links.pop(key, None)
            removed.add(key)
            report.removed.append(key)
            continue
        a, b = by_id[key[0]], by_id[key[1]]
        # Assumed walkways come from rule 5, after the edits: an edit of one pins it as rule 5
        # makes it (the same length and modes), so it stays when the map changes later.
        current = links.get(key) or _assumed(a, b)
        if edit.action == "add":
            straight = float(_centre(a).distance(_centre(b)))
            link = _Link(
                straight if edit.metres is None else edit.metres,
                edit.modes or frozenset({"foot"}),
            )
        elif edit.action == "change":
            link = _Link(
                current.metres if edit.metres is None else edit.metres,
                edit.modes or current.modes,
            )
        else:  # confirm
            link = current
        links[key] = link
        report.edited[key] = edit.action
    return removed


def _cuts(
    generated: dict[tuple[str, str], _Link], links: dict[tuple[str, str], _Link], stops: set[str]
) -> list[Cut]:
    """Generated walkways removed or closed to a mode whose two ends nothing else joins by it."""
    lost = {
        key: link.modes - (links[key].modes if key in links else frozenset())
        for key, link in generated.items()
    }
    lost = {key: modes for key, modes in lost.items() if modes}
    if not lost:
        return []
    nodes = sorted(stops)
    piece_of: dict[str, dict[str, int]] = {}
    for mode in MODES:
        if any(mode in modes for modes in lost.values()):
            pieces = _components(nodes, [k for k, link in links.items() if mode in link.modes])
            piece_of[mode] = {n: i for i, piece in enumerate(pieces) for n in piece}
    cuts = []
    for (a, b), modes in sorted(lost.items()):
        apart = tuple(m for m in MODES if m in modes and piece_of[m][a] != piece_of[m][b])
        if apart:
            cuts.append(Cut(a, b, apart))
    return cuts


def build(
    places: Sequence[Place], *, name: str = "campus", edits: Iterable[Edit] = ()
) -> tuple[PatrolGraph, BuildReport]:
    """The patrol graph of ``places`` with a supervisor's ``edits``, and what a person should
    check in it."""
    report = BuildReport()
    by_id = {p.id: p for p in places}
    onsite = [p for p in places if p.kind != "offsite"]
    patrolled = {p.id for p in onsite if p.kind in PATROLLED_TYPES or p.kind == "exterior_door"}
    walks = _indoor_walks(onsite) + _door_walks(onsite)
    links = {key: _Link(w.metres, _modes(w)) for key, w in _contract(walks, patrolled).items()}
    nodes = sorted(patrolled)

    # Rule 6: offsite points by road from the nearest lot (or outdoor stop).
    offsite = [p for p in places if p.kind == "offsite"]
    outdoor_nodes = [by_id[n] for n in nodes if by_id[n].building is None]
    anchors = [p for p in outdoor_nodes if p.kind in VEHICLE_TYPES] or outdoor_nodes
    for place in offsite if anchors else []:
        anchor = min(anchors, key=lambda p: p.shape.distance(place.shape))
        metres = anchor.shape.distance(place.shape) * ROAD_FACTOR + 10.0
        links[walkway_key(anchor.id, place.id)] = _Link(metres, frozenset({"vehicle", "bicycle"}))

    # Rule 7: the supervisor's edits.
    stops = patrolled | {p.id for p in offsite}
    generated = dict(links)
    removed = _apply(edits, links, stops, by_id, report)
    report.cuts = _cuts(generated, links, stops)

    # Rule 5: join what is still apart on foot, never across a removed walkway.
    def on_foot() -> list[set[str]]:
        return _components(
            nodes,
            (
                k
                for k, link in links.items()
                if "foot" in link.modes and k[0] in patrolled and k[1] in patrolled
            ),
        )

    pieces = on_foot()
    while len(pieces) > 1:
        main, rest = pieces[0], pieces[1:]
        closest = min(
            (
                (x, y, by_id[x].shape.distance(by_id[y].shape))
                for piece in rest
                for x in main
                for y in piece
                if walkway_key(x, y) not in links and walkway_key(x, y) not in removed
            ),
            key=lambda t: (t[2], t[0], t[1]),
            default=None,
        )
        if closest is None:
            break  # every way between the pieces was removed: the cut says so
        key = walkway_key(closest[0], closest[1])
        links[key] = _assumed(by_id[key[0]], by_id[key[1]])
        report.assumed.append(key)
        pieces = on_foot()

    # Offsite points no walkway reaches from the campus are left out.
    reached = _components(sorted(stops), links)
    kept = {n for piece in reached if piece & patrolled for n in piece}
    report.isolated = [p.id for p in offsite if p.id not in kept]
    edges = [
        Edge(a, b, length_m=round(link.metres, 1), travel_s=_travel(link))
        for (a, b), link in links.items()
        if a in kept and b in kept
    ]
    graph_nodes = [_node(by_id[n]) for n in nodes]
    graph_nodes += [_node(p) for p in offsite if p.id in kept]
    return PatrolGraph(nodes=tuple(graph_nodes), edges=tuple(edges), name=name), report
