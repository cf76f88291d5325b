"""The patrol graph built from the knowledge base: pure cases with exact walks, then the demo."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from shapely.geometry import Point, box

from patrolopt.errors import InfeasibleError
from patrolopt.graph import PatrolGraph
from patrolopt.io import read_json_graph
from patrolopt.problem import Officer, Problem
from patrolopt.solver import solve
from patrolopt.validate import validate_plan
from vigil.patrols.campus_graph import (
    ASSUMED_DETOUR,
    FLOOR_CLIMB_M,
    RISK_DEFAULTS,
    WALK_MPS,
    Place,
    build,
)
from vigil.patrols.graph_source import campus_graph
from vigil.sites.models import School


def _edge(graph: PatrolGraph, a: str, b: str) -> float:
    for edge in graph.edges:
        if {edge.u, edge.v} == {a, b}:
            return edge.length_m
    raise AssertionError(f"no walkway {a}–{b}")


def _has(graph: PatrolGraph, a: str, b: str) -> bool:
    return any({e.u, e.v} == {a, b} for e in graph.edges)


# One building: hallway H (0..30 x 0..4) with restroom R north of its east end and classroom C
# north of its west end; a second restroom R2 reachable only through the classroom.
HALL = Place("H", "Hallway", "hallway", box(0, 0, 30, 4), "medium", building="A", level=0)
REST = Place("R", "Restroom", "restroom_student", box(24, 4, 30, 10), "high", building="A", level=0)
ROOM = Place("C", "Classroom", "classroom", box(0, 4, 10, 12), "low", building="A", level=0)
REST2 = Place("R2", "Restroom 2", "restroom_staff", box(0, 12, 4, 16), "low", building="A", level=0)


def test_touching_areas_are_joined_through_the_middle_of_their_shared_edge() -> None:
    graph, report = build([HALL, REST])
    # H's centre (15, 2) → shared edge midpoint (27, 4) → R's centre (27, 7).
    expected = ((12**2 + 2**2) ** 0.5) + 3.0
    assert _edge(graph, "H", "R") == pytest.approx(expected, abs=0.2)
    assert report.assumed == []
    edge = graph.edges[0]
    assert edge.travel_s == {"foot": pytest.approx(expected / WALK_MPS, rel=1e-2)}


def test_passages_are_contracted_and_never_become_nodes() -> None:
    graph, _ = build([HALL, REST, ROOM, REST2])
    assert {n.id for n in graph.nodes} == {"H", "R", "R2"}
    assert _has(graph, "H", "R2")  # through the classroom
    assert not _has(graph, "R", "R2")  # that walk passes the hallway, a node of its own


def test_risk_class_sets_weight_and_deadline() -> None:
    graph, _ = build([HALL, REST])
    by_id = {n.id: n for n in graph.nodes}
    assert (by_id["R"].risk, by_id["R"].max_gap_s) == RISK_DEFAULTS["high"]
    assert (by_id["H"].risk, by_id["H"].max_gap_s) == RISK_DEFAULTS["medium"]
    assert by_id["R"].dwell_s == 60.0


def test_stairways_join_consecutive_floors() -> None:
    down = Place("S0", "Stair 0", "stairway", box(0, 0, 4, 4), "medium", building="A", level=0)
    up = Place("S1", "Stair 1", "stairway", box(0, 0, 4, 4), "medium", building="A", level=1)
    graph, report = build([down, up])
    assert _edge(graph, "S0", "S1") == FLOOR_CLIMB_M
    assert report.assumed == []


def test_doors_join_inside_and_outside_and_lots_allow_vehicles() -> None:
    door = Place("D1", "Door 1", "exterior_door", Point(30, 2), building="A", level=0)
    lot = Place("P", "Parking", "parking_lot", box(40, 0, 60, 20), "high")
    lot2 = Place("P2", "Bus loop", "parking_lot", box(40, 25, 60, 35), "high")
    graph, report = build([HALL, door, lot, lot2])
    assert _has(graph, "D1", "H")
    assert _has(graph, "D1", "P")
    assert report.assumed == []
    lots = next(e for e in graph.edges if {e.u, e.v} == {"P", "P2"})
    assert set(lots.travel_s) == {"foot", "bicycle", "vehicle"}
    inside = next(e for e in graph.edges if {e.u, e.v} == {"D1", "H"})
    assert set(inside.travel_s) == {"foot"}


def test_separate_pieces_are_joined_by_an_assumed_walkway() -> None:
    far = Place("F", "Far restroom", "restroom_student", box(100, 0, 104, 4), "high", building="B")
    graph, report = build([HALL, far])
    assert report.assumed == [("F", "H")]
    assert _edge(graph, "F", "H") == pytest.approx(round(70 * ASSUMED_DETOUR + 1.0, 1))


def test_offsite_points_are_reached_by_vehicle_and_bicycle_only() -> None:
    lot = Place("P", "Parking", "parking_lot", box(40, 0, 60, 20), "high")
    store = Place("X", "Corner store", "offsite", Point(300, 10), "medium")
    graph, _ = build([lot, store])
    edge = next(e for e in graph.edges if "X" in (e.u, e.v))
    assert set(edge.travel_s) == {"vehicle", "bicycle"}


@pytest.mark.django_db
def test_every_demo_campus_builds_one_connected_graph_with_every_exterior_door() -> None:
    from vigil.sites.choices import AssetKind
    from vigil.sites.models import Asset

    for school in School.objects.all():
        graph, _ = campus_graph(school)
        ids = {n.id for n in graph.nodes}
        doors = Asset.objects.filter(school=school, kind=AssetKind.EXTERIOR_DOOR).exclude(
            location=None
        )
        assert {f"door-{d.pk}" for d in doors} <= ids, school.slug
        assert graph.nodes
        assert graph.edges


@pytest.mark.django_db
def test_a_foot_plan_of_one_building_keeps_every_deadline() -> None:
    school = School.objects.get(slug="cedar-hollow-hs")
    main = school.buildings.get(name="Main Building")
    graph, report = campus_graph(school, building=main)
    assert report.assumed == []
    assert all(n.id.startswith(("area-", "door-")) for n in graph.nodes)
    problem = Problem(graph=graph, officers=(Officer("o1"),), horizon_s=4 * 3600)
    plan = solve(problem, seed=7)
    assert validate_plan(problem, plan) == []


@pytest.mark.django_db
def test_the_whole_high_school_is_too_big_for_two_officers_and_says_where() -> None:
    graph, _ = campus_graph(School.objects.get(slug="cedar-hollow-hs"), offsite=False)
    problem = Problem(graph=graph, officers=(Officer("o1"), Officer("o2")), horizon_s=4 * 3600)
    with pytest.raises(InfeasibleError, match=r"^node area-\d+: max gap \d+ s is shorter"):
        solve(problem, seed=7)


@pytest.mark.django_db
def test_command_prints_the_graph_and_writes_patrolopt_json(tmp_path: Path) -> None:
    out = StringIO()
    target = tmp_path / "graph.json"
    call_command(
        "patrols", "graph", "--school", "juniper-ridge-ms", "--out", str(target), stdout=out
    )
    text = out.getvalue()
    graph = read_json_graph(target)
    assert text.startswith(f"Juniper Ridge Middle School: {len(graph.nodes)} nodes (")
    assert json.loads(target.read_text())["nodes"]
