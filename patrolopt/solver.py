"""``solve``: a full-shift randomised patrol plan that keeps every deadline.

Problem: given a :class:`~patrolopt.problem.Problem`, produce for each officer a timed
sequence of stops that (a) never lets a node wait longer than its deadline or the gap cap
(``gap_cap`` x the optimal team gap, tour period / k), (b) respects fixed posts, time
windows and hot-spot rules, and (c) is as unpredictable as those constraints allow.

Method: the officers start evenly spaced on the optimal tour (Chevaleyre 2004) and then each
decision is the randomised deadline-aware move of :func:`patrolopt.decide.decide` - a
uniformly random choice among the moves after which a rotation of the optimal tour still
meets every deadline.  Where a lone officer's slack is scarce (caps up to 1.25), its choice
is steered by the return balance of :mod:`patrolopt.balance`, whose counts run over the
plan: toward the nodes it comes back to least soon after leaving them, keeping slack back
for the weakest one's return.  A team officer may also step to any neighbour and straight
back before going on along its tour (the excursions of
:meth:`~patrolopt.model.PatrolModel.moves`).  A team officer that has gone a whole tour of
decisions without a choice may hold once where it stands (the holds of
:func:`~patrolopt.decide.decide`).  In a share of tour-long stretches a team takes turns:
only one officer at a time may spend slack, so the spacing varies (:mod:`patrolopt.turns`).
At caps up to 1.25 a team's choice prefers the moves taken least often from the same pair of
nodes so far (:mod:`patrolopt.variety`).
Decisions are taken in time order (a discrete-event simulation), and all randomness comes
from ``numpy.random.default_rng(seed)``, so the same seed gives the same plan.  An arrival
counts as a visit only once its time has come: a team-mate deciding in between must still
see the node as waiting.  The plan is checked with
:func:`patrolopt.validate.validate_plan` before it is returned; a missed node deadline raises
:class:`~patrolopt.errors.InfeasibleError`.
"""

from __future__ import annotations

import heapq

import numpy as np

from patrolopt.balance import ReturnBalance
from patrolopt.decide import Commitment, commitment_at, decide, next_post, seen_by_others
from patrolopt.errors import InfeasibleError
from patrolopt.model import Params, PatrolModel, prepare
from patrolopt.plan import Plan, Step
from patrolopt.problem import Problem
from patrolopt.turns import Turns
from patrolopt.validate import validate_plan
from patrolopt.variety import Variety

__all__ = ["Params", "solve", "start_positions"]


def start_positions(model: PatrolModel) -> list[tuple[int, Commitment, float]]:
    """Start node, commitment and time of the first step of every officer.

    Officers on shift at time 0 are spread evenly (in time) along the tour: the first one
    rejoins it where it stands, each next one ``period / k`` ahead, intercepting its slot by
    the shortest path and waiting if early.  An officer without a start node takes up its
    slot when its place in the formation comes round (so its first visit is on schedule).
    Later shifts start from their start node.
    """
    problem = model.problem
    graph = problem.graph
    period = model.period
    tour = model.tours[0]
    active = [i for i, o in enumerate(problem.officers) if o.shift_start_s <= 0]
    out: list[tuple[int, Commitment, float]] = []
    phase0 = 0.0
    for i, officer in enumerate(problem.officers):
        start = graph.index[officer.start] if officer.start is not None else int(tour.walk[0])
        if i not in active:
            commit = commitment_at(model, start, officer.shift_start_s, in_rotation=False)
            out.append((start, commit, officer.shift_start_s))
            continue
        rank = active.index(i)
        if rank == 0:
            q = int(model.occurrences[0][start][0])
            phase0 = -float(tour.arrival[q])
        phase = phase0 - rank * period / len(active)
        travel = np.where(
            tour.walk == start,
            0.0,
            graph.nodes[start].dwell_s
            + model.dist[start, tour.walk]
            - model.model_dwell[tour.walk],
        )
        if officer.start is None:
            travel = np.zeros(tour.m)  # placed directly on its slot
        slot = np.mod(phase + tour.arrival[:-1], period)
        slot = slot + np.ceil(np.maximum(travel - slot, 0.0) / period) * period
        q = int(np.argmin(slot))
        arrival = float(slot[q])
        if officer.start is None:
            start = int(tour.walk[q])
        first = arrival + model.offsets[0][q]
        t0 = arrival if officer.start is None else 0.0
        out.append((start, Commitment(0, q, arrival, first, True), t0))
    return out


def solve(problem: Problem, *, seed: int, params: Params | None = None) -> Plan:
    """Plan a randomised, deadline-keeping patrol (see module docstring).

    Parameters
    ----------
    problem : Problem
    seed : int
        Seed of the only random generator used; stored in the plan for audit.
    params : Params, optional
        Gap cap and tour effort; defaults to :class:`Params()`.

    Returns
    -------
    Plan

    Raises
    ------
    GraphError, InfeasibleError
        On bad input or when a node deadline cannot be kept; the message names the node.
    """
    model = prepare(problem, params)
    return plan_with(model, seed=seed)


def _settle(pending: list[tuple[int, float] | None], last: np.ndarray, now: float) -> None:
    """Count every pending arrival made by ``now`` as a visit in ``last``."""
    for i, item in enumerate(pending):
        if item is not None and item[1] <= now + 1e-9:
            v, arrival = item
            last[v] = max(last[v], arrival)
            pending[i] = None


def plan_with(model: PatrolModel, *, seed: int) -> Plan:
    """:func:`solve` on an already prepared model (benchmarks reuse the model across days)."""
    problem = model.problem
    graph = problem.graph
    rng = np.random.default_rng(seed)
    last = np.full(graph.n, -np.inf)
    starts = start_positions(model)
    commits = [c for _, c, _ in starts]
    where = [s for s, _, _ in starts]
    steps: list[list[Step]] = []
    posts = [list(problem.posts_of(o.id)) for o in problem.officers]
    heap: list[tuple[float, int]] = []
    # Arrivals decided but not yet made: they count as visits only once their time has come,
    # so no officer treats a node as fresh (and turns away from it) before it is visited.
    pending: list[tuple[int, float] | None] = [None] * len(starts)
    params = model.params
    # the pull toward returns only where a lone officer's slack is scarce (Params.return_slack)
    scarce = model.slack_s <= params.return_slack * model.period + 1e-6
    pull = params.return_pull if scarce else 0.0
    balance = (
        ReturnBalance.start(
            graph.n, params.return_window * model.team_gap, params.balance, mean_pull=pull
        )
        if problem.k == 1 and (params.balance > 0 or pull > 0)
        else None
    )
    # Variety where a team's slack is scarce: at gap caps up to 1 + return_slack.
    variety = (
        Variety(graph.n, params.variety)
        if problem.k > 1
        and params.variety > 0
        and params.gap_cap <= 1.0 + params.return_slack + 1e-9
        else None
    )
    turns = (
        Turns.start(problem.k, model.params.turn_share, model.period, model.tours[0].m, rng)
        if problem.k > 1 and model.params.turn_share > 0
        else None
    )
    # Decisions in a row with at most one safe move, per officer: after a whole tour of them
    # the officer may hold (once per stop) so that at least its timing varies.
    no_choice = [0] * len(starts)
    just_held = [False] * len(starts)
    for i, (start, commit, t0) in enumerate(starts):
        node = graph.nodes[start]
        wait = commit.arrival_s - t0 if int(model.tours[0].walk[commit.position]) == start else 0.0
        dwell = max(wait, 0.0) + float(model.model_dwell[start])
        steps.append([Step(node.id, t0, dwell, f"{node.label}: start of shift")])
        if node.is_open(t0):
            pending[i] = (start, t0)
        heapq.heappush(heap, (t0 + dwell, i))
    while heap:
        now, i = heapq.heappop(heap)
        _settle(pending, last, now)
        officer = problem.officers[i]
        if now >= min(problem.horizon_s, officer.shift_end_s):
            continue
        u = where[i]
        while posts[i] and posts[i][0].end_s <= now:
            done = posts[i].pop(0)
            commits[i] = commitment_at(model, graph.index[done.node], now, in_rotation=True)
        post = next_post(model, posts[i], now)
        if post is not None and commits[i].in_rotation:
            x = graph.index[post.node]
            commits[i] = commitment_at(model, x, post.end_s, in_rotation=False)
        if balance is not None:
            balance.leave(u, now)
        if turns is not None and now >= problem.warmup_s:
            turns.at(now, rng)  # not while the team settles into its places
        may_delay = turns is None or turns.may_delay(i)
        counting = turns is not None and turns.counting(i)
        # the variety's context: the node the officer came from (only the variety reads it)
        previous = (
            graph.index[steps[i][-2].node] if variety is not None and len(steps[i]) > 1 else -1
        )
        decision = decide(
            model,
            now=now,
            u=u,
            mine=commits[i],
            others=[seen_by_others(model, c, posts[j]) for j, c in enumerate(commits) if j != i],
            last=last,
            post=post,
            rng=rng,
            upcoming=posts[i][0] if posts[i] and post is None else None,
            balance=balance,
            may_hold=no_choice[i] >= model.tours[0].m and not just_held[i],
            may_delay=may_delay,
            count_delays=counting,
            excursions=params.excursions,
            variety=variety,
            previous=previous,
        )
        if turns is not None:
            turns.after(i, decision.could_delay, rng)
        no_choice[i] = 0 if decision.safe_moves > 1 else no_choice[i] + 1
        just_held[i] = decision.held
        step = decision.step
        v = decision.node
        if balance is not None and v != u:  # staying put is no return
            balance.arrive(v, step.arrival_s)
        if variety is not None and v != u:
            variety.taken(previous, u, v)
        if v == u and steps[i][-1].node == step.node:
            prev = steps[i][-1]
            reason = f"{prev.reason}; {step.reason}" if decision.held else step.reason
            step = Step(prev.node, prev.arrival_s, step.departure_s - prev.arrival_s, reason)
            steps[i][-1] = step
        else:
            steps[i].append(step)
        node = graph.nodes[v]
        if node.is_open(step.arrival_s):
            pending[i] = (v, step.arrival_s)
        where[i] = v
        commits[i] = decision.commitment
        heapq.heappush(heap, (step.departure_s, i))
    plan = Plan(
        officers=tuple(tuple(s for s in officer_steps) for officer_steps in steps),
        seed=seed,
        planner="patrolopt",
        info={
            "gap_cap": model.params.gap_cap,
            "tour_s": round(model.period, 3),
            "team_gap_s": round(model.team_gap, 3),
            "horizon_s": problem.horizon_s,
            "mode": model.mode,
        },
    )
    for violation in validate_plan(problem, plan):
        if violation.kind == "deadline":
            raise InfeasibleError(violation.message, node=violation.node)
    return plan
