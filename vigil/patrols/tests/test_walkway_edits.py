"""A supervisor's walkway edits applied to the generated patrol graph: pure, exact walks."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from patrolopt.graph import Edge, PatrolGraph
from vigil.patrols.campus_graph import (
    ASSUMED_DETOUR,
    BICYCLE_MPS,
    VEHICLE_MPS,
    WALK_MPS,
    Cut,
    Edit,
    Place,
    SkippedEdit,
    build,
    walkway_key,
)


def _edge(graph: PatrolGraph, a: str, b: str) -> Edge:
    found = [e for e in graph.edges if {e.u, e.v} == {a, b}]
    assert len(found) == 1, f"walkway {a}–{b}: {len(found)} found"
    return found[0]


def _pairs(graph: PatrolGraph) -> set[tuple[str, str]]:
    return {walkway_key(e.u, e.v) for e in graph.edges}


# Building A, one floor: hallway H (0..30 × 0..4); restroom R north of its east end, restroom W
# north of its west end (they do not touch each other); classroom C, a passage, between them.
HALL = Place("H", "Hallway", "hallway", box(0, 0, 30, 4), "medium", building="A", level=0)
REST = Place("R", "Restroom", "restroom_student", box(24, 4, 30, 10), "high", building="A", level=0)
WEST = Place("W", "West restroom", "restroom_staff", box(0, 4, 6, 10), "low", building="A", level=0)
ROOM = Place("C", "Classroom", "classroom", box(10, 4, 20, 10), "low", building="A", level=0)
# A restroom in building B, 70 m east of the hallway: joined by an assumed walkway.
FAR = Place("F", "Far restroom", "restroom_student", box(100, 0, 104, 4), "high", building="B")
# Three areas that touch each other: H1–H2, H1–T and H2–T are all walkways (a triangle).
H1 = Place("H1", "Hall 1", "hallway", box(0, 0, 10, 4), "medium", building="A", level=0)
H2 = Place("H2", "Hall 2", "hallway", box(10, 0, 20, 4), "medium", building="A", level=0)
TOILET = Place("T", "Toilet", "restroom_student", box(8, 4, 12, 8), "high", building="A", level=0)


def test_without_edits_the_graph_is_as_generated() -> None:
    graph, report = build([H1, H2, TOILET], edits=())
    assert _pairs(graph) == {("H1", "H2"), ("H1", "T"), ("H2", "T")}
    assert (report.edited, report.removed, report.skipped, report.cuts) == ({}, [], [], [])


def test_a_removed_walkway_is_gone_and_the_rest_still_joins_its_ends() -> None:
    graph, report = build([H1, H2, TOILET], edits=[Edit("T", "H1", "remove")])
    assert _pairs(graph) == {("H1", "H2"), ("H2", "T")}
    assert report.removed == [("H1", "T")]
    assert report.cuts == []
    assert report.assumed == []


def test_a_removal_that_cuts_is_reported_and_never_joined_again() -> None:
    graph, report = build([HALL, REST], edits=[Edit("H", "R", "remove")])
    assert graph.edges == ()
    assert report.cuts == [Cut("H", "R", ("foot",))]
    assert report.assumed == []  # the only way to join them is the removed walkway


def test_after_a_cut_rule_5_joins_the_pieces_elsewhere_as_assumed() -> None:
    graph, report = build([HALL, REST, WEST], edits=[Edit("H", "R", "remove")])
    assert report.cuts == [Cut("H", "R", ("foot",))]
    # R is 18 m from W (24 - 6): the closest pair that is not the removed walkway.
    assert report.assumed == [("R", "W")]
    assert _pairs(graph) == {("H", "W"), ("R", "W")}
    assert _edge(graph, "R", "W").length_m == round(18 * ASSUMED_DETOUR + 1.0, 1)


def test_an_added_walkway_has_the_given_length_and_modes_and_replaces_the_assumed_one() -> None:
    edit = Edit("H", "F", "add", metres=90.0, modes=frozenset({"foot", "vehicle"}))
    graph, report = build([HALL, FAR], edits=[edit])
    edge = _edge(graph, "F", "H")
    assert edge.length_m == 90.0
    assert edge.travel_s == {
        "foot": pytest.approx(90 / WALK_MPS),
        "vehicle": pytest.approx(90 / VEHICLE_MPS),
    }
    assert report.assumed == []
    assert report.edited == {("F", "H"): "add"}


def test_an_added_walkway_without_a_length_is_the_straight_line_between_centres() -> None:
    graph, _ = build([HALL, FAR], edits=[Edit("F", "H", "add")])
    edge = _edge(graph, "F", "H")
    assert edge.length_m == 87.0  # (15, 2) → (102, 2)
    assert set(edge.travel_s) == {"foot"}


def test_a_changed_walkway_takes_the_new_length_and_modes() -> None:
    edit = Edit("R", "H", "change", metres=40.0, modes=frozenset({"foot", "bicycle"}))
    graph, report = build([HALL, REST], edits=[edit])
    edge = _edge(graph, "H", "R")
    assert edge.length_m == 40.0
    assert edge.travel_s == {
        "foot": pytest.approx(40 / WALK_MPS),
        "bicycle": pytest.approx(40 / BICYCLE_MPS),
    }
    assert report.edited == {("H", "R"): "change"}


def test_a_change_of_the_modes_only_keeps_the_generated_length() -> None:
    generated = _edge(build([HALL, REST])[0], "H", "R").length_m
    graph, _ = build([HALL, REST], edits=[Edit("H", "R", "change", modes=frozenset({"foot"}))])
    assert _edge(graph, "H", "R").length_m == generated


def test_closing_the_only_walkway_to_foot_is_a_cut() -> None:
    edit = Edit("H", "R", "change", modes=frozenset({"bicycle"}))
    graph, report = build([HALL, REST], edits=[edit])
    assert report.cuts == [Cut("H", "R", ("foot",))]
    assert set(_edge(graph, "H", "R").travel_s) == {"bicycle"}


def test_a_confirmed_assumed_walkway_is_kept_and_no_longer_assumed() -> None:
    _, before = build([HALL, FAR])
    assert before.assumed == [("F", "H")]
    graph, report = build([HALL, FAR], edits=[Edit("H", "F", "confirm")])
    assert report.assumed == []
    assert report.edited == {("F", "H"): "confirm"}
    assert _edge(graph, "F", "H").length_m == round(70 * ASSUMED_DETOUR + 1.0, 1)


def test_a_changed_assumed_walkway_is_no_longer_assumed() -> None:
    graph, report = build([HALL, FAR], edits=[Edit("F", "H", "change", metres=120.0)])
    assert report.assumed == []
    edge = _edge(graph, "F", "H")
    assert edge.length_m == 120.0
    assert set(edge.travel_s) == {"foot", "bicycle"}  # as rule 5 assumed it


def test_a_removed_assumed_walkway_is_assumed_elsewhere() -> None:
    graph, report = build([HALL, REST, FAR], edits=[Edit("F", "H", "remove")])
    # H and R are both 70 m from F; H comes first. Without H–F, R–F is assumed instead.
    _, plain = build([HALL, REST, FAR])
    assert plain.assumed == [("F", "H")]
    assert report.assumed == [("F", "R")]
    assert ("F", "H") not in _pairs(graph)
    assert report.cuts == []  # it was never a walkway of the map


def test_edits_of_stops_that_are_gone_are_skipped_and_reported() -> None:
    edits = [
        Edit("H", "area-99", "remove"),
        Edit("C", "H", "add", metres=5.0),
        Edit("H", "H", "add"),
    ]
    graph, report = build([HALL, REST, ROOM], edits=edits)
    assert graph == build([HALL, REST, ROOM])[0]
    assert report.skipped == [
        SkippedEdit("C", "H", "add", "Classroom is walked through, not a stop"),
        SkippedEdit("H", "H", "add", "both ends are the same stop"),
        SkippedEdit("H", "area-99", "remove", "there is no stop area-99 on the map any more"),
    ]


def test_an_offsite_point_whose_road_is_removed_is_cut_and_left_out() -> None:
    lot = Place("P", "Parking", "parking_lot", box(40, 0, 60, 20), "high")
    store = Place("X", "Corner store", "offsite", Point(300, 10), "medium")
    graph, report = build([lot, store], edits=[Edit("X", "P", "remove")])
    assert report.cuts == [Cut("P", "X", ("bicycle", "vehicle"))]
    assert report.isolated == ["X"]
    assert [n.id for n in graph.nodes] == ["P"]


def test_an_offsite_point_can_be_joined_by_an_added_walkway_on_foot() -> None:
    lot = Place("P", "Parking", "parking_lot", box(40, 0, 60, 20), "high")
    store = Place("X", "Corner store", "offsite", Point(300, 10), "medium")
    edit = Edit("P", "X", "change", modes=frozenset({"foot", "vehicle"}))
    graph, report = build([lot, store], edits=[edit])
    assert set(_edge(graph, "P", "X").travel_s) == {"foot", "vehicle"}
    assert report.cuts == [Cut("P", "X", ("bicycle",))]
