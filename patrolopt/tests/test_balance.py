"""The return balance (:mod:`patrolopt.balance`): its counts, its weights, and its effect."""

from __future__ import annotations

import math

import numpy as np
import pytest

from patrolopt.balance import SPREAD, ReturnBalance
from patrolopt.metrics import CaptureCounter
from patrolopt.model import Params, prepare
from patrolopt.problem import Officer, Problem
from patrolopt.solver import plan_with
from patrolopt.tests.conftest import shipped_map

WINDOW = 100.0


def test_a_visit_within_the_window_of_leaving_is_a_return() -> None:
    balance = ReturnBalance.start(3, WINDOW, 20.0)
    balance.leave(0, 10.0)
    balance.arrive(1, 15.0)  # never left: not a return
    balance.leave(1, 16.0)
    balance.arrive(0, 110.0)  # exactly at the window's end: a return
    balance.leave(0, 111.0)
    balance.arrive(1, 116.5)  # 100.5 s after leaving: too late
    assert balance.departures.tolist() == [2, 1, 0]
    assert balance.returns.tolist() == [1, 0, 0]


def test_weights_pull_toward_the_weakest_node_and_leave_other_moves_alone() -> None:
    balance = ReturnBalance.start(4, WINDOW, 20.0)
    # return shares: node 0 0/4 (the weakest), node 1 1/4, node 2 2/4
    for node, returns in ((0, 0), (1, 1), (2, 2)):
        balance.departures[node] = 4
        balance.returns[node] = returns
    balance.left[:3] = 0.0
    weights = balance.weights([0, 1, 2, 3], np.array([50.0, 50.0, 50.0, 50.0]))
    # node 3 was never left, so going there is no return: neutral weight
    assert weights[0] == pytest.approx(21.0)
    assert weights[1] == pytest.approx(1.0 + 20.0 * math.exp(-0.25 / SPREAD))
    assert weights[1] > weights[2] > 1.0
    assert weights[3] == 1.0
    late = balance.weights([0, 2], np.array([150.0, 150.0]))
    assert late.tolist() == [1.0, 1.0]  # outside the window nothing is a return


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        ReturnBalance.start(3, 0.0, 20.0)
    with pytest.raises(ValueError, match="balance"):
        Params(balance=-1.0)
    with pytest.raises(ValueError, match="return_window"):
        Params(return_window=0.0)


def _smallest_return_share(name: str, balance: float, days: int) -> float:
    """Over ``days`` 8-hour plans: the smallest share, over nodes, of departures after which
    the officer is back at the node within 0.8 x the tour period (the benchmark's attacker on
    the node just left, :class:`~patrolopt.metrics.CaptureCounter`)."""
    graph = shipped_map(name)
    problem = Problem(graph, (Officer("o"),), horizon_s=8 * 3600.0, warmup_s=1800.0)
    model = prepare(problem, Params(balance=balance))
    counter = CaptureCounter(graph.n, 1, np.full(graph.n, 0.8 * model.team_gap))
    for day in range(days):
        plan = plan_with(model, seed=day)
        counter.add(problem, plan, start=problem.warmup_s, end=problem.horizon_s)
    return min(float(counter.caught[(i,)][i]) / n for (i,), n in counter.trials.items())


def test_the_balance_lifts_the_weakest_node() -> None:
    """On the example map the node the officer comes back to least soon after leaving it
    gets clearly more returns with the balance than with the uniform choice."""
    uniform = _smallest_return_share("example", 0.0, days=6)
    balanced = _smallest_return_share("example", 10.0, days=6)
    assert balanced > uniform + 0.03
