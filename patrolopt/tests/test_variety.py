"""Variety (:mod:`patrolopt.variety`): its counts, its weights, where it runs, and its effect."""

from __future__ import annotations

import math

import pytest

from patrolopt.metrics import conditional_entropy, node_sequences
from patrolopt.model import Params, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with
from patrolopt.tests.conftest import shipped_map
from patrolopt.variety import Variety


def test_moves_are_counted_per_pair_of_nodes() -> None:
    variety = Variety(4, 1.0)
    variety.taken(0, 1, 2)
    variety.taken(0, 1, 2)
    variety.taken(3, 1, 2)  # another context: counted apart
    variety.taken(-1, 0, 1)  # an officer's first move has no previous node
    assert variety.counts[(0, 1)].tolist() == [0, 0, 2, 0]
    assert variety.counts[(3, 1)].tolist() == [0, 0, 1, 0]
    assert variety.counts[(-1, 0)].tolist() == [0, 1, 0, 0]


def test_weights_prefer_the_moves_taken_least_often_from_the_context() -> None:
    variety = Variety(4, 1.0)
    for v, times in ((1, 5), (2, 1)):
        for _ in range(times):
            variety.taken(0, 3, v)
    weights = variety.weights(0, 3, [0, 1, 2])
    # counts 0, 5, 1: mean 2, so weights 3/1, 3/6, 3/2
    assert weights.tolist() == pytest.approx([3.0, 0.5, 1.5])
    assert variety.weights(1, 3, [0, 1, 2]).tolist() == [1.0, 1.0, 1.0]  # context never seen
    assert Variety(4, 2.0, variety.counts).weights(0, 3, [0, 1, 2]).tolist() == pytest.approx(
        [9.0, 0.25, 2.25]
    )
    assert Variety(4, 0.0, variety.counts).weights(0, 3, [0, 1, 2]).tolist() == [1.0] * 3


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="strength"):
        Variety(3, -1.0)
    with pytest.raises(ValueError, match="variety"):
        Params(variety=-0.5)
    with pytest.raises(ValueError, match="variety"):
        Params(variety=math.inf)


def _team(name: str, k: int, hours: float) -> Problem:
    return Problem(
        shipped_map(name),
        tuple(Officer(f"o{i}") for i in range(k)),
        horizon_s=1800.0 + hours * 3600.0,
        warmup_s=1800.0,
    )


def test_it_runs_for_a_team_at_caps_up_to_1_25_only() -> None:
    """A team's plans change with it at cap 1.25; at cap 1.5, and for a lone officer, they
    are the uniform choice's step for step."""
    team, lone = _team("example", 2, 1.0), _team("example", 1, 1.0)

    def plan(problem: Problem, cap: float, variety: float) -> object:
        return plan_with(prepare(problem, Params(gap_cap=cap, variety=variety)), seed=5).to_json()

    assert plan(team, 1.25, 1.0) != plan(team, 1.25, 0.0)
    assert plan(team, 1.5, 1.0) == plan(team, 1.5, 0.0)
    assert plan(lone, 1.25, 1.0) == plan(lone, 1.25, 0.0)


def _h2(problem: Problem, params: Params, days: int) -> float:
    model = prepare(problem, params)
    sequences = []
    for day in range(days):
        sequences += node_sequences(problem, plan_with(model, seed=day))
    return conditional_entropy(sequences, problem.graph.n, 2)


def test_it_raises_the_entropy_of_the_next_node_given_the_last_two() -> None:
    """Two officers on the example map: H2 0.490 with the uniform choice, 0.511 with the
    shipped variety over the benchmark's 20 days; the gap shows in four."""
    problem = _team("example", 2, 8.0)
    uniform = _h2(problem, Params(variety=0.0), days=4)
    varied = _h2(problem, Params(), days=4)
    assert varied > uniform + 0.01
