"""Plans: per officer a timed sequence of stops, each with a reason a person understands.

Problem: a plan must be checkable by anyone with their own tools, so it is plain data: for
every officer a list of :class:`Step` (node, arrival time, dwell, reason) plus the seed and
parameters it was produced with (stored for audit, never shown to the people patrolled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Plan", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    """One stop of an officer.

    Parameters
    ----------
    node : str
        Node id.
    arrival_s : float
        Arrival time, seconds from the start of the plan.
    dwell_s : float
        Time spent at the node before leaving.
    reason : str
        Why the officer goes there, in words ("restroom B2: 14 min since last visit, ...").
    """

    node: str
    arrival_s: float
    dwell_s: float
    reason: str

    @property
    def departure_s(self) -> float:
        """Time the officer leaves the node."""
        return self.arrival_s + self.dwell_s

    def to_json(self) -> dict[str, Any]:
        """Return the step as a JSON-ready dictionary."""
        return {
            "node": self.node,
            "arrival_s": round(self.arrival_s, 3),
            "dwell_s": round(self.dwell_s, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Plan:
    """A patrol plan.

    Parameters
    ----------
    officers : tuple of tuple of Step
        Per officer (in the problem's order) the stops in time order.
    seed : int
        Seed the plan was produced with.
    planner : str
        Name of the planner.
    info : dict
        Planner facts for audit (tour period, gap cap, ...), JSON-ready.
    """

    officers: tuple[tuple[Step, ...], ...]
    seed: int
    planner: str = "patrolopt"
    info: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the plan as a JSON-ready dictionary."""
        return {
            "officers": [[s.to_json() for s in steps] for steps in self.officers],
            "seed": self.seed,
            "planner": self.planner,
            **self.info,
        }
