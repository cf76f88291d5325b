"""The patrol graph: checkpoints, corridors and the rules attached to them.

Problem: a campus is modelled as an undirected graph (Portugal & Rocha 2011, "A survey on
multi-robot patrolling algorithms").  Nodes are checkpoints or areas with a risk weight, an
optional maximum gap between visits (a hard deadline), an inspection (dwell) time, optional
time windows during which the node is patrolled at all (lunch, after school) and an optional
hot-spot rule (stay 10-16 min at least every 2 h, after Koper 1995, "Just enough police
presence").  Edges carry a walking length and a travel time per mode (foot, bicycle,
vehicle); an edge without a time for a mode is closed to that mode.

Every class is a frozen dataclass that validates itself on construction and names the
offending node or edge in its error.  Times are seconds from the start of the plan.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from patrolopt.errors import GraphError

__all__ = ["MODES", "Edge", "HotspotRule", "Node", "PatrolGraph", "TimeWindow"]

#: Travel modes known to the model.
MODES: tuple[str, ...] = ("foot", "bicycle", "vehicle")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open interval ``[start_s, end_s)`` during which a node is patrolled.

    Parameters
    ----------
    start_s, end_s : float
        Seconds from the start of the plan; ``start_s < end_s``.
    """

    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start_s) and math.isfinite(self.end_s)):
            raise GraphError(f"time window {self.start_s}-{self.end_s} is not finite")
        if self.start_s >= self.end_s:
            raise GraphError(f"time window starts at {self.start_s} s but ends at {self.end_s} s")

    def contains(self, t: float) -> bool:
        """Return whether time ``t`` lies in the window."""
        return self.start_s <= t < self.end_s


@dataclass(frozen=True, slots=True)
class HotspotRule:
    """Stay between ``min_dwell_s`` and ``max_dwell_s`` at least once every ``every_s``.

    Parameters
    ----------
    min_dwell_s, max_dwell_s : float
        Bounds of one hot-spot stay, ``0 < min_dwell_s <= max_dwell_s``.
    every_s : float
        Longest allowed time between the starts of two hot-spot stays.
    """

    min_dwell_s: float
    max_dwell_s: float
    every_s: float

    def __post_init__(self) -> None:
        if not 0 < self.min_dwell_s <= self.max_dwell_s:
            raise GraphError(
                f"hot-spot stay must satisfy 0 < min <= max, got "
                f"{self.min_dwell_s}-{self.max_dwell_s} s"
            )
        if self.every_s <= self.min_dwell_s:
            raise GraphError(f"hot-spot period {self.every_s} s is not longer than the stay")


@dataclass(frozen=True, slots=True)
class Node:
    """A checkpoint or area.

    Parameters
    ----------
    id : str
        Unique id.
    label : str
        Name shown to people ("restroom B2"); defaults to the id.
    risk : float
        Relative risk weight (> 0); visit shares are targeted proportionally to it.
    max_gap_s : float or None
        Hard deadline: the longest allowed time between two visits while the node is open.
    dwell_s : float
        Inspection time spent at every visit (outside its time windows the officer holds
        for the same time, which keeps a team evenly spaced).
    windows : tuple of TimeWindow
        When the node is patrolled at all; empty means always.
    hotspot : HotspotRule or None
        Optional hot-spot stay rule.
    x, y : float
        Position in metres (for maps and distance figures only).
    """

    id: str
    label: str = ""
    risk: float = 1.0
    max_gap_s: float | None = None
    dwell_s: float = 0.0
    windows: tuple[TimeWindow, ...] = ()
    hotspot: HotspotRule | None = None
    x: float = 0.0
    y: float = 0.0

    def __post_init__(self) -> None:
        if not self.id:
            raise GraphError("a node has an empty id")
        if not self.label:
            object.__setattr__(self, "label", self.id)
        if not (math.isfinite(self.risk) and self.risk > 0):
            raise GraphError(
                f"node {self.id}: risk must be positive, got {self.risk}", node=self.id
            )
        if not (math.isfinite(self.dwell_s) and self.dwell_s >= 0):
            raise GraphError(
                f"node {self.id}: dwell must be >= 0 s, got {self.dwell_s}", node=self.id
            )
        if self.max_gap_s is not None and not (
            math.isfinite(self.max_gap_s) and self.max_gap_s > 0
        ):
            raise GraphError(
                f"node {self.id}: max gap must be positive, got {self.max_gap_s}", node=self.id
            )
        ordered = sorted(self.windows, key=lambda w: w.start_s)
        for a, b in itertools.pairwise(ordered):
            if b.start_s < a.end_s:
                raise GraphError(f"node {self.id}: time windows overlap", node=self.id)
        object.__setattr__(self, "windows", tuple(ordered))

    def is_open(self, t: float) -> bool:
        """Return whether the node is patrolled at time ``t``."""
        return not self.windows or any(w.contains(t) for w in self.windows)

    def model_dwell_s(self) -> float:
        """Time an officer spends at a visit in the tour model (hot-spot stays included)."""
        return max(self.dwell_s, self.hotspot.min_dwell_s if self.hotspot else 0.0)


@dataclass(frozen=True, slots=True)
class Edge:
    """An undirected corridor between two nodes.

    Parameters
    ----------
    u, v : str
        End nodes (``u != v``).
    length_m : float
        Walking length in metres (distance figures).
    travel_s : Mapping[str, float]
        Travel time in seconds per mode; a missing mode means the edge is closed to it.
    """

    u: str
    v: str
    length_m: float
    travel_s: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        edge = (self.u, self.v)
        if self.u == self.v:
            raise GraphError(f"edge {self.u}-{self.v} is a self-loop", edge=edge)
        if not (math.isfinite(self.length_m) and self.length_m >= 0):
            raise GraphError(
                f"edge {self.u}-{self.v}: negative or invalid length {self.length_m}", edge=edge
            )
        if not self.travel_s:
            raise GraphError(f"edge {self.u}-{self.v} has no travel time for any mode", edge=edge)
        for mode, t in self.travel_s.items():
            if mode not in MODES:
                raise GraphError(f"edge {self.u}-{self.v}: unknown mode {mode!r}", edge=edge)
            if not (math.isfinite(t) and t > 0):
                raise GraphError(
                    f"edge {self.u}-{self.v}: travel time for {mode} must be positive, got {t}",
                    edge=edge,
                )


@dataclass(frozen=True)
class PatrolGraph:
    """Nodes and edges of a campus, validated.

    Parameters
    ----------
    nodes : tuple of Node
        Checkpoints, ids unique.
    edges : tuple of Edge
        Corridors between known nodes.  Parallel edges keep the fastest time per mode.
    name : str
        Map name for reports.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    name: str = "campus"

    def __post_init__(self) -> None:
        if not self.nodes:
            raise GraphError("the graph has no nodes")
        seen: set[str] = set()
        for node in self.nodes:
            if node.id in seen:
                raise GraphError(f"node {node.id} is defined twice", node=node.id)
            seen.add(node.id)
        for edge in self.edges:
            for end in (edge.u, edge.v):
                if end not in seen:
                    raise GraphError(
                        f"edge {edge.u}-{edge.v} references unknown node {end}",
                        node=end,
                        edge=(edge.u, edge.v),
                    )

    @cached_property
    def index(self) -> dict[str, int]:
        """Map from node id to its position in :attr:`nodes`."""
        return {node.id: i for i, node in enumerate(self.nodes)}

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    def travel_matrix(self, mode: str) -> npt.NDArray[np.float64]:
        """Direct travel times for ``mode``: ``inf`` where there is no edge, 0 on the diagonal."""
        w = np.full((self.n, self.n), np.inf)
        np.fill_diagonal(w, 0.0)
        for edge in self.edges:
            t = edge.travel_s.get(mode)
            if t is None:
                continue
            i, j = self.index[edge.u], self.index[edge.v]
            w[i, j] = w[j, i] = min(w[i, j], t)
        return w

    def length_matrix(self) -> npt.NDArray[np.float64]:
        """Edge lengths in metres: ``inf`` where there is no edge, 0 on the diagonal."""
        w = np.full((self.n, self.n), np.inf)
        np.fill_diagonal(w, 0.0)
        for edge in self.edges:
            i, j = self.index[edge.u], self.index[edge.v]
            w[i, j] = w[j, i] = min(w[i, j], edge.length_m)
        return w

    def neighbours(self, mode: str) -> tuple[tuple[int, ...], ...]:
        """Neighbour indices of every node reachable in one edge by ``mode``, sorted."""
        w = self.travel_matrix(mode)
        return tuple(
            tuple(int(j) for j in np.flatnonzero(np.isfinite(w[i]) & (np.arange(self.n) != i)))
            for i in range(self.n)
        )

    def check_connected(self, mode: str) -> None:
        """Raise :class:`GraphError` naming a node that ``mode`` cannot reach from the first."""
        nbrs = self.neighbours(mode)
        reached = {0}
        stack = [0]
        while stack:
            for j in nbrs[stack.pop()]:
                if j not in reached:
                    reached.add(j)
                    stack.append(j)
        if len(reached) < self.n:
            lost = next(i for i in range(self.n) if i not in reached)
            node = self.nodes[lost].id
            raise GraphError(
                f"graph is disconnected for {mode}: node {node} cannot be reached from "
                f"node {self.nodes[0].id}",
                node=node,
            )
