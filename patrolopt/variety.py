"""Variety: even out where a team's officers go on from each pair of nodes.

Problem: the benchmark measures unpredictability (target T3) as the empirical conditional
entropy of the next node given the last two, pooled over every step of a plan.  A uniform
choice among the safe moves maximises the entropy of each decision, not of that pooled
distribution.  Where a team's slack is scarce, an officer that stands at ``b`` having come
from ``a`` sometimes has one safe move (its tour's next node) and sometimes several, so the
moves taken from ``(a, b)`` pile up on the tour's next node, and the pooled entropy stays
low even though every single choice was as random as it could be.

Method: count, per context ``(a, b)``, how often each next node has been taken so far in this
plan (all officers together, as the measure pools them), and weigh each safe move ``v`` by
``((m + 1) / (c_v + 1)) ** strength``, where ``c_v`` is its count and ``m`` the mean count of
the safe moves.  Moves taken less often from this context weigh more, which draws the pooled
distribution toward uniform over the moves that occur there; this is the count-balancing
idea of the return balance (:mod:`patrolopt.balance`) applied to the next-node distribution.
The randomness is still spent only among the moves :func:`patrolopt.decide.decide` proved
safe, so the deadlines and the cap hold exactly as before.  The counts belong to one plan
(:func:`patrolopt.solver.solve`); the online mode (:func:`patrolopt.online.next_stop`), which
keeps no history between calls, chooses uniformly.

Measured (``docs/benchmarks-patrolopt.md``, eleventh round), strength 0.5 at cap 1.25: H2
rose on 18 of the 20 team rows and three rows that missed 0.5 nats reach it.  It costs on
two campus rows: on campus-small with four officers the moves taken least often are the ones
that spend slack, which leaves fewer choices later (H2 0.455 -> 0.389), and on campus-large
with four officers capture fell from 0.076 to 0.023.  Strength 1 did more on the literature
maps and less on the campuses.  A lone officer does not use it: its choice is already
steered by the return balance, and the two together took cumberland's capture from 0.172 to
0.090.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["Variety"]

FloatArray = npt.NDArray[np.float64]


@dataclass
class Variety:
    """Next-node counts per context in one plan, and the choice weights they give.

    Attributes
    ----------
    n : int
        Number of nodes.
    strength : float
        Exponent of the weight (0: every safe move weighs the same).
    counts : dict
        ``counts[(a, b)][v]``: how often an officer at ``b`` that came from ``a`` went on to
        ``v``.  ``a`` is -1 at an officer's first move.
    """

    n: int
    strength: float
    counts: dict[tuple[int, int], FloatArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.strength >= 0:
            raise ValueError(f"strength must be >= 0, got {self.strength}")

    def weights(self, previous: int, u: int, nodes: list[int]) -> FloatArray:
        """Choice weight of moving on to each of ``nodes`` from ``u``, having come from
        ``previous``."""
        seen = self.counts.get((previous, u))
        if seen is None:
            return np.ones(len(nodes))
        taken = seen[nodes]
        return np.asarray(((taken.mean() + 1.0) / (taken + 1.0)) ** self.strength)

    def taken(self, previous: int, u: int, v: int) -> None:
        """Record a move from ``u`` to ``v`` by an officer that came to ``u`` from
        ``previous``."""
        row = self.counts.get((previous, u))
        if row is None:
            row = self.counts[(previous, u)] = np.zeros(self.n)
        row[v] += 1.0
