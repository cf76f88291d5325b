"""Return balance: steer a lone officer's random choice toward the nodes it comes back to least.

Problem: the observing attacker's best moment is the one right after the officer leaves a
node ``i``; it strikes ``i`` itself, which is safe unless the officer comes back within the
attack time ``d`` (the minimum capture probability of :mod:`patrolopt.metrics` is, for a
lone officer under the gap cap, nearly always this context).  Coming back costs slack, and
the cap leaves only a little: every quick return spent on one node is missing at another,
and the attacker picks the node that got the fewest.  A uniform choice among the safe moves
spends the returns where the graph makes them cheap (on grid: away from the corners), so
the weakest node decides.

Method: for every node count the departures and the returns within ``d`` so far in this
plan.  When a safe move would be such a return, it weighs more the closer the node's return
share is to the smallest share of all nodes (``1 + strength`` for the weakest node, falling
off within about :data:`SPREAD` of it); every other move weighs 1.  Only the weakest nodes
pull: a rule that also pulled every node below the mean share let those that are cheap to
come back to use up the slack (on DIAG_floor1 it lowered the weakest node's share), and a
much stronger pull does the same (``strength`` 30 halved grid's minimum capture; see
``docs/benchmarks-patrolopt.md``).  The randomness is spent only among the moves
:func:`patrolopt.decide.decide` already proved safe, so the deadlines and the cap hold
exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ReturnBalance"]

FloatArray = npt.NDArray[np.float64]

#: Return shares this far above the smallest pull about 1/e as hard as the weakest node's.
SPREAD = 0.02


@dataclass
class ReturnBalance:
    """Departures and quick returns per node, and the weights they give.

    Attributes
    ----------
    window_s : float
        The attack time ``d``: a visit within it of the officer leaving a node is a return.
    strength : float
        How hard the weakest node pulls: a return to it weighs ``1 + strength``.
    left : ndarray
        When the officer last left each node (``-inf``: never).
    departures, returns : ndarray
        Counts per node.
    """

    window_s: float
    strength: float
    left: FloatArray
    departures: FloatArray
    returns: FloatArray

    @classmethod
    def start(cls, n: int, window_s: float, strength: float) -> ReturnBalance:
        """An empty balance for ``n`` nodes."""
        if not (window_s > 0 and strength > 0):
            raise ValueError("window_s and strength must be positive")
        return cls(window_s, strength, np.full(n, -np.inf), np.zeros(n), np.zeros(n))

    def leave(self, u: int, now: float) -> None:
        """The officer leaves ``u`` at ``now``."""
        self.departures[u] += 1
        self.left[u] = now

    def arrive(self, v: int, arrival: float) -> None:
        """The officer arrives at ``v``: a return if within the window of leaving it."""
        if arrival - self.left[v] <= self.window_s:
            self.returns[v] += 1

    def weights(self, nodes: list[int], arrivals: FloatArray) -> FloatArray:
        """Choice weight of moving to each of ``nodes``, arriving at ``arrivals``."""
        share = self.returns / np.maximum(self.departures, 1.0)
        seen = self.departures > 0
        weakest = float(share[seen].min()) if seen.any() else 0.0
        pull = 1.0 + self.strength * np.exp(-(share[nodes] - weakest) / SPREAD)
        back = arrivals - self.left[nodes] <= self.window_s
        return np.asarray(np.where(back, pull, 1.0))
