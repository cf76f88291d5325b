"""The return balance (:mod:`patrolopt.balance`): its counts, its weights, and its effect."""

from __future__ import annotations

import math

import numpy as np
import pytest

from patrolopt.balance import FLOOR, SPREAD, ReturnBalance
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


def test_the_mean_pull_lifts_every_node_below_the_mean_and_nearly_drops_the_rest() -> None:
    balance = ReturnBalance.start(4, WINDOW, 0.0, mean_pull=20.0)
    # return shares 0/4, 1/4, 2/4 and 3/4: mean 0.375
    for node in range(4):
        balance.departures[node] = 4
        balance.returns[node] = node
    balance.left[:] = 0.0
    weights = balance.weights([0, 1, 2, 3], np.full(4, 50.0))
    assert weights[0] == pytest.approx(21.0)  # clipped at 1 + pull
    assert weights[1] == pytest.approx(1.0 + 20.0 * (0.375 - 0.25) / 0.375)
    assert weights[2] == pytest.approx(FLOOR)  # above the mean: nearly given up, never zero
    assert weights[3] == pytest.approx(FLOOR)
    assert balance.weights([0, 3], np.full(2, 150.0)).tolist() == [1.0, 1.0]  # no returns


def test_the_focus_is_the_weakest_node_just_left_or_reached_within_the_slack() -> None:
    balance = ReturnBalance.start(5, WINDOW, 0.0, mean_pull=20.0)
    balance.departures[:] = 10
    balance.returns[:] = [5, 1, 3, 0, 2]
    balance.left[1] = 90.0  # left 10 s ago: its return is a move away
    balance.left[0] = 100.0  # the node the officer is leaving now
    ahead = np.array([0.0, 500.0, 200.0, 400.0, 130.0])  # first visits of the recovery
    assert balance.focus(0, 100.0, ahead, budget_s=50.0) == (1, True)
    # with more slack node 3, reached at +300 s, is weaker still, but not a move away
    assert balance.focus(0, 100.0, ahead, budget_s=300.0) == (3, False)
    # the node just left drops out once the window has passed
    assert balance.focus(0, 100.0 + WINDOW, ahead + WINDOW, budget_s=50.0) == (4, False)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        ReturnBalance.start(3, 0.0, 20.0)
    with pytest.raises(ValueError, match="mean_pull"):
        ReturnBalance.start(3, WINDOW, 0.0, mean_pull=0.0)
    with pytest.raises(ValueError, match="balance"):
        Params(balance=-1.0)
    with pytest.raises(ValueError, match="return_window"):
        Params(return_window=0.0)
    with pytest.raises(ValueError, match="return_pull"):
        Params(return_pull=-1.0)
    with pytest.raises(ValueError, match="return_slack"):
        Params(return_slack=math.nan)


def _smallest_return_share(name: str, params: Params, days: int) -> float:
    """Over ``days`` 8-hour plans: the smallest share, over nodes, of departures after which
    the officer is back at the node within 0.8 x the tour period (the benchmark's attacker on
    the node just left, :class:`~patrolopt.metrics.CaptureCounter`)."""
    graph = shipped_map(name)
    problem = Problem(graph, (Officer("o"),), horizon_s=8 * 3600.0, warmup_s=1800.0)
    model = prepare(problem, params)
    counter = CaptureCounter(graph.n, 1, np.full(graph.n, 0.8 * model.team_gap))
    for day in range(days):
        plan = plan_with(model, seed=day)
        counter.add(problem, plan, start=problem.warmup_s, end=problem.horizon_s)
    return min(float(counter.caught[(i,)][i]) / n for (i,), n in counter.trials.items())


UNIFORM = Params(return_pull=0.0)


def test_the_balance_lifts_the_weakest_node() -> None:
    """On the example map the node the officer comes back to least soon after leaving it
    gets clearly more returns with the balance than with the uniform choice."""
    uniform = _smallest_return_share("example", UNIFORM, days=6)
    balanced = _smallest_return_share("example", Params(balance=10.0, return_pull=0.0), days=6)
    assert balanced > uniform + 0.03


def test_the_shipped_pull_and_reserve_bring_the_far_leaves_of_1r5_back() -> None:
    """1r5's leaves at the end of long edges come back after about one departure in twenty
    with the uniform choice; the shipped rule keeps slack for them (0.17 over 20 days)."""
    uniform = _smallest_return_share("1r5", UNIFORM, days=4)
    shipped = _smallest_return_share("1r5", Params(), days=4)
    assert uniform < 0.1
    assert shipped > uniform + 0.06


def test_where_slack_is_not_scarce_the_choice_stays_uniform() -> None:
    """At cap 1.5 a lone officer has half a tour of slack: the rule is off, the plan is the
    uniform choice's step for step."""
    graph = shipped_map("1r5")
    problem = Problem(graph, (Officer("o"),), horizon_s=2 * 3600.0, warmup_s=1800.0)
    loose = plan_with(prepare(problem, Params(gap_cap=1.5)), seed=3)
    uniform = plan_with(prepare(problem, Params(gap_cap=1.5, return_pull=0.0)), seed=3)
    tight = plan_with(prepare(problem, Params(gap_cap=1.25)), seed=3)
    tight_uniform = plan_with(prepare(problem, Params(gap_cap=1.25, return_pull=0.0)), seed=3)
    assert loose.to_json() == uniform.to_json()
    assert tight.to_json() != tight_uniform.to_json()
