"""Synthetic school campuses for tests and benchmarks (seeded).

Problem: the public patrol benchmarks are robot maps with unit risk and no rules; a school
campus has buildings with corridors, outdoor paths, high-risk spots (restrooms, stairwells,
the parking lot), deadlines on them, inspection times, a cafeteria patrolled only at lunch,
a gym patrolled only after school and a hot spot with a stay rule.  :func:`generate_campus`
builds such a campus of about 40, 150 or 300 nodes from a seed (``numpy.random.Generator``),
walking at 1.3 m/s.

Layout: ``b`` buildings on a row, each a rectangular grid of corridor checkpoints (10-14 m
apart), joined by outdoor paths between neighbouring buildings' doors and a parking lot
reachable by foot and vehicle.  Risk: 1 for corridors, 2-4 for restrooms and stairwells.
Deadlines: high-risk nodes must be visited every ``1.1 x`` the single-officer tour period
(so the rule binds the default cap of 1.25 yet stays feasible for one officer).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from patrolopt.graph import Edge, HotspotRule, Node, PatrolGraph, TimeWindow
from patrolopt.tour import optimal_tour

__all__ = ["CAMPUS_SIZES", "WALK_MPS", "generate_campus"]

WALK_MPS = 1.3
#: Buildings and floor grid (rows, columns) per campus size.
CAMPUS_SIZES: dict[str, tuple[int, int, int]] = {
    "small": (2, 4, 5),  # 40 nodes
    "medium": (5, 5, 6),  # 150 nodes
    "large": (10, 5, 6),  # 300 nodes
}


def _edge(a: Node, b: Node, extra: float = 0.0, *, vehicle: bool = False) -> Edge:
    metres = float(np.hypot(a.x - b.x, a.y - b.y)) + extra
    travel = {"foot": metres / WALK_MPS, "bicycle": metres / 4.0}
    if vehicle:
        travel["vehicle"] = metres / 8.0
    return Edge(a.id, b.id, length_m=metres, travel_s=travel)


def generate_campus(size: str, *, seed: int) -> PatrolGraph:
    """Generate the ``size`` campus ("small", "medium" or "large") from ``seed``.

    Returns
    -------
    PatrolGraph
        Node ids ``B<b>-<r>-<c>`` for corridor checkpoints; the last node is the parking lot.
    """
    buildings, rows, cols = CAMPUS_SIZES[size]
    rng = np.random.default_rng(seed)
    nodes: list[Node] = []
    edges: list[Edge] = []
    grid: dict[tuple[int, int, int], Node] = {}
    for b in range(buildings):
        spacing = float(rng.uniform(10.0, 14.0))
        x0 = b * (cols * spacing + 40.0)
        for r in range(rows):
            for c in range(cols):
                kind = rng.choice(["corridor", "restroom", "stairwell"], p=[0.75, 0.15, 0.10])
                risk = 1.0 if kind == "corridor" else float(rng.integers(2, 5))
                node = Node(
                    id=f"B{b}-{r}-{c}",
                    label=f"building {b} {kind} {r}{c}",
                    risk=risk,
                    dwell_s=0.0 if kind == "corridor" else 20.0,
                    x=x0 + c * spacing,
                    y=r * spacing,
                )
                grid[(b, r, c)] = node
                nodes.append(node)
                if c > 0:
                    edges.append(_edge(grid[(b, r, c - 1)], node))
                if r > 0 and (c in (0, cols - 1) or rng.random() < 0.5):
                    edges.append(_edge(grid[(b, r - 1, c)], node))
        if b > 0:
            door_a, door_b = grid[(b - 1, 0, cols - 1)], grid[(b, 0, 0)]
            edges.append(_edge(door_a, door_b, extra=float(rng.uniform(5, 30))))
    parking = Node(
        id="parking", label="parking lot", risk=3.0, dwell_s=30.0, x=float(nodes[-1].x) / 2, y=-60.0
    )
    nodes.append(parking)
    edges.append(_edge(grid[(0, 0, 0)], parking, vehicle=True))
    edges.append(_edge(grid[(buildings - 1, 0, cols - 1)], parking, vehicle=True))
    # Cafeteria patrolled at lunch only, gym after school only, a hot spot by the entrance.
    cafeteria = grid[(0, rows - 1, cols // 2)]
    gym = grid[(buildings - 1, rows - 1, cols // 2)]
    hotspot = grid[(0, 0, 1)]
    lunch = TimeWindow(3.5 * 3600, 5.0 * 3600)
    after_school = TimeWindow(6.5 * 3600, 9.0 * 3600)
    rules = {
        cafeteria.id: replace(cafeteria, label="cafeteria", risk=3.0, windows=(lunch,)),
        gym.id: replace(gym, label="gym", risk=2.0, windows=(after_school,)),
        hotspot.id: replace(
            hotspot, label="main entrance", risk=4.0, hotspot=HotspotRule(600.0, 960.0, 4 * 3600.0)
        ),
    }
    nodes = [rules.get(node.id, node) for node in nodes]
    draft = PatrolGraph(nodes=tuple(nodes), edges=tuple(edges), name=f"campus-{size}")
    period = optimal_tour(draft, "foot").period
    deadline = float(np.ceil(1.1 * period))
    with_deadlines = tuple(
        replace(node, max_gap_s=deadline) if node.risk >= 3.0 else node for node in nodes
    )
    return PatrolGraph(nodes=with_deadlines, edges=tuple(edges), name=f"campus-{size}")
