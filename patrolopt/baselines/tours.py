"""Tour baselines: B1 fixed TSP cycle, B2 partition + TSP, B8 randomised near-optimal tours.

Problem: cyclic strategies are optimal for worst idleness with one patroller (Chevaleyre
2004, "Theoretical analysis of the multi-agent patrolling problem") and are the reference
every randomised planner is measured against.

* B1 - the optimal tour, ``k`` officers evenly spaced on it (Chevaleyre's cyclic strategy).
* B2 - the graph split into ``k`` parts (Voronoi cells of ``k`` farthest-first seeds in the
  shortest-path metric), one officer looping a TSP tour of each part (Chevaleyre's
  partition strategy).
* B8 - each cycle an officer picks a random tour from a pool of near-optimal tours (within
  5 % of the best), a random start and a random orientation, walks to the start and runs
  the cycle: randomised tours in the spirit of Basilico, Gatti & Amigoni 2012.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from patrolopt.baselines.common import simulate
from patrolopt.model import PatrolModel
from patrolopt.plan import Plan
from patrolopt.solver import start_positions
from patrolopt.tour import tour_order

__all__ = ["FixedTour", "PartitionTours", "RandomisedTours"]


def _expand(model: PatrolModel, order: list[int]) -> list[int]:
    """Closed walk on the graph through ``order`` (shortest paths between consecutive nodes)."""
    walk = [order[0]]
    for _a, b in zip(order, [*order[1:], order[0]], strict=True):
        while walk[-1] != b:
            walk.append(model.next_hop(walk[-1], b))
    walk.pop()
    return walk


@dataclass(frozen=True)
class FixedTour:
    """B1: the optimal tour with the officers evenly spaced (deterministic)."""

    name: str = "B1 TSP cycle"

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Officers follow the forward tour from their start commitments."""
        walk = model.tours[0].walk
        m = len(walk)
        targets = [c.position for _, c, _ in start_positions(model)]
        arrivals = [c.arrival_s for _, c, _ in start_positions(model)]

        def policy(i: int, u: int, now: float, last: np.ndarray) -> tuple[int, float]:
            target = int(walk[targets[i]])
            if u != target:
                return model.next_hop(u, target), 0.0
            if now + 1e-9 < arrivals[i] + model.model_dwell[u]:
                return u, arrivals[i] + float(model.model_dwell[u]) - now
            targets[i] = (targets[i] + 1) % m
            nxt = int(walk[targets[i]])
            arrivals[i] = now + float(model.travel[u, nxt])
            return nxt, 0.0

        return simulate(model, policy, seed=seed, name=self.name)


@dataclass(frozen=True)
class PartitionTours:
    """B2: ``k`` Voronoi parts, one TSP loop per officer (deterministic)."""

    name: str = "B2 partition+TSP"

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Officer ``i`` walks to part ``i`` and loops its tour."""
        k = model.problem.k
        dist = np.minimum(model.dist, model.dist.T)
        seeds = [int(model.tours[0].walk[0])]
        while len(seeds) < k:
            seeds.append(int(np.argmax(dist[seeds].min(axis=0))))
        owner = np.argmin(dist[seeds], axis=0)
        walks = []
        for i in range(k):
            part = np.flatnonzero(owner == i)
            sub = dist[np.ix_(part, part)]
            order = [int(part[j]) for j in tour_order(sub)] if len(part) > 1 else [int(part[0])]
            walks.append(_expand(model, order) if len(order) > 1 else order)
        pos = [0] * k

        def policy(i: int, u: int, now: float, last: np.ndarray) -> tuple[int, float]:
            walk = walks[i]
            if len(walk) == 1 and u == walk[0]:
                nbr = model.neighbours[u][0]
                return nbr, 0.0
            target = walk[pos[i]]
            if u != target:
                return model.next_hop(u, target), 0.0
            pos[i] = (pos[i] + 1) % len(walk)
            nxt = walk[pos[i]]
            return (
                (nxt, 0.0) if nxt != u else (model.next_hop(u, walk[(pos[i] + 1) % len(walk)]), 0.0)
            )

        return simulate(model, policy, seed=seed, name=self.name)


@dataclass(frozen=True)
class RandomisedTours:
    """B8: random near-optimal tour, start and orientation every cycle."""

    name: str = "B8 randomised tours"
    pool_size: int = 4
    slack: float = 0.05
    _pool: dict[int, list[list[int]]] = field(default_factory=dict, repr=False, compare=False)

    def _tours(self, model: PatrolModel) -> list[list[int]]:
        key = id(model)
        if key not in self._pool:
            dist = model.dist
            candidates = []
            for first in range(self.pool_size):
                walk = _expand(model, tour_order(dist, first_solution=first * 7919))
                length = sum(
                    float(model.travel[a, b] + model.model_dwell[b])
                    for a, b in zip(walk, [*walk[1:], walk[0]], strict=True)
                )
                candidates.append((length, walk))
            best = min(length for length, _ in candidates)
            self._pool[key] = [w for length, w in candidates if length <= best * (1 + self.slack)]
        return self._pool[key]

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Each officer draws (tour, start, orientation) at the end of every cycle."""
        rng = np.random.default_rng(seed)
        pool = self._tours(model)
        k = model.problem.k
        current: list[list[int]] = [[] for _ in range(k)]

        def policy(i: int, u: int, now: float, last: np.ndarray) -> tuple[int, float]:
            if not current[i]:
                walk = pool[int(rng.integers(len(pool)))]
                start = int(rng.integers(len(walk)))
                cycle = walk[start:] + walk[:start]
                if rng.random() < 0.5:
                    cycle = [cycle[0], *cycle[:0:-1]]
                current[i] = [*cycle, cycle[0]]
            target = current[i][0]
            if u == target:
                current[i].pop(0)
                return policy(i, u, now, last)
            return model.next_hop(u, target), 0.0

        return simulate(model, policy, seed=seed, name=self.name)
