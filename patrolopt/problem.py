"""The patrol problem: a graph, a team, fixed posts, a horizon and the adversary's clock.

Problem: ``k`` officers with start nodes, shifts, travel modes and fixed posts (e.g. the
cafeteria 11:30-12:15) must patrol a :class:`~patrolopt.graph.PatrolGraph` for a horizon of
``horizon_s`` seconds.  The adversary model follows Basilico, Gatti & Amigoni (2012),
"Patrolling security games", Artificial Intelligence 184: for every node an attack duration
``d`` - the time an intruder needs there undisturbed - and an attacker who knows the strategy
and sees where the officers are.

Validation happens on construction and names the offending node or edge: a graph that a
mode cannot traverse, a deadline shorter than the round trip to the nearest neighbour, a
fixed post at an unknown node.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from patrolopt.errors import GraphError
from patrolopt.graph import MODES, PatrolGraph

__all__ = ["FixedPost", "Officer", "Problem"]


@dataclass(frozen=True, slots=True)
class Officer:
    """One member of the team.

    Parameters
    ----------
    id : str
        Unique id.
    start : str or None
        Start node; ``None`` lets the planner spread officers evenly along its tour.
    mode : str
        Travel mode, one of :data:`patrolopt.graph.MODES`.
    shift_start_s, shift_end_s : float
        Shift, seconds from the start of the plan; ``shift_end_s`` may be ``inf`` (whole plan).
    """

    id: str
    start: str | None = None
    mode: str = "foot"
    shift_start_s: float = 0.0
    shift_end_s: float = math.inf

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise GraphError(f"officer {self.id}: unknown mode {self.mode!r}")
        if not self.shift_start_s < self.shift_end_s:
            raise GraphError(f"officer {self.id}: shift ends before it starts")


@dataclass(frozen=True, slots=True)
class FixedPost:
    """An officer must stand at ``node`` from ``start_s`` to ``end_s``.

    Parameters
    ----------
    officer : str
        Officer id.
    node : str
        Node id of the post.
    start_s, end_s : float
        The post, seconds from the start of the plan.
    """

    officer: str
    node: str
    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        if not 0 <= self.start_s < self.end_s:
            raise GraphError(
                f"fixed post at {self.node}: needs 0 <= start < end, got "
                f"{self.start_s}-{self.end_s}",
                node=self.node,
            )


@dataclass(frozen=True)
class Problem:
    """A patrol planning problem.

    Parameters
    ----------
    graph : PatrolGraph
        The campus.
    officers : tuple of Officer
        The team (at least one).
    horizon_s : float
        Length of the plan in seconds.
    fixed_posts : tuple of FixedPost
        Posts the plan must respect.
    attack_s : Mapping[str, float]
        Attack duration per node; nodes not listed use ``default_attack_s``.
    default_attack_s : float or None
        Attack duration of unlisted nodes (``None``: capture is not evaluated by default).
    warmup_s : float
        Deadlines start counting after this warm-up: the first visit of a node with a
        ``max_gap_s`` must happen by ``warmup_s + max_gap_s``.
    """

    graph: PatrolGraph
    officers: tuple[Officer, ...]
    horizon_s: float
    fixed_posts: tuple[FixedPost, ...] = ()
    attack_s: Mapping[str, float] = field(default_factory=dict)
    default_attack_s: float | None = None
    warmup_s: float = 1800.0

    def __post_init__(self) -> None:
        graph = self.graph
        if not self.officers:
            raise GraphError("the problem has no officers")
        if not (math.isfinite(self.horizon_s) and self.horizon_s > 0):
            raise GraphError(f"horizon must be positive, got {self.horizon_s}")
        ids = [o.id for o in self.officers]
        if len(set(ids)) != len(ids):
            raise GraphError("officer ids are not unique")
        for officer in self.officers:
            if officer.start is not None and officer.start not in graph.index:
                raise GraphError(
                    f"officer {officer.id} starts at unknown node {officer.start}",
                    node=officer.start,
                )
        for mode in sorted({o.mode for o in self.officers}):
            graph.check_connected(mode)
            self._check_round_trips(mode)
        for post in self.fixed_posts:
            if post.node not in graph.index:
                raise GraphError(f"fixed post at unknown node {post.node}", node=post.node)
            if post.officer not in ids:
                raise GraphError(
                    f"fixed post at {post.node} names unknown officer {post.officer}",
                    node=post.node,
                )
            if post.end_s > self.horizon_s:
                raise GraphError(f"fixed post at {post.node} ends after the plan", node=post.node)
        for node_id, d in self.attack_s.items():
            if node_id not in graph.index:
                raise GraphError(f"attack duration given for unknown node {node_id}", node=node_id)
            if not d > 0:
                raise GraphError(f"node {node_id}: attack duration must be positive", node=node_id)

    def _check_round_trips(self, mode: str) -> None:
        w = self.graph.travel_matrix(mode)
        np.fill_diagonal(w, np.inf)
        nearest = w.min(axis=1)
        for i, node in enumerate(self.graph.nodes):
            if node.max_gap_s is not None and node.max_gap_s < 2 * nearest[i]:
                raise GraphError(
                    f"node {node.id}: max gap {node.max_gap_s:g} s is shorter than the round "
                    f"trip to its nearest neighbour ({2 * nearest[i]:g} s by {mode})",
                    node=node.id,
                )

    @property
    def k(self) -> int:
        """Number of officers."""
        return len(self.officers)

    def attack_duration(self, node_id: str) -> float | None:
        """Attack duration at ``node_id`` (``None`` when undeclared)."""
        return self.attack_s.get(node_id, self.default_attack_s)

    def posts_of(self, officer_id: str) -> tuple[FixedPost, ...]:
        """Fixed posts of one officer, ordered by start."""
        return tuple(
            sorted(
                (p for p in self.fixed_posts if p.officer == officer_id), key=lambda p: p.start_s
            )
        )
