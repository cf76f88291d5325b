"""Errors raised by :mod:`patrolopt`.

Problem: a planner fed a bad map must say *which* checkpoint or corridor is wrong, so a
supervisor can fix the map instead of guessing.  Every error here carries the offending node
or edge as attributes and in its message.
"""

from __future__ import annotations

__all__ = ["GraphError", "InfeasibleError", "PatrolError"]


class PatrolError(ValueError):
    """Base class of every error raised by patrolopt.

    Parameters
    ----------
    message : str
        Human-readable explanation, naming the node or edge.
    node : str or None
        The offending node id, when there is one.
    edge : tuple of str or None
        The offending edge ``(u, v)``, when there is one.
    """

    def __init__(
        self, message: str, *, node: str | None = None, edge: tuple[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.node = node
        self.edge = edge


class GraphError(PatrolError):
    """The patrol graph or problem is malformed (unknown node, negative time, disconnected)."""


class InfeasibleError(PatrolError):
    """The problem is well formed but no plan can keep its hard constraints."""
