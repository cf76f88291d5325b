"""Baseline patrol planners B1-B8, same kinematics and seeds as the shipped planner.

Every baseline is a :class:`Planner`: ``plan(model, *, seed) -> Plan`` on a prepared
:class:`~patrolopt.model.PatrolModel`.  Markov baselines also offer ``chain(model)`` for
the exact metrics of :mod:`patrolopt.markov`.
"""

from __future__ import annotations

from typing import Protocol

from patrolopt.baselines.markov_walks import (
    CaptureOptimalChain,
    MaxEntropyChain,
    UniformRandomWalk,
)
from patrolopt.baselines.reactive import ConscientiousReactive, HeuristicConscientiousReactive
from patrolopt.baselines.tours import FixedTour, PartitionTours, RandomisedTours
from patrolopt.model import PatrolModel
from patrolopt.plan import Plan

__all__ = [
    "CaptureOptimalChain",
    "ConscientiousReactive",
    "FixedTour",
    "HeuristicConscientiousReactive",
    "MaxEntropyChain",
    "PartitionTours",
    "Planner",
    "RandomisedTours",
    "UniformRandomWalk",
    "baselines",
]


class Planner(Protocol):
    """Anything that plans a patrol on a prepared model."""

    @property
    def name(self) -> str:
        """Planner name for tables."""
        ...

    def plan(self, model: PatrolModel, *, seed: int) -> Plan:
        """Plan one day from ``seed``."""
        ...


def baselines(attack_s: float) -> list[Planner]:
    """B1..B8 in order; ``attack_s`` is the attack duration B5 optimises for."""
    return [
        FixedTour(),
        PartitionTours(),
        UniformRandomWalk(),
        MaxEntropyChain(),
        CaptureOptimalChain(attack_s=attack_s),
        ConscientiousReactive(),
        HeuristicConscientiousReactive(),
        RandomisedTours(),
    ]
