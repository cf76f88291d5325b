"""The gap-cap frontier of one patrol zone: what each cap buys a supervisor.

Problem: the gap cap (:attr:`patrolopt.model.Params.gap_cap`) says how far beyond the
tightest tour a stop may wait between visits.  A tight cap keeps every wait short but leaves
the officer little room to vary the route; a loose one makes the officer harder to predict
and lets some stops wait longer.  That trade is a supervisor's choice, so it is measured for
the supervisor's own zone, not only on the benchmark maps.

Method: at each cap the shipped planner plans seeded 8 h days exactly as the benchmark row
does (:func:`patrolopt.bench.evaluate`: same warm-up, seeds, metrics), and the
frontier keeps what a supervisor weighs: the longest wait at any stop, the share of waits
beyond a stop's own limit, the capture probability against an attacker who watches the
officer leave and strikes for ``d = 0.8 x`` the tightest team gap (one-sided 95 % Wilson
lower bound over the places the attacker saw often enough to learn; Basilico, Gatti &
Amigoni 2012), and the conditional entropy of the next stop given the last two (h = 2).
A zone with a long round is observed for more days, so that the attacker sees even the
least visited place left 1,000 times (the benchmark's threshold for scoring a place), up to
a bound.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from patrolopt.bench import ATTACK_SHARE, CAPS, DAY_S, WARMUP_S, Shipped, evaluate
from patrolopt.metrics import MIN_SAMPLES
from patrolopt.model import Params, prepare
from patrolopt.problem import Problem

__all__ = ["Frontier", "FrontierPoint", "measure_frontier"]


@dataclass(frozen=True)
class FrontierPoint:
    """The shipped planner at one cap, over the measured days."""

    cap: float
    days: int  # seeded days measured at this cap
    worst_gap_s: float  # the longest wait at any stop on any measured day
    violation_rate: float | None  # share of waits beyond a stop's own limit; None: no limits
    capture: float | None  # Wilson lower bound; None when no place was seen often enough
    places_scored: int  # places the attacker saw often enough to learn
    places_seen: int
    entropy_h2: float  # nats per step


@dataclass(frozen=True)
class Frontier:
    """Every cap's point for one zone and team, with the scale they are read against."""

    tour_s: float  # the tightest tour of the zone
    team_gap_s: float  # the tightest wait any stop can have: tour / officers
    attack_s: float
    points: tuple[FrontierPoint, ...]


def measure_frontier(
    problem: Problem,
    *,
    caps: Sequence[float] = CAPS,
    days: int = 20,
    max_days: int = 60,
    progress: Callable[[float], None] | None = None,
) -> Frontier:
    """Measure the shipped planner at each of ``caps`` on ``problem``'s graph and team.

    The problem's horizon and warm-up are replaced by the benchmark's day.  At least
    ``days`` days are measured at each cap, more (up to ``max_days``) when a place visited
    only as often as the cap demands would be left fewer than 1,000 times.  ``progress`` is
    called with the finished cap after each one.  Raises
    :class:`~patrolopt.errors.InfeasibleError` (naming the node) when the team cannot keep a
    stop's own limit at any cap, and ``ValueError`` for a cap below 1 or no days.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    day = replace(problem, horizon_s=WARMUP_S + DAY_S, warmup_s=WARMUP_S)
    models = {cap: prepare(day, Params(gap_cap=cap)) for cap in caps}
    scale = models[caps[0]]
    attack = ATTACK_SHARE * scale.team_gap
    # Departures are scored until ``attack`` before the day ends.
    scored_s = DAY_S - attack
    points = []
    for cap in caps:
        # The cap guarantees a visit per cap x team gap; busier places come more often.
        least_a_day = scored_s / (cap * scale.team_gap)
        measured = max(days, min(max_days, math.ceil(MIN_SAMPLES / least_a_day)))
        row = evaluate(Shipped(cap, models), models[cap], measured, attack)
        capture = row["capture_h1"]
        low = capture["wilson_low"]
        violations = row.get("violation_rate")
        points.append(
            FrontierPoint(
                cap=cap,
                days=measured,
                worst_gap_s=row["worst"]["max"],
                violation_rate=violations["mean"] if violations else None,
                capture=None if math.isnan(low) else low,
                places_scored=capture["contexts_scored"],
                places_seen=capture["contexts_seen"],
                entropy_h2=row["cond_entropy_h2"],
            )
        )
        if progress is not None:
            progress(cap)
    return Frontier(
        tour_s=scale.period,
        team_gap_s=scale.team_gap,
        attack_s=attack,
        points=tuple(points),
    )
