"""Bad input raises an error that names the node or edge."""

from __future__ import annotations

import pytest

from patrolopt.errors import GraphError, InfeasibleError
from patrolopt.graph import Edge, Node, PatrolGraph
from patrolopt.model import prepare
from patrolopt.problem import FixedPost, Officer, Problem


def line(max_gap: float | None = None) -> PatrolGraph:
    nodes = (Node("a"), Node("b", max_gap_s=max_gap), Node("c"))
    edges = (Edge("a", "b", 10.0, {"foot": 10.0}), Edge("b", "c", 20.0, {"foot": 20.0}))
    return PatrolGraph(nodes=nodes, edges=edges)


def test_disconnected_graph_names_node() -> None:
    graph = PatrolGraph(
        nodes=(Node("a"), Node("b"), Node("lost")), edges=(Edge("a", "b", 1.0, {"foot": 1.0}),)
    )
    with pytest.raises(GraphError, match="node lost cannot be reached") as info:
        Problem(graph, (Officer("o"),), horizon_s=100)
    assert info.value.node == "lost"


def test_mode_without_edges_is_disconnected() -> None:
    graph = PatrolGraph(nodes=(Node("a"), Node("b")), edges=(Edge("a", "b", 1.0, {"foot": 1.0}),))
    with pytest.raises(GraphError, match="disconnected for vehicle") as info:
        Problem(graph, (Officer("o", mode="vehicle"),), horizon_s=100)
    assert info.value.node == "b"


def test_deadline_shorter_than_round_trip_names_node() -> None:
    with pytest.raises(GraphError, match="node b: max gap 15 s is shorter") as info:
        Problem(line(max_gap=15.0), (Officer("o"),), horizon_s=100)
    assert info.value.node == "b"


def test_negative_travel_time_names_edge() -> None:
    with pytest.raises(GraphError, match="edge a-b") as info:
        Edge("a", "b", 5.0, {"foot": -3.0})
    assert info.value.edge == ("a", "b")


def test_edge_to_unknown_node_names_it() -> None:
    with pytest.raises(GraphError, match="unknown node zz") as info:
        PatrolGraph(nodes=(Node("a"),), edges=(Edge("a", "zz", 1.0, {"foot": 1.0}),))
    assert info.value.node == "zz"
    assert info.value.edge == ("a", "zz")


def test_unknown_node_in_fixed_post_names_it() -> None:
    post = FixedPost("o", "cafeteria", 10.0, 20.0)
    with pytest.raises(GraphError, match="fixed post at unknown node cafeteria") as info:
        Problem(line(), (Officer("o"),), horizon_s=100, fixed_posts=(post,))
    assert info.value.node == "cafeteria"


def test_unknown_start_names_node() -> None:
    with pytest.raises(GraphError, match="unknown node x") as info:
        Problem(line(), (Officer("o", start="x"),), horizon_s=100)
    assert info.value.node == "x"


def test_deadline_below_tour_names_node() -> None:
    # The tour a-b-c-b-a takes 60 s; a 50 s limit at b is feasible for a round trip (20 s)
    # but not for one officer who must also cover a and c.
    problem = Problem(line(max_gap=50.0), (Officer("o"),), horizon_s=100)
    with pytest.raises(InfeasibleError, match="node b") as info:
        prepare(problem)
    assert info.value.node == "b"


def test_duplicate_node_names_it() -> None:
    with pytest.raises(GraphError, match="node a is defined twice"):
        PatrolGraph(nodes=(Node("a"), Node("a")), edges=())
