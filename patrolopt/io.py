"""Readers and writers for patrol graphs.

Problem: the multi-robot patrolling literature publishes its benchmark maps in the
``patrolling_sim`` ``.graph`` format (Portugal & Rocha 2016, "Cooperative multi-robot patrol
with Bayesian learning", Autonomous Robots 40(5)); Vigil stores campuses in its own JSON
format that also carries risk, deadlines, dwell, windows and hot-spot rules.  This module
reads both and writes the JSON format.

``.graph`` format: whitespace-separated tokens; a header ``N WIDTH HEIGHT RES [OFFSET_X
OFFSET_Y]`` (the offsets are missing in the 2014 legacy files), then per vertex ``ID X Y K``
followed by ``K`` triples ``NEIGHBOUR DIRECTION COST`` with ``COST`` in pixels (metres =
``COST * RES``).  Edges are listed from both ends; where the two costs differ
(``move_base_arena`` 3-12) or an edge is listed twice (``example`` 14-16) the shorter length
is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from patrolopt.errors import GraphError
from patrolopt.graph import Edge, HotspotRule, Node, PatrolGraph, TimeWindow

__all__ = [
    "graph_from_json",
    "graph_to_json",
    "load_graph",
    "read_json_graph",
    "read_patrolling_sim",
    "write_json_graph",
]


def _parse_vertices(
    tokens: list[str], start: int, n: int
) -> list[tuple[int, float, float, list[tuple[int, float]]]] | None:
    """Parse ``n`` vertex records from ``tokens[start:]``; ``None`` if they do not fit."""
    vertices: list[tuple[int, float, float, list[tuple[int, float]]]] = []
    pos = start
    try:
        for expected in range(n):
            vid, x, y, k = (
                int(tokens[pos]),
                float(tokens[pos + 1]),
                float(tokens[pos + 2]),
                int(tokens[pos + 3]),
            )
            if vid != expected or k < 0:
                return None
            pos += 4
            nbrs = []
            for _ in range(k):
                nbrs.append((int(tokens[pos]), float(tokens[pos + 2])))
                pos += 3
            vertices.append((vid, x, y, nbrs))
    except (IndexError, ValueError):
        return None
    return vertices if pos == len(tokens) else None


def read_patrolling_sim(
    path: str | Path, *, speed_mps: float = 1.0, name: str | None = None
) -> PatrolGraph:
    """Read a ``patrolling_sim`` ``.graph`` file.

    Parameters
    ----------
    path : str or Path
        The ``.graph`` file (current 6-value header or the 2014 4-value header).
    speed_mps : float
        Walking speed; travel time of an edge is ``length / speed_mps`` for mode ``foot``.
    name : str, optional
        Map name; defaults to the file stem.

    Returns
    -------
    PatrolGraph
        Nodes ``"0"..."N-1"`` with unit risk, no deadlines and zero dwell.

    Raises
    ------
    GraphError
        If the file does not follow the format or an edge names an unknown vertex.
    """
    path = Path(path)
    tokens = path.read_text().split()
    if not tokens:
        raise GraphError(f"{path}: empty graph file")
    n = int(tokens[0])
    for header in (6, 4):
        vertices = _parse_vertices(tokens, header, n)
        if vertices is not None:
            break
    else:
        raise GraphError(f"{path}: not a patrolling_sim graph with {n} vertices")
    res = float(tokens[3])
    off_x, off_y = (float(tokens[4]), float(tokens[5])) if header == 6 else (0.0, 0.0)
    nodes = tuple(
        Node(id=str(vid), x=x * res + off_x, y=y * res + off_y) for vid, x, y, _ in vertices
    )
    lengths: dict[tuple[int, int], float] = {}
    for vid, _, _, nbrs in vertices:
        for other, cost in nbrs:
            if not 0 <= other < n:
                raise GraphError(
                    f"{path}: vertex {vid} lists unknown neighbour {other}",
                    node=str(other),
                    edge=(str(vid), str(other)),
                )
            key = (min(vid, other), max(vid, other))
            metres = cost * res
            lengths[key] = min(lengths.get(key, metres), metres)
    edges = tuple(
        Edge(str(u), str(v), length_m=m, travel_s={"foot": m / speed_mps})
        for (u, v), m in sorted(lengths.items())
    )
    return PatrolGraph(nodes=nodes, edges=edges, name=name or path.stem)


def _node_from_json(raw: dict[str, Any]) -> Node:
    hotspot = raw.get("hotspot")
    return Node(
        id=str(raw["id"]),
        label=str(raw.get("label", "")),
        risk=float(raw.get("risk", 1.0)),
        max_gap_s=None if raw.get("max_gap_s") is None else float(raw["max_gap_s"]),
        dwell_s=float(raw.get("dwell_s", 0.0)),
        windows=tuple(TimeWindow(float(a), float(b)) for a, b in raw.get("windows", [])),
        hotspot=None
        if hotspot is None
        else HotspotRule(**{k: float(v) for k, v in hotspot.items()}),
        x=float(raw.get("x", 0.0)),
        y=float(raw.get("y", 0.0)),
    )


def read_json_graph(path: str | Path) -> PatrolGraph:
    """Read Vigil's JSON graph format (see :func:`write_json_graph`).

    Raises
    ------
    GraphError
        If a node or edge is invalid; the message names it.
    """
    path = Path(path)
    return graph_from_json(json.loads(path.read_text()), where=str(path), name=path.stem)


def graph_from_json(data: dict[str, Any], *, where: str = "graph", name: str = "") -> PatrolGraph:
    """Build a graph from the dictionary :func:`graph_to_json` makes."""
    try:
        nodes = tuple(_node_from_json(raw) for raw in data["nodes"])
        edges = tuple(
            Edge(
                str(raw["u"]),
                str(raw["v"]),
                length_m=float(raw.get("length_m", 0.0)),
                travel_s={str(k): float(v) for k, v in raw["travel_s"].items()},
            )
            for raw in data["edges"]
        )
    except KeyError as exc:
        raise GraphError(f"{where}: missing field {exc}") from exc
    return PatrolGraph(nodes=nodes, edges=edges, name=str(data.get("name", name)))


def graph_to_json(graph: PatrolGraph) -> dict[str, Any]:
    """Return the JSON-ready dictionary of ``graph``."""
    nodes = []
    for node in graph.nodes:
        raw: dict[str, Any] = {
            "id": node.id,
            "label": node.label,
            "risk": node.risk,
            "max_gap_s": node.max_gap_s,
            "dwell_s": node.dwell_s,
            "windows": [[w.start_s, w.end_s] for w in node.windows],
            "x": node.x,
            "y": node.y,
        }
        if node.hotspot is not None:
            raw["hotspot"] = {
                "min_dwell_s": node.hotspot.min_dwell_s,
                "max_dwell_s": node.hotspot.max_dwell_s,
                "every_s": node.hotspot.every_s,
            }
        nodes.append(raw)
    edges = [
        {"u": e.u, "v": e.v, "length_m": e.length_m, "travel_s": dict(e.travel_s)}
        for e in graph.edges
    ]
    return {"name": graph.name, "nodes": nodes, "edges": edges}


def write_json_graph(graph: PatrolGraph, path: str | Path) -> None:
    """Write ``graph`` in Vigil's JSON format (readable by :func:`read_json_graph`)."""
    Path(path).write_text(json.dumps(graph_to_json(graph), indent=1) + "\n")


def load_graph(path: str | Path, *, speed_mps: float = 1.0) -> PatrolGraph:
    """Read ``path`` as JSON (``.json``) or as a ``patrolling_sim`` graph (anything else)."""
    path = Path(path)
    if path.suffix == ".json":
        return read_json_graph(path)
    return read_patrolling_sim(path, speed_mps=speed_mps)
