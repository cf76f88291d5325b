"""Patrol quality metrics computed from plans (any planner) and from Markov chains (exact).

Problem: compare patrol strategies on coverage, predictability and adversarial strength
with the measures of the literature (Portugal & Rocha 2011 survey; Basilico, Gatti &
Amigoni 2012; George, Jafarpour & Bullo 2019):

* gaps - time a node waits between two visits by any officer, within an observation
  window after a warm-up: worst gap, p95/p99, the mean interval (visit frequency, as the
  literature reports it - not regularity), and the risk-weighted time-averaged idleness
  ``sum_j r_j E[g_j^2] / (2 E[g_j]) / sum_j r_j``;
* deadline-violation rate - share of gaps longer than the node's ``max_gap_s``;
* total-variation distance between visit shares and the risk-proportional targets;
* empirical conditional entropy ``H(X_{t+1} | X_{t-h+1..t})`` of the next node given the
  last ``h`` nodes, in nats per step;
* empirical capture: an attacker who watches an officer leave node ``i`` (context: the
  last ``h`` nodes of that officer) and immediately attacks node ``j`` for ``d_j`` seconds
  is caught if any officer arrives at ``j`` in time.  Per (context, target) the success
  count gives a one-sided 95 % Wilson lower bound; contexts seen fewer than
  ``min_samples`` times are not scored (the attacker could not learn them).  For Markov
  chains use :func:`patrolopt.markov.min_capture`, which is exact;
* distance walked per officer-hour.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from patrolopt.graph import Node
from patrolopt.plan import Plan
from patrolopt.problem import Problem

__all__ = [
    "MIN_SAMPLES",
    "CaptureCounter",
    "GapStats",
    "conditional_entropy",
    "distance_per_officer_hour",
    "gap_stats",
    "node_sequences",
    "visit_times",
    "wilson_lower",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def visit_times(problem: Problem, plan: Plan) -> list[FloatArray]:
    """Sorted arrival times of all officers at every node (open visits only)."""
    index = problem.graph.index
    nodes = problem.graph.nodes
    out: list[list[float]] = [[] for _ in nodes]
    for steps in plan.officers:
        for s in steps:
            j = index[s.node]
            if nodes[j].is_open(s.arrival_s):
                out[j].append(s.arrival_s)
    return [np.sort(np.asarray(t, dtype=np.float64)) for t in out]


@dataclass(frozen=True)
class GapStats:
    """Gap figures of one plan over the window ``[start, end]`` (seconds).

    Attributes
    ----------
    worst, p95, p99, mean_interval, idleness : float
        See the module docstring; ``idleness`` is risk-weighted.
    violation_rate : float or None
        Share of gaps longer than the node deadline (None: no node has one).
    tv_distance : float
        Total variation between visit shares and risk shares.
    per_node_worst : ndarray
        Worst gap of every node.
    """

    worst: float
    p95: float
    p99: float
    mean_interval: float
    idleness: float
    violation_rate: float | None
    tv_distance: float
    per_node_worst: FloatArray = field(repr=False)


def _node_gaps(node: Node, times: FloatArray, start: float, end: float) -> FloatArray:
    """Gaps of one node inside ``[start, end]``, only while it is open.

    Without windows the first gap runs from the last visit before ``start`` (or ``start``);
    with windows each open span starts its own clock at its opening (or at ``start``).
    """
    if not node.windows:
        before = times[times < start]
        spans = [(before[-1] if len(before) else start, start, end)]
    else:
        spans = [
            (max(w.start_s, start), max(w.start_s, start), min(w.end_s, end))
            for w in node.windows
            if min(w.end_s, end) > max(w.start_s, start)
        ]
    out = []
    for anchor, a, b in spans:
        inside = times[(times >= a) & (times <= b)]
        gaps = np.diff(np.concatenate([[anchor], inside, [b]]))
        out.append(gaps[gaps > 0])
    return np.concatenate(out) if out else np.zeros(0)


def gap_stats(problem: Problem, plan: Plan, *, start: float, end: float) -> GapStats:
    """Gap statistics between ``start`` and ``end``.

    The first gap of a node runs from its last visit before ``start`` (or from ``start``),
    the last one to ``end`` (censored), so a node never visited counts as one gap of
    ``end - start``.  Nodes with time windows are measured only while open, each window
    starting its own clock.
    """
    nodes = problem.graph.nodes
    visits = visit_times(problem, plan)
    all_gaps: list[FloatArray] = []
    worst = np.zeros(len(nodes))
    idle = np.zeros(len(nodes))
    counts = np.zeros(len(nodes))
    late = total_with_deadline = 0
    for j, times in enumerate(visits):
        counts[j] = int(((times >= start) & (times <= end)).sum())
        gaps = _node_gaps(nodes[j], times, start, end)
        all_gaps.append(gaps)
        worst[j] = gaps.max() if len(gaps) else 0.0
        idle[j] = float((gaps**2).sum() / (2 * gaps.sum())) if len(gaps) else 0.0
        limit = nodes[j].max_gap_s
        if limit is not None:
            total_with_deadline += len(gaps)
            late += int((gaps > limit + 1e-6).sum())
    pooled = np.concatenate(all_gaps)
    risk = np.array([node.risk for node in nodes])
    shares = counts / counts.sum() if counts.sum() else counts
    return GapStats(
        worst=float(worst.max()),
        p95=float(np.quantile(pooled, 0.95)),
        p99=float(np.quantile(pooled, 0.99)),
        mean_interval=float(pooled.mean()),
        idleness=float((risk * idle).sum() / risk.sum()),
        violation_rate=(late / total_with_deadline) if total_with_deadline else None,
        tv_distance=float(0.5 * np.abs(shares - risk / risk.sum()).sum()),
        per_node_worst=worst,
    )


def node_sequences(problem: Problem, plan: Plan) -> list[IntArray]:
    """Per officer the sequence of node indices it visits."""
    index = problem.graph.index
    return [np.array([index[s.node] for s in steps], dtype=np.int64) for steps in plan.officers]


def conditional_entropy(sequences: Iterable[IntArray], n: int, h: int) -> float:
    """Plug-in estimate of ``H(next | last h nodes)`` in nats, pooled over ``sequences``."""
    joint: dict[tuple[int, ...], dict[int, int]] = {}
    for seq in sequences:
        if len(seq) <= h:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(seq, h + 1)
        keys, counts = np.unique(windows, axis=0, return_counts=True)
        for key, c in zip(keys, counts, strict=True):
            row = joint.setdefault(tuple(int(x) for x in key[:h]), {})
            row[int(key[h])] = row.get(int(key[h]), 0) + int(c)
    total = sum(sum(r.values()) for r in joint.values())
    if total == 0:
        return 0.0
    entropy = 0.0
    for row in joint.values():
        c = np.array(list(row.values()), dtype=np.float64)
        p = c / c.sum()
        entropy += c.sum() / total * float(-(p * np.log(p)).sum())
    return entropy


def wilson_lower(
    successes: FloatArray, trials: FloatArray, z: float = 1.6448536269514722
) -> FloatArray:
    """One-sided 95 % Wilson score lower bound of a binomial proportion."""
    n = np.maximum(trials, 1.0)
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # with no success the bound is 0 exactly; rounding must not make it print as -0.000
    low = np.maximum((centre - spread) / (1 + z * z / n), 0.0)
    return np.asarray(np.where(trials > 0, low, 0.0))


#: Departures a context needs before the attacker's success there is scored (the issue's
#: "at least 1,000 samples per context").
MIN_SAMPLES = 1000


@dataclass
class CaptureCounter:
    """Accumulates attack outcomes over many simulated days (see module docstring).

    Parameters
    ----------
    n : int
        Number of nodes.
    history : int
        Nodes the attacker conditions on (1: the node just left; 2: route memory).
    attack_s : ndarray
        Attack duration per node, seconds.
    """

    n: int
    history: int
    attack_s: FloatArray
    trials: dict[tuple[int, ...], int] = field(default_factory=dict)
    caught: dict[tuple[int, ...], FloatArray] = field(default_factory=dict)

    def add(self, problem: Problem, plan: Plan, *, start: float, end: float) -> None:
        """Score every departure in ``[start, end - max(d)]`` of ``plan``."""
        visits = visit_times(problem, plan)
        index = problem.graph.index
        last_ok = end - float(self.attack_s.max())
        for steps in plan.officers:
            seq = [index[s.node] for s in steps]
            dep = np.array([s.departure_s for s in steps])
            keep = np.flatnonzero((dep >= start) & (dep <= last_ok))
            keep = keep[keep >= self.history - 1]
            if not len(keep):
                continue
            t = dep[keep]
            hit = np.zeros((len(keep), self.n), dtype=bool)
            for j, times in enumerate(visits):
                if not len(times):
                    continue  # never visited: never caught
                pos = np.searchsorted(times, t, side="right")
                nxt = np.where(pos < len(times), times[np.minimum(pos, len(times) - 1)], np.inf)
                hit[:, j] = nxt - t <= self.attack_s[j] + 1e-9
            seq_arr = np.asarray(seq)
            contexts = np.stack(
                [seq_arr[keep - h] for h in range(self.history - 1, -1, -1)], axis=1
            )
            keys, inverse = np.unique(contexts, axis=0, return_inverse=True)
            for c, key in enumerate(keys):
                rows = inverse.ravel() == c
                k = tuple(int(x) for x in key)
                self.trials[k] = self.trials.get(k, 0) + int(rows.sum())
                self.caught[k] = self.caught.get(k, np.zeros(self.n)) + hit[rows].sum(axis=0)

    def result(self, min_samples: int = MIN_SAMPLES) -> tuple[float, float, int, int]:
        """Minimum Wilson lower bound, minimum point estimate, contexts scored, contexts seen.

        Only contexts with at least ``min_samples`` departures are scored; the minimum runs
        over those contexts and every target node.
        """
        lows, points = [], []
        for key, n_trials in self.trials.items():
            if n_trials < min_samples:
                continue
            caught = self.caught[key]
            trials = np.full(self.n, float(n_trials))
            lows.append(float(wilson_lower(caught, trials).min()))
            points.append(float((caught / n_trials).min()))
        if not lows:
            return math.nan, math.nan, 0, len(self.trials)
        return min(lows), min(points), len(lows), len(self.trials)


def distance_per_officer_hour(problem: Problem, plan: Plan, hours: float) -> float:
    """Metres walked per officer per hour of plan."""
    lengths = problem.graph.length_matrix()
    index = problem.graph.index
    total = 0.0
    for steps in plan.officers:
        for a, b in itertools.pairwise(steps):
            total += float(lengths[index[a.node], index[b.node]])
    return total / (len(plan.officers) * hours)


def mean_interval(values: Sequence[float]) -> tuple[float, float]:
    """Mean and half-width of the two-sided 95 % Student-t interval of ``values``."""
    from scipy.stats import t as student

    arr = np.asarray(values, dtype=np.float64)
    if len(arr) < 2:
        return float(arr.mean()), 0.0
    half = float(student.ppf(0.975, len(arr) - 1) * arr.std(ddof=1) / math.sqrt(len(arr)))
    return float(arr.mean()), half
