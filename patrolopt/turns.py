"""Taking turns: how a team varies its spacing, not only its routes.

Problem: a team's officers share the slack the gap cap leaves (cap - tour / k per team gap).
When every officer spends its share as soon as it is safe (a detour, a hold), each node's gaps
all sit near the cap and the officers stay evenly spaced at that cap: an observer who watches
one officer leave a node knows the next officer will not come back sooner.  The attacker
strikes a node the officer passed shortly before, and is never caught (measured on
DIAG_floor1 with two officers at cap 1.25: three quarters of node 33's gaps were 1.20-1.25
team gaps, and the minimum capture was 0.000 over 20 days).  The spacing can only swing if
some officers keep their pace while another spends its slack.

Rule: the day is cut into stretches of one tour period.  At the start of each, with chance
``share``, it becomes a *turn* stretch: only the officer whose turn it is may make a move
that puts it later on its tour (a detour or a hold); the others take only the moves that
keep their phase (the tour, or a variant of the same length).  The turn passes to another
officer, drawn at random, once the one whose turn it is has gone ``patience`` decisions in
turn stretches without any safe move that would delay it: its spacing has reached the edge
the cap allows.  Outside turn stretches every officer may spend slack as before.  While one
officer spends slack and the others do not, the gap behind it grows towards the cap and the
gap ahead shrinks, so the next officer sometimes comes back early.  Turn stretches cost the
routes some variety (fewer detours), so they are the exception, not the rule: a share of
0.1 lifted the minimum capture on 19 of the 20 benchmark team rows at cap 1.25 (DIAG_floor1
with two officers 0.000 -> 0.019) for 0.001-0.027 nats of H2 (``docs/benchmarks-patrolopt.md``,
eighth round).

This only restricts which of the moves :func:`patrolopt.decide.decide` proved safe an
officer may take, so the deadlines and the cap hold exactly as before.  A lone officer has
no spacing and never takes turns; nor does the online mode (:mod:`patrolopt.online`), which
answers each "where next" on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Turns"]


@dataclass
class Turns:
    """Whose turn it is to spend slack, and whether this stretch is a turn stretch.

    Attributes
    ----------
    officers : int
        Officers of the team (at least 2).
    share : float
        Chance that a stretch is a turn stretch.
    stretch_s : float
        Length of a stretch (the tour period).
    patience : int
        Decisions in turn stretches without a delaying safe move before the turn passes.
    holder : int
        The officer whose turn it is.
    active : bool
        Whether the current stretch is a turn stretch.
    until : float
        End of the current stretch.
    stuck : int
        The holder's decisions in a row without a delaying safe move.
    """

    officers: int
    share: float
    stretch_s: float
    patience: int
    holder: int
    active: bool = False
    until: float = -math.inf
    stuck: int = 0

    @classmethod
    def start(
        cls, officers: int, share: float, stretch_s: float, patience: int, rng: np.random.Generator
    ) -> Turns:
        """A team's turns with the first turn drawn at random."""
        if officers < 2:
            raise ValueError(f"turns need at least 2 officers, got {officers}")
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share must be within [0, 1], got {share}")
        if not (math.isfinite(stretch_s) and stretch_s > 0):
            raise ValueError(f"stretch_s must be > 0, got {stretch_s}")
        if patience < 1:
            raise ValueError(f"patience must be >= 1, got {patience}")
        return cls(officers, share, stretch_s, patience, int(rng.integers(0, officers)))

    def at(self, now: float, rng: np.random.Generator) -> None:
        """Start a new stretch when the current one is over (one draw of ``rng`` if so)."""
        if now >= self.until:
            self.active = bool(rng.random() < self.share)
            self.until = now + self.stretch_s

    def may_delay(self, officer: int) -> bool:
        """Whether ``officer`` may make a move that puts it later on its tour now."""
        return not self.active or officer == self.holder

    def counting(self, officer: int) -> bool:
        """Whether ``officer``'s decisions count towards passing the turn now."""
        return self.active and officer == self.holder

    def after(self, officer: int, could_delay: bool, rng: np.random.Generator) -> None:
        """Count the holder's decision; pass the turn once it has waited ``patience`` of them."""
        if not self.counting(officer):
            return
        self.stuck = 0 if could_delay else self.stuck + 1
        if self.stuck >= self.patience:
            skip = 1 + int(rng.integers(0, self.officers - 1))  # any officer but the holder
            self.holder = (self.holder + skip) % self.officers
            self.stuck = 0
