"""Readers parse every shipped map; the JSON format round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from patrolopt.errors import GraphError
from patrolopt.graph import PatrolGraph
from patrolopt.io import load_graph, read_json_graph, read_patrolling_sim, write_json_graph
from patrolopt.tests.conftest import MAP_DIR

# (file, vertices, undirected edges, sum of edge lengths in metres) from the maps' README.
SHIPPED = [
    ("1r5/1r5.graph", 12, 11, 42.5),
    ("grid/grid.graph", 25, 40, 228.0),
    ("example/example.graph", 29, 34, 264.0),
    ("DIAG_labs/DIAG_labs.graph", 27, 26, 77.5),
    ("cumberland/cumberland.graph", 40, 44, 250.9),
    ("DIAG_floor1/DIAG_floor1.graph", 60, 63, 243.4),
    ("broughton/broughton.graph", 163, 186, 832.1),
    ("ctcv/ctcv.graph", 18, 17, 59.8),
    ("legacy_v1_2014/cumberland_v1_66nodes.graph", 66, 66, 271.6),
    ("legacy_v1_2014/example_v1_34nodes.graph", 34, 39, 261.6),
]


@pytest.mark.parametrize(("path", "n", "edges", "metres"), SHIPPED)
def test_reader_parses_shipped_map(path: str, n: int, edges: int, metres: float) -> None:
    graph = read_patrolling_sim(MAP_DIR / path)
    assert graph.n == n
    assert len(graph.edges) == edges
    assert sum(e.length_m for e in graph.edges) == pytest.approx(metres, abs=0.051)


def test_reader_keeps_shorter_of_asymmetric_costs() -> None:
    graph = read_patrolling_sim(MAP_DIR / "move_base_arena/move_base_arena.graph")
    assert graph.n == 14
    assert len(graph.edges) == 22
    edge = next(e for e in graph.edges if (e.u, e.v) == ("3", "12"))
    res = 0.05  # move_base_arena resolution
    assert edge.length_m == pytest.approx(49 * res)


def test_every_graph_file_is_read() -> None:
    files = sorted(MAP_DIR.glob("**/*.graph"))
    assert len(files) == 11
    for path in files:
        assert read_patrolling_sim(path).n > 0


def test_travel_time_follows_speed() -> None:
    graph = read_patrolling_sim(MAP_DIR / "grid/grid.graph", speed_mps=0.5)
    assert graph.edges[0].travel_s["foot"] == pytest.approx(11.4)


def test_json_round_trip(campus: PatrolGraph, tmp_path: Path) -> None:
    path = tmp_path / "campus.json"
    write_json_graph(campus, path)
    assert read_json_graph(path) == campus
    assert load_graph(path) == campus


def test_truncated_graph_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.graph"
    path.write_text("3\n10\n10\n0.1\n0\n0\n0\n1\n1\n1\n1\nE\n5\n")
    with pytest.raises(GraphError, match="not a patrolling_sim graph"):
        read_patrolling_sim(path)
