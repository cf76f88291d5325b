"""A team officer's excursions: a step to any neighbour and straight back (PatrolModel.moves)."""

from __future__ import annotations

import numpy as np
import pytest

from patrolopt.decide import commitment_at
from patrolopt.metrics import conditional_entropy, gap_stats, node_sequences
from patrolopt.model import Params, PatrolModel, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with
from patrolopt.tests.conftest import shipped_map
from patrolopt.validate import validate_plan

TEAM = (Officer("a"), Officer("b"))


def _model(name: str, *, excursions: bool = True) -> PatrolModel:
    """Two officers at cap 1.25 with or without excursions, and without the variety of
    :mod:`patrolopt.variety`, whose weights also bring separate moves back more often, so the
    excursions are measured alone."""
    problem = Problem(shipped_map(name), TEAM, horizon_s=8 * 3600.0, warmup_s=1800.0)
    return prepare(problem, Params(excursions=excursions, variety=0.0))


def _tour_edges(model: PatrolModel) -> set[frozenset[int]]:
    """Every pair of nodes next to each other on some tour the officers recover along."""
    edges = set()
    for tour in model.tours:
        walk = [int(x) for x in tour.walk]
        edges |= {frozenset(pair) for pair in zip(walk, walk[1:] + walk[:1], strict=True)}
    return edges


def test_an_excursion_visits_the_neighbour_then_goes_on_two_edges_late() -> None:
    model = _model("DIAG_floor1")
    walk = model.tours[0].walk
    u = int(walk[3])
    mine = commitment_at(model, u, 1000.0, in_rotation=True)
    plain = model.moves(u, mine.direction)
    moves = model.moves(u, mine.direction, mine.position)
    # the moves come first, unchanged, then one excursion per neighbour
    assert moves.nodes[: len(plain.nodes)] == plain.nodes
    assert moves.nodes[len(plain.nodes) :] == model.neighbours[u]
    assert moves.index.size == len(plain.nodes)
    on_time = mine.first  # the commitment kept without the excursion
    for r in range(len(plain.nodes), len(moves.nodes)):
        x = moves.nodes[r]
        there = 1000.0 + moves.travel[r]
        back = there + moves.dwell[r] + moves.onward[r]
        assert there == pytest.approx(1000.0 + model.travel[u, x])
        assert back == pytest.approx(there + model.model_dwell[x] + model.travel[x, u])
        # every node, x too (its extra visit is not credited), is reached on the tour exactly
        # as late as the two edges and the stay at x
        assert np.allclose(back + moves.offsets[r] - on_time, back - mine.arrival_s)
        assert moves.pairs[r] == (mine.direction, mine.position)


def test_four_officers_with_half_a_tour_of_slack_keep_the_cap() -> None:
    """Grid, four officers, cap 1.5, the day on which crediting the excursion's visit as the
    start of the officer's regime let the team fall behind (worst gap 1.67 x B1)."""
    problem = Problem(
        shipped_map("grid"), tuple(Officer(f"o{i}") for i in range(4)), horizon_s=30_600.0
    )
    model = prepare(problem, Params(gap_cap=1.5))
    plan = plan_with(model, seed=10)
    assert validate_plan(problem, plan) == []
    stats = gap_stats(problem, plan, start=1800.0, end=problem.horizon_s)
    assert stats.worst <= 1.5 * model.team_gap + 1e-6
    assert not [s for steps in plan.officers for s in steps if s.reason.startswith("catching")]


def test_a_team_steps_across_to_neighbours_no_tour_joins_and_keeps_the_cap() -> None:
    """On DIAG_floor1 an officer of two goes to a neighbour that no recovery tour puts next
    to it and comes straight back; without excursions that happens only when two separate
    moves happen to come back (once in this day)."""
    counts = {}
    for on in (True, False):
        model = _model("DIAG_floor1", excursions=on)
        plan = plan_with(model, seed=2)
        problem = model.problem
        assert validate_plan(problem, plan) == []
        stats = gap_stats(problem, plan, start=problem.warmup_s, end=problem.horizon_s)
        assert stats.worst <= 1.25 * model.team_gap + 1e-6
        tour_edges = _tour_edges(model)
        index = model.problem.graph.index
        counts[on] = sum(
            1
            for steps in plan.officers
            for a, b, c in zip(steps, steps[1:], steps[2:], strict=False)
            if a.node == c.node and frozenset((index[a.node], index[b.node])) not in tour_edges
        )
    assert counts[True] > 10 * max(counts[False], 1), counts


def test_excursions_give_a_team_more_to_choose_from() -> None:
    """Two officers on DIAG_floor1: H2 0.48 without excursions, 0.53 with (two 8 h days)."""
    h2 = {}
    for on in (True, False):
        model = _model("DIAG_floor1", excursions=on)
        plans = [plan_with(model, seed=day) for day in range(2)]
        seqs = [s for plan in plans for s in node_sequences(model.problem, plan)]
        h2[on] = conditional_entropy(seqs, model.problem.graph.n, 2)
    assert h2[True] > h2[False] + 0.03
