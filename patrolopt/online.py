"""``next_stop``: where should this officer go now?

Problem: plans break - an officer is called to an incident and comes back twenty minutes
later somewhere else.  The online mode answers "where next" from the officers' current
positions and the last-visit times alone, with the same randomised deadline-aware rule as
:func:`patrolopt.solver.solve` (see :mod:`patrolopt.decide`): every other officer is
assumed to rejoin the optimal tour from where it is heading, at the rotation with the most
slack, and the asking officer gets a uniformly random move among those that keep every
deadline (or, when none can any more, the move that catches up fastest). Fixed posts of the
problem are kept as by ``solve``: an officer whose post is near heads for it and stands it.
The online mode takes no turns and no excursions (a step to a neighbour and straight back):
both need the commitment that ``solve`` carries from one decision to the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from patrolopt.decide import Commitment, commitment_at, decide, next_post, seen_by_others
from patrolopt.model import PatrolModel
from patrolopt.plan import Step

__all__ = ["OfficerPosition", "OnlineState", "next_stop"]


@dataclass(frozen=True, slots=True)
class OfficerPosition:
    """Where an officer is: the node it is at (or heading to) and when it is free there."""

    node: str
    free_at_s: float


@dataclass(frozen=True)
class OnlineState:
    """Input of :func:`next_stop`.

    Parameters
    ----------
    model : PatrolModel
        The prepared problem (:func:`patrolopt.model.prepare`, computed once per shift).
    positions : tuple of OfficerPosition
        One per officer, in the problem's order.
    last_visit_s : Mapping[str, float]
        Last visit time per node id (missing: never visited).
    officer : int
        Index of the officer asking.
    """

    model: PatrolModel
    positions: tuple[OfficerPosition, ...]
    last_visit_s: Mapping[str, float]
    officer: int

    def __post_init__(self) -> None:
        graph = self.model.problem.graph
        if len(self.positions) != self.model.problem.k:
            raise ValueError("one position per officer is needed")
        for pos in self.positions:
            if pos.node not in graph.index:
                raise ValueError(f"unknown node {pos.node}")
        if not 0 <= self.officer < len(self.positions):
            raise ValueError(f"no officer {self.officer}")


def _best_commitment(
    model: PatrolModel, node: int, at: float, last: np.ndarray, now: float
) -> Commitment:
    deadline = model.deadlines(last, now)
    best: Commitment | None = None
    best_slack = -np.inf
    for d, p in model.switches[node]:
        first = at + model.offsets[d][p]
        slack = float(np.min(deadline - first))
        if slack > best_slack:
            best, best_slack = Commitment(d, p, at, first, True), slack
    assert best is not None
    return best


def next_stop(state: OnlineState, *, seed: int) -> Step:
    """Next stop of ``state.officer`` (see module docstring).

    Parameters
    ----------
    state : OnlineState
    seed : int
        Seed of this decision's random draw.

    Returns
    -------
    Step
        Node, arrival time, dwell and the reason.
    """
    model = state.model
    graph = model.problem.graph
    last = np.full(graph.n, -np.inf)
    for node_id, t in state.last_visit_s.items():
        last[graph.index[node_id]] = t
    me = state.positions[state.officer]
    now = me.free_at_s
    commits = [
        _best_commitment(model, graph.index[p.node], max(p.free_at_s, now), last, now)
        for p in state.positions
    ]
    # Fixed posts not over yet, per officer: the asking officer heads for its next one when it
    # is time (and stands it), and the others' visits are counted as cut by theirs, exactly as
    # in ``solve``.
    posts = [
        [p for p in model.problem.posts_of(officer.id) if p.end_s > now]
        for officer in model.problem.officers
    ]
    mine = posts[state.officer]
    post = next_post(model, mine, now)
    if post is not None:
        commits[state.officer] = commitment_at(
            model, graph.index[post.node], post.end_s, in_rotation=False
        )
    decision = decide(
        model,
        now=now,
        u=graph.index[me.node],
        mine=commits[state.officer],
        others=[
            seen_by_others(model, c, posts[i]) for i, c in enumerate(commits) if i != state.officer
        ],
        last=last,
        post=post,
        rng=np.random.default_rng(seed),
        upcoming=mine[0] if mine and post is None else None,
    )
    return decision.step
