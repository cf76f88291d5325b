"""``validate_plan``: list every way a plan breaks its problem.

Problem: anyone must be able to check a plan independently of the planner that made it.
A plan is valid when every officer walks only along edges open to its mode at no more than
the edge's speed, stays within its shift, stands every fixed post, keeps every node deadline
and keeps every hot-spot rule.  A deadline means: the first visit by ``warmup_s +
max_gap_s`` (or ``window start + max_gap_s``), then no gap longer than ``max_gap_s`` while
the node is open, up to the end of the plan; visits count only while the node is open.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from patrolopt.plan import Plan
from patrolopt.problem import Problem

__all__ = ["Violation", "validate_plan"]

_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    Parameters
    ----------
    kind : str
        "walk", "shift", "post", "deadline" or "hotspot".
    node : str or None
        The node concerned.
    officer : str or None
        The officer concerned.
    time_s : float
        When it happens.
    message : str
        Explanation naming the node.
    """

    kind: str
    node: str | None
    officer: str | None
    time_s: float
    message: str


def _check_walks(problem: Problem, plan: Plan) -> list[Violation]:
    out: list[Violation] = []
    graph = problem.graph
    if len(plan.officers) != problem.k:
        out.append(Violation("walk", None, None, 0.0, "plan and problem differ in officers"))
        return out
    for officer, steps in zip(problem.officers, plan.officers, strict=True):
        travel = graph.travel_matrix(officer.mode)
        for s in steps:
            if s.node not in graph.index:
                out.append(
                    Violation(
                        "walk",
                        s.node,
                        officer.id,
                        s.arrival_s,
                        f"officer {officer.id} visits unknown node {s.node}",
                    )
                )
                return out
        if steps and officer.start is not None and steps[0].node != officer.start:
            out.append(
                Violation(
                    "walk",
                    steps[0].node,
                    officer.id,
                    steps[0].arrival_s,
                    f"officer {officer.id} starts at {steps[0].node}, not {officer.start}",
                )
            )
        if steps and steps[0].arrival_s < officer.shift_start_s - _EPS:
            out.append(
                Violation(
                    "shift",
                    steps[0].node,
                    officer.id,
                    steps[0].arrival_s,
                    f"officer {officer.id} starts before the shift",
                )
            )
        for a, b in itertools.pairwise(steps):
            i, j = graph.index[a.node], graph.index[b.node]
            w = travel[i, j]
            if i == j or not math.isfinite(w):
                out.append(
                    Violation(
                        "walk",
                        b.node,
                        officer.id,
                        b.arrival_s,
                        f"officer {officer.id} jumps from {a.node} to {b.node} "
                        f"without an edge for {officer.mode}",
                    )
                )
            elif b.arrival_s < a.departure_s + w - _EPS:
                out.append(
                    Violation(
                        "walk",
                        b.node,
                        officer.id,
                        b.arrival_s,
                        f"officer {officer.id} reaches {b.node} faster than the "
                        f"edge {a.node}-{b.node} allows",
                    )
                )
            if b.arrival_s > officer.shift_end_s + _EPS:
                out.append(
                    Violation(
                        "shift",
                        b.node,
                        officer.id,
                        b.arrival_s,
                        f"officer {officer.id} still patrols after the shift",
                    )
                )
                break
    return out


def _check_posts(problem: Problem, plan: Plan) -> list[Violation]:
    out = []
    order = {o.id: i for i, o in enumerate(problem.officers)}
    for post in problem.fixed_posts:
        steps = plan.officers[order[post.officer]]
        if not any(
            s.node == post.node
            and s.arrival_s <= post.start_s + _EPS
            and s.departure_s >= post.end_s - _EPS
            for s in steps
        ):
            out.append(
                Violation(
                    "post",
                    post.node,
                    post.officer,
                    post.start_s,
                    f"officer {post.officer} does not stand the post at "
                    f"{post.node} from {post.start_s:g} to {post.end_s:g} s",
                )
            )
    return out


def _visits(problem: Problem, plan: Plan) -> dict[str, list[tuple[float, float]]]:
    """Arrival and dwell of every visit to every node, all officers, in time order."""
    visits: dict[str, list[tuple[float, float]]] = {n.id: [] for n in problem.graph.nodes}
    for steps in plan.officers:
        for s in steps:
            if s.node in visits:
                visits[s.node].append((s.arrival_s, s.dwell_s))
    for v in visits.values():
        v.sort()
    return visits


def _gap_violations(
    node: str, times: list[float], span: tuple[float, float], warmup: float, limit: float, kind: str
) -> list[Violation]:
    """Gaps over ``limit`` in ``span``; the first visit is due ``limit`` after the warm-up."""
    start, end = span
    out = []
    prev = start
    for t in [*[x for x in times if start <= x < end], end]:
        allowed = limit + (max(warmup, start) - start if prev == start else 0.0)
        if t - prev > allowed + _EPS:
            what = "hot-spot stays" if kind == "hotspot" else "visits"
            out.append(
                Violation(
                    kind,
                    node,
                    None,
                    prev + limit,
                    f"node {node}: {t - prev:.0f} s between {what} from "
                    f"{prev:.0f} s, limit {limit:g} s",
                )
            )
        prev = max(prev, t)
    return out


def validate_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Return every violation of ``problem``'s rules by ``plan`` (empty list: valid).

    Parameters
    ----------
    problem : Problem
    plan : Plan

    Returns
    -------
    list of Violation
        In the order walk/shift, posts, deadlines, hot-spot rules.
    """
    out = _check_walks(problem, plan)
    if any(v.message.startswith("officer") and "unknown node" in v.message for v in out):
        return out
    out += _check_posts(problem, plan)
    visits = _visits(problem, plan)
    horizon = problem.horizon_s
    for node in problem.graph.nodes:
        mine = visits[node.id]
        open_times = [t for t, _ in mine if node.is_open(t)]
        spans = [(w.start_s, min(w.end_s, horizon)) for w in node.windows] or [(0.0, horizon)]
        if node.max_gap_s is not None:
            for span in spans:
                out += _gap_violations(
                    node.id, open_times, span, problem.warmup_s, node.max_gap_s, "deadline"
                )
        if node.hotspot is not None:
            stays = [t for t, d in mine if d >= node.hotspot.min_dwell_s - _EPS]
            out += _gap_violations(
                node.id, stays, (0.0, horizon), problem.warmup_s, node.hotspot.every_s, "hotspot"
            )
    return out
