"""Reactive baselines: B6 Conscientious Reactive, B7 Heuristic Conscientious Reactive.

Problem: the classic multi-agent patrolling heuristics (Machado et al. 2002, "Multi-agent
patrolling: an empirical analysis of alternative architectures"; Almeida et al. 2004,
"Recent advances on multi-agent patrolling"; both re-implemented in ``patrolling_sim``,
Portugal & Rocha 2016).

* B6 - Conscientious Reactive: go to the neighbour this officer itself visited longest ago
  (individual idleness, no communication); ties broken at random.
* B7 - Heuristic Conscientious Reactive: shared idleness; score every neighbour by
  ``0.5 * idleness / max idleness + 0.5 * (1 - travel / max travel)``, take the best;
  ties broken at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from patrolopt.baselines.common import simulate
from patrolopt.model import PatrolModel
from patrolopt.plan import Plan

__all__ = ["ConscientiousReactive", "HeuristicConscientiousReactive"]


def _argmax_random(scores: np.ndarray, rng: np.random.Generator) -> int:
    best = np.flatnonzero(scores >= scores.max() - 1e-9)
    return int(best[rng.integers(len(best))])


@dataclass(frozen=True)
class ConscientiousReactive:
    """B6: individual idleness, greedy over neighbours."""

    name: str = "B6 conscientious reactive"

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Simulate the team."""
        rng = np.random.default_rng(seed)
        own = np.full((model.problem.k, model.problem.graph.n), -1e9)

        def policy(i: int, u: int, now: float, last: np.ndarray) -> tuple[int, float]:
            own[i, u] = now
            nbrs = np.asarray(model.neighbours[u])
            v = int(nbrs[_argmax_random(now - own[i, nbrs], rng)])
            own[i, v] = now + float(model.travel[u, v])
            return v, 0.0

        return simulate(model, policy, seed=seed, name=self.name)


@dataclass(frozen=True)
class HeuristicConscientiousReactive:
    """B7: shared idleness and travel time, greedy over neighbours."""

    name: str = "B7 heuristic conscientious reactive"

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Simulate the team."""
        rng = np.random.default_rng(seed)

        def policy(i: int, u: int, now: float, last: np.ndarray) -> tuple[int, float]:
            nbrs = np.asarray(model.neighbours[u])
            idle = now - np.where(np.isfinite(last[nbrs]), last[nbrs], -1e9)
            travel = model.travel[u, nbrs]
            score = 0.5 * idle / max(float(idle.max()), 1e-9) + 0.5 * (1.0 - travel / travel.max())
            return int(nbrs[_argmax_random(score, rng)]), 0.0

        return simulate(model, policy, seed=seed, name=self.name)
