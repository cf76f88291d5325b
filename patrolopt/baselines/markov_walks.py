"""Markov baselines: B3 uniform random walk, B4 maximum-entropy chain, B5 capture-optimal chain.

Problem: memoryless randomised patrols, the standard unpredictable strategies.

* B3 - uniform random walk: every neighbour with equal probability.
* B4 - maximum-entropy Markov chain whose visit shares are proportional to risk: the edge
  flow ``Q = diag(x) A diag(x)`` scaled by Sinkhorn to marginals ``pi`` (George, Jafarpour
  & Bullo 2019), with dwell self-loops on bipartite graphs (trees included), where no walk
  can otherwise reach arbitrary shares.
* B5 - capture-optimal chain for the declared attack duration ``d``: maximise
  ``min_{i,j} C_d(i, j)`` by gradient ascent with restarts (Asghar & Smith 2016; Duan,
  George & Bullo 2021), started from B4 and from random points.

Officers run independent copies of the chain; each also exposes :meth:`chain` so the exact
metrics of :mod:`patrolopt.markov` apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import numpy.typing as npt

from patrolopt.baselines.common import simulate
from patrolopt.markov import MarkovChain, optimise_capture, sinkhorn
from patrolopt.model import PatrolModel
from patrolopt.plan import Plan

__all__ = ["CaptureOptimalChain", "MaxEntropyChain", "UniformRandomWalk", "support_of"]


def support_of(
    model: PatrolModel, *, loops: bool | None = None
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Allowed transitions and their times: edges, plus dwell self-loops when needed.

    Self-loops (lasting the mean edge travel time) are added when ``loops`` is true, or, by
    default, when the graph is bipartite (trees included).
    """
    travel = model.travel
    n = travel.shape[0]
    support = np.isfinite(travel) & ~np.eye(n, dtype=bool)
    times = np.where(support, travel + model.model_dwell[None, :], 1.0)
    if loops is None:
        loops = bool(nx.is_bipartite(nx.from_numpy_array(support.astype(int))))
    if loops:
        loop = float(travel[support].mean())
        support |= np.eye(n, dtype=bool)
        np.fill_diagonal(times, loop + model.model_dwell)
    return support, times


def _run_chain(model: PatrolModel, chain: MarkovChain, seed: int, name: str) -> Plan:
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(chain.P, axis=1)

    def policy(i: int, u: int, now: float, last: np.ndarray) -> tuple[int, float]:
        v = int(np.searchsorted(cumulative[u], rng.random() * cumulative[u, -1], side="right"))
        v = min(v, chain.n - 1)
        return (v, 0.0) if v != u else (u, float(chain.times[u, u]))

    return simulate(model, policy, seed=seed, name=name)


@dataclass(frozen=True)
class UniformRandomWalk:
    """B3: uniform random walk on the graph's edges."""

    name: str = "B3 random walk"

    def chain(self, model: PatrolModel) -> MarkovChain:
        """The walk's transition matrix and times."""
        travel = model.travel
        support = np.isfinite(travel) & ~np.eye(travel.shape[0], dtype=bool)
        P = support / support.sum(axis=1, keepdims=True)
        return MarkovChain(P, np.where(support, travel + model.model_dwell[None, :], 1.0))

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Simulate independent walkers."""
        return _run_chain(model, self.chain(model), seed, self.name)


@dataclass(frozen=True)
class MaxEntropyChain:
    """B4: maximum-entropy chain with visit shares proportional to risk (Sinkhorn)."""

    name: str = "B4 max-entropy chain"

    def chain(self, model: PatrolModel) -> MarkovChain:
        """Sinkhorn-scaled edge flow with marginals ``pi ~ risk``.

        When the edges alone cannot carry the shares (bipartite graphs, or dead ends whose
        risk outweighs their neighbour's), dwell self-loops are added.
        """
        risk = np.array([node.risk for node in model.problem.graph.nodes])
        pi = risk / risk.sum()
        support, times = support_of(model)
        try:
            Q = sinkhorn(support.astype(np.float64), pi, pi, max_iter=5_000)
        except ValueError:
            support, times = support_of(model, loops=True)
            Q = sinkhorn(support.astype(np.float64), pi, pi)
        return MarkovChain(Q / Q.sum(axis=1, keepdims=True), times)

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Simulate independent walkers."""
        return _run_chain(model, self.chain(model), seed, self.name)


@dataclass(frozen=True)
class CaptureOptimalChain:
    """B5: chain maximising the minimum capture probability at ``d`` (gradient ascent).

    Parameters
    ----------
    attack_s : float
        The declared attack duration ``d``.
    steps : int
        Time units of the optimisation's recursion (``unit = d / steps``).
    restarts, iterations : int
        Random restarts (besides the B4 start) and Adam iterations per start, used on graphs
        of up to ``large`` nodes; larger graphs get only the B4 start and ``iterations // 3``
        iterations (the reverse-mode pass costs ``O(steps * edges * n)``).
    large : int
        Node count above which the reduced effort applies.
    """

    attack_s: float
    name: str = "B5 capture-optimal chain"
    steps: int = 60
    restarts: int = 2
    iterations: int = 80
    large: int = 100
    _cache: dict[int, MarkovChain] = field(default_factory=dict, repr=False, compare=False)

    def chain(self, model: PatrolModel) -> MarkovChain:
        """Optimise (once per model; seed 0 for the restarts, so the chain is reproducible)."""
        key = id(model)
        if key not in self._cache:
            start_chain = MaxEntropyChain().chain(model)
            support, times = start_chain.P > 0, start_chain.times
            start = start_chain.P
            small = model.problem.graph.n <= self.large
            P = optimise_capture(
                support,
                times,
                self.attack_s,
                rng=np.random.default_rng(0),
                unit_s=self.attack_s / self.steps,
                restarts=self.restarts if small else 0,
                iterations=self.iterations if small else self.iterations // 3,
                start=start,
            )
            self._cache[key] = MarkovChain(P / P.sum(axis=1, keepdims=True), times)
        return self._cache[key]

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Simulate independent walkers."""
        return _run_chain(model, self.chain(model), seed, self.name)
