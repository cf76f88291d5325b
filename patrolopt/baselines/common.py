"""Shared kinematics of the baseline planners: same starts, same clock, same plan format.

Problem: a fair comparison (Portugal & Rocha 2011) needs every planner to move on the same
graph at the same speed from the same start positions over the same horizon.  Baselines are
written as a *policy* - given the officer, its node and the time, return the next node (or
the same node with a wait) - and :func:`simulate` turns a policy into a
:class:`~patrolopt.plan.Plan` by a discrete-event simulation in time order.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from patrolopt.model import PatrolModel
from patrolopt.plan import Plan, Step
from patrolopt.solver import start_positions

__all__ = ["Policy", "simulate"]

#: ``policy(officer, node, now, last_visits) -> (next node, wait seconds before leaving)``.
Policy = Callable[[int, int, float, np.ndarray], tuple[int, float]]


def simulate(model: PatrolModel, policy: Policy, *, seed: int, name: str) -> Plan:
    """Run ``policy`` for every officer from the shared start positions until the horizon.

    A returned node equal to the current one is a wait of the returned length (a self-loop).
    ``last_visits`` holds the latest arrival at every node by any officer.
    """
    problem = model.problem
    graph = problem.graph
    last = np.full(graph.n, -np.inf)
    steps: list[list[Step]] = []
    heap: list[tuple[float, int, int]] = []
    for i, (start, _, t0) in enumerate(start_positions(model)):
        node = graph.nodes[start]
        steps.append([Step(node.id, t0, float(model.model_dwell[start]), name)])
        last[start] = t0
        heapq.heappush(heap, (t0 + float(model.model_dwell[start]), i, start))
    while heap:
        now, i, u = heapq.heappop(heap)
        if now >= problem.horizon_s:
            continue
        v, wait = policy(i, u, now, last)
        if v == u:
            prev = steps[i][-1]
            steps[i][-1] = Step(prev.node, prev.arrival_s, prev.dwell_s + wait, prev.reason)
            heapq.heappush(heap, (now + wait, i, u))
            continue
        a = now + float(model.travel[u, v])
        dwell = float(model.model_dwell[v]) + wait
        steps[i].append(Step(graph.nodes[v].id, a, dwell, name))
        last[v] = max(last[v], a)
        heapq.heappush(heap, (a + dwell, i, v))
    return Plan(officers=tuple(tuple(s) for s in steps), seed=seed, planner=name)
