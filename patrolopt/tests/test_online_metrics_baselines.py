"""Online mode, empirical metrics with exact values, baselines on the same kinematics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from patrolopt.baselines import baselines
from patrolopt.graph import PatrolGraph
from patrolopt.metrics import (
    CaptureCounter,
    conditional_entropy,
    gap_stats,
    wilson_lower,
)
from patrolopt.model import prepare
from patrolopt.online import OfficerPosition, OnlineState, next_stop
from patrolopt.plan import Plan, Step
from patrolopt.problem import Officer, Problem
from patrolopt.validate import validate_plan


def test_next_stop_is_a_safe_neighbour(grid: PatrolGraph) -> None:
    model = prepare(Problem(grid, (Officer("a"), Officer("b")), horizon_s=3600))
    state = OnlineState(
        model,
        (OfficerPosition("12", 100.0), OfficerPosition("0", 95.0)),
        {str(j): 60.0 for j in range(25)},
        officer=0,
    )
    step = next_stop(state, seed=3)
    assert step.node in {"7", "11", "13", "17"}
    assert step.arrival_s == pytest.approx(105.7)
    assert step == next_stop(state, seed=3)


def line_problem() -> Problem:
    from patrolopt.graph import Edge, Node

    nodes = (Node("a", risk=1.0), Node("b", risk=3.0))
    return Problem(
        PatrolGraph(nodes=nodes, edges=(Edge("a", "b", 10.0, {"foot": 10.0}),)),
        (Officer("o"),),
        horizon_s=100.0,
        warmup_s=0.0,
    )


def test_gap_stats_exact() -> None:
    problem = line_problem()
    steps = tuple(Step("ab"[i % 2], 10.0 * i, 0.0, "") for i in range(10))
    stats = gap_stats(problem, Plan(officers=(steps,), seed=0), start=0.0, end=100.0)
    # a at 0,20,...,80 then end 100: gaps 20 x 5; b at 10,...,90: gaps 10 (from start), 20 x 4, 10
    assert stats.worst == 20.0
    assert stats.mean_interval == pytest.approx(200.0 / 11)
    # idleness a: 5*400/(2*100) = 10; b: (100+4*400+100)/(2*100) = 9; weights 1 and 3
    assert stats.idleness == pytest.approx((10.0 + 3 * 9.0) / 4)
    # visit shares a 5/10, b 5/10 vs targets 1/4, 3/4
    assert stats.tv_distance == pytest.approx(0.25)


def test_conditional_entropy_exact() -> None:
    cycle = [np.array([0, 1, 2] * 20)]
    assert conditional_entropy(cycle, 3, 1) == 0.0
    coin = [np.array([0, 1, 0, 2] * 50)]
    # after 0 comes 1 or 2 equally often; after 1 or 2 always 0
    assert conditional_entropy(coin, 3, 1) == pytest.approx(0.5 * math.log(2), rel=1e-2)
    assert conditional_entropy(coin, 3, 2) == 0.0


def test_wilson_lower_bound_values() -> None:
    low = wilson_lower(np.array([0.0, 50.0, 100.0]), np.array([10.0, 100.0, 100.0]))
    assert low[0] == 0.0
    assert low[1] == pytest.approx(0.418847, abs=1e-6)
    assert low[2] == pytest.approx(0.973657, abs=1e-6)
    # no success in any number of trials: 0, never a rounding error below it
    trials = np.arange(1.0, 5_000.0)
    none = wilson_lower(np.zeros_like(trials), trials)
    assert none.min() >= 0.0
    assert none.max() < 1e-12


def test_capture_counter_on_alternation() -> None:
    problem = line_problem()
    steps = tuple(Step("ab"[i % 2], 10.0 * i, 0.0, "") for i in range(10))
    counter = CaptureCounter(2, 1, np.array([15.0, 15.0]))
    counter.add(problem, Plan(officers=(steps,), seed=0), start=0.0, end=100.0)
    low, point, scored, seen = counter.result(min_samples=1)
    # leaving a, b is reached in 10 s but a only in 20 s > 15: the minimum is 0
    assert (point, scored, seen) == (0.0, 2, 2)
    assert low == 0.0


@pytest.mark.parametrize("k", [1, 2])
def test_baselines_walk_edges_and_b1_keeps_tour_gap(grid: PatrolGraph, k: int) -> None:
    problem = Problem(
        grid, tuple(Officer(f"o{i}") for i in range(k)), horizon_s=3600.0, warmup_s=600.0
    )
    model = prepare(problem)
    for planner in baselines(0.8 * model.team_gap):
        plan = planner.plan(model, seed=1)
        assert [v for v in validate_plan(problem, plan) if v.kind == "walk"] == []
        if planner.name.startswith("B1"):
            stats = gap_stats(problem, plan, start=600.0, end=3600.0)
            assert stats.worst == pytest.approx(model.team_gap)


def test_capture_counter_never_visited_node_is_never_caught() -> None:
    problem = line_problem()
    steps = (Step("a", 0.0, 100.0, ""),)
    counter = CaptureCounter(2, 1, np.array([50.0, 50.0]))
    counter.add(problem, Plan(officers=(steps,), seed=0), start=0.0, end=200.0)
    assert counter.trials == {(0,): 1}
    assert counter.caught[(0,)].tolist() == [0.0, 0.0]


def test_gap_stats_measures_windowed_nodes_only_while_open() -> None:
    from patrolopt.graph import Edge, Node, TimeWindow

    nodes = (Node("a"), Node("b", windows=(TimeWindow(50.0, 100.0),)))
    graph = PatrolGraph(nodes=nodes, edges=(Edge("a", "b", 10.0, {"foot": 10.0}),))
    problem = Problem(graph, (Officer("o"),), horizon_s=200.0, warmup_s=0.0)
    steps = (
        Step("a", 0.0, 50.0, ""),
        Step("b", 60.0, 0.0, ""),
        Step("a", 70.0, 10.0, ""),
        Step("b", 90.0, 0.0, ""),
        Step("a", 100.0, 100.0, ""),
    )
    stats = gap_stats(problem, Plan(officers=(steps,), seed=0), start=0.0, end=200.0)
    # b: open 50-100, visits 60 and 90 -> gaps 10, 30, 10; a: 70, 30, 100 -> worst 100
    assert stats.per_node_worst.tolist() == [100.0, 30.0]
