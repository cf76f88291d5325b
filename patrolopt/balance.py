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

Since the ninth round a second, stronger rule is the lone officer's default where slack is
scarce (``mean_pull``): returns to every node below the mean share are pulled (weight
``1 + mean_pull * (mean - share) / mean``, clipped to [:data:`FLOOR`, 1 + mean_pull], so
returns to nodes well above the mean are nearly given up), and
:func:`patrolopt.decide.decide` keeps back the slack the weakest node within reach needs for
its return (:meth:`ReturnBalance.focus`).  Where the cap leaves a lone officer more than a
quarter of a tour of slack (:attr:`patrolopt.model.Params.return_slack`) every node gets its
returns without help, and the rule only made the route more regular (1r5 at cap 1.5: 0.175
with the uniform choice, 0.021 with the rule); a rule that switched itself off once every
node had a target share was unstable instead (cumberland at cap 1.25: 0.131 and 0.082 on
two sets of seeds).  Measured in ``docs/benchmarks-patrolopt.md``, ninth round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ReturnBalance"]

FloatArray = npt.NDArray[np.float64]

#: Return shares this far above the smallest pull about 1/e as hard as the weakest node's.
SPREAD = 0.02


#: Weight of a return to a node far above the mean share under the mean pull: small, not
#: zero, so no return becomes impossible (an attacker would learn that it cannot happen).
FLOOR = 0.05


@dataclass
class ReturnBalance:
    """Departures and quick returns per node, and the weights they give.

    Attributes
    ----------
    window_s : float
        The attack time ``d``: a visit within it of the officer leaving a node is a return.
    strength : float
        How hard the weakest node pulls: a return to it weighs ``1 + strength`` (0: off).
    mean_pull : float
        How hard every node below the mean share pulls (0: off); see the module docstring.
    left : ndarray
        When the officer last left each node (``-inf``: never).
    departures, returns : ndarray
        Counts per node.
    """

    window_s: float
    strength: float
    mean_pull: float
    left: FloatArray
    departures: FloatArray
    returns: FloatArray

    @classmethod
    def start(
        cls,
        n: int,
        window_s: float,
        strength: float,
        *,
        mean_pull: float = 0.0,
    ) -> ReturnBalance:
        """An empty balance for ``n`` nodes."""
        if not window_s > 0:
            raise ValueError(f"window_s must be positive, got {window_s}")
        if not (strength >= 0 and mean_pull >= 0 and strength + mean_pull > 0):
            raise ValueError("strength and mean_pull must be >= 0, and one of them positive")
        return cls(
            window_s,
            strength,
            mean_pull,
            np.full(n, -np.inf),
            np.zeros(n),
            np.zeros(n),
        )

    def leave(self, u: int, now: float) -> None:
        """The officer leaves ``u`` at ``now``."""
        self.departures[u] += 1
        self.left[u] = now

    def arrive(self, v: int, arrival: float) -> None:
        """The officer arrives at ``v``: a return if within the window of leaving it."""
        if arrival - self.left[v] <= self.window_s:
            self.returns[v] += 1

    def shares(self) -> FloatArray:
        """Returns per departure, per node (0 for a node never left)."""
        return np.asarray(self.returns / np.maximum(self.departures, 1.0))

    def weights(self, nodes: list[int], arrivals: FloatArray) -> FloatArray:
        """Choice weight of moving to each of ``nodes``, arriving at ``arrivals``."""
        share = self.shares()
        seen = self.departures > 0
        pull = np.ones(len(nodes))
        if self.strength > 0:
            weakest = float(share[seen].min()) if seen.any() else 0.0
            pull *= 1.0 + self.strength * np.exp(-(share[nodes] - weakest) / SPREAD)
        if self.mean_pull > 0 and seen.any():
            mean = max(float(share[seen].mean()), 1e-9)
            below = 1.0 + self.mean_pull * (mean - share[nodes]) / mean
            pull *= np.clip(below, FLOOR, 1.0 + self.mean_pull)
        back = arrivals - self.left[nodes] <= self.window_s
        return np.asarray(np.where(back, pull, 1.0))

    def focus(self, u: int, now: float, ahead: FloatArray, budget_s: float) -> tuple[int, bool]:
        """The node whose return the officer at ``u`` should keep slack for, and whether it is
        the node just left (its return is then a move away).

        Candidates: the node left just before ``u``, if within the window, and the nodes the
        officer's recovery reaches (``ahead``: first visit times) within ``budget_s`` (the
        slack a lone officer can hold).  The focus is the one with the smallest share.
        """
        share = self.shares()
        left = self.left.copy()
        left[u] = -np.inf
        back = int(np.argmax(left))
        candidates = set(np.flatnonzero(ahead - now <= budget_s).tolist())
        just_left = bool(np.isfinite(left[back]) and now - left[back] <= self.window_s)
        if just_left:
            candidates.add(back)
        candidates.discard(u)
        if not candidates:
            return -1, False
        focus = min(sorted(candidates), key=lambda w: float(share[w]))
        return focus, just_left and focus == back
